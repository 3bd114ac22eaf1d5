#pragma once

// Checks the three files of TLS client-certificate authentication (store.postgres.auth.method=cert)
// the way the driver and the server will use them: key format, key and certificate belonging
// together, the chain to the CA, dates, the CN, extended key usage, weak material and the key
// file's permissions. Needs libcrypto (OpenSSL 3); not included by pgstore.hpp.

#include "tls_key.hpp"
#include "validate.hpp"

#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <sys/stat.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pgstore {

/// What check_tls needs beyond the validated configuration.
struct tls_options {
    /// A certificate that expires within this many days gets a warning; 0 turns it off.
    int expiry_warning_days = 30;
    /// Under profile::production a key file that others can read is an error, not a warning.
    profile deployment = profile::standard;
    /// The moment certificate dates are compared with.
    std::chrono::system_clock::time_point now = std::chrono::system_clock::now();
};

namespace impl {

inline constexpr int min_rsa_bits = 2048;

/// One of the three files of certificate authentication, once read.
struct tls_file {
    std::string key;   ///< the setting, such as store.postgres.auth.cert
    std::string what;  ///< "certificate file", "key file" or "CA file"
    std::string path;  ///< as written in the configuration
    location at;       ///< the setting's line, or the file itself
    std::optional<std::string> bytes;
    struct stat info {};
};

// The subject in RFC 2253 form, such as `CN=user_ekm,O=Example`, for naming a certificate.
inline std::string subject_of(const X509* cert)
{
    const ossl::bio out(BIO_new(BIO_s_mem()));
    if (!out || X509_NAME_print_ex(out.get(), X509_get_subject_name(cert), 0, XN_FLAG_RFC2253) < 0)
        return "`(unprintable subject)`";
    return "`" + ossl::contents(out.get()) + "`";
}

inline std::string format_time(const ASN1_TIME* t)
{
    std::tm tm{};
    char text[40] = "an unreadable date";
    if (ASN1_TIME_to_tm(t, &tm) == 1)
        std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S UTC", &tm);
    return text;
}

// The first CN of the subject, as UTF-8, or nullopt when there is none.
inline std::optional<std::string> common_name(const X509* cert)
{
    const X509_NAME* name = X509_get_subject_name(cert);
    const int index = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
    if (index < 0)
        return std::nullopt;
    const ASN1_STRING* value = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, index));
    unsigned char* utf8 = nullptr;
    const int size = ASN1_STRING_to_UTF8(&utf8, value);
    if (size < 0)
        return std::nullopt;
    const ossl::bytes owned(utf8);
    return std::string(reinterpret_cast<const char*>(utf8), static_cast<std::size_t>(size));
}

class tls_checker {
public:
    tls_checker(const validation_result& result, const tls_options& options)
        : result_(result), options_(options)
    {
    }

    diagnostics run()
    {
        if (result_.config.auth != auth_method::cert || failed(settings::auth))
            return {};
        std::optional<tls_file> cert = open(settings::cert, "certificate file");
        std::optional<tls_file> key = open(settings::key, "key file");
        std::optional<tls_file> ca = open(settings::ca, "CA file");

        std::vector<ossl::x509> chain;
        std::vector<ossl::x509> anchors;
        ossl::pkey private_key;
        if (cert && cert->bytes)
            chain = read_certificates(*cert, "the client certificate", "-clcerts");
        if (key && key->bytes)
            private_key = check_key_file(*key);
        if (ca && ca->bytes)
            anchors = read_certificates(*ca, "the CA certificate", "-cacerts");

        if (!chain.empty()) {
            X509* leaf = chain.front().get();
            if (private_key)
                check_pair(*key, private_key.get(), *cert, leaf);
            if (!anchors.empty())
                check_chain(*cert, chain, anchors, *ca);
            for (const auto& c : chain)
                check_dates(*cert, c.get());
            check_common_name(*cert, leaf);
            check_key_usage(*cert, leaf);
            check_strength(*cert, X509_get0_pubkey(leaf), "the certificate's");
            for (const auto& c : chain)
                check_signature(*cert, c.get());
        } else if (private_key) {
            check_strength(*key, private_key.get(), "the");
        }
        if (key && key->bytes)
            check_permissions(*key);
        for (const auto& c : anchors)
            check_dates(*ca, c.get());
        sort_by_location(found_);
        return std::move(found_);
    }

private:
    diagnostic& add(std::string_view rule, const tls_file& file, std::string message,
                    std::string hint)
    {
        const rule_info* info = find_rule(rule);
        diagnostic d;
        d.level = info != nullptr ? info->level : severity::error;
        d.rule = std::string(rule);
        d.key = file.key;
        d.where = file.at;
        d.message = std::move(message);
        d.hint = std::move(hint);
        found_.push_back(std::move(d));
        return found_.back();
    }

