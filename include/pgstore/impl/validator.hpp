#pragma once

// The rules behind validate(): compiled in every translation unit by default, or once with
// PGSTORE_HEADER_ONLY=0 and PGSTORE_IMPLEMENTATION (see config.hpp).

#include "../validate.hpp"

#include <algorithm>
#include <cctype>
#include <set>

namespace pgstore {
namespace impl {

inline constexpr std::uint32_t pool_min_lifetime = hikari::min_lifetime_ms / 1000;
inline constexpr std::uint32_t infra_margin = 30;
inline constexpr std::uint32_t cockroach_max_lifetime = 1800;
inline constexpr std::size_t postgres_max_name = 63;

// `#` and `!` start a comment only at the beginning of a line; after a value they are part of it.
inline constexpr std::string_view inline_comment_hint =
    "move the comment to a line of its own: in a .properties file `#` and `!` start a comment only "
    "at the beginning of a line, so Java reads this one as part of the value";

// The value without the white space Java keeps at its end.
inline std::string without_trailing_blanks(const std::string& value)
{
    const auto last = value.find_last_not_of(" \t\f");
    return last == std::string::npos ? std::string() : value.substr(0, last + 1);
}

inline bool has_inline_comment(std::string_view value)
{
    for (std::size_t i = 1; i < value.size(); ++i) {
        if ((value[i] == '#' || value[i] == '!') && (value[i - 1] == ' ' || value[i - 1] == '\t'))
            return true;
    }
    return false;
}

class validator {
public:
    validator(const std::vector<property>& entries, std::string source, const validation_options& options)
        : entries_(entries), source_(std::move(source)), options_(options)
    {
    }

    validation_result run()
    {
        scan_keys();
        settings::for_each([this](const auto& s) { read_setting(s); });
        check_pool();
        check_profile();
        sort_by_location(result_.findings);
        result_.parsed = valid_;
        return std::move(result_);
    }

private:
    // --- building findings ------------------------------------------------------------------

    diagnostic& add(std::string_view rule, std::string key, location where, std::string message,
                    std::string hint)
    {
        const rule_info* info = find_rule(rule);
        diagnostic d;
        d.level = info ? info->level : severity::error;
        d.rule = std::string(rule);
        d.key = show_key(key);
        d.where = std::move(where);
        d.message = std::move(message);
        d.hint = std::move(hint);
        result_.findings.push_back(std::move(d));
        return result_.findings.back();
    }

    location whole_source() const { return location{source_, 0, 0}; }

    template <class T>
    location value_at(const setting<T>& s) const
    {
        const property* p = found(s);
        return p ? p->value_at : whole_source();
    }

    template <class T>
    const property* found(const setting<T>& s) const
    {
        return found_[settings::index_of(s.key)];
    }

    template <class T>
    bool valid(const setting<T>& s) const
    {
        return valid_[settings::index_of(s.key)];
    }

    // --- keys: unknown, duplicated, and how their values are written --------------------------

    void scan_keys()
    {
        std::map<std::string_view, const property*> seen;
        std::vector<const property*> unknown;
        for (const property& p : entries_) {
            const std::size_t index = settings::index_of(p.key);
            const bool ours = starts_with(p.key, "store.");
            if (index < settings::count)
                found_[index] = &p;
            if (!ours && index == settings::count) {
                if (!report_byte_order_mark(p))
                    suggest_for_foreign_key(p);
                continue;
            }
            if (auto [it, fresh] = seen.emplace(p.key, &p); !fresh) {
                const property* earlier = it->second;
                it->second = &p;
                auto& d = add("duplicate-key", p.key, p.key_at,
                              "`" + show_key(p.key) + "` is set again; this line replaces line "
                                  + std::to_string(earlier->key_at.line),
                              "remove one of the two lines; java.util.Properties keeps the last one");
                d.related = earlier->key_at;
                d.related_message = "the earlier value, which the service never sees";
            }
            if (index == settings::count)
                unknown.push_back(&p);
        }
        // After the loop, so a hint can tell whether the key it suggests is set too.
        for (const property* p : unknown)
            report_unknown(*p);
        for (const property* p : found_) {
            if (p != nullptr)
                check_spelling_of_value(*p);
        }
        // Every entry, the service's own and overridden ones too: each loses the store line it holds.
        for (const property& p : entries_) {
            if (p.joined_key.empty())
                continue;
            report_joined_line(p);
            const std::size_t index = settings::index_of(p.joined_key);
            if (index < settings::count && found_[index] == nullptr)
                swallowed_by_[index] = &p;
        }
    }

