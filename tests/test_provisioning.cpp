// Quoting, layouts, SCRAM verifiers, the provisioning script and the audit's findings. What the
// script does on a real server is proven by tests/provisioning_pg.py.

#include <pgstore/audit.hpp>
#include <pgstore/provisioning.hpp>

#include <doctest/doctest.h>

#include <functional>
#include <map>
#include <string>
#include <vector>

using namespace pgstore;

TEST_CASE("provisioning - identifiers are quoted as PostgreSQL's quote_ident does")
{
    SUBCASE("plain lower-case names stay bare")
    {
        CHECK(quote_identifier("ekm") == "ekm");
        CHECK(quote_identifier("db_ekm") == "db_ekm");
        CHECK(quote_identifier("_x9") == "_x9");
        CHECK(quote_identifier("name") == "name"); // an unreserved keyword
    }
    SUBCASE("everything else is quoted")
    {
        CHECK(quote_identifier("Ekm") == "\"Ekm\"");
        CHECK(quote_identifier("9lives") == "\"9lives\"");
        CHECK(quote_identifier("my schema") == "\"my schema\"");
        CHECK(quote_identifier("a$b") == "\"a$b\"");
        CHECK(quote_identifier("") == "\"\"");
        CHECK(quote_identifier("caf\xc3\xa9") == "\"caf\xc3\xa9\"");
    }
    SUBCASE("reserved and other quoted keywords are quoted")
    {
        CHECK(quote_identifier("select") == "\"select\"");
        CHECK(quote_identifier("user") == "\"user\"");
        CHECK(quote_identifier("authorization") == "\"authorization\"");
        CHECK(quote_identifier("system_user") == "\"system_user\"");
        CHECK(is_quoted_keyword("all"));
        CHECK(is_quoted_keyword("xmltable"));
        CHECK_FALSE(is_quoted_keyword("ekm"));
        CHECK_FALSE(is_quoted_keyword("SELECT"));
    }
    SUBCASE("embedded double quotes are doubled")
    {
        CHECK(quote_identifier("a\"b") == "\"a\"\"b\"");
        CHECK(quote_identifier("x\"; DROP TABLE t; --") == "\"x\"\"; DROP TABLE t; --\"");
    }
}

TEST_CASE("provisioning - literals are escaped as PostgreSQL's quote_literal does")
{
    CHECK(quote_literal("abc") == "'abc'");
    CHECK(quote_literal("") == "''");
    CHECK(quote_literal("it's") == "'it''s'");
    CHECK(quote_literal("a\\b") == "E'a\\\\b'");
    CHECK(quote_literal("'\\'") == "E'''\\\\'''");
    CHECK(quote_literal("$$; DROP TABLE t; --") == "'$$; DROP TABLE t; --'");
}

TEST_CASE("provisioning - psql's \\connect argument selects the database and nothing else")
{
    CHECK(psql_connect_argument("db_ekm") == "'\"dbname=''db_ekm''\"'");
    SUBCASE("a name with = would otherwise be a connection string")
    {
        CHECK(psql_connect_argument("host=evil") == "'\"dbname=''host=evil''\"'");
    }
    SUBCASE("quotes and backslashes are escaped for libpq, then for psql")
    {
        CHECK(psql_connect_argument("a'b\"c\\d") == "'\"dbname=''a\\\\''b\"\"c\\\\\\\\d''\"'");
    }
    SUBCASE("control bytes become octal escapes, so the command stays on one line")
    {
        CHECK(psql_connect_argument("a\nb") == "'\"dbname=''a\\012b''\"'");
    }
}

