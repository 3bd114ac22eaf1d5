#pragma once

// Quoting names and values for SQL text and for psql, so that no name or value can end the
// statement it sits in, whatever bytes it holds.

#include "display.hpp"

#include <array>
#include <cstddef>
#include <string>
#include <string_view>

namespace pgstore {

/// PostgreSQL's limit on identifiers in bytes (NAMEDATALEN - 1); longer names are truncated.
inline constexpr std::size_t max_identifier_bytes = 63;

namespace impl {

// PostgreSQL 15's reserved, column-name and type-function-name keywords (pg_get_keywords()
// with catcode <> 'U'), plus those PostgreSQL 16 and 17 add; sorted for binary search.
// Quoting a word that is no keyword is harmless, so the list errs on the long side.
inline constexpr std::array<std::string_view, 164> quoted_keywords{{
    "all",
    "analyse",
    "analyze",
    "and",
    "any",
    "array",
    "as",
    "asc",
    "asymmetric",
    "authorization",
    "between",
    "bigint",
    "binary",
    "bit",
    "boolean",
    "both",
    "case",
    "cast",
    "char",
    "character",
    "check",
    "coalesce",
    "collate",
    "collation",
    "column",
    "concurrently",
    "constraint",
    "create",
    "cross",
    "current_catalog",
    "current_date",
    "current_role",
    "current_schema",
    "current_time",
    "current_timestamp",
    "current_user",
    "dec",
    "decimal",
    "default",
    "deferrable",
    "desc",
    "distinct",
    "do",
    "else",
    "end",
    "except",
    "exists",
    "extract",
    "false",
    "fetch",
    "float",
    "for",
    "foreign",
    "freeze",
    "from",
    "full",
    "grant",
    "greatest",
    "group",
    "grouping",
    "having",
    "ilike",
    "in",
    "initially",
    "inner",
    "inout",
    "int",
    "integer",
    "intersect",
    "interval",
    "into",
    "is",
    "isnull",
    "join",
    "json",
    "json_array",
    "json_arrayagg",
    "json_exists",
    "json_object",
    "json_objectagg",
    "json_query",
    "json_scalar",
    "json_serialize",
    "json_table",
    "json_value",
    "lateral",
    "leading",
    "least",
    "left",
    "like",
    "limit",
    "localtime",
    "localtimestamp",
    "merge_action",
    "national",
    "natural",
    "nchar",
    "none",
    "normalize",
    "not",
    "notnull",
    "null",
    "nullif",
    "numeric",
    "offset",
    "on",
    "only",
    "or",
    "order",
    "out",
    "outer",
    "overlaps",
    "overlay",
    "placing",
    "position",
    "precision",
    "primary",
    "real",
    "references",
    "returning",
    "right",
    "row",
    "select",
    "session_user",
    "setof",
    "similar",
    "smallint",
    "some",
    "substring",
    "symmetric",
    "system_user",
    "table",
    "tablesample",
    "then",
    "time",
    "timestamp",
    "to",
    "trailing",
    "treat",
    "trim",
    "true",
    "union",
    "unique",
    "user",
    "using",
    "values",
    "varchar",
    "variadic",
    "verbose",
    "when",
    "where",
    "window",
    "with",
    "xmlattributes",
    "xmlconcat",
    "xmlelement",
    "xmlexists",
    "xmlforest",
    "xmlnamespaces",
    "xmlparse",
    "xmlpi",
    "xmlroot",
    "xmlserialize",
    "xmltable",
}};

constexpr bool keywords_sorted()
{
    for (std::size_t i = 1; i < quoted_keywords.size(); ++i) {
        if (!(quoted_keywords[i - 1] < quoted_keywords[i]))
            return false;
    }
    return true;
}
static_assert(keywords_sorted(), "quoted_keywords must stay sorted and free of duplicates");

constexpr bool is_plain_identifier_char(char c, bool first) noexcept
{
    return (c >= 'a' && c <= 'z') || c == '_' || (!first && c >= '0' && c <= '9');
}

// psql's single-quoted meta-command arguments: '' for a quote, backslash escapes, and octal
// escapes for control bytes, which would otherwise end the command line.
inline std::string psql_single_quote(std::string_view text)
{
    std::string out = "'";
    for (char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '\'') {
            out += "''";
        } else if (c == '\\') {
            out += "\\\\";
        } else if (u < 0x20 || u == 0x7F) {
            out += '\\';
            out += static_cast<char>('0' + ((u >> 6) & 7));
            out += static_cast<char>('0' + ((u >> 3) & 7));
            out += static_cast<char>('0' + (u & 7));
        } else {
            out += c;
        }
    }
    return out + "'";
}

} // namespace impl

