// The TLS client-certificate checks of tls.hpp and the key formats of tls_key.hpp, on material
// generated here with OpenSSL: nothing private is committed.

#include <pgstore/tls.hpp>

#include <doctest/doctest.h>

#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;
namespace ossl = pgstore::impl::ossl;

namespace {

// All dates are relative to this moment, 2025-01-01 00:00:00 UTC.
constexpr std::time_t now = 1735689600;
constexpr std::time_t day = 86400;
const char* const pass = "correct horse";

std::chrono::system_clock::time_point at(std::time_t t)
{
    return std::chrono::system_clock::from_time_t(t);
}

ossl::pkey rsa(unsigned bits)
{
    ossl::pkey key(EVP_RSA_gen(bits));
    REQUIRE(key);
    return key;
}

ossl::pkey ec()
{
    ossl::pkey key(EVP_EC_gen("P-256"));
    REQUIRE(key);
    return key;
}

void extend(X509* cert, X509* issuer, int nid, const char* value)
{
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
    REQUIRE(ext != nullptr);
    X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
}

struct cert_spec {
    std::string cn;
    std::time_t not_before = now - 365 * day;
    std::time_t not_after = now + 730 * day;
    bool ca = false;
    const char* eku = "clientAuth";  // nullptr: no extended key usage
    const EVP_MD* digest = nullptr;  // SHA-256 when null
};

// A certificate for `key`, signed by `issuer_key` on behalf of `issuer` (itself when null).
ossl::x509 issue(const cert_spec& spec, EVP_PKEY* key, X509* issuer, EVP_PKEY* issuer_key)
{
    static long serial = 1;
    ossl::x509 cert(X509_new());
    REQUIRE(cert);
    X509_set_version(cert.get(), 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial++);
    ASN1_TIME_set(X509_getm_notBefore(cert.get()), spec.not_before);
    ASN1_TIME_set(X509_getm_notAfter(cert.get()), spec.not_after);
    X509_NAME* name = X509_get_subject_name(cert.get());
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char*>(spec.cn.c_str()), -1, -1, 0);
    X509_set_issuer_name(cert.get(), issuer != nullptr ? X509_get_subject_name(issuer) : name);
    X509_set_pubkey(cert.get(), key);
    X509* signer = issuer != nullptr ? issuer : cert.get();
    if (spec.ca) {
        extend(cert.get(), signer, NID_basic_constraints, "critical,CA:TRUE");
        extend(cert.get(), signer, NID_key_usage, "critical,keyCertSign,cRLSign");
    } else {
        extend(cert.get(), signer, NID_basic_constraints, "CA:FALSE");
        if (spec.eku != nullptr)
            extend(cert.get(), signer, NID_ext_key_usage, spec.eku);
    }
    REQUIRE(X509_sign(cert.get(), issuer_key != nullptr ? issuer_key : key,
                      spec.digest != nullptr ? spec.digest : EVP_sha256())
            > 0);
    return cert;
}

template <class Write>
std::string to_bytes(Write&& write)
{
    ossl::bio out(BIO_new(BIO_s_mem()));
    REQUIRE(write(out.get()));
    return ossl::contents(out.get());
}

std::string pem(X509* cert)
{
    return to_bytes([&](BIO* b) { return PEM_write_bio_X509(b, cert) == 1; });
}

std::string der(X509* cert)
{
    return to_bytes([&](BIO* b) { return i2d_X509_bio(b, cert) == 1; });
}

// The key in each format the tests need; `cipher` encrypts with the pass phrase.
enum class form {
    pkcs8_der,
    pkcs8_pem,
    traditional_pem,
    traditional_der,
    enc_pkcs8_der,
    enc_pkcs8_pem,
    enc_pem
};

std::string key_bytes(EVP_PKEY* key, form f)
{
    const auto* pw = reinterpret_cast<const unsigned char*>(pass);
    const int pw_size = static_cast<int>(std::strlen(pass));
    switch (f) {
    case form::pkcs8_der:
        return to_bytes([&](BIO* b) {
            return i2d_PKCS8PrivateKey_bio(b, key, nullptr, nullptr, 0, nullptr, nullptr);
        });
    case form::pkcs8_pem:
        return to_bytes([&](BIO* b) {
            return PEM_write_bio_PKCS8PrivateKey(b, key, nullptr, nullptr, 0, nullptr, nullptr);
        });
    case form::traditional_pem:
        return to_bytes([&](BIO* b) {
            return PEM_write_bio_PrivateKey_traditional(b, key, nullptr, nullptr, 0, nullptr,
                                                        nullptr);
        });
    case form::traditional_der: return to_bytes([&](BIO* b) { return i2d_PrivateKey_bio(b, key); });
    case form::enc_pkcs8_der:
        return to_bytes([&](BIO* b) {
            return i2d_PKCS8PrivateKey_bio(b, key, EVP_aes_256_cbc(), pass, pw_size, nullptr,
                                           nullptr);
        });
    case form::enc_pkcs8_pem:
        return to_bytes([&](BIO* b) {
            return PEM_write_bio_PKCS8PrivateKey(b, key, EVP_aes_256_cbc(), pass, pw_size, nullptr,
                                                 nullptr);
        });
    case form::enc_pem:
        return to_bytes([&](BIO* b) {
            return PEM_write_bio_PrivateKey_traditional(b, key, EVP_aes_256_cbc(), pw, pw_size,
                                                        nullptr, nullptr);
        });
    }
    return {};
}

std::string pkcs12(EVP_PKEY* key, X509* cert, const char* passphrase)
{
    ossl::pkcs12 bundle(PKCS12_create(passphrase, "user", key, cert, nullptr, 0, 0, 0, 0, 0));
    REQUIRE(bundle);
    return to_bytes([&](BIO* b) { return i2d_PKCS12_bio(b, bundle.get()) == 1; });
}

