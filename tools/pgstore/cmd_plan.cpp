// pgstore plan: do the service nodes' pools fit into the database: PostgreSQL's connection slots,
// or CockroachDB's budget of connections per core?

#include "command_line.hpp"
#include "commands.hpp"
#include "load_config.hpp"
#include "report.hpp"

#include <pgstore/pgstore.hpp>

#include <boost/program_options.hpp>

#include <cstdint>
#include <iomanip>
#include <iostream>
#include <limits>
#include <optional>
#include <sstream>
#include <string>

namespace pgstore::cli {
namespace po = boost::program_options;

namespace {

// Signed, so that "-1" is refused instead of wrapping as lexical_cast does for unsigned types.
struct plan_options {
    std::int64_t nodes = 0;
    std::int64_t cores = 0;
    std::int64_t max_connections = 100;
    std::int64_t superuser_reserved = 3;
    std::int64_t reserved = 0;
    std::int64_t readonly_pool = 0;
    std::int64_t pool = 0;
    std::int64_t db_cores = 0;
    std::string vendor;
    std::vector<std::string> files;
};

po::options_description describe(plan_options& o)
{
    po::options_description d(
        "pgstore plan --nodes N --cores C [OPTIONS] [FILE]\n\n"
        "Checks that N service nodes' connection pools fit into the PostgreSQL server's\n"
        "max_connections (CockroachDB: into 4 connections per database core), and compares the\n"
        "database cluster's cores with the service cluster's. With FILE, the pool size, whether\n"
        "there is a read-only host and the database product come from that file.\n"
        "Exit status: 0 fits, 1 over capacity (or FILE has errors), 2 usage error or unreadable file."
        "\n\noptions");
    d.add_options()
        ("help,h", "print this help")
        ("nodes", po::value(&o.nodes)->value_name("N"), "service nodes (required)")
        ("cores", po::value(&o.cores)->value_name("C"), "CPU cores of one service node (required)")
        ("max-connections", po::value(&o.max_connections)->value_name("M"),
         "the server's max_connections (default 100)")
        ("reserved", po::value(&o.superuser_reserved)->value_name("R"),
         "the server's superuser_reserved_connections (default 3)")
        ("role-reserved", po::value(&o.reserved)->value_name("R"),
         "the server's reserved_connections, PostgreSQL 16 and later (default 0)")
        ("pool", po::value(&o.pool)->value_name("P"),
         "a node's pool size (default: FILE's store.postgres.connections, else 3 per core)")
        ("readonly-pool", po::value(&o.readonly_pool)->value_name("P"),
         "a node's read-only pool (default: the pool size when FILE sets host.readonly, else 0)")
        ("db-cores", po::value(&o.db_cores)->value_name("D"), "CPU cores of the whole database cluster")
        ("vendor", po::value(&o.vendor)->value_name("postgres|cockroachdb"),
         "the database product (default: FILE's store.database.vendor, else postgres)");
    return d;
}

/// The value of --name within [low, high], or nullopt after saying why not.
std::optional<std::uint32_t> in_range(const char* name, std::int64_t v, std::int64_t low, std::int64_t high)
{
    if (v < low || v > high) {
        std::cerr << "pgstore plan: expected --" << name << " between " << low << " and " << high << ", saw " << v
                  << '\n';
        return std::nullopt;
    }
    return static_cast<std::uint32_t>(v);
}

std::string percent(double share)
{
    std::ostringstream out;
    out << std::fixed << std::setprecision(0) << share * 100 << '%';
    return out.str();
}

void print_plan(std::ostream& out, const cluster_plan& p, const cluster_shape& s, const std::string& pool_from,
                const std::string& readonly_from)
{
    auto row = [&out](const std::string& label, const std::string& value, const std::string& note) {
        out << "  " << std::left << std::setw(26) << label << std::right << std::setw(7) << value;
        if (!note.empty())
            out << "  " << note;
        out << '\n';
    };
    const std::string nodes = std::to_string(p.nodes);
    row("pool per node", std::to_string(p.pool), pool_from);
    row("read-only pool per node", std::to_string(p.readonly_pool), readonly_from);
    row("total connections", std::to_string(p.total), nodes + " nodes x " + std::to_string(p.per_node));
    if (p.vendor == database_vendor::cockroachdb) {
        row("CockroachDB budget", p.cockroach_budget ? std::to_string(*p.cockroach_budget) : std::string("?"),
            p.cockroach_budget ? "4 x " + std::to_string(*p.db_cores) + " database cores, for every service"
                               : std::string("pass --db-cores: 4 connections per database core"));
    } else {
        row("server slots available", std::to_string(p.available),
            "max_connections " + std::to_string(s.max_connections) + " - " + std::to_string(s.superuser_reserved)
                + " superuser reserved - " + std::to_string(s.reserved) + " reserved");
        row("headroom", std::to_string(p.headroom),
            p.available == 0 ? std::string("no slot available") : percent(p.usage) + " of the slots used");
    }
    row("service cores", std::to_string(p.service_cores), nodes + " nodes x " + std::to_string(s.cores));
    row("database cores", p.db_cores ? std::to_string(*p.db_cores) : std::string("?"),
        p.db_cores ? std::string() : std::string("pass --db-cores to compare"));
}

} // namespace

int run_plan(const arguments& args)
{
    plan_options o;
    po::options_description visible = describe(o);
    po::options_description all = visible;
    all.add_options()("file", po::value(&o.files));
    po::positional_options_description positional;
    positional.add("file", -1);

    po::variables_map vm;
    if (const auto stop = parse_arguments("plan", args, visible, all, positional, vm))
        return *stop;
    for (const char* required : {"nodes", "cores"}) {
        if (vm.count(required) == 0)
            return usage_error("plan", "--" + std::string(required) + " is required");
    }
    if (o.files.size() > 1) {
        return usage_error("plan", "expected at most one FILE, saw " + std::to_string(o.files.size()));
    }
    if (!o.files.empty() && vm.count("pool") != 0) {
        return usage_error("plan", "give --pool or FILE, not both");
    }
    if (!o.vendor.empty()) {
        if (const auto stop = expect_one_of("plan", "--vendor", o.vendor, {"postgres", "cockroachdb"}))
            return *stop;
    }

    constexpr std::int64_t most = std::numeric_limits<std::int32_t>::max();
    const auto nodes = in_range("nodes", o.nodes, 1, 100000);
    const auto cores = in_range("cores", o.cores, 1, 100000);
    // PostgreSQL refuses max_connections above 262143 (MAX_BACKENDS).
    const auto max_connections = in_range("max-connections", o.max_connections, 1, 262143);
    const auto superuser_reserved = in_range("reserved", o.superuser_reserved, 0, 262143);
    const auto reserved = in_range("role-reserved", o.reserved, 0, 262143);
    const auto readonly_pool = in_range("readonly-pool", o.readonly_pool, 0, most);
    const auto pool = vm.count("pool") != 0 ? in_range("pool", o.pool, 1, most) : std::optional<std::uint32_t>(1);
    const auto db_cores = vm.count("db-cores") != 0 ? in_range("db-cores", o.db_cores, 1, most)
                                                    : std::optional<std::uint32_t>(1);
    if (!nodes || !cores || !max_connections || !superuser_reserved || !reserved || !readonly_pool || !pool
        || !db_cores)
        return usage;

    if (std::uint64_t{*superuser_reserved} + *reserved >= *max_connections) {
        return usage_error("plan", "expected --reserved + --role-reserved below --max-connections, saw "
                                       + std::to_string(*superuser_reserved) + " + " + std::to_string(*reserved)
                                       + " >= " + std::to_string(*max_connections)
                                       + " (PostgreSQL does not start with such settings)");
    }

    cluster_shape shape;
    shape.nodes = *nodes;
    shape.cores = *cores;
    shape.max_connections = *max_connections;
    shape.superuser_reserved = *superuser_reserved;
    shape.reserved = *reserved;
    shape.readonly_pool = *readonly_pool;
    shape.where = location{"plan", 0, 0};
    if (vm.count("db-cores") != 0)
        shape.db_cores = *db_cores;
    std::string pool_from = "3 per core";
    std::string readonly_from = vm.count("readonly-pool") != 0 ? "--readonly-pool" : "no host.readonly";
    if (vm.count("pool") != 0) {
        shape.pool = *pool;
        pool_from = "--pool";
    }

    if (!o.files.empty()) {
        const std::string& path = o.files.front();
        validation_options vo;
        vo.cores = shape.cores;
        int status = clean;
        const auto valid = load_valid("plan", path, status, vo);
        if (!valid)
            return status;
        const validation_result& result = *valid;
        shape.pool = result.config.connections;
        shape.vendor = result.config.vendor;
        const auto& origin = result.origin(settings::connections);
        shape.where = origin ? *origin : location{path, 0, 0};
        pool_from = origin ? "store.postgres.connections, " + origin->to_string()
                           : "store.postgres.connections default, " + path;
        if (result.config.readonly_host && vm.count("readonly-pool") == 0) {
            // An assumption, not documented: the read-only host gets a pool of the same size.
            shape.readonly_pool = result.config.connections;
            readonly_from = "host.readonly is set: assumed as large as the pool";
        }
    }

    if (o.vendor == "cockroachdb")
        shape.vendor = database_vendor::cockroachdb;
    else if (o.vendor == "postgres")
        shape.vendor = database_vendor::postgres;
    if (shape.vendor == database_vendor::cockroachdb) {
        for (const char* slots : {"max-connections", "reserved", "role-reserved"}) {
            if (vm.count(slots) != 0)
                return usage_error("plan", "--" + std::string(slots) + " describes a PostgreSQL server; CockroachDB "
                                   "is sized by its cores (pass --db-cores)");
        }
    }

    const cluster_plan plan = plan_cluster(shape);
    print_plan(std::cout, plan, shape, pool_from, readonly_from);
    if (!plan.findings.empty())
        std::cout << '\n';
    for (const auto& d : plan.findings)
        std::cout << d.to_string();
    return plan.over_capacity() ? findings : clean;
}

} // namespace pgstore::cli
