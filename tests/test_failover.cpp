#include <pgstore/failover.hpp>

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

using namespace std::chrono_literals;
using pgstore::attempt_outcome;
using clock_type = std::chrono::steady_clock;

namespace {

/// What a scripted host does: wait, then connect (as a primary or standby), refuse, or stay
/// silent until the deadline.
struct script {
    enum kind { primary, standby, refuse, silent } what = primary;
    std::chrono::milliseconds delay{0};
    std::string error = "connection refused";
};

/// Counters shared by a fake connector and its connections; attempts may run on other threads.
struct ledger {
    std::mutex mutex;
    std::map<std::string, script> hosts;
    std::map<std::string, int> calls;     // connector calls per host
    std::map<std::string, int> open_now;  // attempts in progress per host
    int most_open_per_host = 0;
    std::atomic<int> closed{0};           // connections destroyed
    std::vector<std::string> order;       // hosts in the order their attempts started
};

/// A move-only connection that counts its own closing.
class fake_connection {
public:
    fake_connection(std::string host, bool standby, std::shared_ptr<ledger> l)
        : host_(std::move(host)), standby_(standby), ledger_(std::move(l))
    {
    }
    fake_connection(fake_connection&& other) noexcept = default;
    fake_connection& operator=(fake_connection&&) = delete;
    fake_connection(const fake_connection&) = delete;
    fake_connection& operator=(const fake_connection&) = delete;
    ~fake_connection()
    {
        if (ledger_)
            ++ledger_->closed;
    }

    [[nodiscard]] const std::string& host() const { return host_; }
    [[nodiscard]] bool standby() const { return standby_; }

private:
    std::string host_;
    bool standby_ = false;
    std::shared_ptr<ledger> ledger_;  // empty once moved from, so a move never counts as a close
};

using fake_attempt = pgstore::attempt<fake_connection, std::string>;

/// A connector that follows each host's script; safe to call from several threads.
struct fake_connector {
    std::shared_ptr<ledger> l;

    fake_attempt operator()(const std::string& host, std::uint16_t, clock_type::time_point deadline) const
    {
        script s;
        {
            std::lock_guard<std::mutex> lock(l->mutex);
            s = l->hosts.at(host);
            ++l->calls[host];
            l->order.push_back(host);
            l->most_open_per_host = std::max(l->most_open_per_host, ++l->open_now[host]);
        }
        if (s.what == script::silent)
            std::this_thread::sleep_until(deadline);
        else
            std::this_thread::sleep_for(s.delay);
        {
            std::lock_guard<std::mutex> lock(l->mutex);
            --l->open_now[host];
        }
        switch (s.what) {
        case script::primary: return fake_attempt::success(fake_connection(host, false, l));
        case script::standby: return fake_attempt::success(fake_connection(host, true, l));
        case script::refuse: return fake_attempt::failure(s.error);
        case script::silent: break;
        }
        return fake_attempt::failure("timeout expired");
    }
};

std::shared_ptr<ledger> make_ledger(std::map<std::string, script> hosts)
{
    auto l = std::make_shared<ledger>();
    l->hosts = std::move(hosts);
    return l;
}

auto is_standby = [](fake_connection& c) { return c.standby(); };

pgstore::failover_options options(std::chrono::milliseconds timeout)
{
    pgstore::failover_options o;
    o.timeout = timeout;
    return o;
}

double ms_since(clock_type::time_point start)
{
    return std::chrono::duration<double, std::milli>(clock_type::now() - start).count();
}

} // namespace

TEST_CASE("failover - attempt holds a connection or an error")
{
    SUBCASE("move-only connection")
    {
        auto a = pgstore::attempt<std::unique_ptr<int>, int>::success(std::make_unique<int>(7));
        REQUIRE(a.ok());
        CHECK(*a.connection() == 7);
    }
    SUBCASE("same type on both sides")
    {
        auto a = pgstore::attempt<std::string, std::string>::failure("refused");
        CHECK_FALSE(a);
        CHECK(a.error() == "refused");
    }
    SUBCASE("errors described as text")
    {
        const pgstore::describe_error describe;
        CHECK(describe(std::string("refused")) == "refused");
        CHECK(describe(std::runtime_error("no route to host")) == "no route to host");
        CHECK(describe(std::make_error_code(std::errc::connection_refused)) == "Connection refused");
    }
}

