// pgstore conninfo FILE: prints the connection string of a validated configuration for libpq
// (keyword/value or URI) or PgJDBC.

#include "command_line.hpp"
#include "commands.hpp"
#include "load_config.hpp"

#include <pgstore/conninfo.hpp>

#include <boost/program_options.hpp>

#include <iostream>
#include <stdexcept>

namespace pgstore::cli {
namespace po = boost::program_options;

int run_conninfo(const arguments& args)
{
    std::string file;
    std::string format = "libpq";
    conninfo_options options;
    po::options_description visible("pgstore conninfo [OPTIONS] FILE\n\n"
                                    "Prints the connection string of a valid configuration; the password\n"
                                    "is left out unless --with-password is given.\n"
                                    "Exit status: 0 printed, 1 the file has errors, 2 usage error or "
                                    "unreadable file.\n\noptions");
    visible.add_options()
        ("help,h", "print this help")
        ("format", po::value(&format)->value_name("libpq|uri|jdbc"),
         "libpq keyword/value (default), postgresql:// URI, or PgJDBC URL")
        ("readonly", po::bool_switch(&options.readonly),
         "for read-only work: store.postgres.host.readonly, a standby preferred")
        ("with-password", po::bool_switch(&options.with_password),
         "include the password (keep the output out of logs)");
    po::options_description all = visible;
    all.add_options()("file", po::value(&file));
    po::positional_options_description positional;
    positional.add("file", 1);

    po::variables_map vm;
    if (const auto stop = parse_arguments("conninfo", args, visible, all, positional, vm))
        return *stop;
    if (file.empty()) {
        return usage_error("conninfo", "no file given");
    }
    if (const auto stop = expect_one_of("conninfo", "--format", format, {"libpq", "uri", "jdbc"}))
        return *stop;
    const conninfo_format f = format == "uri"    ? conninfo_format::uri
                              : format == "jdbc" ? conninfo_format::jdbc
                                                 : conninfo_format::libpq;

    int status = clean;
    const auto valid = load_valid("conninfo", file, status);
    if (!valid)
        return status;
    const store_config* config = &valid->config;
    if (options.readonly && !config->readonly_host) {
        std::cerr << "pgstore conninfo: note: store.postgres.host.readonly is not set, so read-only "
                     "work goes to the write hosts\n";
    }
    if (config->auth == auth_method::cert && f != conninfo_format::jdbc) {
        // libpq loads sslkey as PEM only; the services' key is PKCS#8 DER for PgJDBC.
        std::cerr << "pgstore conninfo: note: libpq reads only PEM keys; point sslkey at a PEM copy of "
                  << escape_controls(config->key_file) << " (openssl pkcs8 -inform DER -in KEY -out KEY.pem, "
                  << "mode 0600)\n";
    }
    if (options.with_password && config->auth != auth_method::password) {
        std::cerr << "pgstore conninfo: note: --with-password has no effect with "
                     "store.postgres.auth.method=cert\n";
    }
    try {
        std::cout << render_conninfo(*config, f, options) << '\n';
    } catch (const std::invalid_argument& e) {
        std::cerr << escape_controls(file) << ": error: " << e.what() << '\n';
        return findings;
    }
    return clean;
}

} // namespace pgstore::cli