TEST_CASE("provisioning - names PostgreSQL would change are refused")
{
    CHECK(identifier_problem("ekm").empty());
    CHECK(identifier_problem(std::string(63, 'a')).empty());
    CHECK(identifier_problem(std::string(64, 'a')) ==
          "expected at most 63 bytes, saw 64 (PostgreSQL would truncate the name)");
    CHECK(identifier_problem("") == "expected a name, saw an empty one");
    CHECK(identifier_problem(std::string("a\0b", 3)) == "expected a name without NUL bytes");
    CHECK(display_identifier("a\nb") == "\"a\\x0ab\"");
    // A C1 control (U+0085 in UTF-8) by its code point; other non-ASCII as it is.
    CHECK(display_identifier("a\xc2\x85" "b\x7f") == "\"a\\x85b\\x7f\"");
    CHECK(display_identifier("caf\xc3\xa9") == "\"caf\xc3\xa9\"");
}

TEST_CASE("provisioning - layouts, users and privileges")
{
    SUBCASE("typical has one owner, advanced three users with suffixes")
    {
        const auto typical = layout_users(layout::typical, "user_ekm");
        REQUIRE(typical.size() == 1);
        CHECK(typical[0].name == "user_ekm");
        CHECK(typical[0].role == access::owner);
        const auto advanced = layout_users(layout::advanced, "ekm");
        REQUIRE(advanced.size() == 3);
        CHECK(advanced[0].name == "ekm_su");
        CHECK(advanced[1].name == "ekm_rw");
        CHECK(advanced[2].name == "ekm_ro");
        CHECK(advanced[2].role == access::read_only);
    }
    SUBCASE("the suffix of a user name says its access")
    {
        CHECK(access_from_user_name("ekm_su") == access::owner);
        CHECK(access_from_user_name("ekm_rw") == access::read_write);
        CHECK(access_from_user_name("ekm_ro") == access::read_only);
        CHECK_FALSE(access_from_user_name("user_ekm"));
        CHECK_FALSE(access_from_user_name("_ro"));
    }
    SUBCASE("expected privileges")
    {
        CHECK(privilege_list(expected_privileges(access::owner, object_kind::table).required) ==
              "SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER");
        CHECK(privilege_list(expected_privileges(access::read_write, object_kind::table).allowed) ==
              "SELECT, INSERT, UPDATE, DELETE");
        CHECK(privilege_list(expected_privileges(access::read_only, object_kind::table).allowed) == "SELECT");
        CHECK(privilege_list(expected_privileges(access::read_write, object_kind::sequence).required) ==
              "SELECT, UPDATE");
        CHECK(privilege_list(expected_privileges(access::read_write, object_kind::sequence).allowed) ==
              "USAGE, SELECT, UPDATE");
        CHECK(expected_privileges(access::read_only, object_kind::sequence).allowed == 0);
        CHECK(privilege_list(expected_privileges(access::owner, object_kind::schema).required) == "USAGE, CREATE");
        CHECK(privilege_list(expected_privileges(access::read_only, object_kind::schema).allowed) == "USAGE");
        CHECK(privilege_from_name("TRUNCATE") == privilege::truncate);
        CHECK(privilege_from_name("truncate") == 0);
    }
}

TEST_CASE("provisioning - SCRAM-SHA-256 verifiers")
{
    std::string error;
    SUBCASE("a fixed salt gives the RFC 7677 computation's result")
    {
        // Computed independently with Python's hashlib.pbkdf2_hmac and hmac.
        const std::string salt = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
        CHECK(scram_sha256_verifier("pencil", salt, 4096, error) ==
              std::string("SCRAM-SHA-256$4096:AAECAwQFBgcICQoLDA0ODw==$zHCdol2044/ZyWzPLi7oxApCkamKw9Z+E4U/QApd/5Y="
                          ":dd5peBOitVnLNFu7VmwP+HiDaaw4OUCv396eVCWhYiE="));
        CHECK(scram_sha256_verifier("it's a \\ test", "saltsaltsaltsalt", 4096, error) ==
              std::string("SCRAM-SHA-256$4096:c2FsdHNhbHRzYWx0c2FsdA==$nBKRjXJaoFHGiVr05s7BG5hndvSg42Bs+K05/tb+G3g="
                          ":UqOv/Uk7MyRd6k4r9S8pK8n/LhJOh4Q7DR/DbHtMzdw="));
        CHECK(error.empty());
    }
    SUBCASE("a random salt differs each time and has PostgreSQL's shape")
    {
        const auto a = scram_sha256_verifier("pencil", error);
        const auto b = scram_sha256_verifier("pencil", error);
        REQUIRE(a);
        REQUIRE(b);
        CHECK(*a != *b);
        CHECK(a->rfind("SCRAM-SHA-256$4096:", 0) == 0);
        CHECK(a->size() == std::string("SCRAM-SHA-256$4096:$:").size() + 24 + 44 + 44);
    }
    SUBCASE("passwords it cannot hash as PostgreSQL would are refused, without echoing them")
    {
        CHECK_FALSE(scram_sha256_verifier("", error));
        CHECK(error == "expected a password, saw an empty one");
        CHECK_FALSE(scram_sha256_verifier("p\xc3\xa4ss", error));
        CHECK(error == "expected an ASCII password: pgstore does not implement the SASLprep normalisation "
                       "PostgreSQL applies to other characters");
    }
}