/// True for the words PostgreSQL reads as keywords where an identifier is expected.
[[nodiscard]] constexpr bool is_quoted_keyword(std::string_view word) noexcept
{
    std::size_t lo = 0;
    std::size_t hi = impl::quoted_keywords.size();
    while (lo < hi) {
        const std::size_t mid = lo + (hi - lo) / 2;
        if (impl::quoted_keywords[mid] < word)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < impl::quoted_keywords.size() && impl::quoted_keywords[lo] == word;
}

/// True when `name` reads back as itself without double quotes: lower-case letters, digits and
/// underscores, not starting with a digit, and no keyword.
[[nodiscard]] constexpr bool is_plain_identifier(std::string_view name) noexcept
{
    if (name.empty())
        return false;
    for (std::size_t i = 0; i < name.size(); ++i) {
        if (!impl::is_plain_identifier_char(name[i], i == 0))
            return false;
    }
    return !is_quoted_keyword(name);
}

/// `name` as an SQL identifier: as is when that reads back unchanged, otherwise in double
/// quotes with embedded double quotes doubled (what PostgreSQL's quote_ident() does).
[[nodiscard]] inline std::string quote_identifier(std::string_view name)
{
    if (is_plain_identifier(name))
        return std::string(name);
    std::string out = "\"";
    for (char c : name) {
        out += c;
        if (c == '"')
            out += '"';
    }
    return out + "\"";
}

/// `value` as an SQL string literal, quotes doubled. A value with a backslash is written as
/// E'...' with the backslashes doubled, so it reads the same whatever
/// standard_conforming_strings says (what PostgreSQL's quote_literal() does).
[[nodiscard]] inline std::string quote_literal(std::string_view value)
{
    const bool escape = value.find('\\') != std::string_view::npos;
    std::string out = escape ? "E'" : "'";
    for (char c : value) {
        out += c;
        if (c == '\'' || (escape && c == '\\'))
            out += c;
    }
    return out + "'";
}

/// The argument of psql's `\connect -reuse-previous=on` that selects database `name` and
/// nothing else. A bare name would be read as a connection string when it holds `=`, and
/// psql strips double quotes from it, so the name goes into a quoted `dbname='...'` value,
/// double-quoted as a whole for psql, and single-quoted as a meta-command argument.
[[nodiscard]] inline std::string psql_connect_argument(std::string_view name)
{
    std::string conninfo = "dbname='";
    for (char c : name) {
        if (c == '\\' || c == '\'')
            conninfo += '\\';
        conninfo += c;
    }
    conninfo += '\'';

    std::string dequoted = "\"";
    for (char c : conninfo) {
        dequoted += c;
        if (c == '"')
            dequoted += '"';
    }
    dequoted += '"';
    return impl::psql_single_quote(dequoted);
}

/// Why `name` cannot be a PostgreSQL identifier as given, or an empty string when it can.
/// PostgreSQL would silently truncate a longer name and cannot store a NUL byte.
[[nodiscard]] inline std::string identifier_problem(std::string_view name)
{
    if (name.empty())
        return "expected a name, saw an empty one";
    if (name.find('\0') != std::string_view::npos)
        return "expected a name without NUL bytes";
    if (name.size() > max_identifier_bytes) {
        return "expected at most " + std::to_string(max_identifier_bytes) + " bytes, saw " +
               std::to_string(name.size()) + " (PostgreSQL would truncate the name)";
    }
    return {};
}

/// `name` quoted as SQL for a message or comment: control bytes shown as \xNN, so printing
/// it can neither end a line nor drive a terminal.
[[nodiscard]] inline std::string display_identifier(std::string_view name)
{
    return escape_controls(quote_identifier(name));
}

} // namespace pgstore
