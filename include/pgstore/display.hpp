#pragma once

// Text from files, servers and users, shown in a message: control characters become \xNN, so
// one message stays on one line of a terminal or a CI log and cannot drive the terminal.

#include <cstddef>
#include <string>
#include <string_view>

namespace pgstore {

/// True for the bytes shown as \xNN: the C0 controls and DEL.
[[nodiscard]] constexpr bool is_control_byte(unsigned char byte) noexcept
{
    return byte < 0x20 || byte == 0x7F;
}

/// Appends `\xNN` (lower-case hex) for `byte`.
inline void append_hex_escape(std::string& out, unsigned char byte)
{
    static constexpr char hex[] = "0123456789abcdef";
    out += "\\x";
    out += hex[byte >> 4];
    out += hex[byte & 0xF];
}

/// The length of the C1 control (U+0080 to U+009F, two bytes in UTF-8) at `text[i]`, or 0.
/// Terminals act on C1 controls as they do on C0 ones.
[[nodiscard]] constexpr std::size_t c1_control_at(std::string_view text, std::size_t i) noexcept
{
    return i + 1 < text.size() && static_cast<unsigned char>(text[i]) == 0xC2 &&
                   static_cast<unsigned char>(text[i + 1]) >= 0x80 && static_cast<unsigned char>(text[i + 1]) <= 0x9F
               ? 2
               : 0;
}

/// Appends one character of `text` at `i` for display and returns where the next one starts:
/// a C0, DEL or C1 control as \xNN (C1 by its code point), anything else as it is.
inline std::size_t append_displayed(std::string& out, std::string_view text, std::size_t i)
{
    if (c1_control_at(text, i) != 0) {
        append_hex_escape(out, static_cast<unsigned char>(text[i + 1]));
        return i + 2;
    }
    const auto byte = static_cast<unsigned char>(text[i]);
    if (is_control_byte(byte))
        append_hex_escape(out, byte);
    else
        out += text[i];
    return i + 1;
}

/// `text` with every control character shown as \xNN.
[[nodiscard]] inline std::string escape_controls(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();)
        i = append_displayed(out, text, i);
    return out;
}

} // namespace pgstore
