#pragma once

// Driver-agnostic host failover: try the configured hosts the way the services' driver does,
// with one deadline for the whole connect, and report what happened at every host.

#include "settings.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

namespace pgstore {

/// What a connector returns for one host: a connection or an error, never both.
/// `Conn` needs only a move constructor; `Conn` and `Err` may even be the same type.
template <class Conn, class Err = std::string>
class attempt {
public:
    using connection_type = Conn;  ///< what a successful attempt holds
    using error_type = Err;        ///< what a failed attempt holds

    /// A successful attempt holding `c`.
    [[nodiscard]] static attempt success(Conn c) { return attempt(std::in_place_index<0>, std::move(c)); }
    /// A failed attempt holding `e`.
    [[nodiscard]] static attempt failure(Err e) { return attempt(std::in_place_index<1>, std::move(e)); }

    /// True for a connection.
    [[nodiscard]] bool ok() const noexcept { return value_.index() == 0; }
    /// True for a connection.
    explicit operator bool() const noexcept { return ok(); }
    /// The connection; only when ok().
    [[nodiscard]] Conn& connection() { return std::get<0>(value_); }
    /// The error; only when !ok().
    [[nodiscard]] const Err& error() const { return std::get<1>(value_); }

private:
    template <std::size_t I, class T>
    attempt(std::in_place_index_t<I> tag, T&& v) : value_(tag, std::forward<T>(v))
    {
    }

