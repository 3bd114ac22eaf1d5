// The .properties reader: Java's results (tests/java_differential.py checks hundreds of files
// against the JDK itself) plus the locations, which Java does not report.

#include <pgstore/properties.hpp>

#include <doctest/doctest.h>

#include <string>

using pgstore::property_file;
using pgstore::read_properties;

namespace {

std::string value_of(const property_file& f, const std::string& key)
{
    const auto* p = f.find(key);
    REQUIRE_MESSAGE(p != nullptr, "no key " << key);
    return p->value;
}

std::string at(const pgstore::location& l)
{
    return std::to_string(l.line) + ":" + std::to_string(l.column);
}

} // namespace

TEST_CASE("properties - separators")
{
    const auto f = read_properties("a=1\nb:2\nc 3\nd\t=\t4\ne = =5\nf==6\ng :7\nh\n=8\n", "t");
    CHECK(value_of(f, "a") == "1");
    CHECK(value_of(f, "b") == "2");
    CHECK(value_of(f, "c") == "3");
    CHECK(value_of(f, "d") == "4");
    CHECK(value_of(f, "e") == "=5");
    CHECK(value_of(f, "f") == "=6");
    CHECK(value_of(f, "g") == "7");
    CHECK(value_of(f, "h").empty());
    CHECK(value_of(f, "") == "8");
}

TEST_CASE("properties - comments and blank lines")
{
    const auto f = read_properties("# a=1\n  ! b=2\n\n   \n\t\f\nc=3 # not a comment\n# d=4 \\\ne=5\n", "t");
    CHECK(f.find("a") == nullptr);
    CHECK(f.find("b") == nullptr);
    CHECK(f.find("d") == nullptr);
    CHECK(value_of(f, "c") == "3 # not a comment");
    CHECK(value_of(f, "e") == "5");
    CHECK(f.entries.size() == 2);
}

TEST_CASE("properties - continuation lines")
{
    SUBCASE("odd and even backslashes")
    {
        const auto f = read_properties("a=x\\\n   y\nb=x\\\\\nc=z\n", "t");
        CHECK(value_of(f, "a") == "xy");
        CHECK(value_of(f, "b") == "x\\");
        CHECK(value_of(f, "c") == "z");
    }
    SUBCASE("CR, LF and CRLF")
    {
        const auto f = read_properties("a=1\\\r\n  2\rb=3\\\r  4\r\nc=5", "t");
        CHECK(value_of(f, "a") == "12");
        CHECK(value_of(f, "b") == "34");
        CHECK(value_of(f, "c") == "5");
    }
    SUBCASE("a continuation into an empty line ends the value")
    {
        const auto f = read_properties("a=1\\\n\nb=2\n", "t");
        CHECK(value_of(f, "a") == "1");
        CHECK(value_of(f, "b") == "2");
    }
    SUBCASE("a lone backslash line makes the next line start afresh, even as a comment")
    {
        const auto f = read_properties("\\\n#a=1\nb=2\n", "t");
        CHECK(f.find("#a") == nullptr);
        CHECK(f.entries.size() == 1);
    }
    SUBCASE("a backslash at the very end yields the empty key, as in the JDK")
    {
        const auto f = read_properties("a=1\n\\", "t");
        CHECK(f.entries.size() == 2);
        CHECK(value_of(f, "").empty());
    }
}

TEST_CASE("properties - escapes")
{
    const auto f = read_properties("k\\:\\=\\ x=\\t\\r\\n\\f\\b\\q\\\\\nu=\\u0041\\u00e9\\u20AC\nlatin=\xe9\n"
                                   "pair=\\ud83d\\ude00\nlone=\\ud800x\n",
                                   "t");
    CHECK(value_of(f, "k:= x") == "\t\r\n\fbq\\");
    CHECK(value_of(f, "u") == "A\xc3\xa9\xe2\x82\xac");
    CHECK(value_of(f, "latin") == "\xc3\xa9");
    CHECK(value_of(f, "pair") == "\xf0\x9f\x98\x80");
    CHECK(value_of(f, "lone") == "\xed\xa0\x80x");
    CHECK(f.problems.empty());
}

