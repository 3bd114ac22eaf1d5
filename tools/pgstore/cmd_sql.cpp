// pgstore sql: prints the psql script that provisions a service's database, schema, users and
// privileges in the typical or the advanced layout.

#include "command_line.hpp"
#include "commands.hpp"

#include <pgstore/display.hpp>
#include <pgstore/properties.hpp>
#include <pgstore/provisioning.hpp>

#include <boost/program_options.hpp>

#include <sys/stat.h>

#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

namespace pgstore::cli {
namespace po = boost::program_options;

namespace {

struct sql_options {
    std::string service;
    std::string shape = "typical";
    std::string auth = "cert";
    std::string database;
    std::string schema;
    std::string user;
    std::string password_file;
    bool plain_password = false;
};

po::options_description describe(sql_options& o)
{
    po::options_description d(
        "pgstore sql [OPTIONS]\n\n"
        "Prints a psql script that creates a service's database, schema and users with the\n"
        "layout's privileges. Run it as a superuser: psql -v ON_ERROR_STOP=1 -d postgres -f FILE.\n"
        "It is safe to run again. Exit status: 0 script printed, 2 usage error.\n\noptions");
    d.add_options()("help,h", "print this help")(
        "service", po::value(&o.service)->value_name("ekm|wkd|fes"),
        "the service, for the default names db_<service>, schema <service>, user_<service>")(
        "layout", po::value(&o.shape)->value_name("typical|advanced"),
        "typical: one user with every privilege (default); advanced: <user>_su owns the schema, "
        "<user>_rw reads and writes, <user>_ro reads")(
        "auth", po::value(&o.auth)->value_name("cert|password"),
        "how the users log in (default cert, recommended for production)")(
        "database", po::value(&o.database)->value_name("NAME"), "the database (default db_<service>)")(
        "schema", po::value(&o.schema)->value_name("NAME"), "the schema (default <service>)")(
        "user", po::value(&o.user)->value_name("NAME"),
        "typical: the user (default user_<service>); advanced: the users' prefix (default <service>)")(
        "password-file", po::value(&o.password_file)->value_name("FILE"),
        "for --auth password: one password per line, one per user (advanced: _su, _rw, _ro)")(
        "plain-password", po::bool_switch(&o.plain_password),
        "put the passwords in the script as clear text instead of SCRAM-SHA-256 verifiers");
    return d;
}

// The passwords of `path`, one per line; a trailing CR is part of the line ending.
bool read_passwords(const std::string& path, std::vector<secret>& out, std::string& error)
{
    std::string why;
    std::optional<std::string> read = read_file(path, why);  // refuses folders and devices
    if (!read) {
        error = "cannot read the password file " + escape_controls(path) + ": " + why;
        return false;
    }
    const std::string& text = *read;
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string::npos)
            end = text.size();
        std::size_t stop = end;
        if (stop > start && text[stop - 1] == '\r')
            --stop;
        out.emplace_back(text.substr(start, stop - start));
        start = end + 1;
    }
    return true;
}

} // namespace

int run_sql(const arguments& args)
{
    sql_options o;
    const po::options_description options = describe(o);
    po::variables_map vm;
    if (const auto stop = parse_arguments("sql", args, options, options, {}, vm))
        return *stop;
    const auto fail = [](const std::string& message) { return usage_error("sql", message); };
    if (o.shape != "typical" && o.shape != "advanced")
        return fail("--layout takes typical or advanced, not '" + o.shape + "'");
    if (o.auth != "cert" && o.auth != "password")
        return fail("--auth takes cert or password, not '" + o.auth + "'");
    if (!o.service.empty() && !is_known_service(o.service))
        return fail("--service takes ekm, wkd or fes, not '" + o.service + "'");
    const bool with_password = o.auth == "password";
    if (with_password && o.password_file.empty())
        return fail("--auth password needs --password-file FILE (passwords never go on the command line)");
    if (!with_password && !o.password_file.empty())
        return fail("--password-file is for --auth password; certificate users have no password");
    if (!with_password && o.plain_password)
        return fail("--plain-password is for --auth password");

    provisioning_request r;
    r.service = o.service;
    r.shape = o.shape == "advanced" ? layout::advanced : layout::typical;
    r.auth = with_password ? auth_method::password : auth_method::cert;
    r.database = o.database;
    r.schema = o.schema;
    r.user = o.user;
    r.plain_password = o.plain_password;

    if (with_password) {
        std::string error;
        if (!read_passwords(o.password_file, r.passwords, error)) {
            std::cerr << "pgstore sql: " << error << '\n';
            return usage;
        }
        struct stat st {};
        if (::stat(o.password_file.c_str(), &st) == 0 && (st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
            std::cerr << "pgstore sql: warning: " << escape_controls(o.password_file)
                      << " is readable by group or others; chmod 600 it\n";
        }
    }

    std::string error;
    const provisioning_names names = resolve_names(r, error);
    if (!error.empty())
        return fail(error);
    if (with_password && r.passwords.size() != names.users.size()) {
        std::string who;
        for (const auto& u : names.users)
            who += (who.empty() ? "" : ", ") + display_identifier(u.name);
        std::ostringstream message;
        message << "expected " << names.users.size() << (names.users.size() == 1 ? " line" : " lines") << " in "
                << escape_controls(o.password_file) << " (the password of " << who
                << (names.users.size() == 1 ? "" : ", in order")
                << "), saw " << r.passwords.size();
        return fail(message.str());
    }

    const provisioning_script script = provisioning_sql(r);
    if (!script.ok()) {
        std::cerr << "pgstore sql: " << script.error << '\n';
        return usage;
    }
    for (const auto& w : script.warnings)
        std::cerr << "pgstore sql: warning: " << w << '\n';
    std::cout << script.sql;
    return clean;
}

} // namespace pgstore::cli
