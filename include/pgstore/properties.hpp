#pragma once

#include "config.hpp"
#include "diagnostic.hpp"
#include "location.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pgstore {

/// One `key=value` assignment as java.util.Properties.load reads it, with where it was written.
/// Key and value are decoded (escapes resolved, continuation lines joined) and held as UTF-8 of
/// the text Java sees: bytes of the file are ISO-8859-1 characters, as in load(InputStream).
struct property {
    std::string key;
    std::string value;
    location key_at;    ///< first character of the key
    location value_at;  ///< first character of the value, or the end of the line when empty
    /// Unescaped white space at the end of the value, which Java keeps.
    std::optional<location> trailing_space_at;
    /// First byte above 0x7F in the key or the value; Java reads it as ISO-8859-1.
    std::optional<location> non_ascii_at;
    /// The value is written on one line as plain ASCII without escapes, so an offset into it
    /// is also a column offset from value_at.
    bool value_verbatim = true;
    /// The key of a store.* line that a backslash at the end of the line before joined into this
    /// value (`store.postgres.auth.password`); empty when no such line was joined.
    std::string joined_key;

    /// Where the byte at `offset` of the value was written; exact when value_verbatim,
    /// otherwise the start of the value.
    [[nodiscard]] location value_location(std::size_t offset) const
    {
        location at = value_at;
        if (value_verbatim)
            at.column += static_cast<std::uint32_t>(offset);
        return at;
    }
};

/// A whole .properties source: every assignment in file order, duplicates included.
struct property_file {
    std::string source;
    std::vector<property> entries;
    /// Problems of the file itself, such as a malformed \uXXXX escape, which makes Java's
    /// Properties.load throw; the entry is still kept with the escape left as written.
    diagnostics problems;

    /// The assignment Java would use for this key (the last one), or nullptr.
    [[nodiscard]] const property* find(std::string_view key) const noexcept
    {
        for (auto it = entries.rbegin(); it != entries.rend(); ++it) {
            if (it->key == key)
                return &*it;
        }
        return nullptr;
    }
};

/// Reads .properties text exactly as java.util.Properties.load(InputStream) does.
/// `source` names the text in locations (usually the file path).
[[nodiscard]] PGSTORE_FUNC property_file read_properties(std::string_view text, std::string source);

/// The largest file read_file accepts: far beyond any settings file, small enough to hold.
inline constexpr std::size_t max_file_bytes = std::size_t{64} << 20;

/// Reads a regular file's bytes; on failure returns std::nullopt and sets `error` to the reason.
[[nodiscard]] PGSTORE_FUNC std::optional<std::string> read_file(const std::string& path,
                                                                std::string& error);

/// Reads a .properties file; on failure returns std::nullopt and sets `error` to the reason.
[[nodiscard]] PGSTORE_FUNC std::optional<property_file> load_properties(const std::string& path,
                                                                       std::string& error);

} // namespace pgstore

#if PGSTORE_HEADER_ONLY || defined(PGSTORE_IMPLEMENTATION)
#include "impl/properties_reader.hpp"
#endif
