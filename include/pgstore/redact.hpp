#pragma once

// Text that may carry a secret, shown in a message: a key that lost its separator
// (`store.postgres.auth.passwordhunter2`) or a line joined to the one before by a stray backslash
// holds a password where no secret is expected, so everything after a secret-marking word is
// withheld, and control characters are escaped as display.hpp does.

#include "display.hpp"
#include "secret.hpp"
#include "settings.hpp"
#include "suggest.hpp"

#include <cstddef>
#include <string>
#include <string_view>

namespace pgstore::impl {

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

/// End of a word of a key that is a misspelt password word (`pasword`, `Passwrd`, `paswd`,
/// `pswd`, `pw`), or npos. A key that lost its separator after such a word carries the password
/// right after it, in the same word or the next.
inline std::size_t misspelt_secret_word_end(std::string_view key)
{
    struct near_word {
        std::string_view word;
        std::size_t tolerance;
    };
    constexpr near_word words[] = {{"password", 2}, {"passwd", 1}, {"pswd", 0}, {"pwd", 0}, {"pw", 0}};
    for (std::size_t begin = 0; begin < key.size();) {
        const std::size_t dot = std::min(key.find('.', begin), key.size());
        const std::string_view part = key.substr(begin, dot - begin);
        std::size_t best = std::string_view::npos;
        std::size_t best_distance = 3;
        for (const near_word& w : words) {
            const std::size_t shortest = std::max<std::size_t>(2, w.word.size() - w.tolerance);
            for (std::size_t n = shortest; n <= std::min(part.size(), w.word.size() + w.tolerance); ++n) {
                const std::size_t d = edit_distance(part.substr(0, n), w.word, w.tolerance);
                if (d <= w.tolerance && d < best_distance) {
                    best_distance = d;
                    best = n;
                }
            }
        }
        if (best != std::string_view::npos)
            return begin + best;
        begin = dot + 1;
    }
    return std::string_view::npos;
}

/// Where a key's secret may begin: after its first secret word, spelt right or not; npos if none.
inline std::size_t secret_in_key_at(std::string_view key)
{
    return std::min(misspelt_secret_word_end(key), secret_word_end(key));
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
        out += secret::redacted();
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
    // printable() withholds after a secret word itself; this also covers misspelt ones.
    const std::size_t cut = secret_in_key_at(key);
    if (cut < key.size())
        return printable(key.substr(0, cut), 120) + std::string(secret::redacted());
    return printable(key, 120);
}

} // namespace pgstore::impl