namespace {

provisioning_request request(layout shape, auth_method auth)
{
    provisioning_request r;
    r.service = "ekm";
    r.shape = shape;
    r.auth = auth;
    return r;
}

} // namespace

TEST_CASE("provisioning - the typical certificate script")
{
    const auto script = provisioning_sql(request(layout::typical, auth_method::cert));
    REQUIRE(script.ok());
    CHECK(script.warnings.empty());
    CHECK(script.sql ==
          "-- Generated by pgstore " + std::string(version) +
              ": typical layout, certificate authentication.\n"
              "-- Database db_ekm, schema ekm, users user_ekm (owner).\n"
              "-- Run it as a PostgreSQL superuser, start to end in one session:\n"
              "--   psql -v ON_ERROR_STOP=1 -d postgres -f FILE\n"
              "-- Running it again is safe: it creates what is missing and sets the privileges anew.\n"
              "\\set ON_ERROR_STOP on\n"
              "SET client_min_messages = warning;\n"
              "\n"
              "-- Login roles without administrative attributes;\n"
              "-- TLS client certificates (pg_hba.conf method `cert`) authenticate them.\n"
              "SELECT 'CREATE ROLE user_ekm' WHERE NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE "
              "rolname = 'user_ekm') \\gexec\n"
              "ALTER ROLE user_ekm WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;\n"
              "\n"
              "-- CREATE DATABASE cannot run inside a transaction or a DO block, hence \\gexec.\n"
              "SELECT 'CREATE DATABASE db_ekm' WHERE NOT EXISTS (SELECT FROM pg_catalog.pg_database WHERE "
              "datname = 'db_ekm') \\gexec\n"
              "GRANT CONNECT ON DATABASE db_ekm TO user_ekm;\n"
              "-- Set for this database, where it outranks any setting of the role alone.\n"
              "ALTER ROLE user_ekm IN DATABASE db_ekm SET search_path TO ekm;\n"
              "\n"
              "\\connect -reuse-previous=on '\"dbname=''db_ekm''\"'\n"
              "SET client_min_messages = warning;\n"
              "BEGIN;\n"
              "CREATE SCHEMA IF NOT EXISTS ekm;\n"
              "GRANT USAGE, CREATE ON SCHEMA ekm TO user_ekm;\n"
              "-- Tables and sequences that exist already, such as those made by someone else.\n"
              "GRANT ALL ON ALL TABLES IN SCHEMA ekm TO user_ekm;\n"
              "GRANT ALL ON ALL SEQUENCES IN SCHEMA ekm TO user_ekm;\n"
              "COMMIT;\n");
}

