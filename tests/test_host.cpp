#include <pgstore/host.hpp>

#include <doctest/doctest.h>

using pgstore::check_host;
using pgstore::host_problem;

TEST_CASE("host - names and literals that are accepted")
{
    for (const char* ok : {"db1", "db-1.example.com", "db_primary", "localhost", "127.0.0.1", "10.0.0.5",
                           "::1", "[::1]", "2001:db8::5", "[2001:db8:0:0:0:0:0:5]", "::ffff:10.0.0.1",
                           "fe80::1%eth0", "example.com.", "0.0.0.0"}) {
        CAPTURE(ok);
        CHECK(check_host(ok).problem == host_problem::none);
    }
    CHECK(check_host("[::1]").host == "::1");
}

TEST_CASE("host - rejected with a reason")
{
    CHECK(check_host("db1:5433").problem == host_problem::with_port);
    CHECK(check_host("[::1]:5433").problem == host_problem::with_port);
    CHECK(check_host("").problem == host_problem::empty);
    CHECK(check_host("  ").problem == host_problem::empty);
    for (const char* bad : {"256.1.1.1", "1.2.3", "1.2.3.4.5", "-db", "db-", "a..b", "db 1", "db/1",
                            "1::2::3", "12345::1", "[::1", "[db1]", "1:2:3:4:5:6:7:8:9", "d\xc3\xa9"}) {
        CAPTURE(bad);
        CHECK(check_host(bad).problem == host_problem::invalid);
        CHECK_FALSE(check_host(bad).reason.empty());
    }
    CHECK(check_host("db 1").reason == "only letters, digits, '-', '_' and '.' are allowed in a host name");
    CHECK(check_host("db/1").reason == "character '/' is not allowed in a host name");
    CHECK(check_host(std::string(64, 'a')).reason == "a label has at most 63 characters");
}

TEST_CASE("host - lists keep empty items and offsets")
{
    const auto items = pgstore::check_host_list("db1,, db2 ,");
    REQUIRE(items.size() == 4);
    CHECK(items[0].host == "db1");
    CHECK(items[1].problem == host_problem::empty);
    CHECK(items[2].host == "db2");
    CHECK(items[2].padded);
    CHECK(items[2].offset == 5);
    CHECK(items[3].problem == host_problem::empty);
}
