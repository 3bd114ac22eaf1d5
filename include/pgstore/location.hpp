#pragma once

#include "display.hpp"

#include <cstdint>
#include <string>

namespace pgstore {

/// A place in a source of settings: a file position, or a non-file origin such as an environment
/// variable. Line and column are 1-based; line 0 means "the whole source". Columns count bytes,
/// which is what Java counts too, since it reads .properties streams as ISO-8859-1.
struct location {
    std::string source;
    std::uint32_t line = 0;
    std::uint32_t column = 0;

    /// True when the location names a line inside the source.
    [[nodiscard]] bool has_position() const noexcept { return line != 0; }

    /// "file:line:col", or just "file" when there is no position; for display, so control
    /// characters in the file name are shown as \xNN.
    [[nodiscard]] std::string to_string() const
    {
        if (!has_position())
            return escape_controls(source);
        return escape_controls(source) + ':' + std::to_string(line) + ':' + std::to_string(column);
    }

    friend bool operator==(const location& a, const location& b) noexcept
    {
        return a.source == b.source && a.line == b.line && a.column == b.column;
    }
    friend bool operator!=(const location& a, const location& b) noexcept { return !(a == b); }
};

} // namespace pgstore