TEST_CASE("provisioning - the advanced script names the owner in its default privileges")
{
    const auto script = provisioning_sql(request(layout::advanced, auth_method::cert));
    REQUIRE(script.ok());
    const std::string& sql = script.sql;
    for (const char* line : {
             "CREATE SCHEMA IF NOT EXISTS ekm AUTHORIZATION ekm_su;\n",
             "ALTER SCHEMA ekm OWNER TO ekm_su;\n",
             "REVOKE ALL ON SCHEMA ekm FROM ekm_rw, ekm_ro;\n",
             "GRANT USAGE ON SCHEMA ekm TO ekm_rw, ekm_ro;\n",
             "REVOKE ALL ON ALL TABLES IN SCHEMA ekm FROM ekm_rw, ekm_ro;\n",
             "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ekm TO ekm_rw;\n",
             "GRANT SELECT ON ALL TABLES IN SCHEMA ekm TO ekm_ro;\n",
             "GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA ekm TO ekm_rw;\n",
             "ALTER DEFAULT PRIVILEGES FOR ROLE ekm_su IN SCHEMA ekm GRANT SELECT, INSERT, UPDATE, DELETE ON "
             "TABLES TO ekm_rw;\n",
             "ALTER DEFAULT PRIVILEGES FOR ROLE ekm_su IN SCHEMA ekm GRANT SELECT ON TABLES TO ekm_ro;\n",
             "ALTER DEFAULT PRIVILEGES FOR ROLE ekm_su IN SCHEMA ekm GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO "
             "ekm_rw;\n",
             "ALTER ROLE ekm_ro IN DATABASE db_ekm SET search_path TO ekm;\n",
             "GRANT CONNECT ON DATABASE db_ekm TO ekm_su, ekm_rw, ekm_ro;\n",
         }) {
        CHECK_MESSAGE(sql.find(line) != std::string::npos, line);
    }
    // Only the transaction after \connect: CREATE DATABASE must stay outside it.
    CHECK(sql.find("BEGIN;") > sql.find("CREATE DATABASE"));
    CHECK(sql.find("BEGIN;") > sql.find("\\connect"));
    CHECK(sql.find("DO $") == std::string::npos);
}

TEST_CASE("provisioning - hostile names are quoted everywhere")
{
    provisioning_request r = request(layout::advanced, auth_method::cert);
    r.database = "db\"; DROP TABLE canary; --";
    r.schema = "Select";
    r.user = "it's";
    const auto script = provisioning_sql(r);
    REQUIRE(script.ok());
    const std::string& sql = script.sql;
    CHECK(sql.find("SELECT 'CREATE ROLE \"it''s_su\"' WHERE NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE "
                   "rolname = 'it''s_su') \\gexec\n") != std::string::npos);
    CHECK(sql.find("SELECT 'CREATE DATABASE \"db\"\"; DROP TABLE canary; --\"' WHERE NOT EXISTS") != std::string::npos);
    CHECK(sql.find("ALTER ROLE \"it's_ro\" IN DATABASE \"db\"\"; DROP TABLE canary; --\" SET search_path TO "
                   "\"Select\";\n") != std::string::npos);
    CHECK(sql.find("-- Database \"db\"\"; DROP TABLE canary; --\", schema \"Select\", users \"it's_su\" (owner)") !=
          std::string::npos);
}

