#pragma once

// The SQL that sets up a service's database side: database, schema, users, privileges and
// search_path, in the typical or the advanced layout, for certificate or password
// authentication. Needs libcrypto (OpenSSL) for the SCRAM-SHA-256 verifiers, so the
// umbrella header pgstore.hpp does not include it.

#include "layout.hpp"
#include "scram.hpp"
#include "secret.hpp"
#include "settings.hpp"
#include "sql_quote.hpp"
#include "version.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace pgstore {

/// What to provision.
struct provisioning_request {
    std::string service; ///< ekm, wkd or fes: the default names; may stay empty when all are given
    layout shape = layout::typical;
    auth_method auth = auth_method::cert;
    std::string database; ///< default `db_<service>`
    std::string schema;   ///< default `<service>`
    /// Typical: the user (default `user_<service>`). Advanced: the prefix of `_su`, `_rw` and
    /// `_ro` (default `<service>`).
    std::string user;
    /// For password authentication: one per user, in the order of layout_users().
    std::vector<secret> passwords;
    /// Send the passwords as string literals instead of SCRAM-SHA-256 verifiers. The server
    /// then hashes them itself, and the clear text can reach its logs.
    bool plain_password = false;
};

/// The names a request resolves to.
struct provisioning_names {
    std::string database;
    std::string schema;
    std::vector<layout_user> users;
};

/// A generated script, or why there is none.
struct provisioning_script {
    std::string sql;                   ///< the psql script; empty on error
    std::string error;                 ///< lower-case, never holds a password; empty on success
    std::vector<std::string> warnings; ///< things the caller should tell the user
    provisioning_names names;          ///< what the script creates

    /// True when `sql` holds a script.
    [[nodiscard]] bool ok() const noexcept { return error.empty(); }
};

/// The database, schema and users a request stands for, or an error saying what is missing
/// or unusable.
[[nodiscard]] inline provisioning_names resolve_names(const provisioning_request& r, std::string& error)
{
    error.clear();
    if (!r.service.empty() && !is_known_service(r.service)) {
        error = "expected the service ekm, wkd or fes, saw `" + display_identifier(r.service) + '`';
        return {};
    }
    if (r.service.empty() && (r.database.empty() || r.schema.empty() || r.user.empty())) {
        error = "expected a service, or a database, a schema and a user";
        return {};
    }

    provisioning_names names;
    names.database = r.database.empty() ? "db_" + r.service : r.database;
    names.schema = r.schema.empty() ? r.service : r.schema;
    std::string user = r.user;
    if (user.empty())
        user = r.shape == layout::typical ? "user_" + r.service : r.service;
    names.users = layout_users(r.shape, user);

    const auto check = [&error](std::string_view what, const std::string& name) {
        const std::string problem = identifier_problem(name);
        if (!problem.empty() && error.empty())
            error = std::string(what) + ' ' + display_identifier(name) + ": " + problem;
    };
    check("database", names.database);
    check("schema", names.schema);
    for (const auto& u : names.users)
        check("user", u.name);
    return error.empty() ? names : provisioning_names{};
}

namespace impl {

// psql runs the statement a query returns (\gexec) only when the object is missing: the
// IF NOT EXISTS that CREATE ROLE and CREATE DATABASE lack. CREATE DATABASE cannot run in a
// transaction or a DO block, so this is the one form that suits both.
inline std::string create_unless_exists(std::string_view create, std::string_view catalog, std::string_view column,
                                        std::string_view name)
{
    return "SELECT " + quote_literal(create) + " WHERE NOT EXISTS (SELECT FROM pg_catalog." + std::string(catalog) +
           " WHERE " + std::string(column) + " = " + quote_literal(name) + ") \\gexec\n";
}

inline std::string name_list(const std::vector<layout_user>& users, bool (*keep)(access))
{
    std::string out;
    for (const auto& u : users) {
        if (!keep(u.role))
            continue;
        if (!out.empty())
            out += ", ";
        out += quote_identifier(u.name);
    }
    return out;
}

inline bool any_access(access)
{
    return true;
}
inline bool not_owner(access a)
{
    return a != access::owner;
}

inline std::string display_users(const std::vector<layout_user>& users)
{
    std::string out;
    for (const auto& u : users) {
        if (!out.empty())
            out += ", ";
        out += display_identifier(u.name) + " (" + std::string(to_string(u.role)) + ')';
    }
    return out;
}

} // namespace impl

