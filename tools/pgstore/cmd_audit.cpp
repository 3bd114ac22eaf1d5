// pgstore audit FILE: logs in as the configured user and reports where the database side differs
// from the layout, with the SQL that fixes each difference.

#include "command_line.hpp"
#include "commands.hpp"
#include "load_config.hpp"

#include <pgstore/audit.hpp>
#include <pgstore/libpq.hpp>
#include <pgstore/pgstore.hpp>

#include <boost/program_options.hpp>

#include <chrono>
#include <iostream>
#include <optional>

namespace pgstore::cli {
namespace po = boost::program_options;

namespace {

// Catalog queries are small; this bounds a server that stops answering mid-audit.
constexpr std::chrono::seconds query_timeout{30};

// Runs the audit's queries on one libpq connection, every column as text.
class libpq_query {
public:
    explicit libpq_query(libpq_connection& conn) : conn_(conn) {}

    std::vector<audit_row> operator()(const std::string& sql, const std::vector<std::string>& params) const
    {
        const auto result = exec_until(conn_, sql, params, std::chrono::steady_clock::now() + query_timeout);
        std::vector<audit_row> rows;
        const int n = PQntuples(result.get());
        const int columns = PQnfields(result.get());
        for (int i = 0; i < n; ++i) {
            audit_row row;
            for (int j = 0; j < columns; ++j)
                row.emplace_back(PQgetvalue(result.get(), i, j));
            rows.push_back(std::move(row));
        }
        return rows;
    }

private:
    libpq_connection& conn_;
};

std::string where(const validation_result& v, std::string_view key, const std::string& file)
{
    const auto& origin = v.origins[settings::index_of(key)];
    return origin ? origin->to_string() : file;
}

} // namespace

int run_audit(const arguments& args)
{
    std::string file;
    std::string shape = "auto";
    std::string role;
    std::string owner;
    po::options_description visible(
        "pgstore audit [OPTIONS] FILE\n\n"
        "Logs in as the configured user (through the failover policy, with libpq) and reports\n"
        "where the database side differs from the layout: search_path, the schema, and the\n"
        "privileges on the schema, its tables, its sequences and the owner's default privileges.\n"
        "Each finding's hint holds the SQL that fixes it.\n"
        "Exit status: 0 matches, 1 differences found or the file has errors, 2 usage error,\n"
        "unreadable file, or no connection.\n\noptions");
    visible.add_options()("help,h", "print this help")(
        "layout", po::value(&shape)->value_name("auto|typical|advanced"),
        "auto (default): advanced when the user name ends in _su, _rw or _ro, else typical")(
        "role", po::value(&role)->value_name("su|rw|ro"),
        "the user's role in the advanced layout (default: from the name's suffix)")(
        "owner", po::value(&owner)->value_name("NAME"),
        "advanced layout: the user that creates the tables (default: the name with suffix _su)");
    po::options_description all = visible;
    all.add_options()("file", po::value(&file));
    po::positional_options_description positional;
    positional.add("file", 1);

    po::variables_map vm;
    if (const auto stop = parse_arguments("audit", args, visible, all, positional, vm))
        return *stop;
    const auto fail = [](const std::string& message) { return usage_error("audit", message); };
    if (file.empty())
        return fail("no file given");
    std::optional<layout> wanted_layout;
    if (shape == "typical")
        wanted_layout = layout::typical;
    else if (shape == "advanced")
        wanted_layout = layout::advanced;
    else if (shape != "auto")
        return fail("--layout takes auto, typical or advanced, not '" + shape + "'");
    std::optional<access> wanted_role;
    if (role == "su")
        wanted_role = access::owner;
    else if (role == "rw")
        wanted_role = access::read_write;
    else if (role == "ro")
        wanted_role = access::read_only;
    else if (!role.empty())
        return fail("--role takes su, rw or ro, not '" + role + "'");

    int status = clean;
    const auto loaded = load_valid("audit", file, status);
    if (!loaded)
        return status;
    const validation_result& valid = *loaded;
    const store_config& config = valid.config;

    std::string error;
    auto target =
        make_audit_target(config.database, config.schema, config.username, wanted_layout, wanted_role, owner, error);
    if (!target)
        return fail(error);
    const auto origin = [&](const auto& s) {
        const auto& o = valid.origin(s);
        return o ? *o : location{file, 0, 0};
    };
    target->database_at = origin(settings::database);
    target->schema_at = origin(settings::schema);
    target->user_at = origin(settings::username);

    std::cout << "pgstore audit " << escape_controls(file) << ": user `" << display_identifier(target->user)
              << "`, database `"
              << display_identifier(target->database) << "`, schema `" << display_identifier(target->schema) << "`, "
              << to_string(target->shape) << " layout";
    if (target->shape == layout::advanced)
        std::cout << ", " << to_string(target->role) << " (tables created by `" << display_identifier(target->owner)
                  << "`)";
    std::cout << '\n';

    std::optional<libpq_connector> connector;
    try {
        connector.emplace(config);
    } catch (const std::exception& e) {
        std::cerr << where(valid, settings::key.key, file) << ": error: " << e.what() << " [audit-connection]\n";
        return usage;
    }
    diagnostics found;
    try {
        auto connected = failover_connect(config.hosts, config.port, *connector, failover_options_for(config),
                                          libpq_standby_probe{});
        found = audit_database(*target, libpq_query(connected.connection));
    } catch (const connection_error& e) {
        std::cerr << where(valid, settings::hosts.key, file)
                  << ": error: cannot connect to audit the database: " << e.what() << " [audit-connection]\n"
                  << "  hint: run pgstore test-connection " << escape_controls(file) << " for details on each host\n";
        return usage;
    } catch (const libpq_query_error& e) {
        std::cerr << where(valid, settings::database.key, file) << ": error: an audit query failed: " << e.what()
                  << " [audit-connection]\n";
        return usage;
    }

    for (const auto& d : found)
        std::cout << d.to_string();
    if (found.empty()) {
        std::cout << "pgstore audit: the database side matches the layout\n";
        return clean;
    }
    std::cout << "pgstore audit: " << found.size() << (found.size() == 1 ? " difference" : " differences")
              << " from the layout\n";
    return findings;
}

} // namespace pgstore::cli