    template <class T>
    bool failed(const setting<T>& s) const
    {
        for (const diagnostic& d : result_.findings) {
            if (d.key == s.key && d.level == severity::error)
                return true;
        }
        return false;
    }

    // --- reading the files -------------------------------------------------------------------

    template <class T>
    std::optional<tls_file> open(const setting<T>& s, std::string what)
    {
        const std::string& path = get(result_.config, s);
        if (path.empty() || failed(s))
            return std::nullopt;
        tls_file f;
        f.key = std::string(s.key);
        f.what = std::move(what);
        f.path = path;
        f.at = location{path, 0, 0};
        if (const auto& origin = result_.origin(s))
            f.at = *origin;

        const std::string named = "the " + f.what + " " + echo(path);
        std::string fix_path = "correct `" + f.key + '`';
        if (path.front() != '/')
            fix_path += "; a relative path is resolved against the service's working directory";
        if (::stat(path.c_str(), &f.info) != 0) {
            const int error = errno;
            if (error == ENOENT || error == ENOTDIR)
                add("tls-file-missing", f, named + " does not exist", "create it or " + fix_path);
            else
                add("tls-file-missing", f, named + " cannot be read: " + std::strerror(error),
                    fix_path);
            return f;
        }
        if (S_ISDIR(f.info.st_mode)) {
            add("tls-file-missing", f, named + " is a directory",
                "name the file itself in `" + f.key + "`, not the folder that holds it");
            return f;
        }
        if (!S_ISREG(f.info.st_mode)) {
            add("tls-file-missing", f, named + " is not a regular file",
                "name a regular file in `" + f.key + "`");
            return f;
        }
        std::string error;
        std::optional<std::string> read = read_file(path, error);
        if (!read) {
            add("tls-file-missing", f, named + " cannot be read: " + error,
                "let the user the service runs as read it");
            return f;
        }
        std::string bytes = std::move(*read);
        if (bytes.empty()) {
            add("tls-file-missing", f, named + " is empty",
                "write "
                    + std::string(f.key == settings::key.key ? "the private key"
                                                             : "the certificate")
                    + " into it, or " + fix_path);
            return f;
        }
        f.bytes = std::move(bytes);
        return f;
    }