// A root CA, an intermediate and a client certificate for user_ekm issued through it, made once.
struct material {
    ossl::pkey root_key = ec();
    ossl::x509 root = issue({"test root CA", now - 3650 * day, now + 3650 * day, true},
                            root_key.get(), nullptr, nullptr);
    ossl::pkey intermediate_key = ec();
    ossl::x509 intermediate =
        issue({"test intermediate CA", now - 3650 * day, now + 3650 * day, true},
              intermediate_key.get(), root.get(), root_key.get());
    ossl::pkey client_key = rsa(2048);
    ossl::x509 client =
        issue({"user_ekm"}, client_key.get(), intermediate.get(), intermediate_key.get());
    ossl::pkey other_key = rsa(2048);
    ossl::pkey ec_key = ec();

    /// A client certificate for user_ekm issued through the intermediate, as `spec` changes it.
    ossl::x509 client_with(cert_spec spec, EVP_PKEY* key = nullptr) const
    {
        if (spec.cn.empty())
            spec.cn = "user_ekm";
        return issue(spec, key != nullptr ? key : client_key.get(), intermediate.get(),
                     intermediate_key.get());
    }

    std::string chain_pem(X509* leaf) const { return pem(leaf) + pem(intermediate.get()); }
};

const material& shared()
{
    static const material m;
    return m;
}

// A fresh folder, made the current directory so that the configuration's relative paths point
// into it, holding good material: client.crt, client.pk8 (mode 0600) and ca.crt.
class scratch {
public:
    scratch()
    {
        std::string name = (fs::temp_directory_path() / "pgstore-tls-XXXXXX").string();
        REQUIRE(::mkdtemp(name.data()) != nullptr);
        dir_ = name;
        previous_ = fs::current_path();
        fs::current_path(dir_);
        const material& m = shared();
        write("client.crt", m.chain_pem(m.client.get()));
        write("client.pk8", key_bytes(m.client_key.get(), form::pkcs8_der), 0600);
        write("ca.crt", pem(m.root.get()));
    }
    ~scratch()
    {
        fs::current_path(previous_);
        std::error_code ignored;
        fs::remove_all(dir_, ignored);
    }
    scratch(const scratch&) = delete;
    scratch& operator=(const scratch&) = delete;

    void write(const std::string& name, const std::string& bytes, ::mode_t mode = 0644) const
    {
        fs::remove(dir_ / name);
        std::ofstream(dir_ / name, std::ios::binary) << bytes;
        REQUIRE(::chmod((dir_ / name).c_str(), mode) == 0);
    }

private:
    fs::path dir_;
    fs::path previous_;
};

const std::string config = "store.type=DatabaseStore\n"             // 1
                           "store.database.vendor=postgres\n"       // 2
                           "store.postgres.host=db1\n"              // 3
                           "store.postgres.port=5432\n"             // 4
                           "store.postgres.database=db_ekm\n"       // 5
                           "store.postgres.schema=ekm\n"            // 6
                           "store.postgres.username=user_ekm\n"     // 7
                           "store.postgres.auth.method=cert\n"      // 8
                           "store.postgres.auth.cert=client.crt\n"  // 9
                           "store.postgres.auth.key=client.pk8\n"   // 10
                           "store.postgres.auth.ca=ca.crt\n";       // 11

std::string replace(std::string text, const std::string& from, const std::string& to)
{
    const auto where = text.find(from);
    REQUIRE_MESSAGE(where != std::string::npos, from);
    return text.replace(where, from.size(), to);
}

std::vector<std::string> check(const std::string& text = config, pgstore::tls_options options = {})
{
    options.now = at(now);
    const auto result = pgstore::validate(pgstore::read_properties(text, "ekm.properties"));
    std::vector<std::string> out;
    for (const auto& d : pgstore::check_tls(result, options))
        out.push_back(d.to_string());
    return out;
}

std::vector<std::string> check(pgstore::tls_options options)
{
    return check(config, options);
}

using lines = std::vector<std::string>;

const std::string at_cert = "ekm.properties:9:1: ";
const std::string at_key = "ekm.properties:10:1: ";
const std::string at_ca = "ekm.properties:11:1: ";

} // namespace

