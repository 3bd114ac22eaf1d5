// Connection strings: exact renderings, and PgJDBC's own Driver.parseURL as the oracle for the
// JDBC form (the libpq forms are checked against PQconninfoParse in test_libpq_conninfo.cpp).

#include "conninfo_random.hpp"

#include <pgstore/conninfo.hpp>
#include <pgstore/validate.hpp>

#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

using pgstore::conninfo_options;

namespace {

pgstore::store_config password_config()
{
    pgstore::store_config cfg;
    cfg.hosts = {"db1", "2001:db8::5"};
    cfg.port = 5433;
    cfg.database = "db_ekm";
    cfg.schema = "ekm";
    cfg.username = "user_ekm";
    cfg.auth = pgstore::auth_method::password;
    cfg.password = pgstore::secret("s3cret pw'\\");
    return cfg;
}

pgstore::store_config cert_config()
{
    pgstore::store_config cfg;
    cfg.hosts = {"pg-a", "pg-b"};
    cfg.readonly_host = "pg-ro";
    cfg.port = 5432;
    cfg.database = "db_ekm";
    cfg.schema = "Ekm Data";
    cfg.username = "user_ekm";
    cfg.auth = pgstore::auth_method::cert;
    cfg.cert_file = "/etc/ekm/client.crt";
    cfg.key_file = "/etc/ekm/my keys/client.pk8";
    cfg.ca_file = "/etc/ekm/ca.crt";
    cfg.connection_timeout_seconds = 10;
    return cfg;
}

} // namespace

TEST_CASE("conninfo - libpq keyword/value")
{
    SUBCASE("password auth leaves the password out")
    {
        CHECK(pgstore::libpq_conninfo(password_config())
              == "host=db1,2001:db8::5 port=5433 dbname=db_ekm user=user_ekm options=-csearch_path=ekm "
                 "connect_timeout=5 target_session_attrs=read-write");
    }
    SUBCASE("the password only on request, quoted and escaped")
    {
        conninfo_options o;
        o.with_password = true;
        CHECK(pgstore::libpq_conninfo(password_config(), o)
              == "host=db1,2001:db8::5 port=5433 dbname=db_ekm user=user_ekm password='s3cret pw\\'\\\\' "
                 "options=-csearch_path=ekm connect_timeout=5 target_session_attrs=read-write");
    }
    SUBCASE("cert auth with verify-full and the certificate files")
    {
        CHECK(pgstore::libpq_conninfo(cert_config())
              == "host=pg-a,pg-b port=5432 dbname=db_ekm user=user_ekm "
                 "options='-csearch_path=\"Ekm\\\\ Data\"' sslmode=verify-full sslcert=/etc/ekm/client.crt "
                 "sslkey='/etc/ekm/my keys/client.pk8' sslrootcert=/etc/ekm/ca.crt connect_timeout=10 "
                 "target_session_attrs=read-write");
    }
    SUBCASE("read-only work goes to the read-only host and accepts a standby")
    {
        conninfo_options o;
        o.readonly = true;
        const auto params = pgstore::libpq_params(cert_config(), o);
        CHECK(params.front() == pgstore::conninfo_param{"host", "pg-ro"});
        CHECK(params.back() == pgstore::conninfo_param{"target_session_attrs", "prefer-standby"});
    }
    SUBCASE("without a read-only host, read-only work uses the write hosts")
    {
        conninfo_options o;
        o.readonly = true;
        const auto params = pgstore::libpq_params(password_config(), o);
        CHECK(params.front() == pgstore::conninfo_param{"host", "db1,2001:db8::5"});
        CHECK(params.back() == pgstore::conninfo_param{"target_session_attrs", "read-write"});
    }
    SUBCASE("a cert config never renders a password")
    {
        auto cfg = cert_config();
        cfg.password = pgstore::secret("leftover");
        conninfo_options o;
        o.with_password = true;
        CHECK(pgstore::libpq_conninfo(cfg, o).find("leftover") == std::string::npos);
    }
    SUBCASE("a NUL byte cannot reach a C driver")
    {
        auto cfg = password_config();
        cfg.database = std::string("db\0x", 4);
        CHECK_THROWS_WITH((void)pgstore::libpq_conninfo(cfg),
                          "expected no NUL character in `store.postgres.database`, saw one; a C driver would "
                          "cut the value there");
        cfg = password_config();
        cfg.password = pgstore::secret(std::string("p\0w", 3));
        conninfo_options o;
        o.with_password = true;
        CHECK_THROWS_WITH((void)pgstore::libpq_conninfo(cfg, o),
                          "expected no NUL character in `store.postgres.auth.password`, saw one; a C driver "
                          "would cut the value there");
    }
}

