#pragma once

// Private key files for TLS client-certificate authentication: what format a file holds and how
// to turn it into the unencrypted PKCS#8 DER the services' PostgreSQL driver reads.
// Needs libcrypto (OpenSSL 3); not included by pgstore.hpp.

#include "display.hpp"
#include "impl/openssl.hpp"
#include "secret.hpp"

#include <openssl/pem.h>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace pgstore {

/// What a private key file holds.
enum class key_format {
    empty,                ///< no bytes at all
    pkcs8_der,            ///< unencrypted PKCS#8 DER, the one format the driver reads
    pkcs8_der_trailing,   ///< unencrypted PKCS#8 DER followed by extra bytes
    pkcs8_pem,            ///< -----BEGIN PRIVATE KEY-----
    pkcs1_pem,            ///< -----BEGIN RSA PRIVATE KEY-----
    pkcs1_der,            ///< an RSA key in PKCS#1 DER
    sec1_pem,             ///< -----BEGIN EC PRIVATE KEY-----
    sec1_der,             ///< an EC key in SEC1 DER
    encrypted_pkcs8_der,  ///< PKCS#8 DER encrypted with a pass phrase
    encrypted_pkcs8_pem,  ///< -----BEGIN ENCRYPTED PRIVATE KEY-----
    encrypted_pem,        ///< a PKCS#1 or SEC1 PEM key with `Proc-Type: 4,ENCRYPTED`
    pkcs12,               ///< a PKCS#12 (.p12, .pfx) bundle
    certificate_pem,      ///< -----BEGIN CERTIFICATE-----, not a key
    certificate_der,      ///< a DER certificate, not a key
    other_pem,            ///< a PEM block of another kind, such as a public or an OpenSSH key
    truncated,            ///< PEM or DER that ends early or is damaged
    unknown,              ///< neither PEM nor DER key data
};

/// What detect_key_format found in a key file.
struct key_detection {
    key_format format = key_format::unknown;
    std::string pem_label;           ///< the BEGIN label of a PEM key, certificate or other block
    std::size_t trailing_bytes = 0;  ///< bytes after the DER key, for pkcs8_der_trailing
};

/// A short description for messages, such as "PEM PKCS#1 (BEGIN RSA PRIVATE KEY)".
[[nodiscard]] inline std::string describe(const key_detection& found)
{
    switch (found.format) {
    case key_format::empty: return "an empty file";
    case key_format::pkcs8_der: return "unencrypted PKCS#8 DER";
    case key_format::pkcs8_der_trailing:
        return "unencrypted PKCS#8 DER followed by " + std::to_string(found.trailing_bytes)
               + " extra bytes";
    case key_format::pkcs8_pem: return "PEM PKCS#8 (BEGIN PRIVATE KEY)";
    case key_format::pkcs1_pem: return "PEM PKCS#1 (BEGIN RSA PRIVATE KEY)";
    case key_format::pkcs1_der: return "DER PKCS#1 (an RSA key)";
    case key_format::sec1_pem: return "PEM SEC1 (BEGIN EC PRIVATE KEY)";
    case key_format::sec1_der: return "DER SEC1 (an EC key)";
    case key_format::encrypted_pkcs8_der: return "encrypted PKCS#8 DER";
    case key_format::encrypted_pkcs8_pem:
        return "encrypted PEM PKCS#8 (BEGIN ENCRYPTED PRIVATE KEY)";
    case key_format::encrypted_pem:
        return "encrypted PEM (BEGIN " + found.pem_label + " with Proc-Type: 4,ENCRYPTED)";
    case key_format::pkcs12: return "a PKCS#12 bundle";
    case key_format::certificate_pem: return "a PEM certificate (BEGIN " + found.pem_label + ")";
    case key_format::certificate_der: return "a DER certificate";
    case key_format::other_pem: return "PEM of another kind (BEGIN " + found.pem_label + ")";
    case key_format::truncated: return "truncated or damaged data";
    case key_format::unknown: return "neither a PEM nor a DER key";
    }
    return "neither a PEM nor a DER key";
}

/// Whether reading the key takes a pass phrase (a PKCS#12 bundle may have an empty one).
[[nodiscard]] constexpr bool is_encrypted(key_format f) noexcept
{
    return f == key_format::encrypted_pkcs8_der || f == key_format::encrypted_pkcs8_pem
           || f == key_format::encrypted_pem || f == key_format::pkcs12;
}

