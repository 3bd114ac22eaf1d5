#pragma once

#include "diagnostic.hpp"
#include "settings.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <limits>
#include <optional>
#include <sstream>
#include <string>
#include <thread>

namespace pgstore {

/// Connections the services recommend per CPU core of the service's machine.
inline constexpr std::uint32_t connections_per_core = 3;

/// The recommended fixed pool size for a machine with `cores` CPU cores.
[[nodiscard]] constexpr std::uint32_t recommended_pool_size(std::uint32_t cores) noexcept
{
    return connections_per_core * (cores == 0 ? 1 : cores);
}

static_assert(recommended_pool_size(4) == 12, "3 connections per core");

namespace impl {

inline std::optional<std::string> read_first_line(const std::string& path)
{
    std::ifstream in(path);
    std::string line;
    if (!in || !std::getline(in, line))
        return std::nullopt;
    return line;
}

// cgroup v2 "cpu.max": "max 100000" (no limit) or "<quota> <period>".
inline std::optional<double> parse_cpu_max(const std::string& text)
{
    std::istringstream in(text);
    std::string quota;
    double period = 0;
    if (!(in >> quota >> period) || quota == "max" || period <= 0)
        return std::nullopt;
    try {
        const double q = std::stod(quota);
        return q > 0 ? std::optional<double>(q / period) : std::nullopt;
    } catch (...) {
        return std::nullopt;
    }
}

// cgroup v1: cpu.cfs_quota_us is -1 when unlimited.
inline std::optional<double> parse_cfs(const std::string& quota, const std::string& period)
{
    try {
        const double q = std::stod(quota);
        const double p = std::stod(period);
        return (q > 0 && p > 0) ? std::optional<double>(q / p) : std::nullopt;
    } catch (...) {
        return std::nullopt;
    }
}

} // namespace impl

/// The CPU limit that cgroups put on this process, in cores (1.5 for "150000 100000"), or
/// nullopt when there is none. `root` is the cgroup mount, `self_cgroup` the process's
/// /proc/self/cgroup; both are parameters so tests can point them at a made-up tree.
[[nodiscard]] inline std::optional<double> cgroup_cpu_limit(const std::string& root = "/sys/fs/cgroup",
                                                            const std::string& self_cgroup = "/proc/self/cgroup")
{
    std::ifstream in(self_cgroup);
    std::optional<double> limit;
    auto tighten = [&limit](std::optional<double> l) {
        if (l)
            limit = limit ? std::min(*limit, *l) : *l;
    };
    std::string line;
    while (std::getline(in, line)) {
        // "hierarchy-id:controllers:path"
        const auto first = line.find(':');
        const auto second = line.find(':', first + 1);
        if (first == std::string::npos || second == std::string::npos)
            continue;
        const std::string controllers = line.substr(first + 1, second - first - 1);
        std::string path = line.substr(second + 1);
        if (controllers.empty()) {
            // v2: every level up to the root may carry its own limit.
            while (true) {
                if (auto text = impl::read_first_line(root + path + "/cpu.max"))
                    tighten(impl::parse_cpu_max(*text));
                if (path.empty() || path == "/")
                    break;
                path = path.substr(0, path.rfind('/'));
            }
        } else if (("," + controllers + ",").find(",cpu,") != std::string::npos) {
            for (const char* mount : {"/cpu", "/cpu,cpuacct", "/cpuacct,cpu"}) {
                const std::string dir = root + mount + (path == "/" ? "" : path);
                auto quota = impl::read_first_line(dir + "/cpu.cfs_quota_us");
                auto period = impl::read_first_line(dir + "/cpu.cfs_period_us");
                if (quota && period) {
                    tighten(impl::parse_cfs(*quota, *period));
                    break;
                }
            }
        }
    }
    return limit;
}

/// The CPU cores this process may use: the hardware threads, capped by a cgroup quota
/// (rounded up, as a 1.5-core quota still runs on two cores), and never less than one.
[[nodiscard]] inline std::uint32_t effective_cpu_count()
{
    std::uint32_t cores = std::max(1u, std::thread::hardware_concurrency());
    if (auto limit = cgroup_cpu_limit())
        cores = std::min(cores, std::max(1u, static_cast<std::uint32_t>(std::ceil(*limit))));
    return cores;
}

/// The services and the PostgreSQL server they share, for a capacity check.
struct cluster_shape {
    std::uint32_t nodes = 1;                ///< service nodes, each with its own pools
    std::uint32_t cores = 1;                ///< CPU cores of one service node
    std::optional<std::uint32_t> pool;      ///< store.postgres.connections; nullopt: 3 per core
    std::uint32_t readonly_pool = 0;        ///< a node's read-only pool, 0 without host.readonly
    std::uint32_t max_connections = 100;    ///< the server's max_connections
    std::uint32_t superuser_reserved = 3;   ///< superuser_reserved_connections
    std::uint32_t reserved = 0;             ///< reserved_connections (PostgreSQL 16 and later)
    std::optional<std::uint32_t> db_cores;  ///< CPU cores of the whole database cluster, if known
    location where{"cluster", 0, 0};        ///< where findings point, e.g. the pool size's line
    /// CockroachDB is sized by its cores, not by max_connections: the slot fields are unused.
    database_vendor vendor = database_vendor::postgres;
};

/// CockroachDB's guidance: about 4 connections per database core, counted across the whole
/// cluster and summed over every service's pools.
inline constexpr std::uint32_t cockroach_connections_per_core = 4;

/// The numbers of a capacity check and what is wrong with them.
struct cluster_plan {
    std::uint32_t nodes = 0;            ///< service nodes
    std::uint32_t pool = 0;             ///< a node's pool
    std::uint32_t readonly_pool = 0;    ///< a node's read-only pool
    std::uint64_t per_node = 0;         ///< pool + read-only pool
    std::uint64_t total = 0;            ///< every node's connections
    std::uint64_t available = 0;        ///< server slots open to ordinary roles
    std::int64_t headroom = 0;          ///< available - total; negative when over capacity
    double usage = 0;                   ///< total / available (infinity with no slot available)
    std::uint64_t service_cores = 0;    ///< nodes × cores
    std::optional<std::uint32_t> db_cores;
    database_vendor vendor = database_vendor::postgres;
    /// CockroachDB: 4 connections per database core, when the cores are known.
    std::optional<std::uint64_t> cockroach_budget;
    diagnostics findings;               ///< cluster-over-capacity, cluster-near-capacity, ...