    void report_unknown(const property& p)
    {
        const bool postgres_key = starts_with(p.key, "store.postgres.") || starts_with(p.key, "store.database.");
        auto guess = suggest_key(p.key, settings::keys);
        // A (misspelt) password word with more after it is the password key run into its value.
        if (!guess && postgres_key && secret_in_key_at(p.key) != std::string::npos)
            guess = settings::password.key;
        if (!postgres_key && !guess)
            return;  // another store type's key, such as store.kmip.hostname
        std::string hint = guess ? "did you mean `" + std::string(*guess) + "`?" : "remove it or correct its name;";
        const property* meant = guess ? found_[settings::index_of(*guess)] : nullptr;
        if (meant != nullptr) {
            const std::string where = meant->key_at.source == p.key_at.source
                                          ? "on line " + std::to_string(meant->key_at.line)
                                          : "at " + meant->key_at.to_string();
            hint += " `" + std::string(*guess) + "` is set " + where + ", so this line is probably left over; "
                    "Java ignores it";
        } else {
            hint += " Java ignores unknown keys, so the service would silently run without this setting";
            if (guess)
                misspelled_[settings::index_of(*guess)] = &p;
        }
        auto& d = add("unknown-key", p.key, p.key_at, "unknown key `" + show_key(p.key) + "`", std::move(hint));
        if (!postgres_key)
            d.level = severity::warning;
    }

    // A UTF-8 byte order mark read as ISO-8859-1, as Java's load(InputStream) reads it.
    static constexpr std::string_view byte_order_mark = "\xC3\xAF\xC2\xBB\xC2\xBF";

    bool report_byte_order_mark(const property& p)
    {
        if (!starts_with(p.key, byte_order_mark) || p.key_at.line != 1 || p.key_at.column != 1)
            return false;
        const std::string rest = p.key.substr(byte_order_mark.size());
        const std::size_t index = settings::index_of(rest);
        auto& d = add("byte-order-mark", p.key, p.key_at,
                      rest.empty() ? std::string("the file starts with a UTF-8 byte order mark, which Java reads "
                                                 "as a key of its own")
                                   : "the file starts with a UTF-8 byte order mark, which Java reads as part of the "
                                     "first key `" + show_key(rest) + "`",
                      "save the file without the byte order mark (UTF-8 without BOM), for example with "
                      "`sed -i '1s/^\\xEF\\xBB\\xBF//' FILE`");
        // A store key behind the mark is lost to the service, known or not; anything else is the
        // service's own business.
        if (index < settings::count)
            misspelled_[index] = &p;
        else if (!starts_with(rest, "store."))
            d.level = severity::warning;
        return true;
    }

    void suggest_for_foreign_key(const property& p)
    {
        // Keys outside store.* belong to the rest of the service; only near misses are worth a word.
        if (const auto guess = suggest_key(p.key, settings::keys)) {
            auto& d = add("unknown-key", p.key, p.key_at, "unknown key `" + show_key(p.key) + "`",
                          "did you mean `" + std::string(*guess)
                              + "`? Java ignores unknown keys, so the service would not see this setting");
            d.level = severity::warning;
        }
    }

    void check_spelling_of_value(const property& p)
    {
        const std::size_t index = settings::index_of(p.key);
        const value_kind kind = kind_of(index);
        const bool secret = kind == value_kind::secret;
        const bool free_text = kind == value_kind::name || kind == value_kind::path || secret;
        if (p.trailing_space_at && free_text) {
            add("trailing-whitespace", p.key, *p.trailing_space_at,
                "the value of `" + p.key + "` ends with white space, which Java keeps as part of it",
                "remove the white space at the end of the line");
        }
        if (free_text && !secret && has_inline_comment(p.value)) {
            add("inline-comment", p.key, p.value_at,
                "the value of `" + p.key + "` is " + echo(p.value) + ", comment included",
                std::string(inline_comment_hint));
        }
        if (p.non_ascii_at) {
            add("non-ascii", p.key, *p.non_ascii_at,
                "non-ASCII character in `" + p.key + "`; Java reads the file as ISO-8859-1, so UTF-8 "
                "text turns into other characters",
                "write each non-ASCII character as a \\uXXXX escape, for example \\u00e9 for "
                "e-acute");
        }
    }