TEST_CASE("properties - malformed unicode escapes are errors at their position")
{
    const auto f = read_properties("ok=1\nbad = x\\u12G4\nkey\\u00=v\nend=\\u12", "conf.properties");
    REQUIRE(f.problems.size() == 3);
    CHECK(f.problems[0].to_string()
          == "conf.properties:2:8: error: malformed \\uXXXX escape: expected four hex digits after \\u "
             "[malformed-unicode-escape]\n"
             "  hint: write \\u and exactly four hex digits, or \\\\u for a backslash and a u; Java's "
             "Properties.load throws on this file and the service will not start\n");
    CHECK(at(f.problems[1].where) == "3:4");
    CHECK(at(f.problems[2].where) == "4:5");
    // Nothing is lost: the entries are kept with the escape as written.
    CHECK(value_of(f, "bad") == "x\\u12G4");
    CHECK(value_of(f, "ok") == "1");

    // Java stops at the first; the rest of the line is counted in the one finding.
    const auto many = read_properties("k=\\u1 \\uZ \\u", "many.properties");
    REQUIRE(many.problems.size() == 1);
    CHECK(many.problems[0].message
          == "malformed \\uXXXX escape: expected four hex digits after \\u (and 2 more on this line)");
    CHECK(at(many.problems[0].where) == "1:3");
}

TEST_CASE("properties - locations of keys and values")
{
    const auto f = read_properties("# c\n  key = value\r\nx=\\\n    continued\n\ttab:\n", "f");
    const auto* key = f.find("key");
    REQUIRE(key != nullptr);
    CHECK(at(key->key_at) == "2:3");
    CHECK(at(key->value_at) == "2:9");
    const auto* x = f.find("x");
    REQUIRE(x != nullptr);
    CHECK(at(x->value_at) == "4:5");
    CHECK(x->value == "continued");
    const auto* tab = f.find("tab");
    REQUIRE(tab != nullptr);
    CHECK(at(tab->key_at) == "5:2");
    CHECK(at(tab->value_at) == "5:6");
}

TEST_CASE("properties - value written as split across lines maps back to its line")
{
    const auto f = read_properties("a=ab\\\n  cd\n", "f");
    const auto* a = f.find("a");
    REQUIRE(a != nullptr);
    CHECK_FALSE(a->value_verbatim);
    CHECK(at(a->value_location(3)) == "1:3");
}

TEST_CASE("properties - trailing white space and non-ASCII bytes are located")
{
    const auto f = read_properties("a=x  \nb=y\\ \nc=caf\xc3\xa9\n", "f");
    REQUIRE(f.find("a")->trailing_space_at);
    CHECK(at(*f.find("a")->trailing_space_at) == "1:4");
    CHECK_FALSE(f.find("b")->trailing_space_at);
    REQUIRE(f.find("c")->non_ascii_at);
    CHECK(at(*f.find("c")->non_ascii_at) == "3:6");
    // Java reads the two UTF-8 bytes as two ISO-8859-1 characters.
    CHECK(f.find("c")->value == "caf\xc3\x83\xc2\xa9");
}

TEST_CASE("properties - duplicates are kept in order and the last wins")
{
    const auto f = read_properties("a=1\na=2\n", "f");
    CHECK(f.entries.size() == 2);
    CHECK(value_of(f, "a") == "2");
}

TEST_CASE("properties - empty input and missing files")
{
    CHECK(read_properties("", "f").entries.empty());
    CHECK(read_properties("# only\n! comments", "f").entries.empty());
    std::string error;
    CHECK_FALSE(pgstore::load_properties("/nonexistent/pgstore.properties", error));
    CHECK(error == "No such file or directory");
    CHECK_FALSE(pgstore::load_properties("/", error));
    CHECK(error == "is a directory");
}
