// pgstore check FILE...: validates .properties files and reports every finding.

#include "commands.hpp"
#include "report.hpp"

#include <pgstore/pgstore.hpp>

#include <boost/program_options.hpp>

#include <iostream>

namespace pgstore::cli {
namespace po = boost::program_options;

namespace {

struct check_options {
    std::vector<std::string> files;
    std::string format = "text";
    std::string deployment = "standard";
    std::uint32_t cores = 0;
    std::uint32_t infra_limit = 0;
    bool werror = false;
};

po::options_description describe(check_options& o)
{
    po::options_description d("pgstore check [OPTIONS] FILE...\n\n"
                              "Validates the store settings of Java service .properties files.\n"
                              "Exit status: 0 clean, 1 errors (or warnings with --werror), "
                              "2 usage error or unreadable file.\n\noptions");
    d.add_options()
        ("help,h", "print this help")
        ("format", po::value(&o.format)->value_name("text|json|sarif"), "output format (default text)")
        ("werror", po::bool_switch(&o.werror), "treat warnings as errors in the exit status")
        ("profile", po::value(&o.deployment)->value_name("standard|production"),
         "checks for this kind of deployment (default standard)")
        ("cores", po::value(&o.cores)->value_name("N"),
         "CPU cores of the service's machine (default: this machine's, cgroup-aware)")
        ("infra-limit", po::value(&o.infra_limit)->value_name("SECONDS"),
         "a load balancer, NAT, firewall or proxy cuts connections after SECONDS");
    return d;
}

} // namespace

int run_check(const arguments& args)
{
    check_options o;
    po::options_description visible = describe(o);
    po::options_description all = visible;
    all.add_options()("file", po::value(&o.files));
    po::positional_options_description positional;
    positional.add("file", -1);

    po::variables_map vm;
    try {
        po::store(po::command_line_parser(args).options(all).positional(positional).run(), vm);
        po::notify(vm);
    } catch (const po::error& e) {
        std::cerr << "pgstore check: " << e.what() << "\n(see 'pgstore check --help')\n";
        return usage;
    }
    if (vm.count("help") != 0) {
        std::cout << visible;
        return clean;
    }
    if (o.files.empty()) {
        std::cerr << "pgstore check: no file given\n(see 'pgstore check --help')\n";
        return usage;
    }
    if (o.format != "text" && o.format != "json" && o.format != "sarif") {
        std::cerr << "pgstore check: --format takes text, json or sarif, not '" << o.format << "'\n";
        return usage;
    }
    if (o.deployment != "standard" && o.deployment != "production") {
        std::cerr << "pgstore check: --profile takes standard or production, not '" << o.deployment << "'\n";
        return usage;
    }
    if (vm.count("infra-limit") != 0 && o.infra_limit == 0) {
        std::cerr << "pgstore check: --infra-limit takes a number of seconds above 0\n";
        return usage;
    }

    validation_options options;
    options.cores = o.cores;
    options.deployment = o.deployment == "production" ? profile::production : profile::standard;
    if (vm.count("infra-limit") != 0)
        options.infra_limit_seconds = o.infra_limit;

    std::vector<file_report> reports;
    bool unreadable = false;
    for (const auto& path : o.files) {
        std::string error;
        auto file = load_properties(path, error);
        if (!file) {
            std::cerr << path << ": error: cannot read the file: " << error << '\n';
            unreadable = true;
            continue;
        }
        reports.push_back({path, validate(*file, options).findings});
    }

    if (o.format == "json")
        write_json(std::cout, reports);
    else if (o.format == "sarif")
        write_sarif(std::cout, reports);
    else
        write_text(std::cout, reports);

    if (unreadable)
        return usage;
    const totals t = count_all(reports);
    return (t.errors > 0 || (o.werror && t.warnings > 0)) ? findings : clean;
}

} // namespace pgstore::cli
