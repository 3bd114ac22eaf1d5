#pragma once

#include "config.hpp"
#include "diagnostic.hpp"
#include "display.hpp"
#include "redact.hpp"
#include "hikari.hpp"
#include "host.hpp"
#include "pool.hpp"
#include "properties.hpp"
#include "rules.hpp"
#include "settings.hpp"
#include "suggest.hpp"

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pgstore {

/// The kind of deployment a configuration is checked for.
enum class profile { standard, production };

/// What validation needs to know beyond the file itself.
struct validation_options {
    /// CPU cores of the machine the service runs on; 0 detects this machine's (cgroup-aware).
    std::uint32_t cores = 0;
    /// Seconds after which a load balancer, NAT, firewall or proxy cuts connections, if any.
    std::optional<std::uint32_t> infra_limit_seconds;
    profile deployment = profile::standard;
};

/// The typed settings and every finding about them.
struct validation_result {
    store_config config;
    diagnostics findings;
    /// Where each setting's value came from, by index in settings::keys; empty for defaults.
    std::array<std::optional<location>, settings::count> origins{};
    /// Whether each written value could be read, by index in settings::keys; where it could not,
    /// `config` holds the default instead.
    std::array<bool, settings::count> parsed{};

    /// True when no finding is an error, so `config` holds what the service would use.
    [[nodiscard]] bool ok() const noexcept { return !has_errors(findings); }

    /// Where a setting's value came from, or nullopt when it is the default or absent.
    template <class T>
    [[nodiscard]] const std::optional<location>& origin(const setting<T>& s) const
    {
        return origins[settings::index_of(s.key)];
    }
};

namespace impl {

inline bool starts_with(std::string_view s, std::string_view prefix)
{
    return s.substr(0, prefix.size()) == prefix;
}

inline bool iequals(std::string_view a, std::string_view b)
{
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
            return false;
    }
    return true;
}

/// Java's Integer.parseInt over ASCII: an optional sign and decimal digits within int range.
inline std::optional<std::int64_t> parse_java_int(std::string_view s)
{
    std::size_t i = 0;
    bool negative = false;
    if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
        negative = s[0] == '-';
        i = 1;
    }
    if (i == s.size())
        return std::nullopt;
    std::int64_t v = 0;
    for (; i < s.size(); ++i) {
        if (s[i] < '0' || s[i] > '9')
            return std::nullopt;
        v = v * 10 + (s[i] - '0');
        if (v > 2147483648LL)
            return std::nullopt;
    }
    v = negative ? -v : v;
    if (v > 2147483647LL)
        return std::nullopt;
    return v;
}

inline constexpr std::string_view placeholder_passwords[] = {"!CHANGE THIS!", "your_postgres_pwd"};

} // namespace impl

/// Checks store settings given as properties (from a file or any other source) and returns the
/// typed configuration with every finding; it never stops at the first problem.
[[nodiscard]] PGSTORE_FUNC validation_result validate(const std::vector<property>& entries, std::string source,
                                                      const validation_options& options = {});

/// Checks a .properties file read by read_properties or load_properties, including the
/// reader's own findings such as malformed escapes.
[[nodiscard]] PGSTORE_FUNC validation_result validate(const property_file& file,
                                                      const validation_options& options = {});

} // namespace pgstore

#if PGSTORE_HEADER_ONLY || defined(PGSTORE_IMPLEMENTATION)
#include "impl/validator.hpp"
#endif
