// The libpq adapter without a database: libpq's own PQconninfoParse reads back exactly what
// pgstore rendered, the DER key becomes a private PEM copy, failures are classified, and the
// connector keeps its deadline against refused and silent hosts on loopback.

#include "conninfo_random.hpp"
#include "silent_listener.hpp"

#include <pgstore/libpq.hpp>

#include <doctest/doctest.h>

#include <openssl/ec.h>

#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

namespace {

using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

std::map<std::string, std::string> parse_with_libpq(const std::string& conninfo)
{
    char* error = nullptr;
    PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), &error);
    std::map<std::string, std::string> out;
    if (options == nullptr) {
        out["<error>"] = error ? error : "out of memory";
        PQfreemem(error);
        return out;
    }
    for (PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
        if (o->val != nullptr)
            out[o->keyword] = o->val;
    }
    PQconninfoFree(options);
    return out;
}

std::map<std::string, std::string> as_map(const std::vector<pgstore::conninfo_param>& params)
{
    std::map<std::string, std::string> out;
    for (const auto& p : params)
        out[p.keyword] = p.value;
    return out;
}

// A private folder for one test, removed at the end.
struct temp_dir {
    std::filesystem::path path;
    temp_dir()
    {
        char tmpl[] = "/tmp/pgstore-libpq-test.XXXXXX";
        REQUIRE(::mkdtemp(tmpl) != nullptr);
        path = tmpl;
    }
    ~temp_dir() { std::filesystem::remove_all(path); }
};

struct pkey_free {
    void operator()(EVP_PKEY* k) const noexcept { EVP_PKEY_free(k); }
};

std::unique_ptr<EVP_PKEY, pkey_free> new_ec_key()
{
    std::unique_ptr<EVP_PKEY, pkey_free> key(EVP_EC_gen("P-256"));
    REQUIRE(key);
    return key;
}

void write_pkcs8_der(EVP_PKEY* key, const std::string& path)
{
    PKCS8_PRIV_KEY_INFO* p8 = EVP_PKEY2PKCS8(key);
    REQUIRE(p8 != nullptr);
    BIO* out = BIO_new_file(path.c_str(), "wb");
    REQUIRE(out != nullptr);
    CHECK(i2d_PKCS8_PRIV_KEY_INFO_bio(out, p8) == 1);
    BIO_free(out);
    PKCS8_PRIV_KEY_INFO_free(p8);
}

unsigned mode_of(const std::string& path)
{
    struct stat st {};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    return static_cast<unsigned>(st.st_mode & 07777);
}

} // namespace

TEST_CASE("libpq - PQconninfoParse reads back the keyword/value and URI forms")
{
    pgstore::testing::case_generator gen(4242);
    for (int i = 0; i < 400; ++i) {
        const auto c = gen.next();
        pgstore::conninfo_options o;
        o.readonly = c.readonly;
        o.with_password = c.with_password;
        const auto intended = as_map(pgstore::libpq_params(c.config, o));

        const std::string kv = pgstore::libpq_conninfo(c.config, o);
        CAPTURE(kv);
        CHECK(parse_with_libpq(kv) == intended);

        // The URI gives every host its own copy of the port.
        auto per_host = intended;
        std::string ports;
        const std::string& hosts = intended.at("host");
        const auto count = static_cast<std::size_t>(std::count(hosts.begin(), hosts.end(), ',')) + 1;
        for (std::size_t n = 0; n < count; ++n)
            ports += (ports.empty() ? "" : ",") + intended.at("port");
        per_host["port"] = ports;
        const std::string uri = pgstore::libpq_uri(c.config, o);
        CAPTURE(uri);
        CHECK(parse_with_libpq(uri) == per_host);
    }
}

