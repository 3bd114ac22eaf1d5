// With odr_second.cpp: two translation units include pgstore and link into one program.

#include <pgstore/pgstore.hpp>

#include <doctest/doctest.h>

std::size_t findings_in_second(const std::string& text);

TEST_CASE("separate compilation - both translation units agree")
{
    const std::string text = "store.postgres.port=x\n";
    const auto here = pgstore::validate(pgstore::read_properties(text, "a")).findings.size();
    CHECK(here == findings_in_second(text));
    CHECK(here > 1);
}
