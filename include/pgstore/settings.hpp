#pragma once

#include "secret.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <vector>

namespace pgstore {

/// Which database the service talks to; CockroachDB speaks the PostgreSQL protocol.
enum class database_vendor { postgres, cockroachdb };

/// How the service authenticates to the database.
enum class auth_method { password, cert };

/// The validated, typed store settings of one service. Defaults are the services' own.
struct store_config {
    std::string store_type = "DatabaseStore";
    database_vendor vendor = database_vendor::postgres;
    std::vector<std::string> hosts;        ///< tried in order, all on `port`
    std::optional<std::string> readonly_host;
    std::uint16_t port = 5432;
    std::string database;
    std::string schema;
    std::uint32_t connections = 10;
    std::uint32_t connection_timeout_seconds = 5;
    std::uint32_t idle_timeout_seconds = 600;
    std::uint32_t max_lifetime_seconds = 1740;
    bool update_schema = true;
    std::string username;
    auth_method auth = auth_method::password;
    secret password;
    std::string cert_file;
    std::string key_file;
    std::string ca_file;
};

/// When a setting must be present.
enum class presence {
    required,        ///< always
    optional,        ///< never; the default (if any) applies
    password_auth,   ///< when auth.method=password
    cert_auth,       ///< when auth.method=cert
};

/// The value syntax of a setting, which picks its parser and its rules.
enum class value_kind { choice, host_list, host, port, count, seconds, boolean, name, secret, path };

/// The compile-time description of one setting: its key, where its value goes in store_config,
/// its syntax, default, limits and help. `T` is the field's type.
template <class T>
struct setting {
    using value_type = T;
    /// Defaults and limits exist only for numbers and booleans; other kinds store a placeholder.
    using default_type = std::conditional_t<std::is_arithmetic_v<T>, T, bool>;

    std::string_view key;
    T store_config::*field;
    value_kind kind;
    presence needed;
    bool has_default;
    default_type default_value;
    std::int64_t min;  ///< inclusive, for numbers
    std::int64_t max;  ///< inclusive, for numbers
    std::string_view help;
    std::array<std::string_view, 2> choices{};  ///< accepted words, for value_kind::choice