TEST_CASE("tls - key formats are named with OpenSSL's decoders")
{
    const material& m = shared();
    using pgstore::key_format;
    const auto detect = [](const std::string& bytes) { return pgstore::detect_key_format(bytes); };
    const std::string pkcs8 = key_bytes(m.client_key.get(), form::pkcs8_der);

    struct sample {
        std::string bytes;
        key_format format;
        std::string description;
    };
    const std::vector<sample> samples = {
        {pkcs8, key_format::pkcs8_der, "unencrypted PKCS#8 DER"},
        {pkcs8 + "junk", key_format::pkcs8_der_trailing,
         "unencrypted PKCS#8 DER followed by 4 extra bytes"},
        {key_bytes(m.client_key.get(), form::pkcs8_pem), key_format::pkcs8_pem,
         "PEM PKCS#8 (BEGIN PRIVATE KEY)"},
        {key_bytes(m.client_key.get(), form::traditional_pem), key_format::pkcs1_pem,
         "PEM PKCS#1 (BEGIN RSA PRIVATE KEY)"},
        {key_bytes(m.client_key.get(), form::traditional_der), key_format::pkcs1_der,
         "DER PKCS#1 (an RSA key)"},
        {key_bytes(m.ec_key.get(), form::traditional_pem), key_format::sec1_pem,
         "PEM SEC1 (BEGIN EC PRIVATE KEY)"},
        {key_bytes(m.ec_key.get(), form::traditional_der), key_format::sec1_der,
         "DER SEC1 (an EC key)"},
        {key_bytes(m.client_key.get(), form::enc_pkcs8_der), key_format::encrypted_pkcs8_der,
         "encrypted PKCS#8 DER"},
        {key_bytes(m.client_key.get(), form::enc_pkcs8_pem), key_format::encrypted_pkcs8_pem,
         "encrypted PEM PKCS#8 (BEGIN ENCRYPTED PRIVATE KEY)"},
        {key_bytes(m.client_key.get(), form::enc_pem), key_format::encrypted_pem,
         "encrypted PEM (BEGIN RSA PRIVATE KEY with Proc-Type: 4,ENCRYPTED)"},
        {pkcs12(m.client_key.get(), m.client.get(), pass), key_format::pkcs12, "a PKCS#12 bundle"},
        {pem(m.client.get()), key_format::certificate_pem, "a PEM certificate (BEGIN CERTIFICATE)"},
        {der(m.client.get()), key_format::certificate_der, "a DER certificate"},
        {to_bytes([&](BIO* b) { return PEM_write_bio_PUBKEY(b, m.client_key.get()) == 1; }),
         key_format::other_pem, "PEM of another kind (BEGIN PUBLIC KEY)"},
        {pkcs8.substr(0, pkcs8.size() / 2), key_format::truncated, "truncated or damaged data"},
        {"-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n", key_format::truncated,
         "truncated or damaged data"},
        {"this is not a key\n", key_format::unknown, "neither a PEM nor a DER key"},
        {"", key_format::empty, "an empty file"},
    };
    for (const auto& s : samples) {
        CAPTURE(s.description);
        const pgstore::key_detection found = detect(s.bytes);
        CHECK(found.format == s.format);
        CHECK(pgstore::describe(found) == s.description);
    }

    SUBCASE("EC PARAMETERS before the key, as openssl ecparam -genkey writes them, are skipped")
    {
        const std::string params =
            "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n";
        CHECK(detect(params + key_bytes(m.ec_key.get(), form::traditional_pem)).format
              == key_format::sec1_pem);
        const auto loaded = pgstore::load_private_key(params + key_bytes(m.ec_key.get(), form::traditional_pem));
        CHECK_MESSAGE(loaded.key, loaded.error);
        CHECK(loaded.error.empty());
    }
    SUBCASE("a key next to a certificate is what a key file holds")
    {
        CHECK(detect(pem(m.client.get()) + key_bytes(m.client_key.get(), form::pkcs8_pem)).format
              == key_format::pkcs8_pem);
    }
    SUBCASE("detection leaves OpenSSL's error queue as it was")
    {
        ERR_clear_error();
        (void)detect("this is not a key\n");
        CHECK(ERR_peek_error() == 0);
    }
}

TEST_CASE("tls - every format converts to the same PKCS#8 DER")
{
    const material& m = shared();
    const std::string expected = key_bytes(m.client_key.get(), form::pkcs8_der);
    const pgstore::secret passphrase(pass);
    for (form f : {form::pkcs8_der, form::pkcs8_pem, form::traditional_pem, form::traditional_der,
                   form::enc_pkcs8_der, form::enc_pkcs8_pem, form::enc_pem}) {
        CAPTURE(static_cast<int>(f));
        const pgstore::loaded_key loaded =
            pgstore::load_private_key(key_bytes(m.client_key.get(), f), &passphrase);
        REQUIRE_MESSAGE(loaded.key, loaded.error);
        const auto out = pgstore::to_pkcs8_der(loaded.key.get());
        REQUIRE(out);
        CHECK(out->reveal() == expected);
    }
    const auto from_p12 =
        pgstore::load_private_key(pkcs12(m.client_key.get(), m.client.get(), pass), &passphrase);
    REQUIRE(from_p12.key);
    CHECK(pgstore::to_pkcs8_der(from_p12.key.get())->reveal() == expected);
    const auto empty_p12 =
        pgstore::load_private_key(pkcs12(m.client_key.get(), m.client.get(), ""));
    REQUIRE_MESSAGE(empty_p12.key, empty_p12.error);
    CHECK(pgstore::describe_key(empty_p12.key.get()) == "RSA 2048 bits");

    SUBCASE("an EC key")
    {
        const auto loaded =
            pgstore::load_private_key(key_bytes(m.ec_key.get(), form::traditional_pem));
        REQUIRE(loaded.key);
        CHECK(pgstore::to_pkcs8_der(loaded.key.get())->reveal()
              == key_bytes(m.ec_key.get(), form::pkcs8_der));
        CHECK(pgstore::describe_key(loaded.key.get()) == "EC 256 bits");
    }
    SUBCASE("errors name the problem and never the pass phrase")
    {
        const pgstore::secret wrong("Wr0ng-Phrase");
        const auto bad =
            pgstore::load_private_key(key_bytes(m.client_key.get(), form::enc_pkcs8_pem), &wrong);
        CHECK_FALSE(bad.key);
        CHECK(bad.error.rfind("cannot decrypt the key with this pass phrase (", 0) == 0);
        CHECK(bad.error.find("Wr0ng") == std::string::npos);
        const auto none = pgstore::load_private_key(key_bytes(m.client_key.get(), form::enc_pem));
        CHECK(none.error == "the key is encrypted and no pass phrase was given");
        const auto p12 =
            pgstore::load_private_key(pkcs12(m.client_key.get(), m.client.get(), pass), &wrong);
        CHECK(p12.error.rfind("cannot open the PKCS#12 bundle with this pass phrase (", 0) == 0);
        CHECK(pgstore::load_private_key(pem(m.client.get())).error
              == "expected a private key, saw a PEM certificate (BEGIN CERTIFICATE)");
    }
}