    static value_kind kind_of(std::size_t index)
    {
        value_kind kind = value_kind::name;
        std::size_t i = 0;
        settings::for_each([&](const auto& s) {
            if (i++ == index)
                kind = s.kind;
        });
        return kind;
    }

    // --- one setting -----------------------------------------------------------------------------

    template <class T>
    bool needed(const setting<T>& s) const
    {
        switch (s.needed) {
        case presence::required: return true;
        case presence::optional: return false;
        case presence::password_auth: return valid(settings::auth) && result_.config.auth == auth_method::password;
        case presence::cert_auth: return valid(settings::auth) && result_.config.auth == auth_method::cert;
        }
        return false;
    }

    template <class T>
    void read_setting(const setting<T>& s)
    {
        const std::size_t index = settings::index_of(s.key);
        const property* p = found_[index];
        if (p == nullptr) {
            if (needed(s))
                report_missing(s);
            return;
        }
        result_.origins[index] = p->key_at;
        if (p->value.empty() && s.kind != value_kind::port && s.kind != value_kind::count
            && s.kind != value_kind::seconds && s.kind != value_kind::boolean) {
            report_empty(s, *p);
            return;
        }
        if (!p->joined_key.empty())
            return;  // reported by scan_keys; the value holds another line
        valid_[index] = parse(s, *p, result_.config.*(s.field));
    }

    void report_joined_line(const property& p)
    {
        // The joined line is often the password's, so only its key is shown, never a value.
        add("joined-line", p.key, p.value_at,
            "the value of `" + show_key(p.key) + "` runs on into the line `" + show_key(p.joined_key)
                + "...`, which Java reads as part of it",
            "remove the backslash at the end of the line before it; a line that ends with a backslash "
            "continues on the next");
    }

    template <class T>
    void report_missing(const setting<T>& s)
    {
        std::string message = "missing required setting `" + std::string(s.key) + "`";
        if (s.needed == presence::password_auth)
            message += ", needed for store.postgres.auth.method=password";
        if (s.needed == presence::cert_auth)
            message += ", needed for store.postgres.auth.method=cert";
        std::string hint = "add a line `" + std::string(s.key) + "=...`: " + std::string(s.help);
        if (const property* joined = swallowed_by_[settings::index_of(s.key)]) {
            hint = "its line was joined to the value of `" + show_key(joined->key) + "` on line "
                   + std::to_string(joined->key_at.line) + " by a backslash at the end of the line before it; "
                   "remove that backslash";
        } else if (const property* typo = misspelled_[settings::index_of(s.key)]) {
            hint = "correct the key `" + show_key(typo->key) + "` on line " + std::to_string(typo->key_at.line)
                   + ", which looks like a misspelling of it";
        }
        add("missing-required", std::string(s.key), whole_source(), std::move(message), std::move(hint));
    }

    template <class T>
    void report_empty(const setting<T>& s, const property& p)
    {
        auto& d = add("empty-value", p.key, p.value_at, "`" + p.key + "` is empty",
                      "give it a value (" + std::string(s.help) + ")");
        if (s.needed == presence::optional) {
            d.level = severity::warning;
            d.hint = "give it a value or remove the line (" + std::string(s.help) + ")";
        }
    }