TEST_CASE("libpq - a PKCS#8 DER key becomes a private PEM copy")
{
    temp_dir dir;
    const auto key = new_ec_key();
    const std::string der = (dir.path / "client.pk8").string();
    write_pkcs8_der(key.get(), der);
    ::chmod(der.c_str(), 0644);  // too open for libpq; the copy is not

    std::string copy;
    std::string folder;
    {
        const pgstore::private_pem_key pem(der);
        copy = pem.path();
        folder = std::filesystem::path(copy).parent_path().string();
        CHECK(pem.converted_from_der());
        CHECK(pem.source() == der);
        CHECK(mode_of(copy) == 0600);
        CHECK(mode_of(folder) == 0700);
        CHECK(folder.find("pgstore-key.") != std::string::npos);

        BIO* in = BIO_new_file(copy.c_str(), "r");
        REQUIRE(in != nullptr);
        std::unique_ptr<EVP_PKEY, pkey_free> back(PEM_read_bio_PrivateKey(in, nullptr, nullptr, nullptr));
        BIO_free(in);
        REQUIRE(back);
        CHECK(EVP_PKEY_eq(back.get(), key.get()) == 1);
        std::ifstream text(copy);
        std::string first;
        std::getline(text, first);
        CHECK(first == "-----BEGIN PRIVATE KEY-----");
    }
    CHECK_FALSE(std::filesystem::exists(copy));
    CHECK_FALSE(std::filesystem::exists(folder));
}

TEST_CASE("libpq - client key errors leave nothing behind")
{
    temp_dir dir;
    temp_dir tmp;
    const char* old_tmpdir = std::getenv("TMPDIR");
    const std::string saved = old_tmpdir ? old_tmpdir : "";
    ::setenv("TMPDIR", tmp.path.c_str(), 1);

    SUBCASE("not a key")
    {
        const std::string bad = (dir.path / "client.pk8").string();
        std::ofstream(bad) << "not a key at all, just text";
        try {
            pgstore::private_pem_key pem(bad);
            FAIL("expected an exception");
        } catch (const std::runtime_error& e) {
            const std::string what = e.what();
            CHECK(what == "cannot load the client key " + bad
                              + ": expected a private key, saw neither a PEM nor a DER key");
        }
    }
    SUBCASE("missing file")
    {
        const std::string missing = (dir.path / "absent.pk8").string();
        CHECK_THROWS_WITH(pgstore::private_pem_key{missing},
                          ("cannot read the client key " + missing + ": No such file or directory").c_str());
    }
    SUBCASE("a PEM key is copied as it is")
    {
        const auto key = new_ec_key();
        const std::string pem_path = (dir.path / "client.key").string();
        BIO* out = BIO_new_file(pem_path.c_str(), "w");
        REQUIRE(out != nullptr);
        REQUIRE(PEM_write_bio_PrivateKey(out, key.get(), nullptr, nullptr, 0, nullptr, nullptr) == 1);
        BIO_free(out);
        const pgstore::private_pem_key pem(pem_path);
        CHECK_FALSE(pem.converted_from_der());
        CHECK(std::filesystem::path(pem.path()).parent_path().parent_path() == tmp.path);
    }
    CHECK(std::filesystem::is_empty(tmp.path));
    if (old_tmpdir)
        ::setenv("TMPDIR", saved.c_str(), 1);
    else
        ::unsetenv("TMPDIR");
}