TEST_CASE("failover - sequential, in order, first success wins")
{
    SUBCASE("first refused, second connects")
    {
        auto l = make_ledger({{"db1", {script::refuse}}, {"db2", {script::primary}}, {"db3", {script::primary}}});
        auto r = pgstore::failover_connect({"db1", "db2", "db3"}, 5433, fake_connector{l}, options(1s));
        CHECK(r.host == "db2");
        CHECK(r.port == 5433);
        CHECK(r.connection.host() == "db2");
        CHECK(l->order == std::vector<std::string>{"db1", "db2"});
        REQUIRE(r.attempts.size() == 3);
        CHECK(r.attempts[0].outcome == attempt_outcome::failed);
        CHECK(r.attempts[0].message == "connection refused");
        CHECK(r.attempts[1].outcome == attempt_outcome::connected);
        CHECK(r.attempts[2].outcome == attempt_outcome::skipped);
        CHECK(r.attempts[2].message == "not needed, db2:5433 connected");
        CHECK(r.settled.get().size() == 3);
    }
    SUBCASE("the connection type may be move-only, e.g. unique_ptr")
    {
        auto connector = [](const std::string& host, std::uint16_t, clock_type::time_point) {
            using A = pgstore::attempt<std::unique_ptr<std::string>, std::errc>;
            return host == "db1" ? A::failure(std::errc::connection_refused)
                                 : A::success(std::make_unique<std::string>(host));
        };
        auto describe = [](std::errc e) { return std::make_error_code(e).message(); };
        auto r = pgstore::failover_connect({"db1", "db2"}, 5432, connector, options(1s), pgstore::no_probe{},
                                           describe);
        REQUIRE(r.connection);
        CHECK(*r.connection == "db2");
        CHECK(r.attempts[0].message == "Connection refused");
    }
    SUBCASE("each host once, even when listed twice")
    {
        auto l = make_ledger({{"db1", {script::refuse}}, {"db2", {script::refuse}}});
        CHECK_THROWS_AS((void)pgstore::failover_connect({"db1", "DB1", "db2"}, 5432, fake_connector{l},
                                                        options(1s)),
                        pgstore::connection_error);
        CHECK(l->order == std::vector<std::string>{"db1", "db2"});
    }
    SUBCASE("no host at all")
    {
        auto l = make_ledger({});
        try {
            (void)pgstore::failover_connect({}, 5432, fake_connector{l}, options(1s));
            FAIL("expected a connection_error");
        } catch (const pgstore::connection_error& e) {
            CHECK(std::string(e.what()) == "no host to connect to");
            CHECK(e.attempts().empty());
        }
    }
    SUBCASE("a connector that throws is a failed attempt")
    {
        auto connector = [](const std::string& host, std::uint16_t, clock_type::time_point) {
            if (host == "db1")
                throw std::runtime_error("resolver exploded");
            return pgstore::attempt<int>::success(2);
        };
        auto r = pgstore::failover_connect({"db1", "db2"}, 5432, connector, options(1s));
        CHECK(r.connection == 2);
        CHECK(r.attempts[0].message == "connector threw: resolver exploded");
    }
}

TEST_CASE("failover - all hosts fail")
{
    auto l = make_ledger({{"db1", {script::refuse, 0ms, "connection refused"}},
                          {"2001:db8::7", {script::refuse, 0ms, "no route to host"}}});
    try {
        (void)pgstore::failover_connect({"db1", "2001:db8::7"}, 5432, fake_connector{l}, options(1500ms));
        FAIL("expected a connection_error");
    } catch (const pgstore::connection_error& e) {
        const std::string what = e.what();
        CHECK(e.headline() == "could not connect to any host");
        CHECK(what.rfind("could not connect to any host\n  db1:5432: failed after ", 0) == 0);
        CHECK(what.find(" ms: connection refused\n  [2001:db8::7]:5432: failed after ") != std::string::npos);
        CHECK(what.find(" ms: no route to host") != std::string::npos);
        REQUIRE(e.attempts().size() == 2);
        CHECK(e.attempts()[0].host == "db1");
        CHECK(e.attempts()[0].port == 5432);
        CHECK(e.attempts()[1].outcome == attempt_outcome::failed);
        CHECK(e.attempts()[1].message == "no route to host");
        const std::runtime_error& base = e;
        CHECK(std::string(base.what()) == what);
    }
}

