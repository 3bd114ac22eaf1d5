#pragma once

#include "location.hpp"

#include <algorithm>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pgstore {

/// How bad a finding is. The order is significant: later is worse.
enum class severity { note, warning, error };

/// "note", "warning" or "error".
[[nodiscard]] constexpr std::string_view to_string(severity s) noexcept
{
    switch (s) {
    case severity::note: return "note";
    case severity::warning: return "warning";
    case severity::error: return "error";
    }
    return "error";
}

/// One finding about a configuration: what is wrong, where, and what to do about it.
/// Messages never contain a secret's value; the rule that builds a message makes sure of that.
struct diagnostic {
    severity level = severity::error;
    std::string rule;                 ///< stable id such as "unknown-key"
    std::string key;                  ///< the setting concerned, empty for the file as a whole
    location where;                   ///< where the problem is
    std::string message;              ///< lower-case, no full stop: "expected X, saw Y"
    std::string hint;                 ///< what to do about it
    std::optional<location> related;  ///< a second place that explains the first
    std::string related_message;      ///< what the second place is

    /// Text form, one or more lines: `file:line:col: severity: message [rule]`, then the hint
    /// indented on a line of its own, then the related place as a note.
    [[nodiscard]] std::string to_string() const
    {
        std::string out = where.to_string();
        out += ": ";
        out += pgstore::to_string(level);
        out += ": ";
        out += message;
        out += " [";
        out += rule;
        out += "]\n";
        if (!hint.empty()) {
            out += "  hint: ";
            out += hint;
            out += '\n';
        }
        if (related) {
            out += related->to_string();
            out += ": note: ";
            out += related_message;
            out += '\n';
        }
        return out;
    }
};

/// Every finding of one run, in the order they were made.
using diagnostics = std::vector<diagnostic>;

/// How many findings have exactly this severity.
[[nodiscard]] inline std::size_t count(const diagnostics& all, severity level) noexcept
{
    return static_cast<std::size_t>(std::count_if(
        all.begin(), all.end(), [level](const diagnostic& d) { return d.level == level; }));
}

/// True when at least one finding is an error.
[[nodiscard]] inline bool has_errors(const diagnostics& all) noexcept
{
    return count(all, severity::error) != 0;
}

/// Orders findings by source, line and column, keeping the order of findings at one place.
inline void sort_by_location(diagnostics& all)
{
    // Sorting indices, not diagnostics: a stable sort of the large diagnostic type costs every
    // translation unit that validates a good deal of generated code.
    std::vector<std::size_t> order(all.size());
    for (std::size_t i = 0; i < order.size(); ++i)
        order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&all](std::size_t x, std::size_t y) {
        const location& a = all[x].where;
        const location& b = all[y].where;
        if (a.source != b.source)
            return a.source < b.source;
        if (a.line != b.line)
            return a.line < b.line;
        return a.column < b.column;
    });
    diagnostics sorted;
    sorted.reserve(all.size());
    for (const std::size_t i : order)
        sorted.push_back(std::move(all[i]));
    all = std::move(sorted);
}

} // namespace pgstore