TEST_CASE("tls - paths in hints")
{
    CHECK(pgstore::shell_quote("/etc/ekm/client.key") == "/etc/ekm/client.key");
    CHECK(pgstore::shell_quote("my keys/client.key") == "'my keys/client.key'");
    CHECK(pgstore::shell_quote("it's.key") == "'it'\\''s.key'");
    CHECK(pgstore::shell_quote("a\nb") == "$'a\\x0ab'");
    CHECK(pgstore::shell_quote("") == "''");
    CHECK(pgstore::converted_path("/etc/ekm/client.key", ".pk8") == "/etc/ekm/client.pk8");
    CHECK(pgstore::converted_path("/etc/ekm/client.pk8", ".pk8")
          == "/etc/ekm/client-converted.pk8");
    CHECK(pgstore::converted_path("/etc/ekm.d/client", ".pk8") == "/etc/ekm.d/client.pk8");
    CHECK(pgstore::converted_path(".hidden", ".pem") == ".hidden.pem");
}

TEST_CASE("tls - good material passes every check")
{
    const scratch files;
    CHECK(check() == lines{});

    SUBCASE("an EC key, with the intermediate in the CA file instead")
    {
        const material& m = shared();
        const ossl::x509 leaf = m.client_with({}, m.ec_key.get());
        files.write("client.crt", pem(leaf.get()));
        files.write("client.pk8", key_bytes(m.ec_key.get(), form::pkcs8_der), 0600);
        files.write("ca.crt", pem(m.root.get()) + pem(m.intermediate.get()));
        CHECK(check() == lines{});
    }
    SUBCASE("no extended key usage, or anyExtendedKeyUsage")
    {
        const material& m = shared();
        files.write(
            "client.crt",
            m.chain_pem(m.client_with({"", now - day, now + 400 * day, false, nullptr}).get()));
        CHECK(check() == lines{});
        files.write("client.crt", m.chain_pem(m.client_with({"", now - day, now + 400 * day, false,
                                                             "serverAuth,anyExtendedKeyUsage"})
                                                  .get()));
        CHECK(check() == lines{});
    }
}

TEST_CASE("tls - nothing to check")
{
    const scratch files;
    files.write("client.pk8", "garbage", 0644);
    SUBCASE("password authentication")
    {
        const std::string text = replace(config, "auth.method=cert", "auth.method=password")
                                 + "store.postgres.auth.password=s3cret-Pw\n";
        CHECK(check(text) == lines{});
    }
    SUBCASE("a setting that already has a validation error is not read")
    {
        CHECK(check(replace(config, "auth.key=client.pk8", "auth.key=")) == lines{});
    }
    SUBCASE("an invalid auth.method")
    {
        CHECK(check(replace(config, "auth.method=cert", "auth.method=Cert")) == lines{});
    }
}

TEST_CASE("tls - missing, empty and unreadable files")
{
    const scratch files;
    SUBCASE("missing")
    {
        const std::string text =
            replace(replace(config, "=client.crt", "=nowhere/client.crt"), "=ca.crt", "=root.crt");
        const std::string hint_end =
            "; a relative path is resolved against the service's working directory\n";
        CHECK(check(text)
              == lines{at_cert
                           + "error: the certificate file `nowhere/client.crt` does not exist "
                             "[tls-file-missing]\n"
                             "  hint: create it or correct `store.postgres.auth.cert`"
                           + hint_end,
                       at_ca
                           + "error: the CA file `root.crt` does not exist [tls-file-missing]\n"
                             "  hint: create it or correct `store.postgres.auth.ca`"
                           + hint_end});
    }
    SUBCASE("missing, named by an absolute path")
    {
        const std::string absolute = "/nonexistent-pgstore-test/client.crt";
        CHECK(check(replace(config, "=client.crt", "=" + absolute))
              == lines{at_cert + "error: the certificate file `" + absolute
                       + "` does not exist [tls-file-missing]\n"
                         "  hint: create it or correct `store.postgres.auth.cert`\n"});
    }
    SUBCASE("a directory")
    {
        fs::create_directory("keys");
        CHECK(
            check(replace(config, "=client.pk8", "=keys"))
            == lines{
                at_key
                + "error: the key file `keys` is a directory [tls-file-missing]\n"
                  "  hint: name the file itself in `store.postgres.auth.key`, not the folder that "
                  "holds it\n"});
    }
    SUBCASE("empty")
    {
        files.write("client.pk8", "", 0600);
        files.write("ca.crt", "");
        CHECK(check()
              == lines{at_key
                           + "error: the key file `client.pk8` is empty [tls-file-missing]\n"
                             "  hint: write the private key into it, or correct "
                             "`store.postgres.auth.key`; a relative path is resolved against the "
                             "service's working directory\n",
                       at_ca
                           + "error: the CA file `ca.crt` is empty [tls-file-missing]\n"
                             "  hint: write the certificate into it, or correct "
                             "`store.postgres.auth.ca`; a relative path is resolved against the "
                             "service's working directory\n"});
    }
    SUBCASE("not a regular file")
    {
        REQUIRE(::mkfifo("pipe", 0600) == 0);
        CHECK(check(replace(config, "=ca.crt", "=pipe"))
              == lines{at_ca
                       + "error: the CA file `pipe` is not a regular file [tls-file-missing]\n"
                         "  hint: name a regular file in `store.postgres.auth.ca`\n"});
    }
    SUBCASE("unreadable")
    {
        if (::geteuid() == 0) {
            MESSAGE("skipped: root reads files whatever their mode");
            return;
        }
        files.write("ca.crt", pem(shared().root.get()), 0);
        CHECK(check()
              == lines{at_ca
                       + "error: the CA file `ca.crt` cannot be read: Permission denied "
                         "[tls-file-missing]\n"
                         "  hint: let the user the service runs as read it\n"});
    }
}