TEST_CASE("failover - one deadline shared by every host")
{
    auto l = make_ledger({{"db1", {script::silent}}, {"db2", {script::primary}}, {"db3", {script::primary}}});
    const auto start = clock_type::now();
    try {
        (void)pgstore::failover_connect({"db1", "db2", "db3"}, 5432, fake_connector{l}, options(100ms));
        FAIL("expected a connection_error");
    } catch (const pgstore::connection_error& e) {
        CHECK(ms_since(start) >= 100);
        CHECK(ms_since(start) < 2000);  // generous: the point is that db2 and db3 got no time
        CHECK(e.headline() == "could not connect to any host within 100 ms");
        REQUIRE(e.attempts().size() == 3);
        CHECK(e.attempts()[0].outcome == attempt_outcome::failed);
        CHECK(e.attempts()[0].message == "timeout expired");
        CHECK(pgstore::whole_ms(e.attempts()[0].elapsed) >= 100);
        for (std::size_t i : {1u, 2u}) {
            CHECK(e.attempts()[i].outcome == attempt_outcome::skipped);
            CHECK(e.attempts()[i].message == "deadline reached");
        }
        CHECK(std::string(e.what()).find("\n  db2:5432: skipped: deadline reached\n  db3:5432: skipped: deadline "
                                         "reached") != std::string::npos);
    }
    CHECK(l->order == std::vector<std::string>{"db1"});
}

TEST_CASE("failover - read-write work needs the primary")
{
    SUBCASE("standby listed first, primary chosen, report says why")
    {
        auto l = make_ledger({{"replica", {script::standby}}, {"primary", {script::primary}}});
        auto r = pgstore::failover_connect({"replica", "primary"}, 5432, fake_connector{l}, options(1s), is_standby);
        CHECK(r.host == "primary");
        CHECK(r.attempts[0].outcome == attempt_outcome::standby);
        CHECK(r.attempts[0].message == "standby, read-write work needs the primary");
        CHECK(pgstore::to_string(r.attempts[0]).rfind("replica:5432: standby after ", 0) == 0);
        CHECK(l->closed == 1);  // the standby's connection was closed
    }
    SUBCASE("no primary among the hosts")
    {
        auto l = make_ledger({{"r1", {script::standby}}, {"r2", {script::refuse}}});
        try {
            (void)pgstore::failover_connect({"r1", "r2"}, 5432, fake_connector{l}, options(1s), is_standby);
            FAIL("expected a connection_error");
        } catch (const pgstore::connection_error& e) {
            CHECK(e.headline() == "no primary among the hosts");
            CHECK(e.attempts()[0].outcome == attempt_outcome::standby);
            CHECK(e.attempts()[1].message == "connection refused");
        }
        CHECK(l->closed == 1);
    }
    SUBCASE("a failing probe fails the attempt")
    {
        auto l = make_ledger({{"db1", {script::primary}}, {"db2", {script::primary}}});
        auto probe = [](fake_connection& c) -> bool {
            if (c.host() == "db1")
                throw std::runtime_error("server closed the connection");
            return false;
        };
        auto r = pgstore::failover_connect({"db1", "db2"}, 5432, fake_connector{l}, options(1s), probe);
        CHECK(r.host == "db2");
        CHECK(r.attempts[0].message == "probe failed: server closed the connection");
    }
}