    // Every PEM certificate of a certificate or CA file; empty after reporting when it holds none.
    std::vector<ossl::x509> read_certificates(const tls_file& f, const std::string& role,
                                              std::string_view p12_flag)
    {
        std::vector<ossl::x509> certs;
        bool damaged = false;
        {
            const ossl::error_mark mark;
            const ossl::bio in = ossl::memory(*f.bytes);
            for (;;) {
                char* name = nullptr;
                char* header = nullptr;
                unsigned char* data = nullptr;
                long length = 0;
                if (!in || PEM_read_bio(in.get(), &name, &header, &data, &length) != 1) {
                    damaged =
                        damaged || ERR_GET_REASON(ERR_peek_last_error()) != PEM_R_NO_START_LINE;
                    break;
                }
                const ossl::chars owned_name(name);
                const ossl::chars owned_header(header);
                const ossl::bytes owned_data(data);
                if (classify_pem(name, header) != key_format::certificate_pem)
                    continue;
                const unsigned char* p = data;
                ossl::x509 cert(std::string_view(name) == "TRUSTED CERTIFICATE"
                                    ? d2i_X509_AUX(nullptr, &p, length)
                                    : d2i_X509(nullptr, &p, length));
                if (cert)
                    certs.push_back(std::move(cert));
                else
                    damaged = true;
            }
        }
        if (!certs.empty() && !damaged)
            return certs;

        const std::string expected = "expected " + role + " in PEM (BEGIN CERTIFICATE), saw ";
        const std::string file = shell_quote(f.path);
        const std::string pem = converted_path(f.path, ".pem");
        const std::string then = ", then set `" + f.key + "=" + pem + "`";
        const key_detection found = detect_key_format(*f.bytes);
        if (damaged) {
            add("tls-cert-format", f, expected + "a PEM certificate that is truncated or damaged",
                "copy " + role + " again in full; the driver reads every certificate in the file");
        } else if (found.format == key_format::certificate_der) {
            add("tls-cert-format", f, expected + "a DER certificate",
                "convert it with `openssl x509 -inform DER -in " + file + " -out "
                    + shell_quote(pem) + "`" + then);
        } else if (found.format == key_format::pkcs12) {
            add("tls-cert-format", f, expected + "a PKCS#12 bundle",
                "extract " + role + " with `openssl pkcs12 -in " + file + " "
                    + std::string(p12_flag) + " -nokeys -out " + shell_quote(pem) + "`" + then);
        } else if (is_private_key(found.format)) {
            add("tls-cert-format", f, expected + "a private key, " + describe(found),
                "name " + role + " in `" + f.key + "`; the private key belongs in `"
                    + std::string(settings::key.key) + "`");
        } else {
            add("tls-cert-format", f, expected + "no certificate",
                "name the PEM file of " + role + " in `" + f.key
                    + "`; it holds text between -----BEGIN CERTIFICATE----- and -----END "
                      "CERTIFICATE----- lines");
        }
        return {};
    }

    // --- the key -----------------------------------------------------------------------------

    ossl::pkey check_key_file(const tls_file& f)
    {
        const key_detection found = detect_key_format(*f.bytes);
        if (found.format != key_format::pkcs8_der)
            report_key_format(f, found);
        if (!is_private_key(found.format) || is_encrypted(found.format))
            return nullptr;
        return load_private_key(*f.bytes).key;
    }

    void report_key_format(const tls_file& f, const key_detection& found)
    {
        std::string message = "expected an unencrypted PKCS#8 DER key, saw " + describe(found);
        const std::string out = converted_path(f.path, ".pk8");
        std::string hint;
        if (const auto command = openssl_conversion(found, f.path, out)) {
            message += is_encrypted(found.format) ? "; the service has no setting for a pass phrase"
                                                  : ", which the driver cannot read";
            hint = "convert it with `" + *command + "` or `pgstore convert-key "
                   + shell_quote(f.path) + " " + shell_quote(out) + "`"
                   + (is_encrypted(found.format) ? " (both ask for the pass phrase)" : "")
                   + ", then set `" + f.key + "=" + out + "`";
        } else if (found.format == key_format::certificate_pem
                   || found.format == key_format::certificate_der) {
            hint = "name the client's private key in `" + f.key + "`; the certificate belongs in `"
                   + std::string(settings::cert.key) + "`";
        } else if (found.format == key_format::other_pem) {
            hint = "name the client's private key in `" + f.key + "`, as unencrypted PKCS#8 DER";
        } else {
            hint = "copy the key again in full, or export it anew as unencrypted PKCS#8 DER";
        }
        add("tls-key-format", f, std::move(message), std::move(hint));
    }