    /// Whether a number lies within this setting's limits.
    [[nodiscard]] constexpr bool in_range(std::int64_t v) const noexcept { return v >= min && v <= max; }
    /// Whether the value is a secret, never to be printed.
    [[nodiscard]] constexpr bool is_secret() const noexcept { return kind == value_kind::secret; }
};

namespace settings {

// Seconds are handed to the pool as Java int milliseconds, so they stop at INT_MAX / 1000.
inline constexpr std::int64_t max_seconds = 2147483;
inline constexpr std::int64_t no_limit = INT64_MAX;

inline constexpr setting<std::string> store_type{
    "store.type", &store_config::store_type, value_kind::choice, presence::required, false, {}, 0, 0,
    "the store implementation; DatabaseStore keeps the service's data in PostgreSQL or CockroachDB",
    {"DatabaseStore", {}}};
inline constexpr setting<database_vendor> vendor{
    "store.database.vendor", &store_config::vendor, value_kind::choice, presence::required, false, {},
    0, 0, "the database product: postgres or cockroachdb", {"postgres", "cockroachdb"}};
inline constexpr setting<std::vector<std::string>> hosts{
    "store.postgres.host", &store_config::hosts, value_kind::host_list, presence::required, false, {},
    0, 0, "comma-separated host names or IP addresses, tried once each in order, all on one port"};
inline constexpr setting<std::optional<std::string>> readonly_host{
    "store.postgres.host.readonly", &store_config::readonly_host, value_kind::host, presence::optional,
    false, {}, 0, 0, "one host name or IP address that takes the read-only work"};
inline constexpr setting<std::uint16_t> port{
    "store.postgres.port", &store_config::port, value_kind::port, presence::required, false, 0, 1, 65535,
    "the TCP port every host listens on"};
inline constexpr setting<std::string> database{
    "store.postgres.database", &store_config::database, value_kind::name, presence::required, false, {},
    0, 0, "the database name, such as db_ekm"};
inline constexpr setting<std::string> schema{
    "store.postgres.schema", &store_config::schema, value_kind::name, presence::required, false, {}, 0, 0,
    "the schema that holds the service's tables, such as ekm"};
inline constexpr setting<std::uint32_t> connections{
    "store.postgres.connections", &store_config::connections, value_kind::count, presence::optional, true,
    10, 1, 1000000, "the fixed size of the connection pool; about 3 per CPU core"};
inline constexpr setting<std::uint32_t> connection_timeout{
    "store.postgres.connection.timeout.seconds", &store_config::connection_timeout_seconds,
    value_kind::seconds, presence::optional, true, 5, 0, max_seconds,
    "how long a request waits for a connection from the pool"};
inline constexpr setting<std::uint32_t> idle_timeout{
    "store.postgres.connection.idletimeout.seconds", &store_config::idle_timeout_seconds,
    value_kind::seconds, presence::optional, true, 600, 0, max_seconds,
    "how long a connection may sit idle in the pool"};
inline constexpr setting<std::uint32_t> max_lifetime{
    "store.postgres.connection.maxlifetime.seconds", &store_config::max_lifetime_seconds,
    value_kind::seconds, presence::optional, true, 1740, 0, max_seconds,
    "the longest a pooled connection lives; keep it below any infrastructure connection limit"};
inline constexpr setting<bool> update_schema{
    "store.postgres.update.schema", &store_config::update_schema, value_kind::boolean, presence::optional,
    true, true, 0, 1, "whether the service creates or migrates its tables at start-up"};
inline constexpr setting<std::string> username{
    "store.postgres.username", &store_config::username, value_kind::name, presence::required, false, {},
    0, 0, "the database user, such as user_ekm"};
inline constexpr setting<auth_method> auth{
    "store.postgres.auth.method", &store_config::auth, value_kind::choice, presence::required, false, {},
    0, 0, "password, or cert for TLS client certificates", {"password", "cert"}};
inline constexpr setting<secret> password{
    "store.postgres.auth.password", &store_config::password, value_kind::secret, presence::password_auth,
    false, {}, 0, 0, "the database user's password (auth.method=password)"};
inline constexpr setting<std::string> cert{
    "store.postgres.auth.cert", &store_config::cert_file, value_kind::path, presence::cert_auth, false, {},
    0, 0, "the client certificate, PEM (auth.method=cert)"};
inline constexpr setting<std::string> key{
    "store.postgres.auth.key", &store_config::key_file, value_kind::path, presence::cert_auth, false, {},
    0, 0, "the client private key, unencrypted PKCS#8 DER (auth.method=cert)"};
inline constexpr setting<std::string> ca{
    "store.postgres.auth.ca", &store_config::ca_file, value_kind::path, presence::cert_auth, false, {},
    0, 0, "the CA certificate that signed the server's certificate, PEM (auth.method=cert)"};

/// Every setting, in the order the services document them.
inline constexpr auto all = std::make_tuple(store_type, vendor, hosts, readonly_host, port, database,
                                            schema, connections, connection_timeout, idle_timeout,
                                            max_lifetime, update_schema, username, auth, password,
                                            cert, key, ca);

/// How many settings there are.
inline constexpr std::size_t count = std::tuple_size_v<std::remove_const_t<decltype(all)>>;

/// Every key, in the order of `all`.
inline constexpr std::array<std::string_view, count> keys =
    std::apply([](const auto&... s) { return std::array<std::string_view, count>{s.key...}; }, all);

/// Calls `f(setting)` for every setting, in order.
template <class F>
constexpr void for_each(F&& f)
{
    std::apply([&f](const auto&... s) { (f(s), ...); }, all);
}

/// The index of a key in `keys`, or `count` when it is not a store setting.
[[nodiscard]] constexpr std::size_t index_of(std::string_view name) noexcept
{
    for (std::size_t i = 0; i < count; ++i) {
        if (keys[i] == name)
            return i;
    }
    return count;
}

namespace checks {
constexpr bool keys_are_unique()
{
    for (std::size_t i = 0; i < count; ++i) {
        for (std::size_t j = i + 1; j < count; ++j) {
            if (keys[i] == keys[j])
                return false;
        }
    }
    return true;
}

template <class T>
constexpr bool default_fits(const setting<T>& s)
{
    if constexpr (std::is_arithmetic_v<T>)
        return !s.has_default || s.in_range(static_cast<std::int64_t>(s.default_value));
    else
        return !s.has_default;
}

constexpr bool defaults_fit()
{
    return std::apply([](const auto&... s) { return (default_fits(s) && ...); }, all);
}

template <class T>
constexpr bool optional_or_defaulted(const setting<T>& s)
{
    return !(s.has_default && s.needed == presence::required);
}

constexpr bool no_required_defaults()
{
    return std::apply([](const auto&... s) { return (optional_or_defaulted(s) && ...); }, all);
}
} // namespace checks

static_assert(checks::keys_are_unique(), "two settings share a key");
static_assert(checks::defaults_fit(), "a default lies outside its own setting's limits");
static_assert(checks::no_required_defaults(), "a required setting must not have a default");
static_assert(connections.default_value == 10 && connection_timeout.default_value == 5
                  && idle_timeout.default_value == 600 && max_lifetime.default_value == 1740,
              "the defaults are the services' documented ones");

} // namespace settings

/// Reads one setting's value from a validated config, typed: `get(cfg, settings::port)`.
template <class T>
[[nodiscard]] const T& get(const store_config& cfg, const setting<T>& s) noexcept
{
    return cfg.*(s.field);
}

} // namespace pgstore