    template <class T>
    bool parse(const setting<T>& s, const property& p, T& out)
    {
        if constexpr (std::is_same_v<T, bool>) {
            if (iequals(p.value, "true") || iequals(p.value, "false")) {
                out = iequals(p.value, "true");
                return true;
            }
            // Java keeps trailing white space, so `true ` is false to the service.
            const std::string trimmed = without_trailing_blanks(p.value);
            const bool only_space = trimmed.size() != p.value.size()
                                    && (iequals(trimmed, "true") || iequals(trimmed, "false"));
            add("invalid-boolean", p.key, p.value_at, "expected true or false, saw " + echo(p.value),
                has_inline_comment(p.value) ? std::string(inline_comment_hint)
                : only_space ? "remove the white space after `" + trimmed + "`: Java keeps it, and "
                                 "Boolean.parseBoolean reads everything but `true` (in any letter case) as false"
                           : "Java's Boolean.parseBoolean reads everything but `true` (in any letter case) as "
                             "false, so the service would take this as false; write true or false");
            return false;
        } else if constexpr (std::is_integral_v<T>) {
            const auto v = parse_java_int(p.value);
            if (!v) {
                // Digits that parseInt rejects are too large for a Java int.
                const std::string_view unsigned_part =
                    std::string_view(p.value).substr(!p.value.empty() && (p.value[0] == '-' || p.value[0] == '+'));
                const bool digits = !unsigned_part.empty() && std::all_of(unsigned_part.begin(), unsigned_part.end(),
                                                                          [](char c) { return c >= '0' && c <= '9'; });
                if (digits) {
                    add("invalid-integer", p.key, p.value_at,
                        "expected a whole number from -2147483648 to 2147483647 (a Java int), saw " + echo(p.value),
                        "write a smaller number; Java's Integer.parseInt rejects this value and the service "
                        "fails at start-up");
                    return false;
                }
                const std::string trimmed = without_trailing_blanks(p.value);
                std::string hint = "write only digits, without spaces or units; Java's Integer.parseInt rejects "
                                   "this value and the service fails at start-up";
                if (has_inline_comment(p.value))
                    hint = inline_comment_hint;
                else if (trimmed.size() != p.value.size() && parse_java_int(trimmed))
                    hint = "remove the white space after `" + trimmed + "`: Java keeps it, and Integer.parseInt "
                           "rejects it, so the service fails at start-up";
                add("invalid-integer", p.key, p.value_at, "expected a whole number, saw " + echo(p.value),
                    std::move(hint));
                return false;
            }
            if (!s.in_range(*v)) {
                const std::string upper = s.max == settings::no_limit ? "" : " to " + std::to_string(s.max);
                add("out-of-range", p.key, p.value_at,
                    "`" + p.key + "` is " + std::to_string(*v) + ", expected " + std::to_string(s.min)
                        + (upper.empty() ? " or more" : upper),
                    "set a value from " + std::to_string(s.min) + (upper.empty() ? " up" : upper));
                return false;
            }
            out = static_cast<T>(*v);
            return true;
        } else if constexpr (std::is_enum_v<T>) {
            return parse_choice(s, p, out);
        } else if constexpr (std::is_same_v<T, std::string>) {
            if (s.kind == value_kind::choice)
                return parse_choice(s, p, out);
            return parse_name(s, p, out);
        } else if constexpr (std::is_same_v<T, secret>) {
            return parse_secret(p, out);
        } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
            return parse_hosts(p, out);
        } else {
            return parse_single_host(p, out);
        }
    }

    template <class T>
    bool parse_choice(const setting<T>& s, const property& p, T& out)
    {
        std::string expected;
        for (std::size_t i = 0; i < s.choices.size() && !s.choices[i].empty(); ++i) {
            if (s.choices[i] == p.value) {
                if constexpr (std::is_enum_v<T>)
                    out = static_cast<T>(i);
                else
                    out = p.value;
                return true;
            }
            expected += (expected.empty() ? "`" : " or `") + std::string(s.choices[i]) + "`";
        }
        std::string hint = "write " + expected;
        for (auto choice : s.choices) {
            if (!choice.empty() && iequals(choice, p.value))
                hint = "values are case-sensitive: write `" + std::string(choice) + "`";
        }
        if (has_inline_comment(p.value))
            hint = inline_comment_hint;
        add("invalid-choice", p.key, p.value_at, "expected " + expected + ", saw " + echo(p.value),
            std::move(hint));
        return false;
    }

