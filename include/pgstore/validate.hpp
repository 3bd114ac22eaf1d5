#pragma once

#include "config.hpp"
#include "diagnostic.hpp"
#include "display.hpp"
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

/// End of the word that marks what follows as a secret ("password", "passwd", "pwd", "secret"),
/// or npos. A key that lost its separator, or a line joined to the one before by a stray
/// backslash, carries a password inside a key or another setting's value.
inline std::size_t secret_word_end(std::string_view s)
{
    auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; };
    for (std::size_t i = 0; i < s.size(); ++i) {
        // Longest first, so "password" wins over its prefix "pass".
        for (std::string_view word : {"passphrase", "password", "passwd", "pass", "pwd", "secret"}) {
            std::size_t k = 0;
            while (k < word.size() && i + k < s.size() && lower(s[i + k]) == word[k])
                ++k;
            if (k == word.size())
                return i + k;
        }
    }
    return std::string_view::npos;
}

/// Text safe for a terminal or a CI log: control characters (C0, DEL and C1) escaped, anything
/// after a secret-marking word withheld, and at most `limit` bytes, cut at a character boundary.
inline std::string printable(std::string_view text, std::size_t limit)
{
    std::string_view shown = text;
    bool withheld = false;
    if (const auto cut = secret_word_end(text); cut != std::string_view::npos && cut < text.size()) {
        shown = text.substr(0, cut);
        withheld = true;
    }
    std::string out;
    for (std::size_t i = 0; i < shown.size();) {
        if (i >= limit && (static_cast<unsigned char>(shown[i]) & 0xC0) != 0x80) {
            out += "...";
            break;
        }
        i = append_displayed(out, shown, i);
    }
    if (withheld)
        out += "<redacted>";
    return out;
}

/// Quotes a value for a message: at most 60 bytes, made printable, secrets withheld.
inline std::string echo(std::string_view value)
{
    return "`" + printable(value, 60) + "`";
}

/// A key as messages show it: known keys as they are, others made printable and withheld
/// after a secret-marking word (`store.postgres.auth.passwordhunter2` has lost its separator).
inline std::string show_key(std::string_view key)
{
    for (std::string_view known : settings::keys) {
        if (known == key)
            return std::string(key);
    }
    return printable(key, 120);
}

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
