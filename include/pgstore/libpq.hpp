#pragma once

// The libpq adapter for failover.hpp: a connector that honours the shared deadline to the
// millisecond, a standby probe, and the one-query check of `pgstore test-connection`.
// Links libpq and OpenSSL, so pgstore.hpp does not include it. POSIX only (poll, mkdtemp).

#include "conninfo.hpp"
#include "failover.hpp"
#include "impl/openssl.hpp"
#include "properties.hpp"
#include "settings.hpp"
#include "tls_key.hpp"

#include <libpq-fe.h>
#include <openssl/pem.h>

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pgstore {

/// Why a libpq attempt failed, as `pgstore test-connection` reports it.
enum class libpq_failure {
    refused,      ///< nothing listens on the host's port
    timed_out,    ///< no answer before the deadline
    auth_failed,  ///< the server refused the user, password or certificate
    tls_failed,   ///< the TLS handshake or the server certificate check failed
    other,        ///< anything else: name resolution, protocol, a missing file
};

/// "refused", "timed out", "auth failed", "tls failed" or "failed".
[[nodiscard]] constexpr std::string_view to_string(libpq_failure f) noexcept
{
    switch (f) {
    case libpq_failure::refused: return "refused";
    case libpq_failure::timed_out: return "timed out";
    case libpq_failure::auth_failed: return "auth failed";
    case libpq_failure::tls_failed: return "tls failed";
    case libpq_failure::other: return "failed";
    }
    return "failed";
}

/// One failed libpq attempt: what kind of failure, and libpq's or the server's words.
struct libpq_error {
    libpq_failure kind = libpq_failure::other;
    std::string detail;

    /// "auth failed: password authentication failed for user ..."; what the failover report shows.
    [[nodiscard]] std::string message() const { return std::string(to_string(kind)) + ": " + detail; }
};

/// The kind of failure a failover record of a libpq attempt names, or nullopt when the record is
/// not a libpq failure (a success, a standby, a skipped host).
[[nodiscard]] inline std::optional<libpq_failure> libpq_failure_of(const attempt_record& r)
{
    if (r.outcome != attempt_outcome::failed)
        return std::nullopt;
    for (auto kind : {libpq_failure::refused, libpq_failure::timed_out, libpq_failure::auth_failed,
                      libpq_failure::tls_failed, libpq_failure::other}) {
        const std::string prefix = std::string(to_string(kind)) + ": ";
        if (r.message.compare(0, prefix.size(), prefix) == 0)
            return kind;
    }
    return libpq_failure::other;
}

/// An open libpq connection, closed on destruction. Move-only.
class libpq_connection {
public:
    libpq_connection() = default;
    /// Takes ownership of `conn`; `deadline` bounds the standby probe that follows the connect.
    libpq_connection(PGconn* conn, std::chrono::steady_clock::time_point deadline) noexcept
        : conn_(conn), deadline_(deadline)
    {
    }

    /// The libpq handle, still owned by this object.
    [[nodiscard]] PGconn* get() const noexcept { return conn_.get(); }
    /// True while a connection is held.
    explicit operator bool() const noexcept { return conn_ != nullptr; }
    /// The deadline of the connect that opened this connection.
    [[nodiscard]] std::chrono::steady_clock::time_point deadline() const noexcept { return deadline_; }

private:
    struct closer {
        void operator()(PGconn* c) const noexcept { PQfinish(c); }
    };
    std::unique_ptr<PGconn, closer> conn_;
    std::chrono::steady_clock::time_point deadline_{};
};

/// A query failed or ran past its deadline. The message never holds a parameter value.
class libpq_query_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// Owns a PGresult.
struct libpq_result_closer {
    void operator()(PGresult* r) const noexcept { PQclear(r); }
};
/// A PGresult, cleared on destruction.
using libpq_result = std::unique_ptr<PGresult, libpq_result_closer>;

namespace impl {

using steady = std::chrono::steady_clock;

/// Milliseconds left until `deadline`, rounded up so that a poll never wakes before it.
inline int ms_until(steady::time_point deadline)
{
    const auto left = deadline - steady::now();
    if (left <= steady::duration::zero())
        return 0;
    const auto ms = std::chrono::ceil<std::chrono::milliseconds>(left).count();
    return static_cast<int>(std::min<long long>(ms, 24LL * 3600 * 1000));
}

/// How a wait for a socket ended.
enum class wait_result { ready, deadline, stopped };

/// Waits until the socket is ready for `events`, the deadline passes, or `*stop` turns true
/// (checked every 50 ms, so a cancelled attempt lets go of its socket promptly).
inline wait_result wait_socket(int fd, short events, steady::time_point deadline,
                               const std::atomic<bool>* stop = nullptr)
{
    while (true) {
        if (stop != nullptr && stop->load())
            return wait_result::stopped;
        pollfd p{fd, events, 0};
        const int left = ms_until(deadline);
        const int timeout = stop != nullptr ? std::min(left, 50) : left;
        const int n = ::poll(&p, 1, timeout);
        if (n > 0)
            return wait_result::ready;
        if (n == 0 && left == 0)
            return wait_result::deadline;
        if (n < 0 && errno != EINTR)
            return wait_result::ready;  // let libpq find out what is wrong with the socket
    }
}

/// libpq's message on one line, without its "connection to server at ... failed:" prefix (the
/// report names the host already), repeated lines or the FATAL marker's double space.
inline std::string tidy_libpq_message(std::string_view text)
{
    std::string out;
    while (!text.empty()) {
        const auto nl = text.find('\n');
        std::string line(text.substr(0, nl));
        text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
        if (const auto failed = line.find(" failed: "); line.rfind("connection to server", 0) == 0
                                                        && failed != std::string::npos)
            line.erase(0, failed + 9);
        if (const auto fatal = line.find("FATAL:  "); fatal != std::string::npos)
            line.erase(fatal + 6, 1);
        while (!line.empty() && (line.back() == ' ' || line.back() == '\r' || line.back() == '\t'))
            line.pop_back();
        line.erase(0, line.find_first_not_of(" \t"));
        // sslmode=prefer tries again without TLS, and libpq then repeats the server's words.
        if (!line.empty() && ("; " + out + "; ").find("; " + line + "; ") == std::string::npos)
            out += (out.empty() ? "" : "; ") + line;
    }
    return out.empty() ? "no message from libpq" : out;
}

// libpq reports connect failures as text only, so this matches the English messages of
// libpq and the server; a server with another lc_messages yields `other` for auth failures.
inline libpq_failure classify(std::string_view message)
{
    auto has = [message](std::string_view part) { return message.find(part) != std::string_view::npos; };
    if (has("Connection refused"))
        return libpq_failure::refused;
    if (has("authentication failed") || has("no pg_hba.conf entry") || has("no password supplied")
        || (has("role \"") && has("does not exist")) || has("password") || has("certificate authentication"))
        return libpq_failure::auth_failed;
    if (has("SSL") || has("certificate") || has("TLS") || has("server does not support"))
        return libpq_failure::tls_failed;
    if (has("timeout expired") || has("timed out"))
        return libpq_failure::timed_out;
    return libpq_failure::other;
}

/// Reads an unencrypted private key in any format tls_key.hpp knows (the services' PKCS#8 DER,
/// or PEM); throws std::runtime_error with the reason, never with key material.
inline ossl::pkey read_client_key(const std::string& path, bool& was_pkcs8_der)
{
    std::string error;
    std::optional<std::string> bytes = read_file(path, error);
    if (!bytes)
        throw std::runtime_error("cannot read the client key " + path + ": " + error);
    was_pkcs8_der = detect_key_format(*bytes).format == key_format::pkcs8_der;
    loaded_key loaded = load_private_key(*bytes);
    OPENSSL_cleanse(bytes->data(), bytes->size());
    if (!loaded.key)
        throw std::runtime_error("cannot load the client key " + path + ": " + loaded.error);
    return std::move(loaded.key);
}

} // namespace impl

/// A private PEM copy of a client key, for libpq: mode 0600 in a fresh 0700 folder, both
/// removed when the object is destroyed. libpq 15 reads PEM only and refuses a key file that
/// group or others may read; the services' keys are PKCS#8 DER.
class private_pem_key {
public:
    /// Converts the key at `source` (PKCS#8 DER, or PEM); throws std::runtime_error with the
    /// reason, never with key material. Nothing is left behind on failure.
    explicit private_pem_key(const std::string& source) : source_(source)
    {
        const auto key = impl::read_client_key(source, from_der_);

        const char* tmp = std::getenv("TMPDIR");
        std::string dir = std::string(tmp && *tmp ? tmp : "/tmp") + "/pgstore-key.XXXXXX";
        if (::mkdtemp(dir.data()) == nullptr)
            throw std::runtime_error("cannot create a private folder for the client key: "
                                     + std::string(std::strerror(errno)));
        dir_ = dir;
        path_ = dir_ + "/client.key";
        try {
            const int fd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
            if (fd < 0)
                throw std::runtime_error("cannot write the PEM copy of the client key: "
                                         + std::string(std::strerror(errno)));
            const impl::ossl::error_mark mark;
            impl::ossl::bio out(BIO_new_fd(fd, BIO_CLOSE));
            if (!out) {
                ::close(fd);
                throw std::runtime_error("cannot write the PEM copy of the client key: "
                                         + impl::ossl::last_reason("out of memory"));
            }
            if (PEM_write_bio_PrivateKey(out.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1
                || BIO_flush(out.get()) != 1)
                throw std::runtime_error("cannot write the PEM copy of the client key: "
                                         + impl::ossl::last_reason("write failed"));
        } catch (...) {
            remove();
            throw;
        }
    }

    private_pem_key(const private_pem_key&) = delete;
    private_pem_key& operator=(const private_pem_key&) = delete;
    ~private_pem_key() { remove(); }

    /// The PEM copy, for libpq's sslkey.
    [[nodiscard]] const std::string& path() const noexcept { return path_; }
    /// The configured key file.
    [[nodiscard]] const std::string& source() const noexcept { return source_; }
    /// The configured key was DER (the services' format) rather than PEM.
    [[nodiscard]] bool converted_from_der() const noexcept { return from_der_; }

private:
    void remove() noexcept
    {
        if (!path_.empty())
            ::unlink(path_.c_str());
        if (!dir_.empty())
            ::rmdir(dir_.c_str());
    }

    std::string source_;
    std::string dir_;
    std::string path_;
    bool from_der_ = false;
};

/// How the connector goes about one host.
struct libpq_connector_options {
    /// Cuts each attempt short of the shared deadline, so a silent host leaves time for the
    /// next ones in sequential mode; zero means each attempt may use all the time left.
    std::chrono::milliseconds per_host_timeout{0};
};

/// An equal share of `timeout` for each of `attempts` hosts, at least one second (a TLS
/// connect needs a few round trips), never more than `timeout`.
[[nodiscard]] inline std::chrono::milliseconds fair_share(std::chrono::milliseconds timeout, std::size_t attempts)
{
    if (attempts <= 1)
        return timeout;
    const auto share = timeout / static_cast<std::chrono::milliseconds::rep>(attempts);
    return std::min(timeout, std::max(share, std::chrono::milliseconds(1000)));
}

/// The connector for failover_connect: opens one libpq connection to one host with
/// PQconnectStartParams and PQconnectPoll, waiting in poll() so that the deadline holds even for
/// a host that accepts TCP and never answers. Copies share the PEM key copy, which goes away
/// with the last copy; calls are safe from several threads.
class libpq_connector {
public:
    /// Takes the settings (password and key included) from a validated config. For cert auth
    /// the configured key is converted once to a private PEM copy; throws std::runtime_error
    /// when it cannot be read.
    explicit libpq_connector(const store_config& cfg, libpq_connector_options options = {})
        : options_(options)
    {
        conninfo_options all;
        all.with_password = true;
        for (auto& p : libpq_params(cfg, all)) {
            // The host comes per attempt; the deadline and the standby check are the policy's.
            if (p.keyword == "host" || p.keyword == "connect_timeout" || p.keyword == "target_session_attrs")
                continue;
            params_.push_back(std::move(p));
        }
        if (cfg.auth == auth_method::cert) {
            key_ = std::make_shared<const private_pem_key>(cfg.key_file);
            for (auto& p : params_) {
                if (p.keyword == "sslkey")
                    p.value = key_->path();
            }
        }
        params_.push_back({"fallback_application_name", "pgstore"});
    }

    /// Ends the attempts still running in this connector and its copies (the losers of a
    /// staggered connect, which would otherwise wait for their deadline) and fails later calls
    /// at once: call it when the connect has returned. A connector serves one connect.
    void cancel() const noexcept { cancelled_->store(true); }

    /// The PEM copy of the client key, when cert auth made one.
    [[nodiscard]] const std::shared_ptr<const private_pem_key>& client_key() const noexcept { return key_; }

    /// One attempt at `host`, given up at `deadline` (or earlier, with per_host_timeout).
    attempt<libpq_connection, libpq_error> operator()(const std::string& host, std::uint16_t port,
                                                     std::chrono::steady_clock::time_point deadline) const
    {
        using result = attempt<libpq_connection, libpq_error>;
        if (cancelled_->load())
            return result::failure({libpq_failure::other, "cancelled"});
        const auto start = impl::steady::now();
        auto until = deadline;
        if (options_.per_host_timeout.count() > 0)
            until = std::min(deadline, start + options_.per_host_timeout);

        std::vector<const char*> keys;
        std::vector<const char*> values;
        const std::string port_text = std::to_string(port);
        keys.push_back("host");
        values.push_back(host.c_str());
        // An IP literal as hostaddr too spares libpq a lookup; the deadline cannot bound a
        // lookup of a host name, which libpq does synchronously (a libpq limit).
        if (is_ip_literal(host)) {
            keys.push_back("hostaddr");
            values.push_back(host.c_str());
        }
        for (const auto& p : params_) {
            keys.push_back(p.keyword.c_str());
            values.push_back(p.keyword == "port" ? port_text.c_str() : p.value.c_str());
        }
        keys.push_back(nullptr);
        values.push_back(nullptr);

        libpq_connection conn(PQconnectStartParams(keys.data(), values.data(), 0), deadline);
        if (!conn)
            return result::failure({libpq_failure::other, "libpq could not allocate a connection"});
        PostgresPollingStatusType state = PGRES_POLLING_WRITING;
        while (PQstatus(conn.get()) != CONNECTION_BAD) {
            if (state == PGRES_POLLING_OK)
                return result::success(std::move(conn));
            if (state == PGRES_POLLING_FAILED)
                break;
            const auto events = static_cast<short>(state == PGRES_POLLING_READING ? POLLIN : POLLOUT);
            const auto waited = impl::wait_socket(PQsocket(conn.get()), events, until, cancelled_.get());
            if (waited == impl::wait_result::stopped)
                return result::failure({libpq_failure::other, "cancelled"});
            if (waited == impl::wait_result::deadline) {
                const auto spent =
                    std::chrono::duration_cast<std::chrono::milliseconds>(impl::steady::now() - start);
                const bool cut = until < deadline;
                return result::failure({libpq_failure::timed_out,
                                        "no answer within " + std::to_string(spent.count()) + " ms ("
                                            + (cut ? "this host's share of the timeout" : "the shared deadline")
                                            + ")"});
            }
            state = PQconnectPoll(conn.get());
        }
        const std::string message = PQerrorMessage(conn.get());
        return result::failure({impl::classify(message), impl::tidy_libpq_message(message)});
    }

private:
    static bool is_ip_literal(const std::string& host)
    {
        return host.find(':') != std::string::npos
               || std::all_of(host.begin(), host.end(), [](char c) { return (c >= '0' && c <= '9') || c == '.'; });
    }

    std::vector<conninfo_param> params_;
    std::shared_ptr<const private_pem_key> key_;
    libpq_connector_options options_;
    std::shared_ptr<std::atomic<bool>> cancelled_ = std::make_shared<std::atomic<bool>>(false);
};

/// Runs one query without blocking past `deadline`; throws libpq_query_error on failure or at the
/// deadline, after which the connection is in an unknown state and should be closed.
/// `params` are text parameters ($1, $2...).
[[nodiscard]] inline libpq_result exec_until(libpq_connection& conn, const std::string& sql,
                                             const std::vector<std::string>& params,
                                             std::chrono::steady_clock::time_point deadline)
{
    PGconn* c = conn.get();
    // Back to the caller's mode afterwards: PQexec and friends expect what they found.
    struct mode_guard {
        PGconn* pg;
        int previous;
        ~mode_guard() { PQsetnonblocking(pg, previous); }
    } guard{c, PQisnonblocking(c)};
    std::vector<const char*> values;
    for (const auto& p : params)
        values.push_back(p.c_str());
    if (PQsetnonblocking(c, 1) != 0
        || PQsendQueryParams(c, sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(), nullptr,
                             nullptr, 0)
               != 1)
        throw libpq_query_error(impl::tidy_libpq_message(PQerrorMessage(c)));
    auto timed_out = [] { return libpq_query_error("no answer to the query before the deadline"); };
    int flushed = 0;
    while ((flushed = PQflush(c)) == 1) {
        const auto both = static_cast<short>(POLLIN | POLLOUT);
        if (impl::wait_socket(PQsocket(c), both, deadline) != impl::wait_result::ready)
            throw timed_out();
        if (PQconsumeInput(c) != 1)
            throw libpq_query_error(impl::tidy_libpq_message(PQerrorMessage(c)));
    }
    if (flushed != 0)
        throw libpq_query_error(impl::tidy_libpq_message(PQerrorMessage(c)));

    libpq_result last;
    while (true) {
        while (PQisBusy(c) == 1) {
            if (impl::wait_socket(PQsocket(c), POLLIN, deadline) != impl::wait_result::ready)
                throw timed_out();
            if (PQconsumeInput(c) != 1)
                throw libpq_query_error(impl::tidy_libpq_message(PQerrorMessage(c)));
        }
        libpq_result r(PQgetResult(c));
        if (!r)
            break;
        last = std::move(r);
    }
    if (!last)
        throw libpq_query_error("no result from the server");
    const auto status = PQresultStatus(last.get());
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK)
        throw libpq_query_error(impl::tidy_libpq_message(PQresultErrorMessage(last.get())));
    return last;
}

/// The standby probe for failover_connect: `select pg_is_in_recovery()` within the connect's
/// deadline. Throws libpq_query_error when the server does not answer in time.
struct libpq_standby_probe {
    /// True when the server is a standby.
    bool operator()(libpq_connection& conn) const
    {
        const auto r = exec_until(conn, "select pg_catalog.pg_is_in_recovery()", {}, conn.deadline());
        return PQntuples(r.get()) == 1 && std::string_view(PQgetvalue(r.get(), 0, 0)) == "t";
    }
};

/// What the one-query check found out about a connection.
struct libpq_check {
    std::chrono::steady_clock::duration round_trip{};  ///< the query, sent to answered
    std::string server_version;                        ///< such as "15.7 (Debian 15.7-0+deb12u1)"
    bool standby = false;                              ///< pg_is_in_recovery()
    std::optional<std::string> current_schema;         ///< nullopt: no usable schema on search_path
    long long tables = 0;                              ///< tables in that schema
    std::optional<std::string> tls_version;            ///< nullopt without TLS
    std::optional<std::string> tls_cipher;             ///< nullopt without TLS
};

/// Runs one query in the session's schema (the configured one, through search_path), the way a
/// service's store test does, and gathers the server version, role and TLS parameters.
/// Throws libpq_query_error when the query fails or passes `deadline`.
[[nodiscard]] inline libpq_check check_connection(libpq_connection& conn,
                                                 std::chrono::steady_clock::time_point deadline)
{
    libpq_check out;
    const auto sent = std::chrono::steady_clock::now();
    const auto r = exec_until(conn,
                              "select current_schema(), (select count(*) from pg_catalog.pg_tables "
                              "where schemaname = current_schema()), pg_catalog.pg_is_in_recovery(), "
                              "pg_catalog.current_setting('server_version')",
                              {}, deadline);
    out.round_trip = std::chrono::steady_clock::now() - sent;
    if (PQntuples(r.get()) != 1 || PQnfields(r.get()) != 4)
        throw libpq_query_error("unexpected answer to the check query");
    if (PQgetisnull(r.get(), 0, 0) == 0)
        out.current_schema = PQgetvalue(r.get(), 0, 0);
    out.tables = std::strtoll(PQgetvalue(r.get(), 0, 1), nullptr, 10);
    out.standby = std::string_view(PQgetvalue(r.get(), 0, 2)) == "t";
    out.server_version = PQgetvalue(r.get(), 0, 3);
    if (PQsslInUse(conn.get()) == 1) {
        if (const char* v = PQsslAttribute(conn.get(), "protocol"))
            out.tls_version = v;
        if (const char* v = PQsslAttribute(conn.get(), "cipher"))
            out.tls_cipher = v;
    }
    return out;
}

} // namespace pgstore