TEST_CASE("tls - the key must be unencrypted PKCS#8 DER")
{
    const scratch files;
    const material& m = shared();
    const std::string convert = "  hint: convert it with `openssl pkcs8 -topk8 -inform ";
    const std::string then =
        " -out client.pk8 -nocrypt` or `pgstore convert-key client.key client.pk8`";
    const std::string set = ", then set `store.postgres.auth.key=client.pk8`\n";
    const std::string text = replace(config, "=client.pk8", "=client.key");
    const auto key_as = [&](const std::string& bytes) {
        files.write("client.key", bytes, 0600);
        return check(text);
    };

    CHECK(key_as(key_bytes(m.client_key.get(), form::pkcs8_pem))
          == lines{"ekm.properties:10:1: error: expected an unencrypted PKCS#8 DER key, saw PEM "
                   "PKCS#8 (BEGIN PRIVATE KEY), which the driver cannot read [tls-key-format]\n"
                   + convert + "PEM -outform DER -in client.key" + then + set});
    CHECK(key_as(key_bytes(m.client_key.get(), form::traditional_pem))
          == lines{"ekm.properties:10:1: error: expected an unencrypted PKCS#8 DER key, saw PEM "
                   "PKCS#1 (BEGIN RSA PRIVATE KEY), which the driver cannot read [tls-key-format]\n"
                   + convert + "PEM -outform DER -in client.key" + then + set});
    CHECK(key_as(key_bytes(m.client_key.get(), form::traditional_der))
          == lines{"ekm.properties:10:1: error: expected an unencrypted PKCS#8 DER key, saw DER "
                   "PKCS#1 (an RSA key), which the driver cannot read [tls-key-format]\n"
                   + convert + "DER -outform DER -in client.key" + then + set});
    CHECK(key_as(key_bytes(m.client_key.get(), form::pkcs8_der) + "\n")
          == lines{"ekm.properties:10:1: error: expected an unencrypted PKCS#8 DER key, saw "
                   "unencrypted PKCS#8 DER followed by 1 extra bytes, which the driver cannot read "
                   "[tls-key-format]\n"
                   + convert + "DER -outform DER -in client.key" + then + set});

    const std::string encrypted_end = " (both ask for the pass phrase)" + set;
    CHECK(key_as(key_bytes(m.client_key.get(), form::enc_pkcs8_der))
          == lines{"ekm.properties:10:1: error: expected an unencrypted PKCS#8 DER key, saw "
                   "encrypted PKCS#8 DER; the service has no setting for a pass phrase "
                   "[tls-key-format]\n"
                   + convert + "DER -outform DER -in client.key" + then + encrypted_end});
    CHECK(key_as(key_bytes(m.client_key.get(), form::enc_pkcs8_pem))
          == lines{"ekm.properties:10:1: error: expected an unencrypted PKCS#8 DER key, saw "
                   "encrypted PEM PKCS#8 (BEGIN ENCRYPTED PRIVATE KEY); the service has no setting "
                   "for a pass phrase [tls-key-format]\n"
                   + convert + "PEM -outform DER -in client.key" + then + encrypted_end});
    CHECK(key_as(key_bytes(m.client_key.get(), form::enc_pem))
          == lines{"ekm.properties:10:1: error: expected an unencrypted PKCS#8 DER key, saw "
                   "encrypted PEM (BEGIN RSA PRIVATE KEY with Proc-Type: 4,ENCRYPTED); the service "
                   "has no setting for a pass phrase [tls-key-format]\n"
                   + convert + "PEM -outform DER -in client.key" + then + encrypted_end});
    CHECK(key_as(pkcs12(m.client_key.get(), m.client.get(), pass))
          == lines{
              "ekm.properties:10:1: error: expected an unencrypted PKCS#8 DER key, saw a PKCS#12 "
              "bundle; the service has no setting for a pass phrase [tls-key-format]\n"
              "  hint: convert it with `openssl pkcs12 -in client.key -nocerts -nodes | openssl "
              "pkcs8 -topk8 -inform PEM -outform DER -out client.pk8 -nocrypt` or `pgstore "
              "convert-key client.key client.pk8` (both ask for the pass phrase)"
              + set});

    SUBCASE("SEC1 EC keys, with the user's own paths quoted for the shell")
    {
        const ossl::x509 leaf = m.client_with({}, m.ec_key.get());
        files.write("client.crt", pem(leaf.get()) + pem(m.intermediate.get()));
        files.write("my key.pem", key_bytes(m.ec_key.get(), form::traditional_pem), 0600);
        CHECK(check(replace(config, "=client.pk8", "=my key.pem"))
              == lines{"ekm.properties:10:1: error: expected an unencrypted PKCS#8 DER key, saw "
                       "PEM SEC1 (BEGIN EC PRIVATE KEY), which the driver cannot read "
                       "[tls-key-format]\n"
                       "  hint: convert it with `openssl pkcs8 -topk8 -inform PEM -outform DER -in "
                       "'my key.pem' -out 'my key.pk8' -nocrypt` or `pgstore convert-key 'my "
                       "key.pem' 'my key.pk8'`, then set `store.postgres.auth.key=my key.pk8`\n"});
        files.write("client.pk8", key_bytes(m.ec_key.get(), form::traditional_der), 0600);
        CHECK(check()
              == lines{"ekm.properties:10:1: error: expected an unencrypted PKCS#8 DER key, saw "
                       "DER SEC1 (an EC key), which the driver cannot read [tls-key-format]\n"
                       "  hint: convert it with `openssl pkcs8 -topk8 -inform DER -outform DER -in "
                       "client.pk8 -out client-converted.pk8 -nocrypt` or `pgstore convert-key "
                       "client.pk8 client-converted.pk8`, then set "
                       "`store.postgres.auth.key=client-converted.pk8`\n"});
    }
    SUBCASE("a certificate, a public key, garbage and truncated keys")
    {
        const std::string not_key =
            "ekm.properties:10:1: error: expected an unencrypted PKCS#8 DER key, saw ";
        CHECK(key_as(pem(m.client.get()))
              == lines{not_key
                       + "a PEM certificate (BEGIN CERTIFICATE) [tls-key-format]\n"
                         "  hint: name the client's private key in `store.postgres.auth.key`; the "
                         "certificate belongs in `store.postgres.auth.cert`\n"});
        CHECK(key_as(der(m.client.get()))
              == lines{not_key
                       + "a DER certificate [tls-key-format]\n"
                         "  hint: name the client's private key in `store.postgres.auth.key`; the "
                         "certificate belongs in `store.postgres.auth.cert`\n"});
        CHECK(key_as(to_bytes(
                  [&](BIO* b) { return PEM_write_bio_PUBKEY(b, m.client_key.get()) == 1; }))
              == lines{not_key
                       + "PEM of another kind (BEGIN PUBLIC KEY) [tls-key-format]\n"
                         "  hint: name the client's private key in `store.postgres.auth.key`, as "
                         "unencrypted PKCS#8 DER\n"});
        const std::string redo =
            "  hint: copy the key again in full, or export it anew as unencrypted PKCS#8 DER\n";
        CHECK(key_as("not a key at all\n")
              == lines{not_key + "neither a PEM nor a DER key [tls-key-format]\n" + redo});
        const std::string good = key_bytes(m.client_key.get(), form::pkcs8_der);
        CHECK(key_as(good.substr(0, 600))
              == lines{not_key + "truncated or damaged data [tls-key-format]\n" + redo});
        const std::string pem_key = key_bytes(m.client_key.get(), form::pkcs8_pem);
        CHECK(key_as(pem_key.substr(0, pem_key.size() - 30))
              == lines{not_key + "truncated or damaged data [tls-key-format]\n" + redo});
    }
}

