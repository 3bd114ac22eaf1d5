#include <pgstore/pool.hpp>
#include <pgstore/rules.hpp>

#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

namespace {

std::vector<std::string> rules_of(const pgstore::cluster_plan& p)
{
    std::vector<std::string> out;
    for (const auto& d : p.findings)
        out.push_back(d.rule);
    return out;
}

pgstore::cluster_shape shape(std::uint32_t nodes, std::uint32_t cores)
{
    pgstore::cluster_shape s;
    s.nodes = nodes;
    s.cores = cores;
    return s;
}

} // namespace

TEST_CASE("capacity - the numbers")
{
    SUBCASE("defaults: 3 per core, 100 - 3 slots")
    {
        auto s = shape(2, 4);
        s.db_cores = 8;
        const auto p = pgstore::plan_cluster(s);
        CHECK(p.pool == 12);
        CHECK(p.per_node == 12);
        CHECK(p.total == 24);
        CHECK(p.available == 97);
        CHECK(p.headroom == 73);
        CHECK(p.usage == doctest::Approx(24.0 / 97));
        CHECK(p.service_cores == 8);
        CHECK_FALSE(p.over_capacity());
        CHECK(p.findings.empty());
    }
    SUBCASE("read-only pool and PostgreSQL 16 reserved_connections count")
    {
        auto s = shape(3, 2);
        s.pool = 10;
        s.readonly_pool = 5;
        s.max_connections = 200;
        s.reserved = 10;
        s.db_cores = 6;
        const auto p = pgstore::plan_cluster(s);
        CHECK(p.per_node == 15);
        CHECK(p.total == 45);
        CHECK(p.available == 187);
        CHECK(p.headroom == 142);
    }
    SUBCASE("reserved slots above max_connections leave nothing")
    {
        auto s = shape(1, 1);
        s.max_connections = 2;
        const auto p = pgstore::plan_cluster(s);
        CHECK(p.available == 0);
        CHECK(std::isinf(p.usage));
        CHECK(p.over_capacity());
    }
}

TEST_CASE("capacity - findings")
{
    SUBCASE("over capacity")
    {
        auto s = shape(4, 8);
        s.pool = 24;
        s.readonly_pool = 6;
        s.db_cores = 32;
        s.where = {"ekm.properties", 12, 28};
        const auto p = pgstore::plan_cluster(s);
        CHECK(p.total == 120);
        CHECK(p.headroom == -23);
        REQUIRE(rules_of(p) == std::vector<std::string>{"cluster-over-capacity"});
        const auto& d = p.findings[0];
        CHECK(d.level == pgstore::severity::error);
        CHECK(d.key == "store.postgres.connections");
        CHECK(d.where.to_string() == "ekm.properties:12:28");
        CHECK(d.message == "expected at most 97 server slots (max_connections 100 - 3 "
                           "superuser_reserved_connections - 0 reserved_connections), saw 4 nodes x 30 "
                           "connections = 120");
        CHECK(d.hint == "lower store.postgres.connections to 18 or less, or raise max_connections on the "
                        "server to 123 or more (it needs a restart), or run fewer nodes");
    }
    SUBCASE("over capacity even with no pool at all")
    {
        auto s = shape(10, 1);
        s.pool = 3;
        s.readonly_pool = 10;
        s.db_cores = 10;
        const auto p = pgstore::plan_cluster(s);
        REQUIRE(rules_of(p) == std::vector<std::string>{"cluster-over-capacity"});
        CHECK(p.findings[0].hint == "raise max_connections on the server to 133 or more (it needs a restart), "
                                    "or run fewer nodes");
    }
    SUBCASE("near capacity: over 80%")
    {
        auto s = shape(8, 4);
        s.db_cores = 32;
        const auto p = pgstore::plan_cluster(s);  // 8 x 12 = 96 of 97
        REQUIRE(rules_of(p) == std::vector<std::string>{"cluster-near-capacity"});
        CHECK(p.findings[0].level == pgstore::severity::warning);
        CHECK(p.findings[0].message == "8 nodes x 12 connections = 96 take 99% of the 97 server slots "
                                       "(max_connections 100 - 3 superuser_reserved_connections - 0 "
                                       "reserved_connections)");
    }
    SUBCASE("80% exactly is not near")
    {
        auto s = shape(1, 1);
        s.pool = 80;
        s.max_connections = 103;
        s.db_cores = 1;
        CHECK(rules_of(pgstore::plan_cluster(s)) == std::vector<std::string>{"pool-size"});
    }
    SUBCASE("rule of thumb: a note when the database cores are unknown")
    {
        const auto p = pgstore::plan_cluster(shape(2, 4));
        REQUIRE(rules_of(p) == std::vector<std::string>{"cluster-sizing"});
        CHECK(p.findings[0].level == pgstore::severity::note);
        CHECK(p.findings[0].message == "the database cluster should have about the same total cores and memory "
                                       "as the service cluster, which has 8 cores (2 nodes x 4)");
    }
    SUBCASE("rule of thumb: a warning when far off")
    {
        auto s = shape(4, 8);
        s.pool = 4;
        s.db_cores = 8;
        const auto p = pgstore::plan_cluster(s);
        REQUIRE(rules_of(p) == std::vector<std::string>{"cluster-cores-mismatch"});
        CHECK(p.findings[0].message == "expected about 32 database cores, as many as the service cluster's 32 "
                                       "cores (4 nodes x 8), saw 8");
        s.db_cores = 16;
        CHECK(pgstore::plan_cluster(s).findings.empty());
        s.db_cores = 65;
        CHECK(rules_of(pgstore::plan_cluster(s)) == std::vector<std::string>{"cluster-cores-mismatch"});
    }
    SUBCASE("every rule the plan uses is registered")
    {
        for (const char* id : {"cluster-over-capacity", "cluster-near-capacity", "cluster-sizing",
                               "cluster-cores-mismatch", "pool-size", "cockroach-pool-size", "cockroach-sizing"})
            CHECK_MESSAGE(pgstore::find_rule(id) != nullptr, id);
    }
}