    /// True when the nodes may open more connections than a PostgreSQL server accepts.
    /// CockroachDB has no such hard limit; its budget is guidance (a warning).
    [[nodiscard]] bool over_capacity() const noexcept
    {
        return vendor == database_vendor::postgres && total > available;
    }
};

/// Usage above this share of the server's slots leaves too little for anything else.
inline constexpr double near_capacity_share = 0.8;

/// Checks that every node's pools fit into the server's connection slots (for CockroachDB: into
/// 4 connections per database core), and the documented rule of thumb that the database cluster
/// has about the cores and memory of the service cluster.
/// Both pools count against the one server because read-only work falls back to the primary hosts
/// when the read-only host is down.
[[nodiscard]] inline cluster_plan plan_cluster(const cluster_shape& shape)
{
    cluster_plan p;
    p.nodes = shape.nodes;
    p.pool = shape.pool ? *shape.pool : recommended_pool_size(shape.cores);
    p.readonly_pool = shape.readonly_pool;
    p.per_node = std::uint64_t{p.pool} + p.readonly_pool;
    p.total = p.per_node * p.nodes;
    const std::uint64_t held = std::uint64_t{shape.superuser_reserved} + shape.reserved;
    p.available = shape.max_connections > held ? shape.max_connections - held : 0;
    p.headroom = static_cast<std::int64_t>(p.available) - static_cast<std::int64_t>(p.total);
    p.usage = p.available == 0 ? std::numeric_limits<double>::infinity()
                               : static_cast<double>(p.total) / static_cast<double>(p.available);
    p.service_cores = std::uint64_t{p.nodes} * std::max(1u, shape.cores);
    p.db_cores = shape.db_cores;
    p.vendor = shape.vendor;
    if (p.vendor == database_vendor::cockroachdb && p.db_cores)
        p.cockroach_budget = std::uint64_t{*p.db_cores} * cockroach_connections_per_core;

    auto add = [&](std::string rule, severity level, std::string message, std::string hint) {
        p.findings.push_back({level, std::move(rule), "store.postgres.connections", shape.where,
                              std::move(message), std::move(hint), std::nullopt, {}});
    };
    const std::string n = std::to_string(p.nodes);
    const std::string slots = std::to_string(p.available) + " server slots (max_connections "
        + std::to_string(shape.max_connections) + " - " + std::to_string(shape.superuser_reserved)
        + " superuser_reserved_connections - " + std::to_string(shape.reserved) + " reserved_connections)";
    const std::string demand = n + " nodes x " + std::to_string(p.per_node) + " connections = "
        + std::to_string(p.total);

    const std::uint32_t recommended = recommended_pool_size(shape.cores);
    if (p.pool > recommended) {
        add("pool-size", severity::warning,
            std::to_string(p.pool) + " connections is more than 3 per CPU core (" + std::to_string(recommended)
                + " for " + std::to_string(std::max(1u, shape.cores)) + (shape.cores <= 1 ? " core)" : " cores)"),
            "set store.postgres.connections to " + std::to_string(recommended));
    }

    if (p.vendor == database_vendor::cockroachdb) {
        const std::string whole = " across the whole cluster, shared with every other service that uses it";
        if (!p.cockroach_budget) {
            add("cockroach-sizing", severity::note,
                "CockroachDB recommends about 4 connections per database core" + whole + "; the nodes open "
                    + std::to_string(p.total),
                "pass --db-cores to check the pools against it");
        } else if (p.total > *p.cockroach_budget) {
            const std::uint64_t fits = p.nodes == 0 ? 0 : *p.cockroach_budget / p.nodes;
            std::string hint = fits > p.readonly_pool
                ? "lower store.postgres.connections to " + std::to_string(fits - p.readonly_pool) + " or less, or "
                : std::string();
            hint += "give CockroachDB " + std::to_string((p.total + cockroach_connections_per_core - 1)
                                                         / cockroach_connections_per_core)
                + " cores or more";
            add("cockroach-pool-size", severity::warning,
                "expected at most " + std::to_string(*p.cockroach_budget) + " connections (4 x "
                    + std::to_string(*p.db_cores) + " database cores)" + whole + ", saw " + demand,
                std::move(hint));
        }
    } else if (p.over_capacity()) {
        // The largest pool that fits next to the read-only pool, if any does.
        const std::uint64_t fits = p.nodes == 0 ? 0 : p.available / p.nodes;
        std::string hint = fits > p.readonly_pool
            ? "lower store.postgres.connections to " + std::to_string(fits - p.readonly_pool) + " or less, or "
            : std::string();
        hint += "raise max_connections on the server to "
            + std::to_string(p.total + held) + " or more (it needs a restart), or run fewer nodes";
        add("cluster-over-capacity", severity::error,
            "expected at most " + slots + ", saw " + demand, std::move(hint));
    } else if (p.usage > near_capacity_share) {
        add("cluster-near-capacity", severity::warning,
            demand + " take " + std::to_string(static_cast<int>(std::lround(p.usage * 100))) + "% of the " + slots,
            "keep about 20% free for administration, monitoring and migrations: raise max_connections "
            "or lower store.postgres.connections");
    }

    const std::string product = p.vendor == database_vendor::cockroachdb ? "CockroachDB" : "PostgreSQL";
    const std::string cores = std::to_string(p.service_cores) + " cores (" + n + " nodes x "
        + std::to_string(std::max(1u, shape.cores)) + ")";
    if (!p.db_cores) {
        add("cluster-sizing", severity::note,
            "the database cluster should have about the same total cores and memory as the service "
            "cluster, which has " + cores,
            "give the " + product + " cluster about " + std::to_string(p.service_cores)
                + " cores and the service cluster's memory");
    } else if (std::uint64_t{*p.db_cores} * 2 < p.service_cores || *p.db_cores > p.service_cores * 2) {
        add("cluster-cores-mismatch", severity::warning,
            "expected about " + std::to_string(p.service_cores) + " database cores, as many as the service "
            "cluster's " + cores + ", saw " + std::to_string(*p.db_cores),
            "give the " + product + " cluster about as many cores and as much memory as the service cluster");
    }
    return p;
}

} // namespace pgstore
