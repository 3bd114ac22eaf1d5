#pragma once

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pgstore {

namespace impl {
constexpr char ascii_lower(char c) noexcept
{
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}
} // namespace impl

/// Edit distance with adjacent transpositions (optimal string alignment), ignoring ASCII letter
/// case, since a swapped pair is the commonest typo in a key. Stops early and returns
/// `limit + 1` once the distance is known to exceed `limit`; every key of a large service file
/// is compared with every setting, so the cut-off matters.
[[nodiscard]] inline std::size_t edit_distance(std::string_view a, std::string_view b,
                                               std::size_t limit = static_cast<std::size_t>(-1) - 1)
{
    const std::size_t gap = a.size() > b.size() ? a.size() - b.size() : b.size() - a.size();
    if (gap > limit)
        return limit + 1;
    // Each edit changes the letter counts by at most two, so half their difference is a lower
    // bound; it rules out nearly every unrelated key without filling the table.
    int counts[128] = {};
    for (char c : a)
        ++counts[static_cast<unsigned char>(impl::ascii_lower(c)) & 127];
    for (char c : b)
        --counts[static_cast<unsigned char>(impl::ascii_lower(c)) & 127];
    std::size_t unmatched = 0;
    for (int n : counts)
        unmatched += static_cast<std::size_t>(n < 0 ? -n : n);
    if ((unmatched + 1) / 2 > limit)
        return limit + 1;
    auto same = [](char x, char y) { return impl::ascii_lower(x) == impl::ascii_lower(y); };
    std::vector<std::size_t> before(b.size() + 1), previous(b.size() + 1), current(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j)
        previous[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        current[0] = i;
        std::size_t row_min = current[0];
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t cost = same(a[i - 1], b[j - 1]) ? 0 : 1;
            current[j] = std::min({previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost});
            if (i > 1 && j > 1 && same(a[i - 1], b[j - 2]) && same(a[i - 2], b[j - 1]))
                current[j] = std::min(current[j], before[j - 2] + 1);
            row_min = std::min(row_min, current[j]);
        }
        // A transposition reaches back two rows, so both must be past the limit to stop.
        const std::size_t previous_min = *std::min_element(previous.begin(), previous.end());
        if (row_min > limit && previous_min > limit)
            return limit + 1;
        before.swap(previous);
        previous.swap(current);
    }
    return std::min(previous[b.size()], limit + 1);
}

namespace impl {

/// The words of a key after `store.` and `postgres.`, lower-cased and run together, without a
/// last word that names a unit: `store.postgres.Idle_Timeout.ms` -> "idletimeout".
inline std::string key_stem(std::string_view key)
{
    std::string out;
    std::size_t last_word = 0;
    for (char c : key) {
        if (c == '.' || c == '_' || c == '-') {
            last_word = out.size();
            continue;
        }
        out += ascii_lower(c);
    }
    for (std::string_view unit : {"seconds", "secs", "sec", "millis", "ms"}) {
        if (std::string_view(out).substr(last_word) == unit && last_word > 0) {
            out.resize(last_word);
            break;
        }
    }
    for (std::string_view prefix : {"store", "postgres"}) {
        if (std::string_view(out).substr(0, prefix.size()) == prefix)
            out.erase(0, prefix.size());
    }
    return out;
}

} // namespace impl

/// The known key an unknown one was most likely meant to be: the nearest by edit distance when
/// close enough, else one that only adds a last word to it, else one that ends with the same last
/// word (store.postgres.password -> store.postgres.auth.password), else the only one whose words
/// contain the unknown key's words (store.postgres.idle.timeout ->
/// store.postgres.connection.idletimeout.seconds). Nothing when no key fits.
template <class Keys>
[[nodiscard]] std::optional<std::string_view> suggest_key(std::string_view unknown, const Keys& known)
{
    std::optional<std::string_view> best;
    std::size_t best_distance = std::max<std::size_t>(2, unknown.size() / 8) + 1;
    for (std::string_view k : known) {
        const std::size_t d = edit_distance(unknown, k, best_distance - 1);
        if (d < best_distance) {
            best_distance = d;
            best = k;
        }
    }
    if (best)
        return best;

    for (std::string_view k : known) {
        if (k.size() > unknown.size() && k.substr(0, unknown.size()) == unknown && k[unknown.size()] == '.')
            return k;  // a unit left off, as in ...maxlifetime for ...maxlifetime.seconds
    }

    const auto last_word = [](std::string_view s) { return s.substr(s.rfind('.') + 1); };
    if (unknown.rfind("store.", 0) != 0)
        return std::nullopt;
    if (last_word(unknown).size() >= 4) {
        for (std::string_view k : known) {
            if (last_word(k) == last_word(unknown))
                return k;
        }
    }

    const std::string stem = impl::key_stem(unknown);
    if (stem.size() < 4)
        return std::nullopt;
    std::optional<std::string_view> containing;
    for (std::string_view k : known) {
        if (impl::key_stem(k).find(stem) == std::string::npos)
            continue;
        if (containing)
            return std::nullopt;  // more than one key fits: better no guess than a wrong one
        containing = k;
    }
    return containing;
}

} // namespace pgstore