TEST_CASE("libpq - failures are classified from libpq's words")
{
    using pgstore::libpq_failure;
    using pgstore::impl::classify;
    CHECK(classify("connection to server at \"127.0.0.9\", port 5432 failed: Connection refused\n")
          == libpq_failure::refused);
    CHECK(classify("FATAL:  password authentication failed for user \"u\"") == libpq_failure::auth_failed);
    CHECK(classify("FATAL:  no pg_hba.conf entry for host \"127.0.0.1\"") == libpq_failure::auth_failed);
    CHECK(classify("FATAL:  role \"x\" does not exist") == libpq_failure::auth_failed);
    CHECK(classify("FATAL:  certificate authentication failed for user \"u\"") == libpq_failure::auth_failed);
    CHECK(classify("SSL error: certificate verify failed") == libpq_failure::tls_failed);
    CHECK(classify("FATAL:  database \"x\" does not exist") == libpq_failure::other);

    CHECK(pgstore::impl::tidy_libpq_message(
              "connection to server at \"127.0.0.2\", port 5432 failed: FATAL:  password authentication failed "
              "for user \"u\"\n")
          == "FATAL: password authentication failed for user \"u\"");
    CHECK(pgstore::impl::tidy_libpq_message(
              "connection to server at \"127.0.0.9\", port 1 failed: Connection refused\n"
              "\tIs the server running on that host and accepting TCP/IP connections?\n")
          == "Connection refused; Is the server running on that host and accepting TCP/IP connections?");

    pgstore::attempt_record r;
    r.outcome = pgstore::attempt_outcome::failed;
    r.message = pgstore::libpq_error{libpq_failure::auth_failed, "FATAL: no"}.message();
    CHECK(r.message == "auth failed: FATAL: no");
    CHECK(pgstore::libpq_failure_of(r) == libpq_failure::auth_failed);
    r.message = "probe failed: no answer";
    CHECK(pgstore::libpq_failure_of(r) == libpq_failure::other);
    r.outcome = pgstore::attempt_outcome::standby;
    CHECK_FALSE(pgstore::libpq_failure_of(r).has_value());
}

TEST_CASE("libpq - fair share of the timeout")
{
    CHECK(pgstore::fair_share(6000ms, 3) == 2000ms);
    CHECK(pgstore::fair_share(1500ms, 3) == 1000ms);
    CHECK(pgstore::fair_share(500ms, 3) == 500ms);
    CHECK(pgstore::fair_share(5000ms, 1) == 5000ms);
}

TEST_CASE("libpq - the connector keeps its deadline on loopback")
{
    pgstore::store_config cfg;
    cfg.hosts = {"127.0.0.4"};
    cfg.database = "db";
    cfg.schema = "s";
    cfg.username = "u";
    cfg.password = pgstore::secret("pw");
    const pgstore::testing::silent_listener silent("127.0.0.4", 0);

    SUBCASE("a silent host times out at the deadline")
    {
        const pgstore::libpq_connector connect(cfg);
        const auto start = clock_type::now();
        auto a = connect("127.0.0.4", silent.port(), start + 600ms);
        const auto spent = clock_type::now() - start;
        REQUIRE_FALSE(a.ok());
        CHECK(a.error().kind == pgstore::libpq_failure::timed_out);
        CHECK(a.error().message().rfind("timed out: no answer within ", 0) == 0);
        CHECK(a.error().message().find("(the shared deadline)") != std::string::npos);
        CHECK(spent >= 600ms);
        CHECK(spent < 1500ms);  // generous: the machine may be busy
    }
    SUBCASE("per_host_timeout cuts an attempt short of the deadline")
    {
        pgstore::libpq_connector_options o;
        o.per_host_timeout = 300ms;
        const pgstore::libpq_connector connect(cfg, o);
        const auto start = clock_type::now();
        auto a = connect("127.0.0.4", silent.port(), start + 5s);
        const auto spent = clock_type::now() - start;
        REQUIRE_FALSE(a.ok());
        CHECK(a.error().message().find("(this host's share of the timeout)") != std::string::npos);
        CHECK(spent >= 300ms);
        CHECK(spent < 1300ms);
    }
    SUBCASE("a refused host fails at once")
    {
        const pgstore::libpq_connector connect(cfg);
        const auto start = clock_type::now();
        auto a = connect("127.0.0.9", silent.port(), start + 5s);
        REQUIRE_FALSE(a.ok());
        CHECK(a.error().kind == pgstore::libpq_failure::refused);
        CHECK(clock_type::now() - start < 1s);
    }
}