/// Whether the file holds a private key that load_private_key can read, given any pass phrase.
[[nodiscard]] constexpr bool is_private_key(key_format f) noexcept
{
    switch (f) {
    case key_format::pkcs8_der:
    case key_format::pkcs8_der_trailing:
    case key_format::pkcs8_pem:
    case key_format::pkcs1_pem:
    case key_format::pkcs1_der:
    case key_format::sec1_pem:
    case key_format::sec1_der:
    case key_format::encrypted_pkcs8_der:
    case key_format::encrypted_pkcs8_pem:
    case key_format::encrypted_pem:
    case key_format::pkcs12: return true;
    default: return false;
    }
}

namespace impl {

inline key_format classify_pem(std::string_view label, const char* header)
{
    if (label == "PRIVATE KEY")
        return key_format::pkcs8_pem;
    if (label == "ENCRYPTED PRIVATE KEY")
        return key_format::encrypted_pkcs8_pem;
    if (label == "RSA PRIVATE KEY" || label == "EC PRIVATE KEY") {
        EVP_CIPHER_INFO cipher{};
        // OpenSSL's own reading of the Proc-Type and DEK-Info headers.
        std::string copy = header != nullptr ? header : "";
        if (PEM_get_EVP_CIPHER_INFO(copy.data(), &cipher) == 1 && cipher.cipher != nullptr)
            return key_format::encrypted_pem;
        return label == "RSA PRIVATE KEY" ? key_format::pkcs1_pem : key_format::sec1_pem;
    }
    if (label == "CERTIFICATE" || label == "TRUSTED CERTIFICATE" || label == "X509 CERTIFICATE")
        return key_format::certificate_pem;
    return key_format::other_pem;
}

inline int rank(key_format f)
{
    if (is_private_key(f))
        return 3;
    if (f == key_format::other_pem)
        return 2;
    return 1;  // certificates: a key next to them wins
}

// Reads every PEM block; nullopt when the bytes hold no PEM at all.
inline std::optional<key_detection> detect_pem(std::string_view bytes)
{
    ossl::bio in = ossl::memory(bytes);
    if (!in)
        return std::nullopt;
    std::optional<key_detection> best;
    bool damaged = false;
    for (;;) {
        char* name = nullptr;
        char* header = nullptr;
        unsigned char* data = nullptr;
        long length = 0;
        if (PEM_read_bio(in.get(), &name, &header, &data, &length) != 1) {
            damaged = ERR_GET_REASON(ERR_peek_last_error()) != PEM_R_NO_START_LINE;
            break;
        }
        const ossl::chars owned_name(name);
        const ossl::chars owned_header(header);
        const ossl::bytes owned_data(data);
        if (std::string_view(name) == "EC PARAMETERS")
            continue;  // `openssl ecparam -genkey` writes these before the key
        key_detection found{classify_pem(name, header), name, 0};
        if (!best || rank(found.format) > rank(best->format))
            best = std::move(found);
    }
    if (!best && damaged)
        return key_detection{key_format::truncated, {}, 0};
    return best;
}

inline key_detection detect_der(std::string_view bytes)
{
    const auto* start = reinterpret_cast<const unsigned char*>(bytes.data());
    const auto size = static_cast<long>(bytes.size());

    const unsigned char* p = start;
    long length = 0;
    int tag = 0;
    int cls = 0;
    const int header = ASN1_get_object(&p, &length, &tag, &cls, size);
    const bool sequence =
        tag == V_ASN1_SEQUENCE && cls == V_ASN1_UNIVERSAL && (header & V_ASN1_CONSTRUCTED) != 0;
    if ((header & 0x80) != 0)
        return {sequence || start[0] == 0x30 ? key_format::truncated : key_format::unknown, {}, 0};
    if (!sequence)
        return {key_format::unknown, {}, 0};

    p = start;
    if (ossl::pkcs8_info info{d2i_PKCS8_PRIV_KEY_INFO(nullptr, &p, size)}) {
        if (ossl::pkey(EVP_PKCS82PKEY(info.get()))) {
            const auto used = static_cast<std::size_t>(p - start);
            if (used == bytes.size())
                return {key_format::pkcs8_der, {}, 0};
            return {key_format::pkcs8_der_trailing, {}, bytes.size() - used};
        }
        return {key_format::truncated, {}, 0};
    }
    p = start;
    if (ossl::x509_sig(d2i_X509_SIG(nullptr, &p, size)))
        return {key_format::encrypted_pkcs8_der, {}, 0};
    p = start;
    if (ossl::pkcs12(d2i_PKCS12(nullptr, &p, size)))
        return {key_format::pkcs12, {}, 0};
    p = start;
    if (ossl::x509(d2i_X509(nullptr, &p, size)))
        return {key_format::certificate_der, {}, 0};
    p = start;
    if (ossl::pkey key{d2i_AutoPrivateKey(nullptr, &p, size)}) {
        if (EVP_PKEY_get_base_id(key.get()) == EVP_PKEY_RSA)
            return {key_format::pkcs1_der, {}, 0};
        if (EVP_PKEY_get_base_id(key.get()) == EVP_PKEY_EC)
            return {key_format::sec1_der, {}, 0};
    }
    return {key_format::unknown, {}, 0};
}

} // namespace impl