TEST_CASE("failover - read-only work")
{
    auto ro = [](bool fallback) {
        auto o = options(1s);
        o.work = pgstore::work::read_only;
        o.readonly_host = "replica";
        o.readonly_fallback = fallback;
        return o;
    };

    SUBCASE("goes to the read-only host, standby or not")
    {
        auto l = make_ledger({{"replica", {script::standby}}, {"primary", {script::primary}}});
        auto r = pgstore::failover_connect({"primary"}, 5432, fake_connector{l}, ro(true), is_standby);
        CHECK(r.host == "replica");
        CHECK(r.attempts[0].readonly_host);
        CHECK(r.attempts[1].outcome == attempt_outcome::skipped);
    }
    SUBCASE("falls back to the primary hosts when allowed")
    {
        auto l = make_ledger({{"replica", {script::refuse}}, {"primary", {script::primary}}});
        auto r = pgstore::failover_connect({"primary"}, 5432, fake_connector{l}, ro(true));
        CHECK(r.host == "primary");
        CHECK(r.attempts[0].outcome == attempt_outcome::failed);
        CHECK_FALSE(r.attempts[1].readonly_host);
    }
    SUBCASE("does not fall back when not allowed")
    {
        auto l = make_ledger({{"replica", {script::refuse}}, {"primary", {script::primary}}});
        try {
            (void)pgstore::failover_connect({"primary"}, 5432, fake_connector{l}, ro(false));
            FAIL("expected a connection_error");
        } catch (const pgstore::connection_error& e) {
            CHECK(e.headline() == "could not connect to any host (read-only work, falling back to "
                                  "the primary hosts is not allowed)");
            REQUIRE(e.attempts().size() == 1);
            CHECK(e.attempts()[0].host == "replica");
        }
        CHECK(l->order == std::vector<std::string>{"replica"});
    }
    SUBCASE("without a read-only host, the primary hosts")
    {
        auto l = make_ledger({{"primary", {script::primary}}});
        auto o = ro(false);
        o.readonly_host.reset();
        CHECK(pgstore::failover_connect({"primary"}, 5432, fake_connector{l}, o).host == "primary");
    }
}

TEST_CASE("failover - options from a configuration")
{
    pgstore::store_config c;
    c.connection_timeout_seconds = 7;
    c.readonly_host = "replica";
    const auto o = pgstore::failover_options_for(c, pgstore::work::read_only);
    CHECK(o.timeout == 7s);
    CHECK(o.work == pgstore::work::read_only);
    CHECK(o.readonly_host == std::optional<std::string>("replica"));
    CHECK(o.mode == pgstore::failover_mode::sequential);
    CHECK(o.stagger_delay == 250ms);
}