/// The psql script that provisions `r`: run it as a superuser, start to end in one
/// `psql -v ON_ERROR_STOP=1` session. It can run again: it creates only what is missing and
/// sets the privileges to the layout's each time.
[[nodiscard]] inline provisioning_script provisioning_sql(const provisioning_request& r)
{
    provisioning_script out;
    out.names = resolve_names(r, out.error);
    if (!out.ok())
        return out;
    const auto& users = out.names.users;
    const bool with_password = r.auth == auth_method::password;
    if (!with_password && !r.passwords.empty()) {
        out.error = "passwords given, but certificate authentication uses none";
        return out;
    }
    if (!with_password && r.plain_password) {
        out.error = "a plain password was asked for, but certificate authentication uses none";
        return out;
    }
    if (with_password && r.passwords.size() != users.size()) {
        out.error = "expected " + std::to_string(users.size()) + (users.size() == 1 ? " password" : " passwords") +
                    " (one per user), saw " + std::to_string(r.passwords.size());
        return out;
    }

    // The role lines first: a password problem must stop the script before any of it exists.
    std::string roles;
    for (std::size_t i = 0; i < users.size(); ++i) {
        const std::string name = quote_identifier(users[i].name);
        roles += impl::create_unless_exists("CREATE ROLE " + name, "pg_roles", "rolname", users[i].name);
        roles += "ALTER ROLE " + name + " WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS";
        if (with_password) {
            const std::string_view password = r.passwords[i].reveal();
            std::string value;
            if (r.plain_password) {
                if (password.empty() || password.find('\0') != std::string_view::npos) {
                    out.error =
                        "the password of user " + display_identifier(users[i].name) + " is empty or holds a NUL byte";
                    return out;
                }
                value = std::string(password);
            } else {
                std::string problem;
                auto verifier = scram_sha256_verifier(password, problem);
                if (!verifier) {
                    out.error = "the password of user " + display_identifier(users[i].name) + ": " + problem;
                    return out;
                }
                value = std::move(*verifier);
            }
            roles += " PASSWORD " + quote_literal(value);
        }
        roles += ";\n";
    }
    if (with_password && r.plain_password) {
        out.warnings.push_back("the passwords are in the script as clear text: the server hashes them "
                               "itself and may write them to its log; without --plain-password the "
                               "script holds SCRAM-SHA-256 verifiers instead");
    }
    for (std::size_t i = 0; with_password && i < users.size(); ++i) {
        for (std::size_t j = i + 1; j < users.size(); ++j) {
            if (r.passwords[i].reveal() == r.passwords[j].reveal()) {
                out.warnings.push_back("users " + display_identifier(users[i].name) + " and " +
                                       display_identifier(users[j].name) +
                                       " share a password: who knows one can log in as the other");
            }
        }
    }

    const std::string db = quote_identifier(out.names.database);
    const std::string schema = quote_identifier(out.names.schema);
    const std::string everyone = impl::name_list(users, impl::any_access);
    std::string& s = out.sql;
    s += "-- Generated by pgstore " + std::string(version) + ": " + std::string(to_string(r.shape)) + " layout, " +
         (with_password ? "password" : "certificate") + " authentication.\n";
    s += "-- Database " + display_identifier(out.names.database) + ", schema " + display_identifier(out.names.schema) +
         ", users " + impl::display_users(users) + ".\n";
    s += "-- Run it as a PostgreSQL superuser, start to end in one session:\n"
         "--   psql -v ON_ERROR_STOP=1 -d postgres -f FILE\n"
         "-- Running it again is safe: it creates what is missing and sets the privileges anew.\n"
         "\\set ON_ERROR_STOP on\n"
         "SET client_min_messages = warning;\n\n";

    s += "-- Login roles without administrative attributes";
    if (!with_password)
        s += ";\n-- TLS client certificates (pg_hba.conf method `cert`) authenticate them.\n";
    else if (r.plain_password)
        s += ".\n-- WARNING: the passwords below are clear text, which the server may log.\n";
    else
        s += ".\n-- The passwords are SCRAM-SHA-256 verifiers: the clear text never reaches the server.\n";
    s += roles;

    s += "\n-- CREATE DATABASE cannot run inside a transaction or a DO block, hence \\gexec.\n";
    s += impl::create_unless_exists("CREATE DATABASE " + db, "pg_database", "datname", out.names.database);
    s += "GRANT CONNECT ON DATABASE " + db + " TO " + everyone + ";\n";
    s += "-- Set for this database, where it outranks any setting of the role alone.\n";
    for (const auto& u : users) {
        s += "ALTER ROLE " + quote_identifier(u.name) + " IN DATABASE " + db + " SET search_path TO " + schema + ";\n";
    }

    s += "\n\\connect -reuse-previous=on " + psql_connect_argument(out.names.database) + '\n';
    s += "SET client_min_messages = warning;\nBEGIN;\n";
    if (r.shape == layout::typical) {
        const std::string user = quote_identifier(users.front().name);
        s += "CREATE SCHEMA IF NOT EXISTS " + schema + ";\n";
        s += "GRANT USAGE, CREATE ON SCHEMA " + schema + " TO " + user + ";\n";
        s += "-- Tables and sequences that exist already, such as those made by someone else.\n";
        s += "GRANT ALL ON ALL TABLES IN SCHEMA " + schema + " TO " + user + ";\n";
        s += "GRANT ALL ON ALL SEQUENCES IN SCHEMA " + schema + " TO " + user + ";\n";
        s += "COMMIT;\n";
        return out;
    }

    const std::string owner = quote_identifier(users[0].name);
    const std::string writer = quote_identifier(users[1].name);
    const std::string reader = quote_identifier(users[2].name);
    const std::string others = impl::name_list(users, impl::not_owner);
    const auto grant_list = [](access a, object_kind kind) {
        return privilege_list(expected_privileges(a, kind).allowed);
    };
    s += "-- " + display_identifier(users[0].name) +
         " owns the schema and the tables it creates; the others only use them.\n";
    s += "CREATE SCHEMA IF NOT EXISTS " + schema + " AUTHORIZATION " + owner + ";\n";
    s += "ALTER SCHEMA " + schema + " OWNER TO " + owner + ";\n";
    s += "REVOKE ALL ON SCHEMA " + schema + " FROM " + others + ";\n";
    s += "GRANT USAGE ON SCHEMA " + schema + " TO " + others + ";\n";
    s += "-- Tables and sequences that exist already: exactly the layout's privileges.\n";
    s += "GRANT ALL ON ALL TABLES IN SCHEMA " + schema + " TO " + owner + ";\n";
    s += "GRANT ALL ON ALL SEQUENCES IN SCHEMA " + schema + " TO " + owner + ";\n";
    s += "REVOKE ALL ON ALL TABLES IN SCHEMA " + schema + " FROM " + others + ";\n";
    s += "GRANT " + grant_list(access::read_write, object_kind::table) + " ON ALL TABLES IN SCHEMA " + schema + " TO " +
         writer + ";\n";
    s += "GRANT " + grant_list(access::read_only, object_kind::table) + " ON ALL TABLES IN SCHEMA " + schema + " TO " +
         reader + ";\n";
    s += "REVOKE ALL ON ALL SEQUENCES IN SCHEMA " + schema + " FROM " + others + ";\n";
    s += "GRANT " + grant_list(access::read_write, object_kind::sequence) + " ON ALL SEQUENCES IN SCHEMA " + schema +
         " TO " + writer + ";\n";
    s += "-- Tables and sequences created later. Default privileges apply only to objects made by\n"
         "-- the role they name, so they name the owner, who creates the tables.\n";
    const std::string defaults = "ALTER DEFAULT PRIVILEGES FOR ROLE " + owner + " IN SCHEMA " + schema + ' ';
    s += defaults + "REVOKE ALL ON TABLES FROM " + others + ";\n";
    s += defaults + "GRANT " + grant_list(access::read_write, object_kind::table) + " ON TABLES TO " + writer + ";\n";
    s += defaults + "GRANT " + grant_list(access::read_only, object_kind::table) + " ON TABLES TO " + reader + ";\n";
    s += defaults + "REVOKE ALL ON SEQUENCES FROM " + others + ";\n";
    s += defaults + "GRANT " + grant_list(access::read_write, object_kind::sequence) + " ON SEQUENCES TO " + writer +
         ";\n";
    s += "COMMIT;\n";
    return out;
}

} // namespace pgstore