    template <class T>
    bool parse_name(const setting<T>& s, const property& p, std::string& out)
    {
        if (s.kind == value_kind::name && p.value.size() > postgres_max_name) {
            add("name-too-long", p.key, p.value_at,
                "`" + p.key + "` is " + std::to_string(p.value.size())
                    + " bytes long; PostgreSQL cuts names to 63 bytes",
                "use a name of at most 63 bytes, or the service and the database will disagree on it");
            return false;
        }
        const auto control = std::find_if(p.value.begin(), p.value.end(), [](char c) {
            return static_cast<unsigned char>(c) < 0x20 || c == 0x7F;
        });
        if (control != p.value.end()) {
            add("control-character", p.key, p.value_at,
                "`" + p.key + "` holds the control character " + printable(std::string(1, *control), 4)
                    + ", which no name or path can contain",
                "remove it; a backslash starts an escape in .properties files (\\n is a newline), "
                "so write a backslash as \\\\ or use /");
            return false;
        }
        const std::string& v = p.value;
        if (s.kind == value_kind::path && v.size() > 2 && std::isalpha(static_cast<unsigned char>(v[0])) != 0
            && v[1] == ':' && v[2] != '/' && v[2] != '\\') {
            add("windows-path", p.key, p.value_at,
                "`" + p.key + "` reads as " + echo(v) + ": Java drops a backslash before most characters",
                "write the path with forward slashes, such as C:/certs/client.crt, or double every backslash");
        }
        out = p.value;
        return true;
    }

    bool parse_secret(const property& p, secret& out)
    {
        // Never echo the value: the message says what is wrong without showing it.
        for (auto placeholder : placeholder_passwords) {
            if (p.value == placeholder) {
                add("placeholder-password", p.key, p.value_at,
                    "the password is still the documentation's example value",
                    "set the database user's real password");
                return false;
            }
        }
        if (const auto nul = p.value.find('\0'); nul != std::string::npos) {
            add("control-character", p.key, p.value_at,
                "the password holds a NUL character (byte " + std::to_string(nul + 1)
                    + " of the value), which PostgreSQL cannot store in a password",
                "remove it; \\u0000 in a .properties file is a NUL character");
            return false;
        }
        out = secret(p.value);
        return true;
    }

    bool parse_hosts(const property& p, std::vector<std::string>& out)
    {
        bool ok = true;
        std::vector<std::string_view> accepted;
        std::set<std::string> seen;  // lower-cased, so a long list stays linear
        const std::size_t before = result_.findings.size();
        for (const host_item& item : check_host_list(p.value)) {
            const location at = p.value_location(item.offset);
            if (item.padded && item.problem != host_problem::empty) {
                add("host-whitespace", p.key, at, "white space around host " + echo(item.host),
                    "write the list without spaces, such as `db1,db2`; the service passes each name "
                    "to the driver as written");
            }
            if (!report_host_problem(p, item, at)) {
                ok = false;
                continue;
            }
            std::string folded(item.host);
            for (char& c : folded)
                c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            if (!seen.insert(std::move(folded)).second) {
                add("duplicate-host", p.key, at, "host " + echo(item.host) + " is listed more than once",
                    "remove the repeat; the driver would only try the same server again");
                continue;
            }
            accepted.push_back(item.host);
        }
        limit_findings(before, p);
        if (!ok)
            return false;
        out.assign(accepted.begin(), accepted.end());
        return true;
    }

    // A damaged list can hold thousands of problems; a few show the pattern, the rest are counted.
    void limit_findings(std::size_t before, const property& p)
    {
        constexpr std::size_t shown = 20;
        const std::size_t added = result_.findings.size() - before;
        if (added <= shown)
            return;
        result_.findings.resize(before + shown);
        auto& d = add("too-many-findings", p.key, p.value_at,
                      std::to_string(added - shown) + " more problems in `" + p.key + "` are not shown",
                      "fix the ones above and check again");
        d.level = severity::note;
    }

    bool parse_single_host(const property& p, std::optional<std::string>& out)
    {
        if (p.value.find(',') != std::string::npos) {
            add("invalid-host", p.key, p.value_at, "`" + p.key + "` takes one host, saw a list",
                "keep one host here; list failover hosts in store.postgres.host");
            return false;
        }
        const host_item item = check_host(p.value);
        if (item.padded) {
            add("host-whitespace", p.key, p.value_at, "white space around host " + echo(item.host),
                "remove the white space; the service passes the name to the driver as written");
        }
        if (!report_host_problem(p, item, p.value_location(item.offset)))
            return false;
        out = std::string(item.host);
        return true;
    }