TEST_CASE("provisioning - passwords become verifiers and never appear")
{
    provisioning_request r = request(layout::advanced, auth_method::password);
    r.passwords = {secret("su-Secret'1"), secret("rw-Secret\\2"), secret("ro-Secret3")};
    SUBCASE("SCRAM verifiers by default")
    {
        const auto script = provisioning_sql(r);
        REQUIRE(script.ok());
        CHECK(script.warnings.empty());
        for (const auto& p : r.passwords)
            CHECK(script.sql.find(std::string(p.reveal())) == std::string::npos);
        CHECK(script.sql.find("ALTER ROLE ekm_rw WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION "
                              "NOBYPASSRLS PASSWORD 'SCRAM-SHA-256$4096:") != std::string::npos);
    }
    SUBCASE("plain literals when asked, with a warning")
    {
        r.plain_password = true;
        const auto script = provisioning_sql(r);
        REQUIRE(script.ok());
        CHECK(script.sql.find("NOBYPASSRLS PASSWORD E'rw-Secret\\\\2';\n") != std::string::npos);
        CHECK(script.sql.find("NOBYPASSRLS PASSWORD 'su-Secret''1';\n") != std::string::npos);
        REQUIRE(script.warnings.size() == 1);
        CHECK(script.warnings[0].find("clear text") != std::string::npos);
    }
    SUBCASE("a shared password is a warning")
    {
        r.passwords[2] = r.passwords[0];
        const auto script = provisioning_sql(r);
        REQUIRE(script.ok());
        REQUIRE(script.warnings.size() == 1);
        CHECK(script.warnings[0] == "users ekm_su and ekm_ro share a password: who knows one can log in as the other");
    }
    SUBCASE("the count must match the users")
    {
        r.passwords.pop_back();
        const auto script = provisioning_sql(r);
        CHECK(script.error == "expected 3 passwords (one per user), saw 2");
        CHECK(script.sql.empty());
    }
    SUBCASE("a password that cannot be hashed names the user, not the password")
    {
        r.passwords[1] = secret("r\xc3\xa4w");
        const auto script = provisioning_sql(r);
        CHECK(script.error ==
              "the password of user ekm_rw: expected an ASCII password: pgstore does not implement the SASLprep "
              "normalisation PostgreSQL applies to other characters");
    }
}

TEST_CASE("provisioning - requests that cannot be met")
{
    provisioning_request r = request(layout::typical, auth_method::cert);
    SUBCASE("an unknown service")
    {
        r.service = "eap";
        CHECK(provisioning_sql(r).error == "expected the service ekm, wkd or fes, saw `eap`");
    }
    SUBCASE("no service and not every name")
    {
        r.service.clear();
        r.database = "d";
        CHECK(provisioning_sql(r).error == "expected a service, or a database, a schema and a user");
        r.schema = "s";
        r.user = "u";
        CHECK(provisioning_sql(r).ok());
    }
    SUBCASE("a name PostgreSQL would truncate, after the suffix")
    {
        r.shape = layout::advanced;
        r.user = std::string(61, 'u');
        CHECK(provisioning_sql(r).error == "user " + std::string(61, 'u') +
                                               "_su: expected at most 63 bytes, saw 64 (PostgreSQL would truncate "
                                               "the name)");
    }
    SUBCASE("passwords with certificates")
    {
        r.passwords = {secret("x")};
        CHECK(provisioning_sql(r).error == "passwords given, but certificate authentication uses none");
    }
}

TEST_CASE("audit - the target follows the user name unless told otherwise")
{
    std::string error;
    SUBCASE("a suffix means the advanced layout")
    {
        const auto t = make_audit_target("db_ekm", "ekm", "ekm_ro", std::nullopt, std::nullopt, "", error);
        REQUIRE(t);
        CHECK(t->shape == layout::advanced);
        CHECK(t->role == access::read_only);
        CHECK(t->owner == "ekm_su");
    }
    SUBCASE("no suffix means the typical layout")
    {
        const auto t = make_audit_target("db_ekm", "ekm", "user_ekm", std::nullopt, std::nullopt, "", error);
        REQUIRE(t);
        CHECK(t->shape == layout::typical);
        CHECK(t->role == access::owner);
        CHECK(t->owner.empty());
    }
    SUBCASE("the advanced layout needs a suffix or a role, and then an owner")
    {
        CHECK_FALSE(make_audit_target("d", "s", "reader", layout::advanced, std::nullopt, "", error));
        CHECK(error == "expected a user name ending in _su, _rw or _ro for the advanced layout, saw `reader`; pass "
                       "--role su|rw|ro");
        CHECK_FALSE(make_audit_target("d", "s", "reader", layout::advanced, access::read_only, "", error));
        CHECK(error == "expected --owner: the user name does not say which user creates the tables");
        const auto t = make_audit_target("d", "s", "reader", layout::advanced, access::read_only, "maker", error);
        REQUIRE(t);
        CHECK(t->owner == "maker");
    }
    SUBCASE("the typical layout has no reader")
    {
        CHECK_FALSE(make_audit_target("d", "s", "ekm_ro", layout::typical, access::read_only, "", error));
    }
}