TEST_CASE("conninfo - libpq URI")
{
    SUBCASE("every host with the port, IPv6 in brackets")
    {
        CHECK(pgstore::libpq_uri(password_config())
              == "postgresql://user_ekm@db1:5433,[2001:db8::5]:5433/db_ekm?options=-csearch_path%3Dekm"
                 "&connect_timeout=5&target_session_attrs=read-write");
    }
    SUBCASE("values percent-encoded, a zone id too")
    {
        auto cfg = cert_config();
        cfg.hosts = {"fe80::1%eth0"};
        cfg.username = "ekm@example";
        CHECK(pgstore::libpq_uri(cfg)
              == "postgresql://ekm%40example@[fe80::1%25eth0]:5432/db_ekm"
                 "?options=-csearch_path%3D%22Ekm%5C%20Data%22"
                 "&sslmode=verify-full&sslcert=%2Fetc%2Fekm%2Fclient.crt"
                 "&sslkey=%2Fetc%2Fekm%2Fmy%20keys%2Fclient.pk8&sslrootcert=%2Fetc%2Fekm%2Fca.crt"
                 "&connect_timeout=10&target_session_attrs=read-write");
    }
    SUBCASE("the password as a query parameter, only on request")
    {
        conninfo_options o;
        o.with_password = true;
        const auto uri = pgstore::libpq_uri(password_config(), o);
        CHECK(uri.find("?password=s3cret%20pw%27%5C&options=") != std::string::npos);
    }
}

TEST_CASE("conninfo - PgJDBC URL")
{
    SUBCASE("write hosts")
    {
        CHECK(pgstore::jdbc_url(password_config())
              == "jdbc:postgresql://db1:5433,[2001:db8::5]:5433/db_ekm?user=user_ekm&currentSchema=ekm"
                 "&connectTimeout=5&targetServerType=primary");
    }
    SUBCASE("read-only host with cert auth")
    {
        conninfo_options o;
        o.readonly = true;
        o.with_password = true;
        CHECK(pgstore::jdbc_url(cert_config(), o)
              == "jdbc:postgresql://pg-ro:5432/db_ekm?user=user_ekm&currentSchema=%22Ekm%20Data%22"
                 "&sslmode=verify-full&sslcert=%2Fetc%2Fekm%2Fclient.crt"
                 "&sslkey=%2Fetc%2Fekm%2Fmy%20keys%2Fclient.pk8&sslrootcert=%2Fetc%2Fekm%2Fca.crt"
                 "&connectTimeout=10&targetServerType=preferSecondary");
    }
    SUBCASE("no libpq keyword in the JDBC form, no JDBC keyword in the libpq forms")
    {
        for (const auto& cfg : {password_config(), cert_config()}) {
            const auto jdbc = pgstore::jdbc_url(cfg);
            for (const char* libpq_only : {"options=", "dbname=", "connect_timeout", "target_session_attrs"})
                CHECK(jdbc.find(libpq_only) == std::string::npos);
            for (const auto& s : {pgstore::libpq_conninfo(cfg), pgstore::libpq_uri(cfg)}) {
                for (const char* jdbc_only : {"currentSchema", "connectTimeout", "targetServerType"})
                    CHECK(s.find(jdbc_only) == std::string::npos);
            }
        }
    }
}