/// Names what a key file holds, using OpenSSL's PEM reader and DER decoders; needs no pass phrase.
[[nodiscard]] inline key_detection detect_key_format(std::string_view bytes)
{
    if (bytes.empty())
        return {key_format::empty, {}, 0};
    const impl::ossl::error_mark mark;
    if (auto pem = impl::detect_pem(bytes))
        return std::move(*pem);
    return impl::detect_der(bytes);
}

/// A private key read by load_private_key, or why it could not be read.
struct loaded_key {
    impl::ossl::pkey key;  ///< null on failure
    std::string error;     ///< lower-case reason; never holds key bytes or the pass phrase
};

/// Reads a private key in any format for which is_private_key() holds. `passphrase` is used for
/// encrypted keys and PKCS#12 bundles; without one, only unencrypted keys can be read.
[[nodiscard]] inline loaded_key load_private_key(std::string_view bytes,
                                                 const secret* passphrase = nullptr)
{
    const key_detection found = detect_key_format(bytes);
    if (!is_private_key(found.format))
        return {nullptr, "expected a private key, saw " + describe(found)};
    if (is_encrypted(found.format) && found.format != key_format::pkcs12 && passphrase == nullptr)
        return {nullptr, "the key is encrypted and no pass phrase was given"};

    const impl::ossl::error_mark mark;
    if (found.format == key_format::pkcs12) {
        const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
        impl::ossl::pkcs12 bundle{d2i_PKCS12(nullptr, &p, static_cast<long>(bytes.size()))};
        std::string pass =
            passphrase != nullptr ? std::string(passphrase->reveal()) : std::string();
        EVP_PKEY* key = nullptr;
        X509* cert = nullptr;
        STACK_OF(X509)* chain = nullptr;
        const bool ok =
            bundle && PKCS12_parse(bundle.get(), pass.c_str(), &key, &cert, &chain) == 1;
        OPENSSL_cleanse(pass.data(), pass.size());
        impl::ossl::x509 owned_cert(cert);
        impl::ossl::x509_stack owned_chain(chain);
        impl::ossl::pkey owned_key(key);
        if (!ok) {
            return {nullptr, passphrase == nullptr
                                 ? "the PKCS#12 bundle has a pass phrase and none was given"
                                 : "cannot open the PKCS#12 bundle with this pass phrase ("
                                       + impl::ossl::last_reason("mac verify failure") + ")"};
        }
        if (!owned_key)
            return {nullptr, "the PKCS#12 bundle holds no private key"};
        return {std::move(owned_key), {}};
    }

    EVP_PKEY* key = nullptr;
    impl::ossl::decoder_ctx ctx{OSSL_DECODER_CTX_new_for_pkey(&key, nullptr, nullptr, nullptr,
                                                              EVP_PKEY_KEYPAIR, nullptr, nullptr)};
    if (!ctx)
        return {nullptr, "OpenSSL has no decoder for private keys"};
    if (passphrase != nullptr) {
        const std::string_view pass = passphrase->reveal();
        OSSL_DECODER_CTX_set_passphrase(
            ctx.get(), reinterpret_cast<const unsigned char*>(pass.data()), pass.size());
    }
    // The decoder reads the first PEM block only, and `openssl ecparam -genkey` puts an
    // EC PARAMETERS block before the key: start at the key's own block.
    std::string_view key_bytes = bytes;
    if (!found.pem_label.empty()) {
        const std::size_t begin = bytes.find("-----BEGIN " + found.pem_label + "-----");
        if (begin != std::string_view::npos)
            key_bytes = bytes.substr(begin);
    }
    const auto* data = reinterpret_cast<const unsigned char*>(key_bytes.data());
    std::size_t left = key_bytes.size();
    const bool ok = OSSL_DECODER_from_data(ctx.get(), &data, &left) == 1;
    impl::ossl::pkey owned(key);
    if (!ok || !owned) {
        if (is_encrypted(found.format))
            return {nullptr, "cannot decrypt the key with this pass phrase ("
                                 + impl::ossl::last_reason("bad decrypt") + ")"};
        return {nullptr,
                "OpenSSL cannot read the key (" + impl::ossl::last_reason("unsupported") + ")"};
    }
    return {std::move(owned), {}};
}