TEST_CASE("audit - search_path is split as PostgreSQL splits it")
{
    using list = std::vector<std::string>;
    CHECK(split_search_path("ekm") == list{"ekm"});
    CHECK(split_search_path(" EKM , public ") == list{"ekm", "public"});
    CHECK(split_search_path("\"$user\", public") == list{"$user", "public"});
    CHECK(split_search_path("\"My \"\"Schema\", x") == list{"My \"Schema", "x"});
    CHECK(split_search_path("") == list{});
    CHECK_FALSE(split_search_path("a,,b"));
    CHECK_FALSE(split_search_path("\"open"));
    CHECK_FALSE(split_search_path("a b"));
}

namespace {

// Answers the audit's queries from canned rows, picked by a word of each query.
struct fake_database {
    std::vector<audit_row> superuser{{"f"}};
    std::vector<audit_row> search_path{{"ekm", "t", "t"}};
    std::vector<audit_row> schema;
    std::vector<audit_row> tables;
    std::vector<audit_row> sequences;
    std::vector<audit_row> owner{{"ekm_su"}};
    std::vector<audit_row> defaults;
    std::vector<std::string> seen;

    std::vector<audit_row> operator()(const std::string& sql, const std::vector<std::string>&)
    {
        seen.push_back(sql);
        if (sql.find("rolsuper") != std::string::npos)
            return superuser;
        if (sql.find("pg_db_role_setting") != std::string::npos)
            return search_path;
        if (sql.find("has_schema_privilege") != std::string::npos)
            return schema;
        if (sql.find("has_sequence_privilege") != std::string::npos)
            return sequences;
        if (sql.find("has_table_privilege") != std::string::npos)
            return tables;
        if (sql.find("pg_default_acl") != std::string::npos)
            return defaults;
        return owner;
    }
};

// One privilege row: object, relkind, privilege, held, owns, direct, public, holders, columns, owner.
audit_row grant(std::string object, std::string kind, std::string privilege, bool held, bool direct = true,
                bool to_public = false, std::string holders = "", std::string columns = "", bool owns = false)
{
    const auto b = [](bool v) { return std::string(v ? "t" : "f"); };
    return {std::move(object), std::move(kind),    std::move(privilege), b(held), b(owns), b(direct),
            b(to_public),      std::move(holders), std::move(columns),   "ekm_su"};
}

audit_target reader()
{
    std::string error;
    auto t = make_audit_target("db_ekm", "ekm", "ekm_ro", std::nullopt, std::nullopt, "", error);
    REQUIRE(t);
    t->schema_at = {"ekm.properties", 6, 24};
    t->user_at = {"ekm.properties", 7, 26};
    return *t;
}

// A reader's correct view of schema ekm with table keys and sequence keys_id_seq.
fake_database correct_reader()
{
    fake_database db;
    db.schema = {grant("ekm", "n", "CREATE", false, false), grant("ekm", "n", "USAGE", true)};
    for (const char* p : {"DELETE", "INSERT", "REFERENCES", "TRIGGER", "TRUNCATE", "UPDATE"})
        db.tables.push_back(grant("keys", "r", p, false, false));
    db.tables.insert(db.tables.begin() + 4, grant("keys", "r", "SELECT", true));
    for (const char* p : {"SELECT", "UPDATE", "USAGE"})
        db.sequences.push_back(grant("keys_id_seq", "S", p, false, false));
    db.defaults = {{"r", "f", "SELECT", "f"}};
    return db;
}

std::vector<std::string> rendered(const diagnostics& all)
{
    std::vector<std::string> out;
    for (const auto& d : all)
        out.push_back(d.to_string());
    return out;
}

} // namespace