TEST_CASE("conninfo - escaping helpers")
{
    SUBCASE("search_path keeps the schema name exactly")
    {
        CHECK(pgstore::search_path_for("ekm") == "ekm");
        CHECK(pgstore::search_path_for("ekm_2$") == "ekm_2$");
        CHECK(pgstore::search_path_for("Ekm") == "\"Ekm\"");
        CHECK(pgstore::search_path_for("a,b") == "\"a,b\"");
        CHECK(pgstore::search_path_for("2ekm") == "\"2ekm\"");
        CHECK(pgstore::search_path_for("say \"hi\"") == "\"say \"\"hi\"\"\"");
    }
    SUBCASE("libpq values quoted only when needed")
    {
        CHECK(pgstore::impl::quote_libpq_value("plain-value_1.2:/x=y") == "plain-value_1.2:/x=y");
        CHECK(pgstore::impl::quote_libpq_value("") == "''");
        CHECK(pgstore::impl::quote_libpq_value("a b") == "'a b'");
        CHECK(pgstore::impl::quote_libpq_value("it's") == "'it\\'s'");
        CHECK(pgstore::impl::quote_libpq_value("C:\\k") == "'C:\\\\k'");
        CHECK(pgstore::impl::quote_libpq_value("caf\xc3\xa9") == "'caf\xc3\xa9'");
    }
    SUBCASE("server options escape white space and backslashes")
    {
        CHECK(pgstore::impl::escape_server_option("a b\\c\td") == "a\\ b\\\\c\\\td");
    }
    SUBCASE("percent-encoding leaves only unreserved characters")
    {
        CHECK(pgstore::impl::percent_encode("a-Z_0.~ +%&=\xc3\xa9") == "a-Z_0.~%20%2B%25%26%3D%C3%A9");
    }
    SUBCASE("formats by name")
    {
        CHECK(pgstore::to_string(pgstore::conninfo_format::jdbc) == "jdbc");
        CHECK(pgstore::render_conninfo(password_config(), pgstore::conninfo_format::uri)
              == pgstore::libpq_uri(password_config()));
    }
}

TEST_CASE("conninfo - from a validated file")
{
    const auto result = pgstore::validate(pgstore::read_properties(
        "store.type=DatabaseStore\nstore.database.vendor=postgres\nstore.postgres.host=db1,::1\n"
        "store.postgres.host.readonly=db-ro\nstore.postgres.port=6432\nstore.postgres.database=db_wkd\n"
        "store.postgres.schema=wkd\nstore.postgres.username=user_wkd\nstore.postgres.auth.method=password\n"
        "store.postgres.auth.password=Kx7-vq2!pLm9\nstore.postgres.connection.timeout.seconds=3\n",
        "wkd.properties"));
    REQUIRE(result.ok());
    conninfo_options o;
    o.readonly = true;
    CHECK(pgstore::jdbc_url(result.config)
          == "jdbc:postgresql://db1:6432,[::1]:6432/db_wkd?user=user_wkd&currentSchema=wkd&connectTimeout=3"
             "&targetServerType=primary");
    CHECK(pgstore::jdbc_url(result.config, o)
          == "jdbc:postgresql://db-ro:6432/db_wkd?user=user_wkd&currentSchema=wkd&connectTimeout=3"
             "&targetServerType=preferSecondary");
}

