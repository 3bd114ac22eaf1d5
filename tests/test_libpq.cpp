// The failover policy with the libpq adapter against a real PostgreSQL 15 primary (127.0.0.2)
// and streaming replica (127.0.0.3) started by tests/pg/with-cluster.sh. Refused hosts are
// 127.0.0.9 and 127.0.0.10, silent ones listening sockets of the test's own on 127.0.0.4/5.

#include "silent_listener.hpp"

#include <pgstore/libpq.hpp>

#include <doctest/doctest.h>

#include <sys/stat.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

namespace {

using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

std::string env(const char* name)
{
    const char* v = std::getenv(name);
    REQUIRE_MESSAGE(v != nullptr, name << " is not set; run through tests/pg/with-cluster.sh");
    return v;
}

// The test cluster, as tests/pg/cluster.sh describes it in PGSTORE_PG_*.
struct cluster {
    std::string primary = env("PGSTORE_PG_PRIMARY");
    std::string replica = env("PGSTORE_PG_REPLICA");
    std::uint16_t port = static_cast<std::uint16_t>(std::stoi(env("PGSTORE_PG_PORT")));
    std::string database = env("PGSTORE_PG_DATABASE");
    std::string schema = env("PGSTORE_PG_SCHEMA");

    pgstore::store_config password_config(std::vector<std::string> hosts) const
    {
        pgstore::store_config cfg;
        cfg.hosts = std::move(hosts);
        cfg.port = port;
        cfg.database = database;
        cfg.schema = schema;
        cfg.username = env("PGSTORE_PG_PW_USER");
        cfg.auth = pgstore::auth_method::password;
        cfg.password = pgstore::secret(env("PGSTORE_PG_PASSWORD"));
        return cfg;
    }

    pgstore::store_config cert_config(std::vector<std::string> hosts) const
    {
        pgstore::store_config cfg = password_config(std::move(hosts));
        cfg.username = env("PGSTORE_PG_CERT_USER");
        cfg.auth = pgstore::auth_method::cert;
        cfg.password = pgstore::secret();
        cfg.cert_file = env("PGSTORE_PG_CLIENT_CERT");
        cfg.key_file = env("PGSTORE_PG_CLIENT_KEY_DER");
        cfg.ca_file = env("PGSTORE_PG_CA");
        return cfg;
    }
};

pgstore::failover_options options_for(const pgstore::store_config& cfg, std::chrono::milliseconds timeout,
                                      pgstore::work w = pgstore::work::read_write)
{
    auto o = pgstore::failover_options_for(cfg, w);
    o.timeout = timeout;
    return o;
}

// A connector that gives each host an equal share of the timeout, as test-connection does.
pgstore::libpq_connector sharing(const pgstore::store_config& cfg, std::chrono::milliseconds timeout,
                                 std::size_t hosts)
{
    pgstore::libpq_connector_options o;
    o.per_host_timeout = pgstore::fair_share(timeout, hosts);
    return pgstore::libpq_connector(cfg, o);
}

template <class Connector>
auto connect(const pgstore::store_config& cfg, Connector& connector, const pgstore::failover_options& o)
{
    return pgstore::failover_connect(cfg.hosts, cfg.port, connector, o, pgstore::libpq_standby_probe{});
}

// Connects expecting failure and returns the error.
pgstore::connection_error connect_failing(const pgstore::store_config& cfg, const pgstore::libpq_connector& c,
                                          const pgstore::failover_options& o)
{
    try {
        auto r = pgstore::failover_connect(cfg.hosts, cfg.port, c, o, pgstore::libpq_standby_probe{});
        FAIL("connected to " << r.host << " although no host should have worked");
    } catch (const pgstore::connection_error& e) {
        return e;
    }
    throw std::logic_error("unreachable");
}

std::string query_one(pgstore::libpq_connection& conn, const std::string& sql)
{
    const auto r = pgstore::exec_until(conn, sql, {}, clock_type::now() + 5s);
    REQUIRE(PQntuples(r.get()) == 1);
    return PQgetvalue(r.get(), 0, 0);
}

} // namespace

