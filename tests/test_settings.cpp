#include <pgstore/settings.hpp>

#include <doctest/doctest.h>

#include <set>
#include <string>

namespace s = pgstore::settings;

TEST_CASE("settings - the documented keys, defaults and limits")
{
    CHECK(s::count == 18);
    CHECK(s::connections.key == "store.postgres.connections");
    CHECK(s::connections.default_value == 10);
    CHECK(s::connection_timeout.default_value == 5);
    CHECK(s::idle_timeout.default_value == 600);
    CHECK(s::max_lifetime.default_value == 1740);
    CHECK(s::update_schema.default_value);
    CHECK(s::port.min == 1);
    CHECK(s::port.max == 65535);
    CHECK(s::connections.min == 1);
    CHECK(s::password.is_secret());
    CHECK_FALSE(s::username.is_secret());
    CHECK(s::index_of("store.postgres.auth.ca") == s::count - 1);
    CHECK(s::index_of("store.postgres.nope") == s::count);
}

TEST_CASE("settings - every key is unique and every setting has help")
{
    std::set<std::string> seen;
    s::for_each([&](const auto& setting) {
        CHECK(seen.insert(std::string(setting.key)).second);
        CHECK_FALSE(setting.help.empty());
    });
    CHECK(seen.size() == s::count);
}

TEST_CASE("settings - values are read back typed")
{
    pgstore::store_config cfg;
    cfg.port = 6432;
    cfg.hosts = {"db1", "db2"};
    const std::uint16_t& port = pgstore::get(cfg, s::port);
    CHECK(port == 6432);
    CHECK(pgstore::get(cfg, s::hosts).size() == 2);
    CHECK(pgstore::get(cfg, s::connections) == 10);
    CHECK(pgstore::get(cfg, s::max_lifetime) == 1740);
}

TEST_CASE("settings - a secret has no printable form")
{
    const pgstore::secret pw("hunter2");
    CHECK(pw.reveal() == "hunter2");
    CHECK(pgstore::secret::redacted() == "<redacted>");
}
