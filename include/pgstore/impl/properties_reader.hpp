#pragma once

// The reader has two stages. Stage one joins natural lines into logical lines the way the
// JDK's Properties.LineReader does, remembering where every piece came from. Stage two is a
// Spirit X3 grammar that splits a logical line into key and value and resolves escapes.

#include "../properties.hpp"
#include "../redact.hpp"

#include <boost/spirit/home/x3.hpp>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <sstream>
#include <system_error>
#include <utility>

namespace pgstore {
namespace impl {

/// Where a run of a logical line starts in the file.
struct line_piece {
    std::size_t offset;  // in the logical line
    std::uint32_t line;
    std::uint32_t column;
};

struct logical_line {
    std::string text;
    std::vector<line_piece> pieces;

    [[nodiscard]] location locate(std::size_t offset, const std::string& source) const
    {
        auto it = std::upper_bound(pieces.begin(), pieces.end(), offset,
                                   [](std::size_t off, const line_piece& p) { return off < p.offset; });
        const line_piece& piece = (it == pieces.begin()) ? pieces.front() : *std::prev(it);
        auto column = piece.column + static_cast<std::uint32_t>(offset - piece.offset);
        return location{source, piece.line, column};
    }
};

/// Stage one: a faithful copy of the JDK's LineReader state machine, over bytes.
class line_joiner {
public:
    explicit line_joiner(std::string_view text) : in_(text) {}

    /// The next logical line, or false at the end of the input.
    bool next(logical_line& out)
    {
        out.text.clear();
        out.pieces.clear();
        bool skip_blanks = true;
        bool continued = false;  // the JDK's appendedLineBegin
        bool odd_backslashes = false;
        bool start_piece = true;

        while (true) {
            if (pos_ >= in_.size()) {
                if (out.text.empty())
                    return false;
                if (odd_backslashes)
                    out.text.pop_back();
                return true;
            }
            const char c = in_[pos_];
            const bool is_break = c == '\r' || c == '\n';

            if (skip_blanks) {
                if (c == ' ' || c == '\t' || c == '\f') {
                    ++pos_;
                    continue;
                }
                if (!continued && is_break) {
                    consume_break();
                    continue;
                }
                skip_blanks = false;
                continued = false;
            }
            if (out.text.empty() && (c == '#' || c == '!')) {
                // A comment runs to the end of its natural line; a backslash does not extend it.
                while (pos_ < in_.size() && in_[pos_] != '\r' && in_[pos_] != '\n')
                    ++pos_;
                if (pos_ >= in_.size())
                    return false;
                consume_break();
                skip_blanks = true;
                continue;
            }
            if (!is_break) {
                if (start_piece) {
                    out.pieces.push_back({out.text.size(), line_, column()});
                    start_piece = false;
                }
                out.text.push_back(c);
                ++pos_;
                odd_backslashes = (c == '\\') ? !odd_backslashes : false;
                continue;
            }

            consume_break();
            if (out.text.empty()) {
                skip_blanks = true;
                continue;
            }
            if (pos_ >= in_.size()) {
                // The JDK returns here even when dropping the backslash leaves nothing.
                if (odd_backslashes)
                    out.text.pop_back();
                return true;
            }
            if (!odd_backslashes)
                return true;
            out.text.pop_back();
            skip_blanks = true;
            continued = true;
            odd_backslashes = false;
            start_piece = true;
            if (c == '\r' && in_[pos_] == '\n')
                consume_break();
        }
    }

private:
    std::uint32_t column() const { return static_cast<std::uint32_t>(pos_ - line_start_ + 1); }

    // Consumes one \r or \n; a \n right after a \r ends the same natural line.
    void consume_break()
    {
        const bool lf_after_cr = in_[pos_] == '\n' && pos_ > 0 && in_[pos_ - 1] == '\r';
        ++pos_;
        if (!lf_after_cr)
            ++line_;
        line_start_ = pos_;
    }

    std::string_view in_;
    std::size_t pos_ = 0;
    std::size_t line_start_ = 0;
    std::uint32_t line_ = 1;
};

inline void append_utf8(std::string& out, std::uint32_t cp)
{
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        // Lone surrogates land here too, encoded like any other unit, so nothing is lost.
        out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
}

/// Builds the decoded text from UTF-16 units and ISO-8859-1 bytes, pairing surrogates.
struct unescaper {
    std::string out;
    std::uint32_t high_surrogate = 0;
    std::string_view::const_iterator region_begin{};
    std::vector<std::size_t> malformed;  // offsets of malformed \u escapes in the region