TEST_SUITE("cluster")
{
    TEST_CASE("libpq cluster - first host refused, the second connects")
    {
        const cluster pg;
        const auto cfg = pg.password_config({"127.0.0.9", pg.primary});
        const auto connector = sharing(cfg, 5s, 2);
        auto r = connect(cfg, connector, options_for(cfg, 5s));

        CHECK(r.host == pg.primary);
        REQUIRE(r.attempts.size() == 2);
        CHECK(r.attempts[0].outcome == pgstore::attempt_outcome::failed);
        CHECK(pgstore::libpq_failure_of(r.attempts[0]) == pgstore::libpq_failure::refused);
        CHECK(r.attempts[0].message.rfind("refused: Connection refused", 0) == 0);
        CHECK(r.attempts[1].outcome == pgstore::attempt_outcome::connected);

        const auto check = pgstore::check_connection(r.connection, clock_type::now() + 5s);
        CHECK(check.current_schema == pg.schema);
        CHECK(check.tables == 1);
        CHECK_FALSE(check.standby);
        CHECK(check.server_version.rfind("15.", 0) == 0);
        CHECK(check.tls_version.has_value());  // sslmode=prefer and a server with TLS
    }

    TEST_CASE("libpq cluster - a silent first host gives way to the next within the deadline")
    {
        const cluster pg;
        const pgstore::testing::silent_listener silent("127.0.0.4", pg.port);
        const auto cfg = pg.password_config({"127.0.0.4", pg.primary});
        const auto connector = sharing(cfg, 4s, 2);
        const auto start = clock_type::now();
        auto r = connect(cfg, connector, options_for(cfg, 4s));
        const auto spent = clock_type::now() - start;

        CHECK(r.host == pg.primary);
        REQUIRE(r.attempts.size() == 2);
        CHECK(pgstore::libpq_failure_of(r.attempts[0]) == pgstore::libpq_failure::timed_out);
        CHECK(r.attempts[0].message.find("(this host's share of the timeout)") != std::string::npos);
        CHECK(r.attempts[0].elapsed >= 2s);
        CHECK(r.attempts[0].elapsed < 2500ms);
        CHECK(spent < 4s);
    }

    TEST_CASE("libpq cluster - all hosts down: one connection_error naming each")
    {
        const cluster pg;
        const pgstore::testing::silent_listener silent("127.0.0.4", pg.port);
        const auto cfg = pg.password_config({"127.0.0.9", "127.0.0.4", "127.0.0.10"});
        const auto start = clock_type::now();
        const auto e = connect_failing(cfg, sharing(cfg, 3s, 3), options_for(cfg, 3s));
        const auto spent = clock_type::now() - start;

        CHECK(e.headline() == "could not connect to any host");
        REQUIRE(e.attempts().size() == 3);
        CHECK(pgstore::libpq_failure_of(e.attempts()[0]) == pgstore::libpq_failure::refused);
        CHECK(pgstore::libpq_failure_of(e.attempts()[1]) == pgstore::libpq_failure::timed_out);
        CHECK(pgstore::libpq_failure_of(e.attempts()[2]) == pgstore::libpq_failure::refused);
        const std::string what = e.what();
        const std::string port = std::to_string(pg.port);
        CHECK(what.rfind("could not connect to any host\n", 0) == 0);
        for (const char* host : {"127.0.0.9", "127.0.0.4", "127.0.0.10"})
            CHECK(what.find(std::string("\n  ") + host + ":" + port + ": failed after ") != std::string::npos);
        CHECK(what.find("ms: timed out: no answer within ") != std::string::npos);
        CHECK(spent < 3500ms);
    }

    TEST_CASE("libpq cluster - read-only work lands on the replica")
    {
        const cluster pg;
        auto cfg = pg.password_config({pg.primary});

        SUBCASE("the read-only host is the replica")
        {
            cfg.readonly_host = pg.replica;
            const auto connector = sharing(cfg, 5s, 2);
            auto r = connect(cfg, connector, options_for(cfg, 5s, pgstore::work::read_only));
            CHECK(r.host == pg.replica);
            REQUIRE(r.attempts.size() == 2);
            CHECK(r.attempts[0].readonly_host);
            CHECK(r.attempts[0].outcome == pgstore::attempt_outcome::connected);
            CHECK(r.attempts[1].outcome == pgstore::attempt_outcome::skipped);
            const auto check = pgstore::check_connection(r.connection, clock_type::now() + 5s);
            CHECK(check.standby);
            CHECK(check.current_schema == pg.schema);
        }
        SUBCASE("a read-only host that is down falls back to the primary")
        {
            cfg.readonly_host = "127.0.0.9";
            const auto connector = sharing(cfg, 5s, 2);
            auto r = connect(cfg, connector, options_for(cfg, 5s, pgstore::work::read_only));
            CHECK(r.host == pg.primary);
            CHECK(pgstore::libpq_failure_of(r.attempts[0]) == pgstore::libpq_failure::refused);
        }
        SUBCASE("without fallback the failure says so")
        {
            cfg.readonly_host = "127.0.0.9";
            auto o = options_for(cfg, 5s, pgstore::work::read_only);
            o.readonly_fallback = false;
            const auto e = connect_failing(cfg, pgstore::libpq_connector(cfg), o);
            CHECK(e.headline()
                  == "could not connect to any host (read-only work, falling back to the "
                     "primary hosts is not allowed)");
            CHECK(e.attempts().size() == 1);
        }
    }

    TEST_CASE("libpq cluster - the replica listed first for read-write work gives way to the primary")
    {
        const cluster pg;
        SUBCASE("the report says why the replica was passed over")
        {
            const auto cfg = pg.password_config({pg.replica, pg.primary});
            const auto connector = sharing(cfg, 5s, 2);
            auto r = connect(cfg, connector, options_for(cfg, 5s));
            CHECK(r.host == pg.primary);
            REQUIRE(r.attempts.size() == 2);
            CHECK(r.attempts[0].outcome == pgstore::attempt_outcome::standby);
            const std::string line = pgstore::to_string(r.attempts[0]);
            CHECK(line.rfind(pg.replica + ":" + std::to_string(pg.port) + ": standby after ", 0) == 0);
            CHECK(line.find(" ms: standby, read-write work needs the primary") != std::string::npos);
            CHECK_FALSE(pgstore::check_connection(r.connection, clock_type::now() + 5s).standby);
        }
        SUBCASE("only a replica: no primary among the hosts")
        {
            const auto cfg = pg.password_config({pg.replica});
            const auto e = connect_failing(cfg, pgstore::libpq_connector(cfg), options_for(cfg, 5s));
            CHECK(e.headline() == "no primary among the hosts");
        }
    }

    TEST_CASE("libpq cluster - a wrong password is a clear error naming the host")
    {
        const cluster pg;
        auto cfg = pg.password_config({pg.primary, pg.replica});
        cfg.password = pgstore::secret("Wrong-Pw-4711");
        const auto e = connect_failing(cfg, sharing(cfg, 5s, 2), options_for(cfg, 5s));
        const std::string what = e.what();
        REQUIRE(e.attempts().size() == 2);
        for (const auto& a : e.attempts()) {
            CHECK(pgstore::libpq_failure_of(a) == pgstore::libpq_failure::auth_failed);
            CHECK(a.message == "auth failed: FATAL: password authentication failed for user \"pgstore_pw\"");
        }
        CHECK(what.find(pg.primary + ":" + std::to_string(pg.port) + ": failed after ") != std::string::npos);
        CHECK(what.find("Wrong-Pw-4711") == std::string::npos);
    }

    TEST_CASE("libpq cluster - cert auth with the PKCS#8 DER key, end to end")
    {
        const cluster pg;
        const auto cfg = pg.cert_config({pg.primary});
        std::string copy;
        {
            const pgstore::libpq_connector connector(cfg);
            REQUIRE(connector.client_key());
            copy = connector.client_key()->path();
            CHECK(connector.client_key()->converted_from_der());
            struct stat st {};
            REQUIRE(::stat(copy.c_str(), &st) == 0);
            CHECK((st.st_mode & 0777) == 0600);

            auto r = connect(cfg, connector, options_for(cfg, 5s));
            CHECK(r.host == pg.primary);
            CHECK(query_one(r.connection, "select current_user") == "pgstore_cert");
            const auto check = pgstore::check_connection(r.connection, clock_type::now() + 5s);
            CHECK(check.tls_version.has_value());
            CHECK(check.tls_cipher.has_value());
            CHECK(check.current_schema == pg.schema);
        }
        CHECK_FALSE(std::filesystem::exists(copy));
        CHECK_FALSE(std::filesystem::exists(std::filesystem::path(copy).parent_path()));
    }

    TEST_CASE("libpq cluster - staggered mode reaches the live host sooner than sequential")
    {
        const cluster pg;
        const pgstore::testing::silent_listener first("127.0.0.4", pg.port);
        const pgstore::testing::silent_listener second("127.0.0.5", pg.port);
        const auto cfg = pg.password_config({"127.0.0.4", "127.0.0.5", pg.primary});

        auto start = clock_type::now();
        {
            const auto connector = sharing(cfg, 6s, 3);
            auto r = connect(cfg, connector, options_for(cfg, 6s));
            CHECK(r.host == pg.primary);
        }
        const auto sequential = clock_type::now() - start;

        auto o = options_for(cfg, 6s);
        o.mode = pgstore::failover_mode::staggered;
        const pgstore::libpq_connector connector(cfg);
        start = clock_type::now();
        auto r = connect(cfg, connector, o);
        const auto staggered = clock_type::now() - start;
        connector.cancel();
        CHECK(r.host == pg.primary);
        REQUIRE(r.settled.wait_for(2s) == std::future_status::ready);
        const auto settled = r.settled.get();
        REQUIRE(settled.size() == 3);
        CHECK(settled[0].outcome == pgstore::attempt_outcome::abandoned);
        CHECK(settled[1].outcome == pgstore::attempt_outcome::abandoned);
        CHECK(settled[2].outcome == pgstore::attempt_outcome::connected);

        MESSAGE("sequential " << pgstore::whole_ms(sequential) << " ms, staggered " << pgstore::whole_ms(staggered)
                              << " ms");
        CHECK(sequential >= 4s);   // two silent hosts at 2 s each
        CHECK(staggered < 2s);     // both silent hosts overlap, the live one starts after 500 ms
        CHECK(staggered * 2 < sequential);
    }

    TEST_CASE("libpq cluster - the rendered strings select exactly the configured schema")
    {
        const cluster pg;
        auto cfg = pg.password_config({pg.primary});
        cfg.schema = "We ird \"x\\y\" \xc3\xa9";
        pgstore::conninfo_options o;
        o.with_password = true;
        for (const auto& conninfo : {pgstore::libpq_conninfo(cfg, o), pgstore::libpq_uri(cfg, o)}) {
            pgstore::libpq_connection conn(PQconnectdb(conninfo.c_str()), clock_type::now() + 5s);
            REQUIRE(PQstatus(conn.get()) == CONNECTION_OK);
            CHECK(query_one(conn, "select current_setting('search_path')") == pgstore::search_path_for(cfg.schema));
            CHECK(query_one(conn, "select (pg_catalog.current_schemas(false))[1] is null") == "t");
            CHECK(query_one(conn, "select current_user") == "pgstore_pw");
        }
    }
}
