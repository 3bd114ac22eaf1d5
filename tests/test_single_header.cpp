// The generated single header, included alone the way a user would drop it in.

#include <pgstore/pgstore.hpp>

#include <doctest/doctest.h>

TEST_CASE("single header - reads, validates and reads back typed values")
{
    const auto file = pgstore::read_properties("store.type=DatabaseStore\nstore.database.vendor=postgres\n"
                                               "store.postgres.host=db1\nstore.postgres.port=5432\n"
                                               "store.postgres.database=db_ekm\nstore.postgres.schema=ekm\n"
                                               "store.postgres.username=user_ekm\n"
                                               "store.postgres.auth.method=password\n"
                                               "store.postgres.auth.password=pw\nstore.postgres.conections=3\n",
                                               "ekm.properties");
    pgstore::validation_options options;
    options.cores = 4;
    const auto result = pgstore::validate(file, options);
    REQUIRE(result.findings.size() == 1);
    CHECK(result.findings[0].rule == "unknown-key");
    CHECK(result.findings[0].where.to_string() == "ekm.properties:10:1");
    CHECK(pgstore::get(result.config, pgstore::settings::connections) == 10);
    CHECK(std::string(pgstore::version) == "0.1.0");
}
