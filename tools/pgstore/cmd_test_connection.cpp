// pgstore test-connection FILE: connects through the failover policy with libpq, runs one query
// in the configured schema and reports on every host, the server and the TLS session.

#include "command_line.hpp"
#include "commands.hpp"
#include "load_config.hpp"

#include <pgstore/libpq.hpp>

#include <boost/program_options.hpp>

#include <chrono>
#include <cmath>
#include <iomanip>
#include <iostream>
#include <memory>
#include <sstream>
#include <thread>

namespace pgstore::cli {
namespace po = boost::program_options;

namespace {

// The word of a host line: connected, standby, refused, timed out, auth failed...
std::string outcome_word(const attempt_record& r)
{
    if (auto kind = libpq_failure_of(r))
        return std::string(to_string(*kind));
    return std::string(to_string(r.outcome));
}

// What follows the word: the reason, without the kind that the word already says.
std::string outcome_detail(const attempt_record& r)
{
    std::string detail = r.message;
    if (libpq_failure_of(r)) {
        const auto colon = detail.find(": ");
        detail = colon == std::string::npos ? detail : detail.substr(colon + 2);
    }
    if (r.readonly_host)
        detail = "read-only host" + std::string(detail.empty() ? "" : "; ") + detail;
    return detail;
}

void print_hosts(std::ostream& out, const std::vector<attempt_record>& records)
{
    std::size_t width = 0;
    for (const auto& r : records)
        width = std::max(width, endpoint(r.host, r.port).size());
    out << "hosts:\n";
    for (const auto& r : records) {
        std::ostringstream line;
        line << "  " << std::left << std::setw(static_cast<int>(width)) << endpoint(r.host, r.port) << "  "
             << std::setw(11) << outcome_word(r) << std::right << std::setw(5);
        if (r.outcome == attempt_outcome::skipped)
            line << "-" << "   ";
        else
            line << whole_ms(r.elapsed) << " ms";
        const std::string detail = outcome_detail(r);
        if (!detail.empty())
            line << "  " << detail;
        out << line.str() << '\n';
    }
}

// Staggered attempts may still run when the connect returns; their final lines come with
// `settled`, which the connector's deadline bounds.
std::vector<attempt_record> final_report(const std::vector<attempt_record>& now,
                                         const std::shared_future<std::vector<attempt_record>>& settled,
                                         std::chrono::steady_clock::time_point deadline)
{
    if (settled.valid() && settled.wait_until(deadline + std::chrono::seconds(2)) == std::future_status::ready)
        return settled.get();
    return now;
}

// Connects, prints the host lines, runs the check query; the exit status.
int connect_and_check(const store_config& config, const libpq_connector& connector, const failover_options& options,
                      std::chrono::steady_clock::time_point start)
{
    const auto deadline = start + options.timeout;
    try {
        auto result = failover_connect(config.hosts, config.port, connector, options, libpq_standby_probe{});
        const auto connected_ms = whole_ms(std::chrono::steady_clock::now() - start);
        connector.cancel();  // staggered losers still connecting let go now
        print_hosts(std::cout, final_report(result.attempts, result.settled, deadline));

        libpq_check check;
        try {
            check = check_connection(result.connection,
                                     std::chrono::steady_clock::now() + options.timeout);
        } catch (const libpq_query_error& e) {
            std::cout << "error: the check query failed on " << endpoint(result.host, result.port) << ": "
                      << e.what() << '\n';
            return findings;
        }
        std::cout << "connected to " << endpoint(result.host, result.port) << " ("
                  << (check.standby ? "standby" : "primary") << ") in " << connected_ms << " ms\n";
        std::cout << "server: PostgreSQL " << check.server_version << '\n';
        if (check.tls_version)
            std::cout << "tls: " << *check.tls_version << ", " << check.tls_cipher.value_or("unknown cipher") << '\n';
        else
            std::cout << "tls: not in use\n";
        if (check.current_schema != config.schema) {
            std::cout << "query: round trip " << whole_ms(check.round_trip) << " ms\n";
            std::cout << "error: schema `" << config.schema << "` is not usable: it does not exist or "
                      << config.username << " lacks USAGE on it (current_schema() is "
                      << check.current_schema.value_or("null") << ")\n";
            return findings;
        }
        std::cout << "query: round trip " << whole_ms(check.round_trip) << " ms in schema " << *check.current_schema
                  << " (" << check.tables << (check.tables == 1 ? " table" : " tables") << ")\n";
        return clean;
    } catch (const connection_error& e) {
        connector.cancel();
        print_hosts(std::cout, e.attempts());
        std::cout << "error: " << e.headline() << '\n';
        return findings;
    }
}

} // namespace

int run_test_connection(const arguments& args)
{
    std::string file;
    bool readonly = false;
    bool stagger = false;
    double timeout_seconds = 0;
    po::options_description visible(
        "pgstore test-connection [OPTIONS] FILE\n\n"
        "Connects with libpq through pgstore's failover policy (each host once, in order, one\n"
        "deadline for all), runs one query in the configured schema and reports on every host.\n"
        "Exit status: 0 connected and queried, 1 no usable host or the file has errors, 2 usage\n"
        "error or unreadable file.\n\noptions");
    visible.add_options()
        ("help,h", "print this help")
        ("readonly", po::bool_switch(&readonly),
         "read-only work: store.postgres.host.readonly first, then the hosts; a standby will do")
        ("stagger", po::bool_switch(&stagger),
         "start the next host when one has not answered within 250 ms")
        ("timeout", po::value(&timeout_seconds)->value_name("S"),
         "deadline for the whole connect in seconds (default: store.postgres.connection.timeout.seconds)");
    po::options_description all = visible;
    all.add_options()("file", po::value(&file));
    po::positional_options_description positional;
    positional.add("file", 1);

    po::variables_map vm;
    if (const auto stop = parse_arguments("test-connection", args, visible, all, positional, vm))
        return *stop;
    if (file.empty()) {
        return usage_error("test-connection", "no file given");
    }
    if (vm.count("timeout") != 0 && !(timeout_seconds > 0 && timeout_seconds <= 3600)) {
        return usage_error("test-connection", "--timeout takes seconds above 0 and up to 3600");
    }

    int status = clean;
    const auto valid = load_valid("test-connection", file, status);
    if (!valid)
        return status;
    const store_config* config = &valid->config;

    failover_options options = failover_options_for(*config, readonly ? work::read_only : work::read_write);
    if (vm.count("timeout") != 0)
        options.timeout = std::chrono::milliseconds(std::llround(timeout_seconds * 1000));
    options.mode = stagger ? failover_mode::staggered : failover_mode::sequential;
    const std::size_t candidates =
        config->hosts.size() + (readonly && config->readonly_host && options.readonly_fallback ? 1 : 0);
    libpq_connector_options connector_options;
    // Staggered attempts overlap, so each may use the whole deadline.
    if (!stagger)
        connector_options.per_host_timeout = fair_share(options.timeout, candidates);

    std::cout << "pgstore test-connection " << escape_controls(file) << ": "
              << (readonly ? "read-only" : "read-write") << " work, "
              << (stagger ? "staggered" : "sequential") << ", timeout " << options.timeout.count() << " ms";
    if (!stagger && candidates > 1)
        std::cout << " (" << connector_options.per_host_timeout.count() << " ms per host)";
    std::cout << '\n';

    std::optional<libpq_connector> connector;
    try {
        connector.emplace(*config, connector_options);
    } catch (const std::exception& e) {
        std::cout << "error: " << e.what() << '\n';
        return findings;
    }
    if (const auto& key = connector->client_key()) {
        std::cout << "client key " << key->source() << ": "
                  << (key->converted_from_der() ? "PKCS#8 DER converted to" : "PEM copied to")
                  << " a private 0600 PEM file for libpq, removed when the test ends\n";
    }

    const auto start = std::chrono::steady_clock::now();
    const auto deadline = start + options.timeout;
    const int outcome = connect_and_check(*config, *connector, options, start);

    // Staggered attempts that lost hold copies of the connector, and with them the PEM copy of
    // the key; they end by the deadline, and the copy goes with the last of them.
    const std::weak_ptr<const private_pem_key> key = connector->client_key();
    connector.reset();
    while (!key.expired() && std::chrono::steady_clock::now() < deadline + std::chrono::seconds(2))
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    return outcome;
}

} // namespace pgstore::cli