TEST_CASE("tls - certificate and CA files must hold PEM certificates")
{
    const scratch files;
    const material& m = shared();
    const std::string cert_expected =
        "ekm.properties:9:1: error: expected the client certificate in PEM (BEGIN CERTIFICATE), "
        "saw ";
    const std::string ca_expected =
        "ekm.properties:11:1: error: expected the CA certificate in PEM (BEGIN CERTIFICATE), saw ";
    SUBCASE("DER")
    {
        files.write("client.crt", der(m.client.get()));
        files.write("ca.crt", der(m.root.get()));
        CHECK(
            check()
            == lines{cert_expected
                         + "a DER certificate [tls-cert-format]\n"
                           "  hint: convert it with `openssl x509 -inform DER -in client.crt -out "
                           "client.pem`, then set `store.postgres.auth.cert=client.pem`\n",
                     ca_expected
                         + "a DER certificate [tls-cert-format]\n"
                           "  hint: convert it with `openssl x509 -inform DER -in ca.crt -out "
                           "ca.pem`, then set `store.postgres.auth.ca=ca.pem`\n"});
    }
    SUBCASE("a key instead of a certificate")
    {
        files.write("client.crt", key_bytes(m.client_key.get(), form::pkcs8_pem));
        CHECK(check()
              == lines{cert_expected
                       + "a private key, PEM PKCS#8 (BEGIN PRIVATE KEY) [tls-cert-format]\n"
                         "  hint: name the client certificate in `store.postgres.auth.cert`; the "
                         "private key belongs in `store.postgres.auth.key`\n"});
    }
    SUBCASE("a PKCS#12 bundle")
    {
        files.write("client.crt", pkcs12(m.client_key.get(), m.client.get(), pass));
        files.write("ca.crt", pkcs12(m.client_key.get(), m.client.get(), pass));
        CHECK(
            check()
            == lines{
                cert_expected
                    + "a PKCS#12 bundle [tls-cert-format]\n"
                      "  hint: extract the client certificate with `openssl pkcs12 -in client.crt "
                      "-clcerts -nokeys -out client.pem`, then set "
                      "`store.postgres.auth.cert=client.pem`\n",
                ca_expected
                    + "a PKCS#12 bundle [tls-cert-format]\n"
                      "  hint: extract the CA certificate with `openssl pkcs12 -in ca.crt -cacerts "
                      "-nokeys -out ca.pem`, then set `store.postgres.auth.ca=ca.pem`\n"});
    }
    SUBCASE("an empty bundle and a damaged certificate")
    {
        files.write("ca.crt", "# the CA certificates go here\n");
        const std::string whole = pem(m.client.get());
        files.write("client.crt", whole.substr(0, whole.size() / 2));
        CHECK(check()
              == lines{
                  cert_expected
                      + "a PEM certificate that is truncated or damaged [tls-cert-format]\n"
                        "  hint: copy the client certificate again in full; the driver reads every "
                        "certificate in the file\n",
                  ca_expected
                      + "no certificate [tls-cert-format]\n"
                        "  hint: name the PEM file of the CA certificate in "
                        "`store.postgres.auth.ca`; it holds text between -----BEGIN "
                        "CERTIFICATE----- and -----END CERTIFICATE----- lines\n"});
    }
}

