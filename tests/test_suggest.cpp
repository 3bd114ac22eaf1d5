#include <pgstore/settings.hpp>
#include <pgstore/suggest.hpp>

#include <doctest/doctest.h>

using pgstore::edit_distance;
using pgstore::suggest_key;
using pgstore::settings::keys;

TEST_CASE("suggest - edit distance counts a swapped pair as one edit")
{
    CHECK(edit_distance("host", "host") == 0);
    CHECK(edit_distance("hsot", "host") == 1);
    CHECK(edit_distance("HOST", "host") == 0);
    CHECK(edit_distance("", "abc") == 3);
    CHECK(edit_distance("kitten", "sitting") == 3);
}

TEST_CASE("suggest - did you mean")
{
    CHECK(suggest_key("store.postgres.databse", keys) == "store.postgres.database");
    CHECK(suggest_key("store.postgres.conections", keys) == "store.postgres.connections");
    CHECK(suggest_key("Store.Postgres.Host", keys) == "store.postgres.host");
    CHECK(suggest_key("store.postgres.password", keys) == "store.postgres.auth.password");
    CHECK(suggest_key("store.postgres.connection.maxlifetime", keys)
          == "store.postgres.connection.maxlifetime.seconds");
    CHECK(suggest_key("store.postgres.user", keys) == "store.postgres.username");
    CHECK(suggest_key("store.postgres.idle.timeout", keys) == "store.postgres.connection.idletimeout.seconds");
    CHECK(suggest_key("store.postgres.max_lifetime.ms", keys) == "store.postgres.connection.maxlifetime.seconds");
    CHECK_FALSE(suggest_key("store.postgres.timeout", keys));  // the connection or the idle timeout?
    CHECK_FALSE(suggest_key("store.kmip.hostname", keys));
    CHECK_FALSE(suggest_key("api.port", keys));
}
