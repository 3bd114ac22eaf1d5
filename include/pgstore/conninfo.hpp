#pragma once

#include "settings.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pgstore {

/// The connection string dialects pgstore renders.
enum class conninfo_format {
    libpq,  ///< libpq keyword/value: `host=db1,db2 port=5432 ...`
    uri,    ///< libpq URI: `postgresql://db1:5432,db2:5432/db?...`
    jdbc,   ///< PgJDBC URL: `jdbc:postgresql://db1:5432,db2:5432/db?...`
};

/// "libpq", "uri" or "jdbc".
[[nodiscard]] constexpr std::string_view to_string(conninfo_format f) noexcept
{
    switch (f) {
    case conninfo_format::libpq: return "libpq";
    case conninfo_format::uri: return "uri";
    case conninfo_format::jdbc: return "jdbc";
    }
    return "libpq";
}

/// What a connection string is for.
struct conninfo_options {
    /// For read-only work: the read-only host, accepting a standby. Without
    /// store.postgres.host.readonly the service sends read-only work to the write hosts, and so
    /// does the rendered string.
    bool readonly = false;
    /// Include the password. Off by default: a connection string is easily logged or shown.
    bool with_password = false;
};

/// One libpq keyword and its value, unescaped.
struct conninfo_param {
    std::string keyword;
    std::string value;

    friend bool operator==(const conninfo_param& a, const conninfo_param& b)
    {
        return a.keyword == b.keyword && a.value == b.value;
    }
};

namespace impl {

inline bool is_unreserved(char c) noexcept
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.'
           || c == '_' || c == '~';
}

/// RFC 3986 percent-encoding of every byte but the unreserved ones (and `keep`). Also right for
/// PgJDBC, whose URLDecoder would read a bare '+' as a space.
inline std::string percent_encode(std::string_view s, std::string_view keep = {})
{
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        if (is_unreserved(c) || keep.find(c) != std::string_view::npos) {
            out += c;
            continue;
        }
        const auto u = static_cast<unsigned char>(c);
        out += '%';
        out += hex[u >> 4];
        out += hex[u & 0xF];
    }
    return out;
}

/// A libpq keyword/value value: bare when that is unambiguous, otherwise in single quotes with
/// `'` and `\` escaped. Bytes above 0x7F are quoted too, since libpq's isspace() follows the
/// client's locale.
inline std::string quote_libpq_value(std::string_view v)
{
    const bool bare = !v.empty() && std::all_of(v.begin(), v.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u > 0x20 && u < 0x7F && c != '\'' && c != '\\';
    });
    if (bare)
        return std::string(v);
    std::string out = "'";
    for (char c : v) {
        if (c == '\'' || c == '\\')
            out += '\\';
        out += c;
    }
    return out + "'";
}

/// libpq and C strings end at NUL, so a value holding one cannot reach the server intact.
inline void require_no_nul(std::string_view value, std::string_view key)
{
    if (value.find('\0') != std::string_view::npos)
        throw std::invalid_argument("expected no NUL character in `" + std::string(key)
                                    + "`, saw one; a C driver would cut the value there");
}

/// The server splits `options` at white space, with `\` escaping the next byte.
inline std::string escape_server_option(std::string_view v)
{
    std::string out;
    for (char c : v) {
        if (c == '\\' || c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v')
            out += '\\';
        out += c;
    }
    return out;
}

inline bool is_ipv6_literal(std::string_view host) noexcept
{
    return host.find(':') != std::string_view::npos;
}

/// The hosts a connection string names, and whether they are the write hosts.
inline std::pair<std::vector<std::string>, bool> hosts_for(const store_config& cfg, const conninfo_options& o)
{
    if (o.readonly && cfg.readonly_host)
        return {{*cfg.readonly_host}, false};
    return {cfg.hosts, true};
}

} // namespace impl

/// The `search_path` that selects exactly the schema `name`: bare when it is a plain lower-case
/// identifier, otherwise double-quoted, so that upper case, commas and spaces survive as written
/// (as PgJDBC's setSchema keeps them).
[[nodiscard]] inline std::string search_path_for(std::string_view name)
{
    const bool plain = !name.empty() && !(name[0] >= '0' && name[0] <= '9') && name[0] != '$'
                       && std::all_of(name.begin(), name.end(), [](char c) {
                              return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '$';
                          });
    if (plain)
        return std::string(name);
    std::string out = "\"";
    for (char c : name) {
        if (c == '"')
            out += '"';
        out += c;
    }
    return out + "\"";
}

/// libpq's parameters for a validated config, in a fixed order and unescaped: the hosts with
/// the shared port, the database, user, the schema as `options=-csearch_path=...`, for cert auth
/// `sslmode=verify-full` with the certificate files, `connect_timeout` and
/// `target_session_attrs` (read-write for the write hosts, prefer-standby for the read-only one).
/// Throws std::invalid_argument when a value holds a NUL byte.
[[nodiscard]] inline std::vector<conninfo_param> libpq_params(const store_config& cfg,
                                                              const conninfo_options& o = {})
{
    impl::require_no_nul(cfg.database, settings::database.key);
    impl::require_no_nul(cfg.schema, settings::schema.key);
    impl::require_no_nul(cfg.username, settings::username.key);
    if (o.with_password && cfg.auth == auth_method::password)
        impl::require_no_nul(cfg.password.reveal(), settings::password.key);
    if (cfg.auth == auth_method::cert) {
        for (const auto* s : {&settings::cert, &settings::key, &settings::ca})
            impl::require_no_nul(get(cfg, *s), s->key);
    }

    const auto [hosts, for_writes] = impl::hosts_for(cfg, o);
    std::string host_list;
    for (const auto& h : hosts)
        host_list += (host_list.empty() ? "" : ",") + h;

    std::vector<conninfo_param> out;
    out.push_back({"host", host_list});
    // One port applies to every host in libpq's keyword form.
    out.push_back({"port", std::to_string(cfg.port)});
    out.push_back({"dbname", cfg.database});
    out.push_back({"user", cfg.username});
    if (o.with_password && cfg.auth == auth_method::password)
        out.push_back({"password", std::string(cfg.password.reveal())});
    if (!cfg.schema.empty())
        out.push_back({"options", "-csearch_path=" + impl::escape_server_option(search_path_for(cfg.schema))});
    if (cfg.auth == auth_method::cert) {
        out.push_back({"sslmode", "verify-full"});
        out.push_back({"sslcert", cfg.cert_file});
        out.push_back({"sslkey", cfg.key_file});
        out.push_back({"sslrootcert", cfg.ca_file});
    }
    if (cfg.connection_timeout_seconds > 0)
        out.push_back({"connect_timeout", std::to_string(cfg.connection_timeout_seconds)});
    out.push_back({"target_session_attrs", for_writes ? "read-write" : "prefer-standby"});

    return out;
}