namespace {

std::string hex_of(const std::string& s)
{
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    for (char c : s) {
        const auto u = static_cast<unsigned char>(c);
        out += digits[u >> 4];
        out += digits[u & 0xF];
    }
    return out;
}

// What PgJDBC's parseURL must produce for a case: every property, hex-encoded like JdbcUrlDump.
std::map<std::string, std::string> jdbc_expected(const pgstore::testing::random_case& c)
{
    const pgstore::store_config& cfg = c.config;
    const bool readonly = c.readonly && cfg.readonly_host;
    const std::vector<std::string> hosts = readonly ? std::vector<std::string>{*cfg.readonly_host} : cfg.hosts;
    std::string host_list;
    std::string port_list;
    for (const auto& h : hosts) {
        host_list += (host_list.empty() ? "" : ",") + (h.find(':') != std::string::npos ? "[" + h + "]" : h);
        port_list += (port_list.empty() ? "" : ",") + std::to_string(cfg.port);
    }
    std::map<std::string, std::string> out{{"PGHOST", host_list},
                                           {"PGPORT", port_list},
                                           {"PGDBNAME", cfg.database},
                                           {"user", cfg.username},
                                           {"targetServerType", readonly ? "preferSecondary" : "primary"}};
    if (c.with_password && cfg.auth == pgstore::auth_method::password)
        out["password"] = std::string(cfg.password.reveal());
    if (!cfg.schema.empty())
        out["currentSchema"] = pgstore::search_path_for(cfg.schema);
    if (cfg.auth == pgstore::auth_method::cert) {
        out["sslmode"] = "verify-full";
        out["sslcert"] = cfg.cert_file;
        out["sslkey"] = cfg.key_file;
        out["sslrootcert"] = cfg.ca_file;
    }
    if (cfg.connection_timeout_seconds > 0)
        out["connectTimeout"] = std::to_string(cfg.connection_timeout_seconds);
    for (auto& [key, value] : out)
        value = hex_of(value);
    return out;
}

std::string slurp(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

} // namespace

TEST_CASE("conninfo - PgJDBC's Driver.parseURL reads back what pgstore rendered")
{
    const char* jar_env = std::getenv("PGSTORE_PGJDBC_JAR");
    const std::string jar = jar_env ? jar_env : "/usr/share/java/postgresql.jar";
    // Missing Java is a failure, not a skip: tools/install-deps.sh installs the JDK and the jar.
    REQUIRE_MESSAGE(std::ifstream(jar).good(), jar << " is missing: install libpostgresql-jdbc-java");

    char tmpl[] = "/tmp/pgstore-jdbc.XXXXXX";
    REQUIRE(mkdtemp(tmpl) != nullptr);
    const std::string work = tmpl;

    pgstore::testing::case_generator gen(20240604);
    std::vector<pgstore::testing::random_case> cases;
    std::ofstream urls(work + "/urls.txt", std::ios::binary);
    for (int i = 0; i < 300; ++i) {
        cases.push_back(gen.next());
        conninfo_options o;
        o.readonly = cases.back().readonly;
        o.with_password = cases.back().with_password;
        urls << pgstore::jdbc_url(cases.back().config, o) << '\n';
    }
    urls.close();

    const std::string source = std::string(PGSTORE_TESTS_DIR) + "/java/JdbcUrlDump.java";
    const std::string compile = "javac -nowarn -cp '" + jar + "' -d '" + work + "' '" + source + "' 2>'" + work
                                + "/javac.log'";
    const int compiled = std::system(compile.c_str());
    REQUIRE_MESSAGE(compiled == 0, "javac failed (install default-jdk-headless): " << slurp(work + "/javac.log"));
    const std::string run = "java -cp '" + jar + ":" + work + "' JdbcUrlDump '" + work + "/urls.txt' >'" + work
                            + "/out.txt' 2>'" + work + "/java.log'";
    const int ran = std::system(run.c_str());
    REQUIRE_MESSAGE(ran == 0, "java failed: " << slurp(work + "/java.log"));

    std::istringstream out(slurp(work + "/out.txt"));
    std::vector<std::map<std::string, std::string>> parsed;
    std::string line;
    while (std::getline(out, line)) {
        if (line.rfind("== ", 0) == 0) {
            parsed.emplace_back();
            continue;
        }
        REQUIRE(!parsed.empty());
        const auto eq = line.find('=');
        parsed.back()[line.substr(0, eq)] = eq == std::string::npos ? "<null>" : line.substr(eq + 1);
    }
    REQUIRE(parsed.size() == cases.size());
    for (std::size_t i = 0; i < cases.size(); ++i) {
        conninfo_options o;
        o.readonly = cases[i].readonly;
        o.with_password = cases[i].with_password;
        CAPTURE(i);
        CAPTURE(pgstore::jdbc_url(cases[i].config, o));
        CHECK(parsed[i] == jdbc_expected(cases[i]));
    }
    std::filesystem::remove_all(work);
}