    bool report_host_problem(const property& p, const host_item& item, const location& at)
    {
        switch (item.problem) {
        case host_problem::none: return true;
        case host_problem::empty:
            add("empty-host", p.key, at, "empty host in " + echo(p.value),
                "remove the extra comma; every item of the list must name a host");
            return false;
        case host_problem::with_port: {
            std::string bare(item.host.substr(0, item.host.rfind(':')));
            if (!bare.empty() && bare.front() == '[')
                bare = bare.substr(1, bare.size() - 2);
            add("host-with-port", p.key, at,
                "host " + echo(item.host) + " names a port; every host uses store.postgres.port",
                "write `" + bare + "` and set store.postgres.port; hosts on different ports "
                "are not supported");
            return false;
        }
        case host_problem::invalid:
            add("invalid-host", p.key, at, echo(item.host) + " is not a valid host: " + item.reason,
                "write a host name, an IPv4 address or an IPv6 address");
            return false;
        }
        return false;
    }

    // --- how the pool underneath will treat the numbers ---------------------------------------

    void check_pool()
    {
        const store_config& c = result_.config;
        const hikari_pool pool = effective_pool(c);
        const bool lifetime_known = valid(settings::max_lifetime) || !found(settings::max_lifetime);
        const auto lifetime = static_cast<std::uint32_t>(pool.max_lifetime_ms / 1000);
        const location lifetime_at = value_at(settings::max_lifetime);
        const std::string lifetime_key(settings::max_lifetime.key);

        if (lifetime_known && pool.max_lifetime_ms == 0) {
            add("lifetime-disabled", lifetime_key, lifetime_at,
                "a lifetime of 0 turns the limit off: connections are kept until they fail",
                "set a lifetime a little below the database's or the network's connection limit; "
                "the default is 1740");
        } else if (lifetime_known && lifetime != c.max_lifetime_seconds) {
            add("lifetime-reset", lifetime_key, lifetime_at,
                "a lifetime of " + std::to_string(c.max_lifetime_seconds) + " s is under the pool's 30 s minimum; "
                    "HikariCP silently uses " + std::to_string(lifetime) + " s instead",
                "set 30 or more; the default is 1740");
        }
        if (lifetime_known && lifetime > cockroach_max_lifetime && valid(settings::vendor)
            && c.vendor == database_vendor::cockroachdb) {
            add("cockroach-lifetime", lifetime_key, lifetime_at,
                "a lifetime of " + std::to_string(lifetime)
                    + " s is over the 30 minutes CockroachDB's managed clusters allow",
                "set 1800 or less; CockroachDB recommends 300 to 1800");
        }

        if (valid(settings::idle_timeout) && lifetime_known) {
            const std::uint32_t idle = c.idle_timeout_seconds;
            const location at = value_at(settings::idle_timeout);
            const std::string key(settings::idle_timeout.key);
            if (idle != 0 && pool.idle_timeout_ms == 0) {
                add("idle-timeout-disabled", key, at,
                    "an idle timeout of " + std::to_string(idle) + " s is not at least 1 s under the "
                        + std::to_string(lifetime) + " s lifetime the pool uses; HikariCP disables idle eviction",
                    "set it to " + std::to_string(lifetime - 1) + " or less");
            } else if (pool.idle_timeout_ms != std::int64_t{idle} * 1000) {
                add("idle-timeout-reset", key, at,
                    "an idle timeout of " + std::to_string(idle) + " s is under the pool's 10 s minimum; "
                        "HikariCP replaces it with " + std::to_string(pool.idle_timeout_ms / 1000) + " s",
                    "set 10 or more, or leave the default 600");
            } else if (idle != settings::idle_timeout.default_value && pool.minimum_idle == pool.maximum_pool_size) {
                add("idle-timeout-no-effect", key, at,
                    "the idle timeout has no effect: the pool keeps all its connections open",
                    "the pool's minimum idle equals its size, so only the lifetime retires "
                    "connections; this setting can be left out");
            }
        }

        if (valid(settings::connection_timeout) && pool.connection_timeout_ms == hikari::forever_ms) {
            add("connection-timeout-zero", std::string(settings::connection_timeout.key),
                value_at(settings::connection_timeout),
                "a connection timeout of 0 s makes requests wait for a connection forever",
                "set at least 1; the default is 5");
        }

        if (valid(settings::connections) || !found(settings::connections)) {
            const bool detected = options_.cores == 0;
            const std::uint32_t cores = detected ? effective_cpu_count() : options_.cores;
            const std::uint32_t recommended = recommended_pool_size(cores);
            if (c.connections > recommended) {
                add("pool-size", std::string(settings::connections.key), value_at(settings::connections),
                    std::to_string(c.connections) + " connections is more than 3 per CPU core ("
                        + std::to_string(recommended) + " for " + std::to_string(cores)
                        + (cores == 1 ? " core" : " cores") + (detected ? ", detected here" : "") + ")",
                    "set store.postgres.connections to " + std::to_string(recommended)
                        + (detected ? ", or check with the service machine's core count (pgstore check --cores N)"
                                    : ""));
            }
        }

        if (options_.infra_limit_seconds && lifetime_known)
            check_infra_limit(*options_.infra_limit_seconds, lifetime, lifetime_at);
    }