/// A libpq keyword/value connection string, for PQconnectdb or psql.
[[nodiscard]] inline std::string libpq_conninfo(const store_config& cfg, const conninfo_options& o = {})
{
    std::string out;
    for (const auto& p : libpq_params(cfg, o))
        out += (out.empty() ? "" : " ") + p.keyword + '=' + impl::quote_libpq_value(p.value);
    return out;
}

/// A `postgresql://` URI with the same parameters as libpq_conninfo: every host with the port,
/// IPv6 hosts in brackets, everything else percent-encoded.
[[nodiscard]] inline std::string libpq_uri(const store_config& cfg, const conninfo_options& o = {})
{
    std::string hosts;
    std::string port;
    std::string database;
    std::string user;
    std::string query;
    for (const auto& p : libpq_params(cfg, o)) {
        if (p.keyword == "host")
            hosts = p.value;
        else if (p.keyword == "port")
            port = p.value;
        else if (p.keyword == "dbname")
            database = p.value;
        else if (p.keyword == "user")
            user = p.value;
        else
            query += (query.empty() ? "?" : "&") + p.keyword + '=' + impl::percent_encode(p.value);
    }
    std::string out = "postgresql://";
    if (!user.empty())
        out += impl::percent_encode(user) + '@';
    std::string_view rest = hosts;
    bool first = true;
    while (true) {
        const auto comma = rest.find(',');
        const std::string_view h = rest.substr(0, comma);
        out += first ? "" : ",";
        first = false;
        out += impl::is_ipv6_literal(h) ? '[' + impl::percent_encode(h, ":") + ']' : impl::percent_encode(h);
        out += ':' + port;
        if (comma == std::string_view::npos)
            break;
        rest.remove_prefix(comma + 1);
    }
    out += '/';
    // An empty database or user cannot be written in the URI's own places, so they go last.
    out += impl::percent_encode(database);
    if (database.empty())
        query += (query.empty() ? "?" : "&") + std::string("dbname=");
    if (user.empty())
        query += (query.empty() ? "?" : "&") + std::string("user=");
    return out + query;
}

/// A PgJDBC URL: every host with the shared port (PgJDBC gives a bare host 5432), IPv6 hosts in
/// brackets, `currentSchema`, for cert auth `sslmode=verify-full` with the certificate files,
/// `connectTimeout` and `targetServerType` (primary for the write hosts, preferSecondary for the
/// read-only one). Values are percent-encoded for PgJDBC's URLDecoder.
[[nodiscard]] inline std::string jdbc_url(const store_config& cfg, const conninfo_options& o = {})
{
    const auto [hosts, for_writes] = impl::hosts_for(cfg, o);
    std::string out = "jdbc:postgresql://";
    for (std::size_t i = 0; i < hosts.size(); ++i) {
        // PgJDBC does not decode host names; validated hosts need no encoding.
        out += i == 0 ? "" : ",";
        out += impl::is_ipv6_literal(hosts[i]) ? '[' + hosts[i] + ']' : hosts[i];
        out += ':' + std::to_string(cfg.port);
    }
    out += '/' + impl::percent_encode(cfg.database);

    std::vector<std::pair<std::string_view, std::string>> params;
    params.emplace_back("user", cfg.username);
    if (o.with_password && cfg.auth == auth_method::password)
        params.emplace_back("password", std::string(cfg.password.reveal()));
    if (!cfg.schema.empty())
        params.emplace_back("currentSchema", search_path_for(cfg.schema));
    if (cfg.auth == auth_method::cert) {
        params.emplace_back("sslmode", "verify-full");
        params.emplace_back("sslcert", cfg.cert_file);
        params.emplace_back("sslkey", cfg.key_file);
        params.emplace_back("sslrootcert", cfg.ca_file);
    }
    if (cfg.connection_timeout_seconds > 0)
        params.emplace_back("connectTimeout", std::to_string(cfg.connection_timeout_seconds));
    params.emplace_back("targetServerType", for_writes ? "primary" : "preferSecondary");

    char sep = '?';
    for (const auto& [key, value] : params) {
        out += sep;
        out += key;
        out += '=';
        out += impl::percent_encode(value);
        sep = '&';
    }
    return out;
}

/// The connection string for a validated config in one of the three dialects.
[[nodiscard]] inline std::string render_conninfo(const store_config& cfg, conninfo_format f,
                                                 const conninfo_options& o = {})
{
    switch (f) {
    case conninfo_format::uri: return libpq_uri(cfg, o);
    case conninfo_format::jdbc: return jdbc_url(cfg, o);
    case conninfo_format::libpq: break;
    }
    return libpq_conninfo(cfg, o);
}

} // namespace pgstore