/// Encodes a private key as unencrypted PKCS#8 DER: byte for byte what
/// `openssl pkcs8 -topk8 -outform DER -nocrypt` writes for the same key.
[[nodiscard]] inline std::optional<secret> to_pkcs8_der(EVP_PKEY* key)
{
    const impl::ossl::error_mark mark;
    const impl::ossl::pkcs8_info info{EVP_PKEY2PKCS8(key)};
    if (!info)
        return std::nullopt;
    unsigned char* der = nullptr;
    const int size = i2d_PKCS8_PRIV_KEY_INFO(info.get(), &der);
    if (size <= 0)
        return std::nullopt;
    const impl::ossl::bytes owned(der);
    std::string out(reinterpret_cast<const char*>(der), static_cast<std::size_t>(size));
    OPENSSL_cleanse(der, static_cast<std::size_t>(size));
    return secret(std::move(out));
}

/// "RSA 2048 bits", "EC 256 bits" and the like.
[[nodiscard]] inline std::string describe_key(const EVP_PKEY* key)
{
    const char* type = EVP_PKEY_get0_type_name(key);
    return std::string(type != nullptr ? type : "unknown") + ' '
           + std::to_string(EVP_PKEY_get_bits(key)) + " bits";
}

/// A path as a POSIX shell word: unchanged when safe, otherwise in single quotes, and in $'...'
/// with escapes when it holds control characters, so a printed command can be pasted as is.
[[nodiscard]] inline std::string shell_quote(std::string_view path)
{
    static constexpr std::string_view safe =
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./+,:@%=";
    bool plain = !path.empty();
    bool control = false;
    for (char c : path) {
        const auto u = static_cast<unsigned char>(c);
        plain = plain && safe.find(c) != std::string_view::npos;
        control = control || is_control_byte(u);
    }
    if (plain)
        return std::string(path);
    if (!control) {
        std::string out = "'";
        for (char c : path)
            out += c == '\'' ? std::string("'\\''") : std::string(1, c);
        return out + "'";
    }
    // $'...' reads \xNN as one byte, so this escapes bytes, not characters.
    std::string out = "$'";
    for (char c : path) {
        const auto u = static_cast<unsigned char>(c);
        if (is_control_byte(u)) {
            append_hex_escape(out, u);
        } else {
            if (c == '\'' || c == '\\')
                out += '\\';
            out += c;
        }
    }
    return out + "'";
}

/// `path` with its extension replaced by `extension` (such as ".pk8"); when it already has that
/// extension, NAME-converted.EXT, so a conversion never reads and writes one file.
[[nodiscard]] inline std::string converted_path(std::string_view path, std::string_view extension)
{
    const std::size_t slash = path.rfind('/');
    const std::size_t dot = path.rfind('.');
    const bool has_extension = dot != std::string_view::npos && dot != 0
                               && (slash == std::string_view::npos || dot > slash + 1);
    const std::string stem(has_extension ? path.substr(0, dot) : path);
    if (has_extension && path.substr(dot) == extension)
        return stem + "-converted" + std::string(extension);
    return stem + std::string(extension);
}

/// The OpenSSL command that turns a key of this format into unencrypted PKCS#8 DER, with the
/// given paths; nullopt when the file holds no key OpenSSL can convert.
[[nodiscard]] inline std::optional<std::string>
openssl_conversion(const key_detection& found, std::string_view in, std::string_view out)
{
    const std::string from = shell_quote(in);
    const std::string to = shell_quote(out);
    std::string inform;
    switch (found.format) {
    case key_format::pkcs8_pem:
    case key_format::pkcs1_pem:
    case key_format::sec1_pem:
    case key_format::encrypted_pkcs8_pem:
    case key_format::encrypted_pem: inform = "PEM"; break;
    case key_format::pkcs8_der_trailing:
    case key_format::pkcs1_der:
    case key_format::sec1_der:
    case key_format::encrypted_pkcs8_der: inform = "DER"; break;
    case key_format::pkcs12:
        return "openssl pkcs12 -in " + from
               + " -nocerts -nodes | openssl pkcs8 -topk8 -inform PEM -outform DER -out " + to
               + " -nocrypt";
    default: return std::nullopt;
    }
    return "openssl pkcs8 -topk8 -inform " + inform + " -outform DER -in " + from + " -out " + to
           + " -nocrypt";
}

} // namespace pgstore