    void check_permissions(const tls_file& f)
    {
        const auto mode = static_cast<unsigned>(f.info.st_mode & 07777);
        // libpq's rule (fe-secure-openssl.c): 0600 or less, or 0640 or less when owned by root.
        const unsigned refused =
            f.info.st_uid == 0 ? (S_IWGRP | S_IXGRP | S_IRWXO) : (S_IRWXG | S_IRWXO);
        if ((mode & refused) == 0)
            return;
        char octal[8];
        std::snprintf(octal, sizeof octal, "%04o", mode);
        auto& d =
            add("tls-key-permissions", f,
                "the key file " + echo(f.path) + " has mode " + octal
                    + ", so group or others can access it",
                "run `chmod 600 " + shell_quote(f.path)
                    + "`; libpq and the driver (42.7.13 and later) refuse a key that others can "
                      "access (0600, or 0640 when owned by root)");
        if (options_.deployment == profile::production)
            d.level = severity::error;
    }

    // --- the certificate ---------------------------------------------------------------------

    void check_pair(const tls_file& key, const EVP_PKEY* private_key, const tls_file& cert,
                    const X509* leaf)
    {
        const ossl::error_mark mark;
        if (EVP_PKEY_eq(X509_get0_pubkey(leaf), private_key) == 1)
            return;
        auto& d = add("tls-key-mismatch", key,
                      "the key does not belong to the certificate " + subject_of(leaf),
                      "name the key the certificate was issued for, or have a certificate issued "
                      "for this key");
        d.related = cert.at;
        d.related_message = "the certificate the key must match";
    }

    void check_chain(const tls_file& cert, const std::vector<ossl::x509>& chain,
                     const std::vector<ossl::x509>& anchors, const tls_file& ca)
    {
        const ossl::error_mark mark;
        const ossl::x509_store store(X509_STORE_new());
        const ossl::x509_stack untrusted(sk_X509_new_null());
        const ossl::x509_store_ctx ctx(X509_STORE_CTX_new());
        if (!store || !untrusted || !ctx)
            return;
        for (const auto& a : anchors)
            X509_STORE_add_cert(store.get(), a.get());
        for (std::size_t i = 1; i < chain.size(); ++i) {
            if (X509_up_ref(chain[i].get()) == 1
                && sk_X509_push(untrusted.get(), chain[i].get()) <= 0)
                X509_free(chain[i].get());
        }
        if (X509_STORE_CTX_init(ctx.get(), store.get(), chain.front().get(), untrusted.get()) != 1)
            return;
        // Dates are reported on their own, once per certificate.
        X509_STORE_CTX_set_flags(ctx.get(), X509_V_FLAG_NO_CHECK_TIME);
        if (X509_verify_cert(ctx.get()) == 1)
            return;
        const int error = X509_STORE_CTX_get_error(ctx.get());
        add("tls-chain", cert,
            "the certificate " + subject_of(chain.front().get()) + " does not chain to a CA in "
                + echo(ca.path) + ": " + X509_verify_cert_error_string(error),
            "the server accepts client certificates issued by its CA: issue this certificate from "
            "the CA in `"
                + ca.key + "`, or put the intermediate certificates after it in "
                + echo(cert.path));
    }

    void check_dates(const tls_file& f, X509* cert)
    {
        std::time_t now = std::chrono::system_clock::to_time_t(options_.now);
        const ASN1_TIME* not_before = X509_get0_notBefore(cert);
        const ASN1_TIME* not_after = X509_get0_notAfter(cert);
        const bool anchor = f.key == settings::ca.key;
        const std::string name =
            "the " + std::string(anchor ? "CA certificate " : "certificate ") + subject_of(cert);
        if (X509_cmp_time(not_after, &now) < 0) {
            add("tls-expired", f, name + " expired on " + format_time(not_after),
                anchor ? "get the CA's current certificate; the driver refuses a server whose CA "
                         "has expired"
                       : "renew the certificate; the server refuses a client whose chain holds an "
                         "expired certificate");
            return;
        }
        if (X509_cmp_time(not_before, &now) > 0) {
            add("tls-not-yet-valid", f, name + " is not valid before " + format_time(not_before),
                "check this machine's clock, or wait until then; until that date the certificate "
                "is refused");
            return;
        }
        if (options_.expiry_warning_days <= 0)
            return;
        std::time_t horizon = now + static_cast<std::time_t>(options_.expiry_warning_days) * 86400;
        if (X509_cmp_time(not_after, &horizon) >= 0)
            return;
        const ossl::asn1_time start(ASN1_TIME_set(nullptr, now));
        int days = 0;
        int seconds = 0;
        if (!start || ASN1_TIME_diff(&days, &seconds, start.get(), not_after) != 1)
            return;
        const std::string when = days == 0   ? "within a day"
                                 : days == 1 ? "in 1 day"
                                             : "in " + std::to_string(days) + " days";
        add("tls-expiring", f, name + " expires on " + format_time(not_after) + ", " + when,
            "renew it before then; the service cannot connect once it has expired");
    }

