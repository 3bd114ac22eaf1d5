// pgstore: checks the store.postgres.* settings of Java services before they start.

#include "commands.hpp"

#include <pgstore/display.hpp>
#include <pgstore/version.hpp>

#include <cstring>
#include <iostream>
#include <string_view>

namespace {

struct command {
    std::string_view name;
    int (*run)(const pgstore::cli::arguments&);
    std::string_view summary;
};

constexpr command commands[] = {
    {"check", pgstore::cli::run_check, "validate .properties files and report every problem"},
    {"convert-key", pgstore::cli::run_convert_key, "write a private key as unencrypted PKCS#8 DER (mode 0600)"},
    {"conninfo", pgstore::cli::run_conninfo, "print the libpq, URI or PgJDBC connection string"},
    {"sql", pgstore::cli::run_sql, "print the SQL that provisions a service's database and users"},
    {"plan", pgstore::cli::run_plan, "check that the nodes' pools fit the database's connections"},
    {"settings", pgstore::cli::run_settings, "list every store setting with its syntax, default and meaning"},
#if PGSTORE_TOOL_LIBPQ
    {"test-connection", pgstore::cli::run_test_connection, "connect to the database and report on every host"},
    {"audit", pgstore::cli::run_audit, "compare the database's privileges with the layout"},
#endif
};

void print_usage(std::ostream& out)
{
    out << "usage: pgstore COMMAND [OPTIONS] [ARGS]\n\ncommands:\n";
    for (const auto& c : commands)
        out << "  " << c.name << std::string(16 - c.name.size(), ' ') << c.summary << '\n';
    out << "\n'pgstore COMMAND --help' describes a command's options.\n";
}

} // namespace

int main(int argc, char** argv)
{
    if (argc < 2) {
        print_usage(std::cerr);
        return pgstore::cli::usage;
    }
    const std::string_view name = argv[1];
    if (name == "--help" || name == "-h" || name == "help") {
        print_usage(std::cout);
        return pgstore::cli::clean;
    }
    if (name == "--version" || name == "-V") {
        std::cout << "pgstore " << pgstore::version << '\n';
        return pgstore::cli::clean;
    }
    for (const auto& c : commands) {
        if (c.name == name)
            return c.run(pgstore::cli::arguments(argv + 2, argv + argc));
    }
    std::cerr << "pgstore: unknown command '" << pgstore::escape_controls(name) << "'\n";
    print_usage(std::cerr);
    return pgstore::cli::usage;
}
