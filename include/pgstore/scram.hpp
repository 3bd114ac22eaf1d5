#pragma once

// SCRAM-SHA-256 password verifiers computed on the client (RFC 5802 and RFC 7677, in the
// form PostgreSQL stores), so a password can be set without its clear text ever reaching the
// server or its logs. Needs libcrypto (OpenSSL).

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <array>
#include <climits>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace pgstore {

/// PostgreSQL's default iteration count (scram_iterations) for SCRAM-SHA-256 verifiers.
inline constexpr int scram_iterations = 4096;

/// The salt length PostgreSQL uses for its own verifiers, in bytes.
inline constexpr std::size_t scram_salt_bytes = 16;

namespace impl {

inline std::string base64(const unsigned char* data, std::size_t size)
{
    std::string out(4 * ((size + 2) / 3) + 1, '\0');
    const int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(size));
    out.resize(written < 0 ? 0 : static_cast<std::size_t>(written));
    return out;
}

// Zeroes derived key material when it goes out of scope, whatever the path out.
template <std::size_t N> struct wiped_bytes {
    std::array<unsigned char, N> bytes{};
    wiped_bytes() = default;
    wiped_bytes(const wiped_bytes&) = delete;
    wiped_bytes& operator=(const wiped_bytes&) = delete;
    ~wiped_bytes() { OPENSSL_cleanse(bytes.data(), bytes.size()); }
};

} // namespace impl

/// Why `password` cannot be turned into a verifier here, or an empty string when it can.
/// PostgreSQL and libpq normalise a non-ASCII password with SASLprep (RFC 4013) before
/// hashing it; ASCII passwords come out of SASLprep unchanged or are used as they are.
[[nodiscard]] inline std::string scram_password_problem(std::string_view password)
{
    if (password.empty())
        return "expected a password, saw an empty one";
    if (password.find('\0') != std::string_view::npos)
        return "expected a password without NUL bytes";
    for (char c : password) {
        // Limit: SASLprep needs Unicode normalisation tables, which pgstore does not carry.
        if (static_cast<unsigned char>(c) >= 0x80)
            return "expected an ASCII password: pgstore does not implement the SASLprep "
                   "normalisation PostgreSQL applies to other characters";
    }
    if (password.size() > static_cast<std::size_t>(INT_MAX))
        return "expected a shorter password";
    return {};
}

/// The verifier PostgreSQL stores for `password` with this salt and iteration count:
/// `SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>`, each part in base64.
/// Returns nullopt when the password is unusable (see scram_password_problem) or OpenSSL
/// fails; `error` then says why, without the password.
[[nodiscard]] inline std::optional<std::string> scram_sha256_verifier(std::string_view password, std::string_view salt,
                                                                      int iterations, std::string& error)
{
    error = scram_password_problem(password);
    if (!error.empty())
        return std::nullopt;
    if (salt.empty() || salt.size() > 1024 || iterations < 1) {
        error = "expected a salt of 1 to 1024 bytes and at least one iteration";
        return std::nullopt;
    }

    constexpr std::size_t key_size = SHA256_DIGEST_LENGTH;
    impl::wiped_bytes<key_size> salted;
    impl::wiped_bytes<key_size> client_key;
    std::array<unsigned char, key_size> stored_key{};
    std::array<unsigned char, key_size> server_key{};
    const auto* salt_bytes = reinterpret_cast<const unsigned char*>(salt.data());
    if (PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()), salt_bytes, static_cast<int>(salt.size()),
                          iterations, EVP_sha256(), static_cast<int>(key_size), salted.bytes.data()) != 1) {
        error = "OpenSSL could not derive the salted password (PKCS5_PBKDF2_HMAC failed)";
        return std::nullopt;
    }

    static constexpr std::string_view client_label = "Client Key";
    static constexpr std::string_view server_label = "Server Key";
    unsigned int length = 0;
    const bool hashed = HMAC(EVP_sha256(), salted.bytes.data(), static_cast<int>(key_size),
                             reinterpret_cast<const unsigned char*>(client_label.data()), client_label.size(),
                             client_key.bytes.data(), &length) != nullptr &&
                        SHA256(client_key.bytes.data(), key_size, stored_key.data()) != nullptr &&
                        HMAC(EVP_sha256(), salted.bytes.data(), static_cast<int>(key_size),
                             reinterpret_cast<const unsigned char*>(server_label.data()), server_label.size(),
                             server_key.data(), &length) != nullptr;
    if (!hashed) {
        error = "OpenSSL could not compute the SCRAM keys (HMAC or SHA-256 failed)";
        return std::nullopt;
    }

    return "SCRAM-SHA-256$" + std::to_string(iterations) + ':' + impl::base64(salt_bytes, salt.size()) + '$' +
           impl::base64(stored_key.data(), key_size) + ':' + impl::base64(server_key.data(), key_size);
}

/// A verifier for `password` with a fresh random 16-byte salt and 4096 iterations, as
/// PostgreSQL makes its own. Returns nullopt with `error` set when it cannot.
[[nodiscard]] inline std::optional<std::string> scram_sha256_verifier(std::string_view password, std::string& error)
{
    std::array<unsigned char, scram_salt_bytes> salt{};
    if (RAND_bytes(salt.data(), static_cast<int>(salt.size())) != 1) {
        error = "OpenSSL could not produce a random salt (RAND_bytes failed)";
        return std::nullopt;
    }
    const std::string_view salt_view(reinterpret_cast<const char*>(salt.data()), salt.size());
    return scram_sha256_verifier(password, salt_view, scram_iterations, error);
}

} // namespace pgstore