TEST_CASE("audit - a correct reader has no findings")
{
    fake_database db = correct_reader();
    CHECK(audit_database(reader(), std::ref(db)).empty());
    CHECK(db.seen.size() == 7);
}

TEST_CASE("audit - each difference names the fix")
{
    fake_database db = correct_reader();
    SUBCASE("search_path")
    {
        db.search_path = {{"\"$user\", public", "t", "f"}};
        CHECK(rendered(audit_database(reader(), std::ref(db))) ==
              std::vector<std::string>{
                  "ekm.properties:7:26: error: expected the search_path of `ekm_ro` to start with schema `ekm`, saw "
                  "`\"$user\", public`, set for the user [search-path]\n"
                  "  hint: run as a superuser: ALTER ROLE ekm_ro IN DATABASE db_ekm SET search_path TO ekm;\n"});
        db.search_path.clear();
        CHECK(audit_database(reader(), std::ref(db)).front().message ==
              "expected the search_path of `ekm_ro` to start with schema `ekm`, saw none set for the user or the "
              "database (the server's default applies)");
    }
    SUBCASE("a missing SELECT and an extra INSERT, held directly, through PUBLIC and through a role")
    {
        db.tables[4] = grant("keys", "r", "SELECT", false, false);
        db.tables[1] = grant("keys", "r", "INSERT", true, true, true, "writers");
        CHECK(rendered(audit_database(reader(), std::ref(db))) ==
              std::vector<std::string>{
                  "ekm.properties:6:24: error: expected SELECT on table `ekm.keys` for read-only user `ekm_ro`, saw "
                  "no SELECT [table-privilege]\n"
                  "  hint: run as a superuser or the owner: GRANT SELECT ON TABLE ekm.keys TO ekm_ro;\n",
                  "ekm.properties:6:24: error: expected at most SELECT on table `ekm.keys` for read-only user "
                  "`ekm_ro`, saw also INSERT (held through writers) [table-privilege]\n"
                  "  hint: run as a superuser or the owner: REVOKE INSERT ON TABLE ekm.keys FROM PUBLIC; REVOKE "
                  "INSERT ON TABLE ekm.keys FROM ekm_ro; REVOKE INSERT ON TABLE ekm.keys FROM writers;\n"});
    }
    SUBCASE("a column grant")
    {
        db.tables[5] = grant("keys", "r", "UPDATE", false, false, false, "", "note, \"Value\"");
        CHECK(audit_database(reader(), std::ref(db)).front().hint ==
              "run as a superuser or the owner: REVOKE UPDATE (note, \"Value\") ON TABLE ekm.keys FROM ekm_ro;");
    }
    SUBCASE("a table the reader owns")
    {
        for (auto& row : db.tables)
            row[4] = "t";
        const auto found = audit_database(reader(), std::ref(db));
        REQUIRE(found.size() == 1);
        CHECK(found[0].message ==
              "expected table `ekm.keys` to belong to `ekm_su`, saw it belong to read-only user `ekm_ro`, who may "
              "therefore do anything with it");
        CHECK(found[0].hint == "run as a superuser or the owner: ALTER TABLE ekm.keys OWNER TO ekm_su;");
    }
    SUBCASE("CREATE on the schema and SELECT on a sequence")
    {
        db.schema[0] = grant("ekm", "n", "CREATE", true);
        db.sequences[0] = grant("keys_id_seq", "S", "SELECT", true);
        const auto found = rendered(audit_database(reader(), std::ref(db)));
        CHECK(found ==
              std::vector<std::string>{
                  "ekm.properties:6:24: error: expected at most USAGE on schema `ekm` for read-only user `ekm_ro`, "
                  "saw also CREATE [schema-privilege]\n"
                  "  hint: run as a superuser or the owner: REVOKE CREATE ON SCHEMA ekm FROM ekm_ro;\n",
                  "ekm.properties:6:24: error: expected no privilege on sequence `ekm.keys_id_seq` for read-only "
                  "user `ekm_ro`, saw SELECT [sequence-privilege]\n"
                  "  hint: run as a superuser or the owner: REVOKE SELECT ON SEQUENCE ekm.keys_id_seq FROM ekm_ro;\n"});
    }
    SUBCASE("default privileges missing, and too generous everywhere")
    {
        db.defaults = {{"r", "t", "INSERT", "t"}};
        CHECK(rendered(audit_database(reader(), std::ref(db))) ==
              std::vector<std::string>{
                  "ekm.properties:6:24: error: expected the default privileges of `ekm_su` to give read-only user "
                  "`ekm_ro` SELECT on the tables it creates in schema `ekm`, saw no SELECT [default-privilege]\n"
                  "  hint: run as a superuser or ekm_su: ALTER DEFAULT PRIVILEGES FOR ROLE ekm_su IN SCHEMA ekm "
                  "GRANT SELECT ON TABLES TO ekm_ro;\n",
                  "ekm.properties:6:24: error: expected the default privileges of `ekm_su` to give read-only user "
                  "`ekm_ro` at most SELECT on new tables, saw also INSERT [default-privilege]\n"
                  "  hint: run as a superuser or ekm_su: ALTER DEFAULT PRIVILEGES FOR ROLE ekm_su REVOKE INSERT ON "
                  "TABLES FROM PUBLIC;\n"});
    }
    SUBCASE("no owner to set default privileges")
    {
        db.owner.clear();
        const auto found = audit_database(reader(), std::ref(db));
        REQUIRE(found.size() == 1);
        CHECK(found[0].message == "expected user `ekm_su`, who creates the tables, saw none");
    }
    SUBCASE("a superuser")
    {
        db.superuser = {{"t"}};
        const auto found = audit_database(reader(), std::ref(db));
        REQUIRE(found.size() == 1);
        CHECK(found[0].rule == "role-attributes");
        CHECK(found[0].hint == "run as a superuser: ALTER ROLE ekm_ro NOSUPERUSER;");
    }
    SUBCASE("no schema stops the audit there")
    {
        db.schema.clear();
        const auto found = audit_database(reader(), std::ref(db));
        REQUIRE(found.size() == 1);
        CHECK(found[0].to_string() ==
              "ekm.properties:6:24: error: expected schema `ekm` in database `db_ekm`, saw none [schema-missing]\n"
              "  hint: run as a superuser in db_ekm: CREATE SCHEMA ekm AUTHORIZATION ekm_su; GRANT USAGE ON "
              "SCHEMA ekm TO ekm_ro; (or run the script of `pgstore sql`)\n");
    }
}

