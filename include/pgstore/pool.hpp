#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <fstream>
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

} // namespace pgstore
