#pragma once

#include "display.hpp"
#include "location.hpp"
#include "secret.hpp"
#include "settings.hpp"
#include "validate.hpp"

#include <algorithm>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace pgstore {

/// How a setting got the value a service will use.
enum class value_state {
    set,        ///< written in a source; `origin` says where
    defaulted,  ///< absent, so the service's default applies
    unset,      ///< absent and without a default
    invalid,    ///< written, but not readable as the setting's type, so there is no value
};

/// One setting's value as the service would use it, ready to print: secrets are redacted.
struct effective_setting {
    std::string_view key;
    std::string value;  ///< text of the typed value; `<redacted>` for a secret
    value_state state = value_state::unset;
    std::optional<location> origin;  ///< where the value was written, for set and invalid
    bool secret = false;             ///< the value is never shown

    /// "default", the origin such as `ekm.properties:8:1`, or nothing for an unset setting.
    [[nodiscard]] std::string origin_text() const
    {
        if (state == value_state::defaulted)
            return "default";
        return origin ? origin->to_string() : std::string();
    }
};

namespace impl {


template <class T>
std::optional<std::string> value_text(const setting<T>& s, const T& v)
{
    if constexpr (std::is_same_v<T, bool>) {
        return std::string(v ? "true" : "false");
    } else if constexpr (std::is_enum_v<T>) {
        return std::string(s.choices[static_cast<std::size_t>(v)]);
    } else if constexpr (std::is_integral_v<T>) {
        return std::to_string(v);
    } else if constexpr (std::is_same_v<T, secret>) {
        return std::string(secret::redacted());
    } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
        std::string joined;
        for (const auto& host : v)
            joined += (joined.empty() ? "" : ",") + escape_controls(host);
        return joined;
    } else if constexpr (std::is_same_v<T, std::optional<std::string>>) {
        if (!v)
            return std::nullopt;
        return escape_controls(*v);
    } else {
        return escape_controls(v);
    }
}

} // namespace impl

/// Every setting of a validation result in the documented order, with its effective value and
/// where that value came from. A value that could not be read shows as `<invalid>`, never as
/// the default the typed config then holds; the findings say what is wrong with it.
[[nodiscard]] inline std::vector<effective_setting>
effective_settings(const validation_result& result)
{
    std::vector<effective_setting> out;
    settings::for_each([&](const auto& s) {
        effective_setting e;
        e.key = s.key;
        e.secret = s.is_secret();
        e.origin = result.origin(s);
        if (!e.origin)
            e.state = s.has_default ? value_state::defaulted : value_state::unset;
        else
            e.state =
                result.parsed[settings::index_of(s.key)] ? value_state::set : value_state::invalid;
        if (e.state == value_state::invalid) {
            e.value = "<invalid>";
        } else if (e.state == value_state::unset) {
            e.value = "<not set>";
        } else {
            e.value = impl::value_text(s, get(result.config, s)).value_or("<not set>");
        }
        out.push_back(std::move(e));
    });
    return out;
}

/// One line per setting, `key  value  origin`, in aligned columns; secrets show as <redacted>.
[[nodiscard]] inline std::string format_effective(const std::vector<effective_setting>& all,
                                                  std::string_view indent = "")
{
    // Long host lists would push every origin far right; past this width a value is not padded.
    constexpr std::size_t max_value_column = 40;
    // Columns on a terminal: a UTF-8 character is one column, whatever its number of bytes.
    auto columns = [](std::string_view text) {
        return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
            return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
        }));
    };
    std::size_t key_width = 0;
    std::size_t value_width = 0;
    for (const auto& e : all) {
        key_width = std::max(key_width, e.key.size());
        if (columns(e.value) <= max_value_column)
            value_width = std::max(value_width, columns(e.value));
    }

    std::string out;
    for (const auto& e : all) {
        out += indent;
        out += e.key;
        out.append(key_width - e.key.size() + 2, ' ');
        out += e.value;
        const std::string origin = e.origin_text();
        if (!origin.empty()) {
            const std::size_t width = columns(e.value);
            out.append(width < value_width ? value_width - width + 2 : 2, ' ');
            out += origin;
        }
        out += '\n';
    }
    return out;
}

} // namespace pgstore