TEST_CASE("tls - the key must belong to the certificate")
{
    const scratch files;
    const material& m = shared();
    files.write("client.pk8", key_bytes(m.other_key.get(), form::pkcs8_der), 0600);
    CHECK(
        check()
        == lines{
            at_key
            + "error: the key does not belong to the certificate `CN=user_ekm` [tls-key-mismatch]\n"
              "  hint: name the key the certificate was issued for, or have a certificate issued "
              "for this key\n"
              "ekm.properties:9:1: note: the certificate the key must match\n"});

    SUBCASE("a key of another type, in a format the driver cannot read: both are reported")
    {
        files.write("client.pk8", key_bytes(m.ec_key.get(), form::pkcs8_pem), 0600);
        const auto found = check();
        REQUIRE(found.size() == 2);
        CHECK(found[0].find("[tls-key-format]") != std::string::npos);
        CHECK(found[1].find("[tls-key-mismatch]") != std::string::npos);
    }
}

TEST_CASE("tls - the certificate must chain to the CA")
{
    const scratch files;
    const material& m = shared();
    const std::string hint =
        "  hint: the server accepts client certificates issued by its CA: issue this certificate "
        "from the CA in `store.postgres.auth.ca`, or put the intermediate certificates after it in "
        "`client.crt`\n";
    SUBCASE("without the intermediate")
    {
        files.write("client.crt", pem(m.client.get()));
        CHECK(check()
              == lines{at_cert
                       + "error: the certificate `CN=user_ekm` does not chain to a CA in `ca.crt`: "
                         "unable to get local issuer certificate [tls-chain]\n"
                       + hint});
    }
    SUBCASE("from another CA")
    {
        const ossl::pkey stranger_key = ec();
        const ossl::x509 stranger = issue({"stranger CA", now - day, now + 365 * day, true},
                                          stranger_key.get(), nullptr, nullptr);
        files.write("ca.crt", pem(stranger.get()));
        CHECK(check()
              == lines{at_cert
                       + "error: the certificate `CN=user_ekm` does not chain to a CA in `ca.crt`: "
                         "unable to get local issuer certificate [tls-chain]\n"
                       + hint});
    }
    SUBCASE("self-signed")
    {
        const ossl::x509 self = issue({"user_ekm"}, m.client_key.get(), nullptr, nullptr);
        files.write("client.crt", pem(self.get()));
        CHECK(check()
              == lines{at_cert
                       + "error: the certificate `CN=user_ekm` does not chain to a CA in `ca.crt`: "
                         "self-signed certificate [tls-chain]\n"
                       + hint});
    }
}

TEST_CASE("tls - dates")
{
    const scratch files;
    const material& m = shared();
    SUBCASE("expired: an error, and no other date finding")
    {
        files.write("client.crt",
                    m.chain_pem(m.client_with({"", now - 400 * day, now - 30 * day}).get()));
        CHECK(
            check()
            == lines{
                at_cert
                + "error: the certificate `CN=user_ekm` expired on 2024-12-02 00:00:00 UTC "
                  "[tls-expired]\n"
                  "  hint: renew the certificate; the server refuses a client whose chain holds an "
                  "expired certificate\n"});
    }
    SUBCASE("not yet valid")
    {
        files.write("client.crt",
                    m.chain_pem(m.client_with({"", now + 31 * day, now + 400 * day}).get()));
        CHECK(check()
              == lines{
                  at_cert
                  + "error: the certificate `CN=user_ekm` is not valid before 2025-02-01 00:00:00 "
                    "UTC [tls-not-yet-valid]\n"
                    "  hint: check this machine's clock, or wait until then; until that date the "
                    "certificate is refused\n"});
    }
    SUBCASE("expiring within the warning period")
    {
        files.write("client.crt",
                    m.chain_pem(m.client_with({"", now - day, now + 10 * day + 3600}).get()));
        const std::string expiring =
            at_cert
            + "warning: the certificate `CN=user_ekm` expires on 2025-01-11 01:00:00 UTC, in 10 "
              "days [tls-expiring]\n"
              "  hint: renew it before then; the service cannot connect once it has expired\n";
        CHECK(check() == lines{expiring});
        pgstore::tls_options options;
        options.expiry_warning_days = 10;
        CHECK(check(options) == lines{});
        options.expiry_warning_days = 11;
        CHECK(check(options) == lines{expiring});
        options.expiry_warning_days = 0;
        CHECK(check(options) == lines{});
    }
    SUBCASE("expiring within a day")
    {
        files.write("client.crt", m.chain_pem(m.client_with({"", now - day, now + 3600}).get()));
        const auto found = check();
        REQUIRE(found.size() == 1);
        CHECK(found[0].find("expires on 2025-01-01 01:00:00 UTC, within a day [tls-expiring]")
              != std::string::npos);
    }
    SUBCASE("an expired intermediate and an expired CA")
    {
        const ossl::x509 old_intermediate =
            issue({"test intermediate CA", now - 3650 * day, now - day, true},
                  m.intermediate_key.get(), m.root.get(), m.root_key.get());
        const ossl::x509 old_root = issue({"test root CA", now - 3650 * day, now - 2 * day, true},
                                          m.root_key.get(), nullptr, nullptr);
        files.write("client.crt", pem(m.client.get()) + pem(old_intermediate.get()));
        files.write("ca.crt", pem(old_root.get()));
        CHECK(check()
              == lines{at_cert
                           + "error: the certificate `CN=test intermediate CA` expired on "
                             "2024-12-31 00:00:00 UTC [tls-expired]\n"
                             "  hint: renew the certificate; the server refuses a client whose "
                             "chain holds an expired certificate\n",
                       at_ca
                           + "error: the CA certificate `CN=test root CA` expired on 2024-12-30 "
                             "00:00:00 UTC [tls-expired]\n"
                             "  hint: get the CA's current certificate; the driver refuses a "
                             "server whose CA has expired\n"});
    }
}