    void check_infra_limit(std::uint32_t limit, std::uint32_t lifetime, const location& at)
    {
        const std::string key(settings::max_lifetime.key);
        const std::string why = "; the pool keeps all its connections open, so the idle timeout "
                                "does not protect them";
        if (limit < infra_margin + pool_min_lifetime) {
            add("infra-limit", key, at,
                "the infrastructure cuts connections after " + std::to_string(limit)
                    + " s, too soon for any lifetime the pool accepts (30 s or more, ending 30 s early)",
                "raise the connection limit of the load balancer, NAT or proxy to at least 60 s" + why);
            return;
        }
        const std::uint32_t ceiling = limit - infra_margin;
        if (lifetime == 0 || lifetime > ceiling) {
            add("infra-limit", key, at,
                "connections live " + (lifetime == 0 ? std::string("without limit") : std::to_string(lifetime) + " s")
                    + " but the infrastructure cuts them after " + std::to_string(limit)
                    + " s; the lifetime must end at least 30 s before that",
                "set " + key + "=" + std::to_string(ceiling) + why);
        }
    }

    void check_profile()
    {
        const store_config& c = result_.config;
        const bool uses_password = valid(settings::auth) && c.auth == auth_method::password;
        if (uses_password) {
            for (const property* p : {found(settings::cert), found(settings::key), found(settings::ca)}) {
                if (p != nullptr) {
                    add("cert-files-ignored", p->key, p->key_at,
                        "`" + p->key + "` is ignored with store.postgres.auth.method=password",
                        "remove it, or switch to auth.method=cert to use the certificate");
                }
            }
        }
        if (valid(settings::auth) && c.auth == auth_method::cert) {
            if (const property* p = found(settings::password)) {
                add("password-ignored", p->key, p->key_at,
                    "a password is set, but store.postgres.auth.method=cert does not use it",
                    "remove store.postgres.auth.password so no unused secret is left in the file");
            }
        }
        if (uses_password && options_.deployment == profile::production) {
            add("password-auth-in-production", std::string(settings::auth.key), value_at(settings::auth),
                "password authentication in a production configuration",
                "use store.postgres.auth.method=cert with a TLS client certificate, as recommended "
                "for production");
        }
    }

    const std::vector<property>& entries_;
    std::string source_;
    validation_options options_;
    validation_result result_;
    std::array<const property*, settings::count> found_{};
    std::array<bool, settings::count> valid_{};
    std::array<const property*, settings::count> misspelled_{};  // unknown keys that look like these
    std::array<const property*, settings::count> swallowed_by_{};  // values that a joined line holds these in
};

} // namespace impl

/// Checks store settings given as properties (from a file or any other source) and returns the
/// typed configuration with every finding; it never stops at the first problem.
PGSTORE_FUNC validation_result validate(const std::vector<property>& entries, std::string source,
                                         const validation_options& options)
{
    return impl::validator(entries, std::move(source), options).run();
}

/// Checks a .properties file read by read_properties or load_properties, including the
/// reader's own findings such as malformed escapes.
PGSTORE_FUNC validation_result validate(const property_file& file, const validation_options& options)
{
    validation_result result = validate(file.entries, file.source, options);
    result.findings.insert(result.findings.begin(), file.problems.begin(), file.problems.end());
    sort_by_location(result.findings);
    return result;
}

} // namespace pgstore
