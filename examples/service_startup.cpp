// A service's start-up with pgstore: its own options and the store settings from the command
// line, STORE_* environment variables and a .properties file. It refuses to start with every
// diagnostic on a bad configuration and prints the effective settings, redacted, on a good one.
//
//   service_startup [--config FILE] [--store.postgres.connections=N ...]

#include <pgstore/program_options.hpp>

#include <iostream>
#include <string>

int main(int argc, char** argv)
{
    namespace po = boost::program_options;

    std::string properties = "service.properties";
    po::options_description own("service options");
    own.add_options()
        ("help", "print the options and exit")
        ("config", po::value(&properties)->value_name("FILE"),
         "the store settings file (default service.properties)");
    po::options_description all("usage: service_startup [OPTIONS]");
    all.add(own).add(pgstore::store_options());

    // Unknown options pass here so that pgstore can suggest the right name for a misspelt
    // --store.* option; the service refuses the rest of them below.
    po::variables_map vm;
    po::parsed_options parsed(&all);
    try {
        parsed = po::command_line_parser(argc, argv).options(all).allow_unregistered().run();
        po::store(parsed, vm);
        po::notify(vm);
    } catch (const po::error& e) {
        std::cerr << "service_startup: " << e.what() << '\n';
        return 2;
    }
    if (vm.count("help") != 0) {
        std::cout << all;
        return 0;
    }

    pgstore::config_sources sources;
    sources.files = {{properties}};
    pgstore::validation_result settings;
    try {
        settings = pgstore::require_store_config(argc, argv, sources);
    } catch (const pgstore::config_error& e) {
        std::cerr << e.what() << "service_startup: not starting\n";
        return 1;
    }
    for (const auto& unknown : po::collect_unrecognized(parsed.options, po::exclude_positional)) {
        std::cerr << "service_startup: unknown option " << unknown << '\n';
        return 2;
    }

    for (const auto& warning : settings.findings)
        std::cerr << warning.to_string();
    std::cout << "starting with these store settings:\n"
              << pgstore::format_effective(pgstore::effective_settings(settings), "  ");
    // A real service would hand settings.config to its connection pool here.
    return 0;
}