TEST_CASE("audit - the typical user needs every privilege")
{
    std::string error;
    auto t = make_audit_target("db_ekm", "ekm", "user_ekm", std::nullopt, std::nullopt, "", error);
    REQUIRE(t);
    fake_database db;
    db.schema = {grant("ekm", "n", "CREATE", false, false), grant("ekm", "n", "USAGE", true)};
    for (const char* p : {"DELETE", "INSERT", "REFERENCES", "SELECT", "TRIGGER", "TRUNCATE", "UPDATE"})
        db.tables.push_back(grant("Keys", "r", p, std::string(p) != "TRUNCATE"));
    const auto found = audit_database(*t, std::ref(db));
    REQUIRE(found.size() == 2);
    CHECK(found[0].message == "expected USAGE, CREATE on schema `ekm` for `user_ekm`, saw no CREATE");
    CHECK(found[0].hint == "run as a superuser or the owner: GRANT CREATE ON SCHEMA ekm TO user_ekm;");
    CHECK(found[1].message ==
          "expected SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER on table `ekm.\"Keys\"` for "
          "`user_ekm`, saw no TRUNCATE");
    CHECK(found[1].hint == "run as a superuser or the owner: GRANT TRUNCATE ON TABLE ekm.\"Keys\" TO user_ekm;");
    // The typical layout has no owner whose default privileges matter.
    CHECK(db.seen.size() == 5);
}
