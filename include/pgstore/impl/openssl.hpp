#pragma once

// Owning handles for the OpenSSL objects that tls_key.hpp and tls.hpp use, so that every early
// return frees what was allocated. Needs libcrypto (OpenSSL 3).

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/decoder.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include <climits>
#include <memory>
#include <string>
#include <string_view>

namespace pgstore::impl::ossl {

/// A deleter that calls an OpenSSL free function and ignores what it returns.
template <auto Free>
struct free_with {
    template <class T>
    void operator()(T* p) const noexcept
    {
        Free(p);
    }
};

/// A deleter for memory OpenSSL allocated with OPENSSL_malloc.
struct openssl_free {
    void operator()(void* p) const noexcept { OPENSSL_free(p); }
};

/// A deleter for a stack of certificates that owns its certificates.
struct x509_stack_free {
    void operator()(STACK_OF(X509) * s) const noexcept { sk_X509_pop_free(s, X509_free); }
};

using bio = std::unique_ptr<BIO, free_with<&BIO_free_all>>;
using x509 = std::unique_ptr<X509, free_with<&X509_free>>;
using x509_stack = std::unique_ptr<STACK_OF(X509), x509_stack_free>;
using x509_store = std::unique_ptr<X509_STORE, free_with<&X509_STORE_free>>;
using x509_store_ctx = std::unique_ptr<X509_STORE_CTX, free_with<&X509_STORE_CTX_free>>;
using pkey = std::unique_ptr<EVP_PKEY, free_with<&EVP_PKEY_free>>;
using pkcs8_info = std::unique_ptr<PKCS8_PRIV_KEY_INFO, free_with<&PKCS8_PRIV_KEY_INFO_free>>;
using x509_sig = std::unique_ptr<X509_SIG, free_with<&X509_SIG_free>>;
using pkcs12 = std::unique_ptr<PKCS12, free_with<&PKCS12_free>>;
using decoder_ctx = std::unique_ptr<OSSL_DECODER_CTX, free_with<&OSSL_DECODER_CTX_free>>;
using asn1_time = std::unique_ptr<ASN1_TIME, free_with<&ASN1_TIME_free>>;
using chars = std::unique_ptr<char, openssl_free>;
using bytes = std::unique_ptr<unsigned char, openssl_free>;

/// A read-only memory BIO over `data`, which must outlive it; null when it is over 2 GiB.
[[nodiscard]] inline bio memory(std::string_view data)
{
    if (data.size() > static_cast<std::size_t>(INT_MAX))
        return nullptr;
    return bio(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
}

/// The bytes written to a memory BIO.
[[nodiscard]] inline std::string contents(BIO* b)
{
    char* data = nullptr;
    const long size = BIO_get_mem_data(b, &data);
    if (size <= 0 || data == nullptr)
        return {};
    return std::string(data, static_cast<std::size_t>(size));
}

/// Undoes changes to OpenSSL's per-thread error queue made during its lifetime, so that trying
/// decoders that are expected to fail leaves no stale errors behind.
class error_mark {
public:
    error_mark() noexcept { ERR_set_mark(); }
    ~error_mark() { ERR_pop_to_mark(); }
    error_mark(const error_mark&) = delete;
    error_mark& operator=(const error_mark&) = delete;
};

/// OpenSSL's reason for the latest error, such as "bad decrypt", or `fallback`. Never contains
/// key material: OpenSSL's reason strings are fixed texts.
[[nodiscard]] inline std::string last_reason(std::string_view fallback)
{
    const unsigned long code = ERR_peek_last_error();
    const char* reason = code == 0 ? nullptr : ERR_reason_error_string(code);
    return reason != nullptr ? std::string(reason) : std::string(fallback);
}

} // namespace pgstore::impl::ossl