    void check_common_name(const tls_file& f, const X509* leaf)
    {
        const std::string& user = result_.config.username;
        if (user.empty() || failed(settings::username))
            return;
        const std::optional<std::string> cn = common_name(leaf);
        if (cn && *cn == user)
            return;
        auto& d = add(
            "tls-cn-mismatch", f,
            (cn ? "the certificate's CN is " + echo(*cn) : std::string("the certificate has no CN"))
                + ", expected the user name " + echo(user),
            "PostgreSQL's cert authentication logs in as the user the CN names: issue the "
            "certificate with CN="
                + user
                + ", or map it to the user with `map=` on the pg_hba.conf line and an entry in "
                  "pg_ident.conf");
        if (const auto& at = result_.origin(settings::username)) {
            d.related = *at;
            d.related_message = "the user name the service logs in with";
        }
    }

    void check_key_usage(const tls_file& f, X509* leaf)
    {
        if ((X509_get_extension_flags(leaf) & EXFLAG_XKUSAGE) == 0)
            return;
        if ((X509_get_extended_key_usage(leaf) & (XKU_SSL_CLIENT | XKU_ANYEKU)) != 0)
            return;
        add("tls-eku", f,
            "the certificate " + subject_of(leaf) + " has an extended key usage without clientAuth",
            "issue it with `extendedKeyUsage = clientAuth`, or without the extension; the server "
            "refuses it for client authentication");
    }

    void check_strength(const tls_file& f, const EVP_PKEY* key, const std::string& whose)
    {
        if (key == nullptr || EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA)
            return;
        const int bits = EVP_PKEY_get_bits(key);
        if (bits >= min_rsa_bits)
            return;
        add("tls-weak-key", f,
            whose + " RSA key has " + std::to_string(bits) + " bits, expected at least "
                + std::to_string(min_rsa_bits),
            "generate a new key of 2048 bits or more (or an EC P-256 key) and have a certificate "
            "issued for it");
    }

    void check_signature(const tls_file& f, const X509* cert)
    {
        int digest = NID_undef;
        int algorithm = NID_undef;
        if (OBJ_find_sigid_algs(X509_get_signature_nid(cert), &digest, &algorithm) != 1
            || digest != NID_sha1)
            return;
        add("tls-sha1", f, "the certificate " + subject_of(cert) + " is signed with SHA-1",
            "have the CA issue it again with SHA-256; SHA-1 signatures can be forged, and newer "
            "TLS libraries refuse them");
    }

    const validation_result& result_;
    const tls_options& options_;
    diagnostics found_;
};

} // namespace impl

/// Checks the certificate, key and CA files named by a configuration with
/// store.postgres.auth.method=cert, as the driver and the server will use them. Returns nothing
/// for other configurations, and skips a file whose setting already has a validation error.
/// Each finding points at its setting's line (or at the file when the setting has no origin).
/// Relative paths are resolved against the current directory, as the service would.
[[nodiscard]] inline diagnostics check_tls(const validation_result& result,
                                           const tls_options& options = {})
{
    return impl::tls_checker(result, options).run();
}

} // namespace pgstore