TEST_CASE("tls - the CN must name the database user")
{
    const scratch files;
    const material& m = shared();
    const std::string hint =
        "  hint: PostgreSQL's cert authentication logs in as the user the CN names: issue the "
        "certificate with CN=user_ekm, or map it to the user with `map=` on the pg_hba.conf line "
        "and an entry in pg_ident.conf\n"
        "ekm.properties:7:1: note: the user name the service logs in with\n";
    files.write("client.crt", m.chain_pem(m.client_with({"user_fes"}).get()));
    CHECK(check()
          == lines{at_cert
                   + "error: the certificate's CN is `user_fes`, expected the user name `user_ekm` "
                     "[tls-cn-mismatch]\n"
                   + hint});
    SUBCASE("the comparison is exact")
    {
        files.write("client.crt", m.chain_pem(m.client_with({"User_Ekm"}).get()));
        CHECK(check().size() == 1);
    }
}

TEST_CASE("tls - extended key usage, weak keys and SHA-1")
{
    const scratch files;
    const material& m = shared();
    SUBCASE("serverAuth only")
    {
        files.write(
            "client.crt",
            m.chain_pem(
                m.client_with({"", now - day, now + 400 * day, false, "serverAuth"}).get()));
        CHECK(check()
              == lines{at_cert
                       + "error: the certificate `CN=user_ekm` has an extended key usage without "
                         "clientAuth [tls-eku]\n"
                         "  hint: issue it with `extendedKeyUsage = clientAuth`, or without the "
                         "extension; the server refuses it for client authentication\n"});
    }
    SUBCASE("RSA 1024")
    {
        const ossl::pkey weak = rsa(1024);
        files.write("client.crt", m.chain_pem(m.client_with({}, weak.get()).get()));
        files.write("client.pk8", key_bytes(weak.get(), form::pkcs8_der), 0600);
        CHECK(
            check()
            == lines{
                at_cert
                + "warning: the certificate's RSA key has 1024 bits, expected at least 2048 "
                  "[tls-weak-key]\n"
                  "  hint: generate a new key of 2048 bits or more (or an EC P-256 key) and have a "
                  "certificate issued for it\n"});
    }
    SUBCASE("RSA 1024 when the certificate cannot be read: the key says so")
    {
        const ossl::pkey weak = rsa(1024);
        files.write("client.crt", "");
        files.write("client.pk8", key_bytes(weak.get(), form::pkcs8_der), 0600);
        const auto found = check();
        REQUIRE(found.size() == 2);
        CHECK(found[1]
              == at_key
                     + "warning: the RSA key has 1024 bits, expected at least 2048 [tls-weak-key]\n"
                       "  hint: generate a new key of 2048 bits or more (or an EC P-256 key) and "
                       "have a certificate issued for it\n");
    }
    SUBCASE("SHA-1, in the client certificate and in the intermediate")
    {
        const ossl::x509 sha1_intermediate =
            issue({"test intermediate CA", now - day, now + 3650 * day, true, nullptr, EVP_sha1()},
                  m.intermediate_key.get(), m.root.get(), m.root_key.get());
        const ossl::x509 sha1_client =
            m.client_with({"", now - day, now + 400 * day, false, "clientAuth", EVP_sha1()});
        files.write("client.crt", pem(sha1_client.get()) + pem(sha1_intermediate.get()));
        const std::string hint =
            "  hint: have the CA issue it again with SHA-256; SHA-1 signatures can be forged, and "
            "newer TLS libraries refuse them\n";
        CHECK(check()
              == lines{
                  at_cert
                      + "warning: the certificate `CN=user_ekm` is signed with SHA-1 [tls-sha1]\n"
                      + hint,
                  at_cert
                      + "warning: the certificate `CN=test intermediate CA` is signed with SHA-1 "
                        "[tls-sha1]\n"
                      + hint});
    }
}

TEST_CASE("tls - key file permissions")
{
    const scratch files;
    const material& m = shared();
    const std::string key = key_bytes(m.client_key.get(), form::pkcs8_der);
    const std::string finding =
        "the key file `client.pk8` has mode 0644, so group or others can access it "
        "[tls-key-permissions]\n"
        "  hint: run `chmod 600 client.pk8`; libpq and the driver (42.7.13 and later) refuse a key "
        "that others can access (0600, or 0640 when owned by root)\n";
    files.write("client.pk8", key, 0644);
    CHECK(check() == lines{at_key + "warning: " + finding});
    pgstore::tls_options production;
    production.deployment = pgstore::profile::production;
    CHECK(check(production) == lines{at_key + "error: " + finding});

    SUBCASE("0640 is allowed only when root owns the key, as libpq does")
    {
        files.write("client.pk8", key, 0640);
        if (::geteuid() == 0)
            CHECK(check() == lines{});
        else
            CHECK(check().size() == 1);
        files.write("client.pk8", key, 0400);
        CHECK(check() == lines{});
    }
}

TEST_CASE("tls - findings without an origin point at the file")
{
    const scratch files;
    const auto result_of = [](const std::string& text) {
        return pgstore::validate(pgstore::read_properties(text, "ekm.properties"));
    };
    pgstore::validation_result result = result_of(config);
    result.origins = {};
    files.write("client.pk8", "", 0600);
    pgstore::tls_options options;
    options.now = at(now);
    const auto found = pgstore::check_tls(result, options);
    REQUIRE(found.size() == 1);
    CHECK(found[0].where.to_string() == "client.pk8");
    CHECK(found[0].key == "store.postgres.auth.key");
    CHECK(pgstore::find_rule(found[0].rule) != nullptr);
}
