// pgstore check FILE...: validates .properties files and reports every finding.

#include "command_line.hpp"
#include "commands.hpp"
#include "report.hpp"

#include <pgstore/pgstore.hpp>
#include <pgstore/program_options.hpp>
#include <pgstore/tls.hpp>

#include <boost/program_options.hpp>

#include <iostream>

namespace pgstore::cli {
namespace po = boost::program_options;

namespace {

struct check_options {
    std::vector<std::string> files;
    std::string format = "text";
    std::string deployment = "standard";
    // Signed, so that "-3" is refused instead of wrapping as lexical_cast does for unsigned types.
    std::int64_t cores = 0;
    std::int64_t infra_limit = 0;
    bool werror = false;
    int expiry_warning_days = 30;
    bool no_file_checks = false;
    bool print_effective = false;
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
         "a load balancer, NAT, firewall or proxy cuts connections after SECONDS")
        ("expiry-warning-days", po::value(&o.expiry_warning_days)->value_name("N"),
         "warn about certificates that expire within N days (default 30, 0 turns it off)")
        ("no-file-checks", po::bool_switch(&o.no_file_checks),
         "do not read the certificate, key and CA files of auth.method=cert; for linting a\n"
         "configuration in CI on a machine that does not hold them")
        ("print-effective", po::bool_switch(&o.print_effective),
         "also print each setting's effective value and origin, passwords as <redacted>: "
         "STORE_* environment variables over FILE over defaults, as a service using "
         "pgstore::load_store_config sees them (the Java services read only FILE); text only");
    return d;
}

// What a service using pgstore's loader sees: STORE_* environment variables over the file.
validation_result with_environment(const std::string& path, const validation_options& options)
{
    settings_loader loader;
    loader.add_file({path});
    loader.add_process_environment();
    return loader.validate(options);
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
    if (const auto stop = parse_arguments("check", args, visible, all, positional, vm))
        return *stop;
    if (o.files.empty()) {
        return usage_error("check", "no file given");
    }
    if (const auto stop = expect_one_of("check", "--format", o.format, {"text", "json", "sarif"}))
        return *stop;
    if (const auto stop = expect_one_of("check", "--profile", o.deployment, {"standard", "production"}))
        return *stop;
    if (vm.count("cores") != 0 && (o.cores < 1 || o.cores > 100000))
        return usage_error("check", "expected --cores between 1 and 100000, saw " + std::to_string(o.cores));
    if (vm.count("infra-limit") != 0 && (o.infra_limit < 1 || o.infra_limit > 2147483))
        return usage_error("check", "--infra-limit takes a number of seconds from 1 to 2147483, saw "
                                        + std::to_string(o.infra_limit));
    if (o.print_effective && o.format != "text")
        return usage_error("check", "--print-effective prints text; leave out --format " + o.format);
    if (o.expiry_warning_days < 0)
        return usage_error("check", "--expiry-warning-days takes a number of days, 0 or more");

    validation_options options;
    options.cores = static_cast<std::uint32_t>(o.cores);
    options.deployment = o.deployment == "production" ? profile::production : profile::standard;
    if (vm.count("infra-limit") != 0)
        options.infra_limit_seconds = static_cast<std::uint32_t>(o.infra_limit);

    tls_options tls;
    tls.expiry_warning_days = o.expiry_warning_days;
    tls.deployment = options.deployment;

    std::vector<file_report> reports;
    bool unreadable = false;
    for (const auto& path : o.files) {
        std::string error;
        auto file = load_properties(path, error);
        if (!file) {
            std::cerr << escape_controls(path) << ": error: cannot read the file: " << error << '\n';
            unreadable = true;
            reports.push_back({path, {}, error});
            continue;
        }
        validation_result result = o.print_effective ? with_environment(path, options) : validate(*file, options);
        if (!o.no_file_checks) {
            // Relative paths in the file are resolved against the current directory, as the service does.
            const diagnostics on_files = check_tls(result, tls);
            result.findings.insert(result.findings.end(), on_files.begin(), on_files.end());
            sort_by_location(result.findings);
        }
        if (o.print_effective) {
            std::cout << "effective settings of " << escape_controls(path) << ":\n"
                      << format_effective(effective_settings(result), "  ");
        }
        reports.push_back({path, std::move(result.findings), {}});
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
