#pragma once

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace pgstore {

/// What is wrong with one item of a host list.
enum class host_problem {
    none,
    empty,       ///< nothing between two commas, or a comma at either end
    with_port,   ///< "db1:5433": every host shares store.postgres.port
    invalid,     ///< not a host name, IPv4 or IPv6 literal
};

/// One item of a comma-separated host list, checked.
struct host_item {
    std::string_view text;     ///< the item as written, white space included
    std::string_view host;     ///< the item without surrounding white space or IPv6 brackets
    std::size_t offset = 0;    ///< where `text` starts in the list
    bool padded = false;       ///< white space around the item
    host_problem problem = host_problem::none;
    std::string reason;        ///< why it is invalid, for host_problem::invalid
};

namespace impl {

inline bool all_digits(std::string_view s)
{
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

inline bool is_ipv4(std::string_view s)
{
    int parts = 0;
    while (true) {
        const auto dot = s.find('.');
        const std::string_view part = s.substr(0, dot);
        if (!all_digits(part) || part.size() > 3 || std::stoi(std::string(part)) > 255)
            return false;
        ++parts;
        if (dot == std::string_view::npos)
            break;
        s.remove_prefix(dot + 1);
    }
    return parts == 4;
}

inline bool is_ipv6(std::string_view s)
{
    if (const auto zone = s.find('%'); zone != std::string_view::npos) {
        const auto id = s.substr(zone + 1);
        if (id.empty() || !std::all_of(id.begin(), id.end(), [](char c) {
                return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '.' || c == '-';
            }))
            return false;
        s = s.substr(0, zone);
    }
    const auto gap = s.find("::");
    if (gap != std::string_view::npos && s.find("::", gap + 1) != std::string_view::npos)
        return false;

    // Counts the 16-bit groups of one side of "::"; a dotted IPv4 tail counts as two.
    auto groups = [](std::string_view side, bool may_end_in_ipv4) -> int {
        if (side.empty())
            return 0;
        int n = 0;
        while (true) {
            const auto colon = side.find(':');
            const std::string_view g = side.substr(0, colon);
            if (colon == std::string_view::npos && may_end_in_ipv4 && g.find('.') != std::string_view::npos)
                return is_ipv4(g) ? n + 2 : -1;
            if (g.empty() || g.size() > 4 || !std::all_of(g.begin(), g.end(), [](char c) {
                    return std::isxdigit(static_cast<unsigned char>(c)) != 0;
                }))
                return -1;
            ++n;
            if (colon == std::string_view::npos)
                return n;
            side.remove_prefix(colon + 1);
        }
    };
    if (gap == std::string_view::npos)
        return groups(s, true) == 8;
    const int left = groups(s.substr(0, gap), false);
    const int right = groups(s.substr(gap + 2), true);
    return left >= 0 && right >= 0 && left + right <= 7;
}

// Host names as resolvers take them: RFC 1123 labels, plus '_' which resolvers accept too.
inline bool is_host_name(std::string_view s, std::string& reason)
{
    if (!s.empty() && s.back() == '.')
        s.remove_suffix(1);
    if (s.size() > 253) {
        reason = "a host name has at most 253 characters";
        return false;
    }
    while (true) {
        const auto dot = s.find('.');
        const std::string_view label = s.substr(0, dot);
        if (label.empty()) {
            reason = "empty label between dots";
            return false;
        }
        if (label.size() > 63) {
            reason = "a label has at most 63 characters";
            return false;
        }
        for (char c : label) {
            if (std::isalnum(static_cast<unsigned char>(c)) == 0 && c != '-' && c != '_') {
                reason = std::string("character '") + c + "' is not allowed in a host name";
                if (static_cast<unsigned char>(c) < 0x21 || static_cast<unsigned char>(c) > 0x7E)
                    reason = "only letters, digits, '-', '_' and '.' are allowed in a host name";
                return false;
            }
        }
        if (label.front() == '-' || label.back() == '-') {
            reason = "a label must not start or end with '-'";
            return false;
        }
        if (dot == std::string_view::npos)
            return true;
        s.remove_prefix(dot + 1);
    }
}

inline std::string_view trim_blanks(std::string_view s)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
}

} // namespace impl

/// Checks one host: a name, an IPv4 literal, or an IPv6 literal with or without brackets.
[[nodiscard]] inline host_item check_host(std::string_view text, std::size_t offset = 0)
{
    host_item item;
    item.text = text;
    item.offset = offset;
    item.host = impl::trim_blanks(text);
    item.padded = item.host.size() != text.size();
    std::string_view h = item.host;

    if (h.empty()) {
        item.problem = host_problem::empty;
        return item;
    }
    if (h.front() == '[') {
        const auto close = h.find(']');
        if (close != std::string_view::npos && close + 1 < h.size() && h[close + 1] == ':') {
            item.problem = host_problem::with_port;
        } else if (close == h.size() - 1 && impl::is_ipv6(h.substr(1, close - 1))) {
            item.host = h.substr(1, close - 1);
        } else {
            item.problem = host_problem::invalid;
            item.reason = "expected an IPv6 address between '[' and ']'";
        }
        return item;
    }
    if (const auto colon = h.find(':'); colon != std::string_view::npos) {
        if (h.find(':', colon + 1) == std::string_view::npos && impl::all_digits(h.substr(colon + 1))) {
            item.problem = host_problem::with_port;
        } else if (!impl::is_ipv6(h)) {
            item.problem = host_problem::invalid;
            item.reason = "not a valid IPv6 address";
        }
        return item;
    }
    const bool looks_numeric =
        std::all_of(h.begin(), h.end(), [](char c) { return (c >= '0' && c <= '9') || c == '.'; });
    if (looks_numeric) {
        if (!impl::is_ipv4(h)) {
            item.problem = host_problem::invalid;
            item.reason = "not a valid IPv4 address (four numbers 0-255 separated by dots)";
        }
        return item;
    }
    if (!impl::is_host_name(h, item.reason))
        item.problem = host_problem::invalid;
    return item;
}

/// Splits a comma-separated host list and checks every item, empty ones included.
[[nodiscard]] inline std::vector<host_item> check_host_list(std::string_view list)
{
    std::vector<host_item> items;
    std::size_t start = 0;
    while (true) {
        const auto comma = list.find(',', start);
        const auto end = (comma == std::string_view::npos) ? list.size() : comma;
        items.push_back(check_host(list.substr(start, end - start), start));
        if (comma == std::string_view::npos)
            return items;
        start = comma + 1;
    }
}

} // namespace pgstore