    std::variant<Conn, Err> value_;
};

/// Which work a connection is for: read-write needs the primary, read-only may use a standby.
enum class work { read_write, read_only };

/// How the hosts are tried.
enum class failover_mode {
    sequential,  ///< one host after the other, as the services' driver does (the default)
    staggered,   ///< start the next host when the earlier ones are slow to answer (RFC 8305 spirit)
};

/// What became of one host in one connect.
enum class attempt_outcome {
    connected,   ///< the chosen host
    failed,      ///< the connector (or the probe) reported an error
    standby,     ///< connected to a standby, which read-write work cannot use; closed
    skipped,     ///< not tried: deadline reached, already tried, or an earlier host connected
    superseded,  ///< connected, but an earlier host was preferred; closed
    abandoned,   ///< still connecting when the connect ended; closed when it returns
};

/// "connected", "failed", "standby", "skipped", "superseded" or "abandoned".
[[nodiscard]] constexpr std::string_view to_string(attempt_outcome o) noexcept
{
    switch (o) {
    case attempt_outcome::connected: return "connected";
    case attempt_outcome::failed: return "failed";
    case attempt_outcome::standby: return "standby";
    case attempt_outcome::skipped: return "skipped";
    case attempt_outcome::superseded: return "superseded";
    case attempt_outcome::abandoned: return "abandoned";
    }
    return "failed";
}

/// One host's line in the report of a connect.
struct attempt_record {
    std::string host;                             ///< as configured
    std::uint16_t port = 0;                       ///< the shared port
    attempt_outcome outcome = attempt_outcome::skipped;
    std::string message;                          ///< why; empty for a plain success
    std::chrono::steady_clock::duration elapsed{};  ///< from the start of this attempt to its end
    bool readonly_host = false;                   ///< the host came from store.postgres.host.readonly
};

/// "host:port", with an IPv6 literal in brackets.
[[nodiscard]] inline std::string endpoint(const std::string& host, std::uint16_t port)
{
    const bool v6 = host.find(':') != std::string::npos;
    return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

/// Whole milliseconds, rounded up so that a started attempt never reads as 0 ms.
[[nodiscard]] inline long long whole_ms(std::chrono::steady_clock::duration d)
{
    using namespace std::chrono;
    const auto ms = duration_cast<milliseconds>(d);
    return static_cast<long long>((ms < d ? ms + milliseconds(1) : ms).count());
}

/// One line: "db1:5432: failed after 3 ms: connection refused".
[[nodiscard]] inline std::string to_string(const attempt_record& r)
{
    std::string out = endpoint(r.host, r.port) + ": " + std::string(to_string(r.outcome));
    if (r.outcome != attempt_outcome::skipped)
        out += " after " + std::to_string(whole_ms(r.elapsed)) + " ms";
    if (!r.message.empty())
        out += ": " + r.message;
    return out;
}

/// No host gave a usable connection. what() names every host with its failure and time spent;
/// attempts() has the same as data.
class connection_error : public std::runtime_error {
public:
    /// `headline` is the first line of what(); each attempt adds an indented line.
    connection_error(const std::string& headline, std::vector<attempt_record> attempts)
        : std::runtime_error(compose(headline, attempts)), headline_(headline), attempts_(std::move(attempts))
    {
    }

    /// What went wrong as a whole, without the per-host lines.
    [[nodiscard]] const std::string& headline() const noexcept { return headline_; }
    /// Every host in the order tried, with what became of it.
    [[nodiscard]] const std::vector<attempt_record>& attempts() const noexcept { return attempts_; }

private:
    static std::string compose(const std::string& headline, const std::vector<attempt_record>& attempts)
    {
        std::string out = headline;
        for (const auto& a : attempts)
            out += "\n  " + to_string(a);
        return out;
    }

    std::string headline_;
    std::vector<attempt_record> attempts_;
};

/// A successful connect: the connection, where it goes, and what happened at every host.
template <class Conn>
struct connection_result {
    Conn connection;                      ///< from the chosen host
    std::string host;                     ///< the chosen host
    std::uint16_t port = 0;               ///< the shared port
    std::vector<attempt_record> attempts; ///< every host, as things stood when the connect returned
    /// The report once every attempt has returned (staggered mode may leave some running for a
    /// while); ready at once in sequential mode.
    std::shared_future<std::vector<attempt_record>> settled;
};

/// How a connect goes about it.
struct failover_options {
    /// One deadline for the whole connect, shared by every host (store.postgres.connection.timeout).
    std::chrono::milliseconds timeout{5000};
    /// Read-write work refuses a standby; read-only work goes to `readonly_host` first.
    pgstore::work work = pgstore::work::read_write;
    /// store.postgres.host.readonly, if configured. Without one, read-only work uses the hosts.
    std::optional<std::string> readonly_host;
    /// For read-only work: try the hosts when the read-only host fails.
    bool readonly_fallback = true;
    /// Sequential (the default, what the services' driver does) or staggered.
    failover_mode mode = failover_mode::sequential;
    /// Staggered mode: how long an earlier host may stay silent before the next one starts too.
    std::chrono::milliseconds stagger_delay{250};
    /// Staggered mode: how long a later host's connection waits for earlier hosts still
    /// connecting before it is taken. Waiting until the deadline would keep order strictly but
    /// make a silent first host cost the whole timeout, which staggering exists to avoid.
    std::chrono::milliseconds preference_hold{250};
};

/// Options for a connect with the configuration's timeout and read-only host.
[[nodiscard]] inline failover_options failover_options_for(const store_config& config,
                                                         pgstore::work w = pgstore::work::read_write)
{
    failover_options o;
    o.timeout = std::chrono::seconds(config.connection_timeout_seconds);
    o.work = w;
    o.readonly_host = config.readonly_host;
    return o;
}

/// The probe to pass when there is none: every host counts as a primary.
struct no_probe {
    /// Never a standby.
    template <class Conn>
    bool operator()(Conn&) const noexcept
    {
        return false;
    }
};

namespace impl {

template <class T, class = void>
struct has_what : std::false_type {};
template <class T>
struct has_what<T, std::void_t<decltype(std::string(std::declval<const T&>().what()))>> : std::true_type {};

template <class T, class = void>
struct has_message : std::false_type {};
template <class T>
struct has_message<T, std::void_t<decltype(std::string(std::declval<const T&>().message()))>>
    : std::true_type {};

template <class T>
struct is_attempt : std::false_type {};
template <class C, class E>
struct is_attempt<attempt<C, E>> : std::true_type {};

} // namespace impl

/// Turns a connector's error into text: anything convertible to std::string, or with what()
/// (exceptions) or message() (std::error_code). Pass your own callable for other error types.
struct describe_error {
    /// The error as text.
    template <class Err>
    std::string operator()(const Err& e) const
    {
        if constexpr (std::is_convertible_v<const Err&, std::string>)
            return std::string(e);
        else if constexpr (impl::has_what<Err>::value)
            return std::string(e.what());
        else if constexpr (impl::has_message<Err>::value)
            return std::string(e.message());
        else
            static_assert(sizeof(Err) == 0, "pass a describe callable: Err -> std::string");
    }
};

namespace impl {

using clock = std::chrono::steady_clock;

inline std::string lower_ascii(std::string s)
{
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

/// One host to try, in order.
struct candidate {
    std::string host;
    bool readonly_host = false;
    bool duplicate = false;  ///< the same host came earlier: each host is tried once
};

inline std::vector<candidate> candidates(const std::vector<std::string>& hosts, const failover_options& o)
{
    std::vector<candidate> out;
    const bool to_readonly = o.work == work::read_only && o.readonly_host;
    if (to_readonly)
        out.push_back({*o.readonly_host, true, false});
    if (!to_readonly || o.readonly_fallback) {
        for (const auto& h : hosts)
            out.push_back({h, false, false});
    }
    for (std::size_t i = 0; i < out.size(); ++i) {
        for (std::size_t j = 0; j < i; ++j) {
            if (lower_ascii(out[i].host) == lower_ascii(out[j].host))
                out[i].duplicate = true;
        }
    }
    return out;
}

inline constexpr const char standby_message[] = "standby, read-write work needs the primary";

inline std::string headline(const std::vector<attempt_record>& records, const failover_options& o,
                            clock::time_point deadline)
{
    const bool any_standby = std::any_of(records.begin(), records.end(), [](const attempt_record& r) {
        return r.outcome == attempt_outcome::standby;
    });
    if (records.empty())
        return "no host to connect to";
    if (any_standby)
        return "no primary among the hosts";
    // The time limit is named only when it was reached; hosts that refused at once were not slow.
    std::string h = "could not connect to any host";
    if (clock::now() >= deadline)
        h += " within " + std::to_string(o.timeout.count()) + " ms";
    if (o.work == work::read_only && o.readonly_host && !o.readonly_fallback)
        h += " (read-only work, falling back to the primary hosts is not allowed)";
    return h;
}

/// What one attempt came to, before the policy decides about it.
template <class Conn>
struct attempt_result {
    std::optional<Conn> connection;
    attempt_outcome outcome = attempt_outcome::failed;
    std::string message;
};

/// Runs the connector (and the probe for read-write work) for one host; never throws.
template <class Conn, class Connector, class Probe, class Describe>
attempt_result<Conn> run_attempt(Connector& connector, Probe& probe, Describe& describe, const std::string& host,
                                 std::uint16_t port, clock::time_point deadline, work w)
{
    attempt_result<Conn> r;
    try {
        auto a = connector(host, port, deadline);
        if (!a.ok()) {
            r.message = describe(a.error());
            return r;
        }
        if (w == work::read_write) {
            bool standby = false;
            try {
                standby = probe(a.connection());
            } catch (const std::exception& e) {
                r.message = std::string("probe failed: ") + e.what();
                return r;  // the connection closes with `a`
            }
            if (standby) {
                r.outcome = attempt_outcome::standby;
                r.message = standby_message;
                return r;
            }
        }
        r.connection.emplace(std::move(a.connection()));
        r.outcome = attempt_outcome::connected;
    } catch (const std::exception& e) {
        r.message = std::string("connector threw: ") + e.what();
    } catch (...) {
        r.message = "connector threw an unknown exception";
    }
    return r;
}

template <class Conn, class Connector, class Probe, class Describe>
connection_result<Conn> connect_sequential(const std::vector<candidate>& list, std::uint16_t port,
                                           Connector& connector, Probe& probe, Describe& describe,
                                           const failover_options& o, clock::time_point deadline)
{
    std::vector<attempt_record> records;
    std::optional<Conn> chosen;
    std::string chosen_host;
    for (const auto& c : list) {
        attempt_record rec{c.host, port, attempt_outcome::skipped, {}, {}, c.readonly_host};
        if (chosen) {
            rec.message = "not needed, " + endpoint(chosen_host, port) + " connected";
        } else if (c.duplicate) {
            rec.message = "already tried";
        } else if (clock::now() >= deadline) {
            rec.message = "deadline reached";
        } else {
            const auto start = clock::now();
            auto r = run_attempt<Conn>(connector, probe, describe, c.host, port, deadline, o.work);
            rec.elapsed = clock::now() - start;
            rec.outcome = r.outcome;
            rec.message = std::move(r.message);
            if (r.connection) {
                chosen.emplace(std::move(*r.connection));
                chosen_host = c.host;
            }
        }
        records.push_back(std::move(rec));
    }
    if (!chosen)
        throw connection_error(headline(records, o, deadline), records);

    std::promise<std::vector<attempt_record>> done;
    done.set_value(records);
    return connection_result<Conn>{std::move(*chosen), chosen_host, port, std::move(records),
                                   done.get_future().share()};
}

/// What the coordinating thread of a staggered connect shares with its attempts, kept alive by
/// whichever of them ends last.
template <class Conn, class Connector, class Probe, class Describe>
struct stagger_state {
    enum class phase { waiting, running, done };

    struct slot {
        candidate target;
        phase state = phase::waiting;
        clock::time_point started{};
        clock::time_point finished{};
        attempt_result<Conn> result;
    };

    template <class C, class P, class D>
    stagger_state(C&& c, P&& p, D&& d)
        : connector(std::forward<C>(c)), probe(std::forward<P>(p)), describe(std::forward<D>(d))
    {
    }

    std::mutex mutex;
    std::condition_variable changed;
    std::vector<slot> slots;
    std::uint16_t port = 0;
    work kind = work::read_write;
    clock::time_point deadline{};
    bool decided = false;
    std::string decision;  ///< what attempts still running at the end are told
    std::size_t threads = 0;
    bool settled_sent = false;
    std::promise<std::vector<attempt_record>> settled;
    Connector connector;
    Probe probe;
    Describe describe;

    attempt_record record(std::size_t i) const
    {
        const slot& s = slots[i];
        attempt_record r{s.target.host, port, s.result.outcome, s.result.message, {}, s.target.readonly_host};
        if (s.state == phase::waiting) {
            r.outcome = attempt_outcome::skipped;
        } else if (s.state == phase::running) {
            r.outcome = attempt_outcome::abandoned;
            r.message = decision;
            r.elapsed = clock::now() - s.started;
        } else {
            r.elapsed = s.finished - s.started;
        }
        return r;
    }

    std::vector<attempt_record> records() const
    {
        std::vector<attempt_record> out;
        for (std::size_t i = 0; i < slots.size(); ++i)
            out.push_back(record(i));
        return out;
    }

    // With the mutex held: once the connect has decided and no attempt is left, the report is final.
    void settle_if_quiet()
    {
        if (decided && threads == 0 && !settled_sent) {
            settled_sent = true;
            settled.set_value(records());
        }
    }
};

/// The body of one attempt's thread.
template <class Conn, class State>
void run_slot(const std::shared_ptr<State>& st, std::size_t i)
{
    std::string host;
    {
        std::lock_guard<std::mutex> lock(st->mutex);
        host = st->slots[i].target.host;
    }
    // Concurrent calls: the connector, probe and describe must be safe to call from several threads.
    auto r = run_attempt<Conn>(st->connector, st->probe, st->describe, host, st->port, st->deadline, st->kind);

    std::optional<Conn> doomed;  // a connection nobody will use, closed outside the lock
    {
        std::lock_guard<std::mutex> lock(st->mutex);
        auto& s = st->slots[i];
        s.finished = clock::now();
        s.state = State::phase::done;
        if (st->decided) {
            if (r.connection) {
                doomed.emplace(std::move(*r.connection));
                r.connection.reset();
                r.message = "connected after the connect had ended; closed";
            } else {
                r.message = "after the connect had ended: " + r.message;
            }
            r.outcome = attempt_outcome::abandoned;
        }
        s.result.outcome = r.outcome;
        s.result.message = std::move(r.message);
        if (r.connection)
            s.result.connection.emplace(std::move(*r.connection));
        st->changed.notify_all();
    }
    doomed.reset();

    std::lock_guard<std::mutex> lock(st->mutex);
    --st->threads;
    st->settle_if_quiet();
}

template <class Conn, class Connector, class Probe, class Describe>
connection_result<Conn> connect_staggered(const std::vector<candidate>& list, std::uint16_t port,
                                          Connector&& connector, Probe&& probe, Describe&& describe,
                                          const failover_options& o, clock::time_point deadline)
{
    using state = stagger_state<Conn, std::decay_t<Connector>, std::decay_t<Probe>, std::decay_t<Describe>>;
    auto st = std::make_shared<state>(std::forward<Connector>(connector), std::forward<Probe>(probe),
                                      std::forward<Describe>(describe));
    st->port = port;
    st->kind = o.work;
    st->deadline = deadline;
    for (const auto& c : list)
        st->slots.push_back({c, state::phase::waiting, {}, {}, {}});
    auto settled = st->settled.get_future().share();
    const auto delay = std::max(o.stagger_delay, std::chrono::milliseconds(0));
    const auto hold = std::max(o.preference_hold, std::chrono::milliseconds(0));
    auto& slots = st->slots;
    const std::size_t n = slots.size();

    std::unique_lock<std::mutex> lock(st->mutex);
    std::size_t next = 0;  // the next slot to start; slots start in order
    clock::time_point last_start{};
    std::optional<std::size_t> winner;
    while (true) {
        const auto now = clock::now();
        while (next < n && slots[next].target.duplicate) {
            slots[next].state = state::phase::done;
            slots[next].started = slots[next].finished = now;
            slots[next].result.outcome = attempt_outcome::skipped;
            slots[next].result.message = "already tried";
            ++next;
        }

        // The earliest success wins once every earlier host has answered, or after the hold.
        std::optional<std::size_t> best;
        bool earlier_running = false;
        bool any_running = false;
        for (std::size_t i = 0; i < next; ++i) {
            const bool running = slots[i].state == state::phase::running;
            any_running = any_running || running;
            if (!best && slots[i].state == state::phase::done && slots[i].result.connection)
                best = i;
            else if (!best && running)
                earlier_running = true;
        }
        const auto held_until = best ? slots[*best].finished + hold : deadline;
        if (best && (!earlier_running || now >= held_until || now >= deadline)) {
            winner = best;
            break;
        }
        if ((!best && !any_running && next >= n) || now >= deadline)
            break;

        // Start the next host when the last one started has answered or stayed silent too long,
        // unless a connection is already in hand.
        const bool last_answered = next == 0 || slots[next - 1].state == state::phase::done;
        if (next < n && !best && (last_answered || now >= last_start + delay)) {
            auto& s = slots[next];
            s.state = state::phase::running;
            s.started = now;
            last_start = now;
            ++st->threads;
            try {
                std::thread([st, i = next] { run_slot<Conn>(st, i); }).detach();
            } catch (const std::system_error& e) {
                --st->threads;
                s.state = state::phase::done;
                s.finished = clock::now();
                s.result.message = std::string("could not start a thread: ") + e.what();
            }
            ++next;
            continue;
        }

        auto wake = std::min(deadline, held_until);
        if (next < n && !best)
            wake = std::min(wake, last_start + delay);
        st->changed.wait_until(lock, wake);
    }

    st->decided = true;
    std::optional<Conn> chosen;
    std::vector<std::optional<Conn>> losers;  // closed below, outside the lock
    std::string chosen_host;
    if (winner) {
        auto& w = slots[*winner];
        chosen.emplace(std::move(*w.result.connection));
        w.result.connection.reset();
        chosen_host = w.target.host;
        const std::string who = endpoint(chosen_host, port);
        st->decision = "still connecting when " + who + " was chosen";
        for (std::size_t i = 0; i < n; ++i) {
            auto& s = slots[i];
            if (s.state == state::phase::waiting)
                s.result.message = "not needed, " + who + " connected";
            if (i == *winner || !s.result.connection)
                continue;
            losers.push_back(std::move(s.result.connection));
            s.result.connection.reset();
            s.result.outcome = attempt_outcome::superseded;
            s.result.message = "connected, closed because " + who + " comes first";
        }
    } else {
        st->decision = "no answer by the deadline";
        for (auto& s : slots) {
            if (s.state == state::phase::waiting)
                s.result.message = "deadline reached";
        }
    }
    auto records = st->records();
    lock.unlock();
    losers.clear();

    lock.lock();
    st->settle_if_quiet();
    lock.unlock();
    if (!chosen)
        throw connection_error(headline(records, o, deadline), records);
    return connection_result<Conn>{std::move(*chosen), chosen_host, port, std::move(records), settled};
}

template <class Connector>
using connector_outcome =
    std::decay_t<std::invoke_result_t<Connector&, const std::string&, std::uint16_t, clock::time_point>>;

} // namespace impl

/// Connects to the first host that gives a usable connection, in the configured order, within one
/// deadline for the whole connect, and reports what happened at every host.
///
/// `connector(host, port, deadline)` returns an `attempt<Conn, Err>` and must give up by the
/// deadline. `probe(Conn&)` says whether a connection is to a standby (for example by running
/// `select pg_is_in_recovery()`); read-write work treats a standby as a failed attempt, closes
/// it and goes on. `describe(Err)` turns an error into text (see describe_error).
/// In staggered mode the connector, probe and describe are copied (or moved) to the attempts'
/// threads, are called concurrently, and may be called after this function returned: attempts
/// still running at the end finish on their own and their connections are closed there
/// (`connection_result::settled` tells when). What they refer to must outlive the deadline.
/// Throws connection_error when no host gives a usable connection.
template <class Connector, class Probe = no_probe, class Describe = describe_error>
[[nodiscard]] auto failover_connect(const std::vector<std::string>& hosts, std::uint16_t port, Connector&& connector,
                                    const failover_options& options = {}, Probe&& probe = Probe{},
                                    Describe&& describe = Describe{})
{
    using outcome = impl::connector_outcome<Connector>;
    static_assert(impl::is_attempt<outcome>::value, "the connector must return pgstore::attempt<Conn, Err>");
    using conn = typename outcome::connection_type;

    const auto deadline = impl::clock::now() + options.timeout;
    const auto list = impl::candidates(hosts, options);
    if (options.mode == failover_mode::staggered && list.size() > 1) {
        constexpr bool can_copy = std::is_constructible_v<std::decay_t<Connector>, Connector&&> &&
                                  std::is_constructible_v<std::decay_t<Probe>, Probe&&> &&
                                  std::is_constructible_v<std::decay_t<Describe>, Describe&&>;
        if constexpr (can_copy) {
            return impl::connect_staggered<conn>(list, port, std::forward<Connector>(connector),
                                                 std::forward<Probe>(probe), std::forward<Describe>(describe),
                                                 options, deadline);
        } else {
            throw std::invalid_argument("staggered mode needs a connector, probe and describe it can copy or move");
        }
    }
    return impl::connect_sequential<conn>(list, port, connector, probe, describe, options, deadline);
}

} // namespace pgstore