    void flush()
    {
        if (high_surrogate != 0)
            append_utf8(out, high_surrogate);
        high_surrogate = 0;
    }
    void unit(std::uint32_t u)
    {
        if (high_surrogate != 0 && u >= 0xDC00 && u <= 0xDFFF) {
            append_utf8(out, 0x10000 + ((high_surrogate - 0xD800) << 10) + (u - 0xDC00));
            high_surrogate = 0;
            return;
        }
        flush();
        if (u >= 0xD800 && u <= 0xDBFF)
            high_surrogate = u;
        else
            append_utf8(out, u);
    }
    void byte(char c)
    {
        flush();
        append_utf8(out, static_cast<unsigned char>(c));
    }
};

namespace grammar {
namespace x3 = boost::spirit::x3;

struct unescaper_tag;

inline const auto blank = x3::char_(" \t\f");
inline const auto separator = x3::char_("=:");
inline const auto key_char = (x3::char_('\\') >> (x3::char_ | x3::eoi)) | ~x3::char_(" \t\f=:\\");
/// After the key: one separator and blanks, or blanks with at most one separator among them.
inline const auto key_end = (separator >> *blank) | (+blank >> -(separator >> *blank)) | x3::eps;

inline const auto on_unit = [](auto& ctx) {
    x3::get<unescaper_tag>(ctx).get().unit(x3::_attr(ctx));
};
inline const auto on_malformed = [](auto& ctx) {
    auto& u = x3::get<unescaper_tag>(ctx).get();
    u.malformed.push_back(static_cast<std::size_t>(x3::_attr(ctx).begin() - u.region_begin));
    u.byte('\\');
    u.byte('u');
};
inline const auto on_escape = [](auto& ctx) {
    const char c = x3::_attr(ctx);
    auto& u = x3::get<unescaper_tag>(ctx).get();
    switch (c) {
    case 't': u.byte('\t'); break;
    case 'r': u.byte('\r'); break;
    case 'n': u.byte('\n'); break;
    case 'f': u.byte('\f'); break;
    default: u.byte(c); break;  // Java drops the backslash before any other character
    }
};
inline const auto on_plain = [](auto& ctx) {
    x3::get<unescaper_tag>(ctx).get().byte(x3::_attr(ctx));
};

inline const auto hex4 = x3::uint_parser<std::uint32_t, 16, 4, 4>{};
inline const auto escaped_text = *((x3::lit("\\u") >> hex4)[on_unit]
                                   | x3::raw[x3::lit("\\u")][on_malformed]
                                   | (x3::lit('\\') >> x3::char_)[on_escape]
                                   | (~x3::char_('\\'))[on_plain]);
} // namespace grammar

/// Resolves the escapes of one key or value region.
inline unescaper unescape(std::string_view region)
{
    namespace x3 = boost::spirit::x3;
    unescaper u;
    u.region_begin = region.begin();
    auto first = region.begin();
    x3::parse(first, region.end(), x3::with<grammar::unescaper_tag>(std::ref(u))[grammar::escaped_text]);
    u.flush();
    return u;
}

/// Offset of the unescaped blanks that end `text` in [begin, end), if any.
inline std::optional<std::size_t> trailing_blanks(std::string_view text, std::size_t begin, std::size_t end)
{
    auto is_blank = [](char c) { return c == ' ' || c == '\t' || c == '\f'; };
    std::size_t first = end;
    while (first > begin && is_blank(text[first - 1]))
        --first;
    if (first == end)
        return std::nullopt;
    // An odd run of backslashes before the first blank escapes it; the rest stay raw.
    std::size_t slashes = 0;
    while (first - slashes > begin && text[first - slashes - 1] == '\\')
        ++slashes;
    if (slashes % 2 == 1)
        ++first;
    if (first == end)
        return std::nullopt;
    return first;
}

inline std::optional<std::size_t> first_non_ascii(std::string_view text, std::size_t begin, std::size_t end)
{
    for (std::size_t i = begin; i < end; ++i) {
        if (static_cast<unsigned char>(text[i]) >= 0x80)
            return i;
    }
    return std::nullopt;
}

// A continuation line of the value that starts like a store key: the key up to its separator.
inline std::string joined_store_key(const logical_line& line, std::size_t value_begin)
{
    constexpr std::string_view prefix = "store.";
    const std::string_view text = line.text;
    for (const line_piece& piece : line.pieces) {
        if (piece.offset < value_begin || piece.offset == 0 || text.compare(piece.offset, prefix.size(), prefix) != 0)
            continue;
        const std::size_t end = text.find_first_of("=: \t\f", piece.offset);
        const std::size_t stop = end == std::string_view::npos ? text.size() : end;
        if (stop > piece.offset + prefix.size())
            return std::string(text.substr(piece.offset, stop - piece.offset));
    }
    return {};
}

inline void report_malformed(property_file& file, const logical_line& line, std::size_t region_begin,
                             const unescaper& u, const std::string& key)
{
    // Java stops at the first one, so one finding per key or value names it and counts the rest;
    // a finding per escape would make a line of many escapes quadratic.
    if (u.malformed.empty())
        return;
    diagnostic d;
    d.level = severity::error;
    d.rule = "malformed-unicode-escape";
    d.key = show_key(key);  // a damaged key may hold a password
    d.where = line.locate(region_begin + u.malformed.front(), file.source);
    d.message = "malformed \\uXXXX escape: expected four hex digits after \\u";
    if (const std::size_t more = u.malformed.size() - 1; more > 0)
        d.message += " (and " + std::to_string(more) + " more on this line)";
    d.hint = "write \\u and exactly four hex digits, or \\\\u for a backslash and a u; "
             "Java's Properties.load throws on this file and the service will not start";
    file.problems.push_back(std::move(d));
}

} // namespace impl

PGSTORE_FUNC property_file read_properties(std::string_view text, std::string source)
{
    namespace x3 = boost::spirit::x3;
    property_file file;
    file.source = std::move(source);

    impl::line_joiner joiner(text);
    impl::logical_line line;
    while (joiner.next(line)) {
        const std::string_view buf = line.text;
        auto it = buf.begin();
        x3::parse(it, buf.end(), *impl::grammar::key_char);
        const auto key_end = static_cast<std::size_t>(it - buf.begin());
        x3::parse(it, buf.end(), impl::grammar::key_end);
        const auto value_begin = static_cast<std::size_t>(it - buf.begin());

        const std::string_view key_region = buf.substr(0, key_end);
        const std::string_view value_region = buf.substr(value_begin);
        impl::unescaper key = impl::unescape(key_region);
        impl::unescaper value = impl::unescape(value_region);

        property p;
        p.key = std::move(key.out);
        p.value = std::move(value.out);
        p.key_at = line.locate(0, file.source);
        p.value_at = line.locate(value_begin, file.source);
        if (auto off = impl::trailing_blanks(buf, value_begin, buf.size()))
            p.trailing_space_at = line.locate(*off, file.source);
        auto non_ascii = impl::first_non_ascii(buf, 0, key_end);
        if (!non_ascii)
            non_ascii = impl::first_non_ascii(buf, value_begin, buf.size());
        if (non_ascii)
            p.non_ascii_at = line.locate(*non_ascii, file.source);
        p.value_verbatim = value_region.find('\\') == std::string_view::npos
                           && !impl::first_non_ascii(buf, value_begin, buf.size())
                           && line.pieces.back().offset <= value_begin;

        if (line.pieces.size() > 1)
            p.joined_key = impl::joined_store_key(line, value_begin);
        if (!key.malformed.empty())
            impl::report_malformed(file, line, 0, key, p.key);
        if (!value.malformed.empty())
            impl::report_malformed(file, line, value_begin, value, p.key);
        file.entries.push_back(std::move(p));
    }
    return file;
}

PGSTORE_FUNC std::optional<std::string> read_file(const std::string& path, std::string& error)
{
    namespace fs = std::filesystem;
    std::error_code ec;
    const fs::file_status status = fs::status(path, ec);
    if (ec) {
        error = ec.message();
        return std::nullopt;
    }
    if (fs::is_directory(status)) {
        error = "is a directory";
        return std::nullopt;
    }
    // Devices and pipes could block or never end; a settings file is always a regular file.
    if (!fs::is_regular_file(status)) {
        error = "is not a regular file";
        return std::nullopt;
    }
    if (fs::file_size(path, ec) > max_file_bytes) {
        error = "is larger than " + std::to_string(max_file_bytes >> 20) + " MiB, far more than a settings file";
        return std::nullopt;
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        error = std::strerror(errno);
        return std::nullopt;
    }
    // istream::read turns a failing read into badbit instead of letting the exception escape.
    std::string bytes;
    char buffer[65536];
    while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
        bytes.append(buffer, static_cast<std::size_t>(in.gcount()));
        if (bytes.size() > max_file_bytes) {
            error = "grew past " + std::to_string(max_file_bytes >> 20) + " MiB while being read";
            return std::nullopt;
        }
    }
    if (in.bad()) {
        error = "read error";
        return std::nullopt;
    }
    return bytes;
}

PGSTORE_FUNC std::optional<property_file> load_properties(const std::string& path, std::string& error)
{
    auto bytes = read_file(path, error);
    if (!bytes)
        return std::nullopt;
    return read_properties(*bytes, path);
}

} // namespace pgstore
