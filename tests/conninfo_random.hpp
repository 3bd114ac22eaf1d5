#pragma once

// Seeded random store configurations whose free-text values hold what connection strings find
// hard: spaces, quotes, backslashes, '=', '%', '&', non-ASCII and empty values. Shared by the
// PgJDBC oracle test and the libpq round-trip test, so both see the same cases.

#include <pgstore/settings.hpp>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace pgstore::testing {

/// One random case: a config and the options to render it with.
struct random_case {
    store_config config;
    bool readonly = false;
    bool with_password = false;
};

/// A deterministic generator of random_case values.
class case_generator {
public:
    explicit case_generator(std::uint32_t seed) : rng_(seed) {}

    /// A free-text value; empty now and then unless `non_empty`.
    std::string text(bool non_empty = false)
    {
        static const std::vector<std::string> pieces = {
            "a", "Z", "0", "_", "-", ".", " ", "  ", "'", "\"", "\\", "\\'", "=", "%", "%20", "&", "?", "/",
            "@", ":", ",", "+", "#", ";", "$", "\t", "~", "[", "]", "\xc3\xa9", "\xc3\x9f",
            "\xe2\x82\xac", "\xf0\x9f\x98\x80", "db", "ekm", "user name", "C:\\keys\\x.pk8"};
        const std::size_t length = pick(non_empty ? 1 : 0, 8);
        std::string out;
        for (std::size_t i = 0; i < length; ++i)
            out += pieces[pick(0, pieces.size() - 1)];
        return out;
    }

    /// A config with 1 to 3 valid hosts and random names, paths and secrets.
    random_case next()
    {
        static const std::vector<std::string> hosts = {"db1",        "db-2.example.com", "10.0.0.5", "::1",
                                                       "2001:db8::5", "fe80::1%eth0",     "db_primary",
                                                       "127.0.0.2",  "Pg-A.internal."};
        random_case c;
        store_config& cfg = c.config;
        cfg.hosts.clear();
        const std::size_t count = pick(1, 3);
        while (cfg.hosts.size() < count) {
            const std::string& h = hosts[pick(0, hosts.size() - 1)];
            bool seen = false;
            for (const auto& earlier : cfg.hosts)
                seen = seen || earlier == h;
            if (!seen)
                cfg.hosts.push_back(h);
        }
        if (pick(0, 1) == 1)
            cfg.readonly_host = hosts[pick(0, hosts.size() - 1)];
        cfg.port = static_cast<std::uint16_t>(pick(1, 65535));
        cfg.database = text(true);
        cfg.schema = text();
        cfg.username = text(true);
        cfg.connection_timeout_seconds = static_cast<std::uint32_t>(pick(0, 3) == 0 ? 0 : pick(1, 600));
        if (pick(0, 1) == 1) {
            cfg.auth = auth_method::cert;
            cfg.cert_file = text();
            cfg.key_file = text();
            cfg.ca_file = text();
        } else {
            cfg.auth = auth_method::password;
            cfg.password = secret(text());
        }
        c.readonly = pick(0, 2) == 0;
        c.with_password = pick(0, 1) == 1;
        return c;
    }

private:
    // Plain modulo rather than uniform_int_distribution, whose sequence differs between
    // standard libraries; the slight bias does not matter here.
    std::size_t pick(std::size_t lo, std::size_t hi) { return lo + rng_() % (hi - lo + 1); }

    std::mt19937 rng_;
};

} // namespace pgstore::testing