TEST_CASE("capacity - CockroachDB is sized by its cores, not by max_connections")
{
    SUBCASE("within 4 connections per database core")
    {
        auto s = shape(4, 4);
        s.vendor = pgstore::database_vendor::cockroachdb;
        s.db_cores = 16;
        s.max_connections = 10;  // a PostgreSQL setting: not used for CockroachDB
        const auto p = pgstore::plan_cluster(s);
        CHECK(p.total == 48);
        REQUIRE(p.cockroach_budget);
        CHECK(*p.cockroach_budget == 64);
        CHECK_FALSE(p.over_capacity());
        CHECK(p.findings.empty());
    }
    SUBCASE("over the budget: a warning with the pool that fits and the cores that would do")
    {
        auto s = shape(4, 8);
        s.vendor = pgstore::database_vendor::cockroachdb;
        s.pool = 20;
        s.readonly_pool = 4;
        s.db_cores = 16;
        s.where = {"ekm.properties", 12, 28};
        const auto p = pgstore::plan_cluster(s);
        REQUIRE(rules_of(p) == std::vector<std::string>{"cockroach-pool-size"});
        const auto& d = p.findings[0];
        CHECK(d.level == pgstore::severity::warning);
        CHECK(d.where.to_string() == "ekm.properties:12:28");
        CHECK(d.message == "expected at most 64 connections (4 x 16 database cores) across the whole cluster, "
                           "shared with every other service that uses it, saw 4 nodes x 24 connections = 96");
        CHECK(d.hint == "lower store.postgres.connections to 12 or less, or give CockroachDB 24 cores or more");
        CHECK_FALSE(p.over_capacity());
    }
    SUBCASE("no database cores given: a note that asks for them")
    {
        auto s = shape(2, 2);
        s.vendor = pgstore::database_vendor::cockroachdb;
        const auto p = pgstore::plan_cluster(s);
        CHECK_FALSE(p.cockroach_budget);
        REQUIRE(rules_of(p) == std::vector<std::string>{"cockroach-sizing", "cluster-sizing"});
        CHECK(p.findings[0].level == pgstore::severity::note);
        CHECK(p.findings[0].message == "CockroachDB recommends about 4 connections per database core across the "
                                       "whole cluster, shared with every other service that uses it; the nodes "
                                       "open 12");
        CHECK(p.findings[0].hint == "pass --db-cores to check the pools against it");
    }
}
