#pragma once

// What a service would write by hand with Boost.Program_options to read the same settings:
// the baseline pgstore's compile cost and speed are measured against. It checks types and
// required keys only; it has none of pgstore's rules, locations or hints.

#include <boost/program_options.hpp>

#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

namespace handwritten {

struct settings {
    std::string type, vendor, hosts, readonly_host, database, schema, username, method, password;
    std::string cert, key, ca;
    int port = 0;
    int connections = 10, timeout = 5, idle = 600, lifetime = 1740;
    bool update_schema = true;
};

/// Parses `text` as a config file; returns the error messages (empty when fine).
inline std::vector<std::string> load(const std::string& text, settings& s)
{
    namespace po = boost::program_options;
    po::options_description d;
    d.add_options()
        ("store.type", po::value(&s.type)->required())
        ("store.database.vendor", po::value(&s.vendor)->required())
        ("store.postgres.host", po::value(&s.hosts)->required())
        ("store.postgres.host.readonly", po::value(&s.readonly_host))
        ("store.postgres.port", po::value(&s.port)->required())
        ("store.postgres.database", po::value(&s.database)->required())
        ("store.postgres.schema", po::value(&s.schema)->required())
        ("store.postgres.connections", po::value(&s.connections)->default_value(10))
        ("store.postgres.connection.timeout.seconds", po::value(&s.timeout)->default_value(5))
        ("store.postgres.connection.idletimeout.seconds", po::value(&s.idle)->default_value(600))
        ("store.postgres.connection.maxlifetime.seconds", po::value(&s.lifetime)->default_value(1740))
        ("store.postgres.update.schema", po::value(&s.update_schema)->default_value(true))
        ("store.postgres.username", po::value(&s.username)->required())
        ("store.postgres.auth.method", po::value(&s.method)->required())
        ("store.postgres.auth.password", po::value(&s.password))
        ("store.postgres.auth.cert", po::value(&s.cert))
        ("store.postgres.auth.key", po::value(&s.key))
        ("store.postgres.auth.ca", po::value(&s.ca));
    std::vector<std::string> errors;
    try {
        std::istringstream in(text);
        po::variables_map vm;
        po::store(po::parse_config_file(in, d, true), vm);
        po::notify(vm);
        if (s.port < 1 || s.port > 65535)
            errors.emplace_back("store.postgres.port out of range");
        if (s.connections < 1)
            errors.emplace_back("store.postgres.connections out of range");
        if (s.method != "password" && s.method != "cert")
            errors.emplace_back("store.postgres.auth.method must be password or cert");
    } catch (const std::exception& e) {
        errors.emplace_back(e.what());
    }
    return errors;
}

} // namespace handwritten