TEST_CASE("failover - staggered mode")
{
    auto staggered = [](std::chrono::milliseconds timeout, std::chrono::milliseconds delay) {
        auto o = options(timeout);
        o.mode = pgstore::failover_mode::staggered;
        o.stagger_delay = delay;
        o.preference_hold = delay;
        return o;
    };

    SUBCASE("reaches a live second host when the first is silent, where sequential runs out of time")
    {
        auto hosts = std::map<std::string, script>{{"silent", {script::silent}}, {"live", {script::primary}}};
        auto seq = make_ledger(hosts);
        CHECK_THROWS_AS((void)pgstore::failover_connect({"silent", "live"}, 5432, fake_connector{seq}, options(600ms)),
                        pgstore::connection_error);

        auto l = make_ledger(hosts);
        const auto start = clock_type::now();
        auto r = pgstore::failover_connect({"silent", "live"}, 5432, fake_connector{l}, staggered(600ms, 30ms));
        CHECK(ms_since(start) < 500);  // about two stagger delays; sequential needs the whole 600 ms
        CHECK(r.host == "live");
        CHECK(r.attempts[0].outcome == attempt_outcome::abandoned);
        CHECK(r.attempts[0].message == "still connecting when live:5432 was chosen");
        const auto settled = r.settled.get();  // waits for the silent attempt to give up
        CHECK(settled[0].outcome == attempt_outcome::abandoned);
        CHECK(settled[0].message == "after the connect had ended: timeout expired");
        CHECK(settled[1].outcome == attempt_outcome::connected);
    }
    SUBCASE("prefers the earlier host when both succeed, and closes the loser")
    {
        // db1 answers after the stagger delay but before the hold ends; db2 answers at once.
        auto l = make_ledger({{"db1", {script::primary, 150ms}}, {"db2", {script::primary, 0ms}}});
        auto o = staggered(2s, 20ms);
        o.preference_hold = 1s;
        auto r = pgstore::failover_connect({"db1", "db2"}, 5432, fake_connector{l}, o);
        CHECK(r.host == "db1");
        CHECK(r.connection.host() == "db1");
        // Each attempt runs on its own thread, so the ledger's order is the scheduler's, not the policy's.
        CHECK(l->calls == std::map<std::string, int>{{"db1", 1}, {"db2", 1}});
        CHECK(r.attempts[0].host == "db1");
        CHECK(r.attempts[1].outcome == attempt_outcome::superseded);
        CHECK(r.attempts[1].message == "connected, closed because db1:5432 comes first");
        (void)r.settled.get();
        CHECK(l->closed == 1);
    }
    SUBCASE("no further host starts while a connection is held")
    {
        auto l = make_ledger({{"db1", {script::silent}}, {"db2", {script::primary}}, {"db3", {script::primary}}});
        auto o = staggered(1s, 20ms);
        o.preference_hold = 200ms;
        auto r = pgstore::failover_connect({"db1", "db2", "db3"}, 5432, fake_connector{l}, o);
        CHECK(r.host == "db2");
        CHECK(l->calls.count("db3") == 0);
        CHECK(r.attempts[2].outcome == attempt_outcome::skipped);
        CHECK(r.attempts[2].message == "not needed, db2:5432 connected");
        (void)r.settled.get();
    }
    SUBCASE("a later success held past the hold is taken")
    {
        auto l = make_ledger({{"slow", {script::primary, 400ms}}, {"fast", {script::primary, 0ms}}});
        auto r = pgstore::failover_connect({"slow", "fast"}, 5432, fake_connector{l}, staggered(2s, 20ms));
        CHECK(r.host == "fast");
        (void)r.settled.get();
        CHECK(l->closed == 1);  // the slow host's connection, closed when it arrived
        CHECK(r.settled.get()[0].message == "connected after the connect had ended; closed");
    }
    SUBCASE("a failure starts the next host at once, each host at most once")
    {
        auto l = make_ledger({{"db1", {script::refuse}},
                              {"db2", {script::refuse}},
                              {"db3", {script::standby, 10ms}},
                              {"db4", {script::primary, 10ms}}});
        const auto start = clock_type::now();
        auto r = pgstore::failover_connect({"db1", "db2", "db3", "db2", "db4"}, 5432, fake_connector{l},
                                           staggered(2s, 500ms), is_standby);
        CHECK(ms_since(start) < 450);  // never waited for a stagger delay
        CHECK(r.host == "db4");
        CHECK(l->most_open_per_host == 1);
        for (const auto& call : l->calls)
            CHECK_MESSAGE(call.second == 1, call.first);
        CHECK(r.attempts[2].outcome == attempt_outcome::standby);
        CHECK(r.attempts[3].message == "already tried");
        (void)r.settled.get();
        CHECK(l->closed == 1);  // the standby
    }
    SUBCASE("all fail: one connection_error, losers closed")
    {
        auto l = make_ledger({{"db1", {script::silent}}, {"db2", {script::standby, 0ms}}, {"db3", {script::silent}}});
        try {
            (void)pgstore::failover_connect({"db1", "db2", "db3"}, 5432, fake_connector{l}, staggered(150ms, 20ms),
                                            is_standby);
            FAIL("expected a connection_error");
        } catch (const pgstore::connection_error& e) {
            CHECK(e.headline() == "no primary among the hosts");
            REQUIRE(e.attempts().size() == 3);
            CHECK(e.attempts()[1].outcome == attempt_outcome::standby);
            // the silent hosts give up at the deadline, maybe just before the connect ends
            for (std::size_t i : {0u, 2u}) {
                CHECK((e.attempts()[i].outcome == attempt_outcome::abandoned ||
                       e.attempts()[i].outcome == attempt_outcome::failed));
            }
        }
        CHECK(l->closed == 1);
    }
}
