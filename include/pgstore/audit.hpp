#pragma once

// The audit of the database side: does what the configured user sees match its layout?
// search_path, the schema, and the privileges on the schema, its tables, its sequences and
// the owner's default privileges. Every mismatch is a diagnostic whose hint holds the SQL that
// fixes it. Driver-agnostic: the caller passes a function that runs one query.

#include "diagnostic.hpp"
#include "display.hpp"
#include "layout.hpp"
#include "settings.hpp"
#include "sql_quote.hpp"

#include <cctype>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pgstore {

/// What the audit compares the database with.
struct audit_target {
    std::string database;
    std::string schema;
    std::string user; ///< the configured user, whom the connection logs in as
    layout shape = layout::typical;
    access role = access::owner;
    /// Advanced layout: the user that creates the tables (`<prefix>_su`), whose default
    /// privileges must cover the reader and the writer.
    std::string owner;
    location database_at; ///< where the database setting came from
    location schema_at;   ///< where the schema setting came from
    location user_at;     ///< where the user setting came from
};

/// The layout and access of `user`, with the advanced owner's name. Without a layout,
/// a name ending in `_su`, `_rw` or `_ro` means the advanced layout and any other the typical
/// one; without a role, the suffix says it. Returns nullopt with `error` set when the user
/// name does not say what the advanced layout needs and no flag does.
[[nodiscard]] inline std::optional<audit_target> make_audit_target(std::string database, std::string schema,
                                                                   std::string user, std::optional<layout> shape,
                                                                   std::optional<access> role, std::string owner,
                                                                   std::string& error)
{
    error.clear();
    audit_target t;
    const std::optional<access> suffix = access_from_user_name(user);
    t.shape = shape ? *shape : (suffix || role ? layout::advanced : layout::typical);
    if (t.shape == layout::typical) {
        if (role && *role != access::owner) {
            error = "expected no read-write or read-only role in the typical layout, whose one user "
                    "has every privilege; use --layout advanced";
            return std::nullopt;
        }
        t.role = access::owner;
    } else {
        if (!role && !suffix) {
            error = "expected a user name ending in _su, _rw or _ro for the advanced layout, saw `" +
                    display_identifier(user) + "`; pass --role su|rw|ro";
            return std::nullopt;
        }
        t.role = role ? *role : *suffix;
        if (owner.empty() && t.role == access::owner)
            owner = user;
        if (owner.empty() && suffix)
            owner = user.substr(0, user.size() - 3) + std::string(user_suffix(access::owner));
        if (owner.empty()) {
            error = "expected --owner: the user name does not say which user creates the tables";
            return std::nullopt;
        }
        t.owner = std::move(owner);
    }
    t.database = std::move(database);
    t.schema = std::move(schema);
    t.user = std::move(user);
    return t;
}

/// The schema names of a search_path setting, as PostgreSQL splits it: commas between items,
/// white space around them ignored, unquoted names folded to lower case, "" inside quotes
/// one quote. `$user` stays as written. Returns nullopt for a value PostgreSQL would reject.
[[nodiscard]] inline std::optional<std::vector<std::string>> split_search_path(std::string_view value)
{
    std::vector<std::string> out;
    std::size_t i = 0;
    const auto skip_space = [&] {
        while (i < value.size() && std::isspace(static_cast<unsigned char>(value[i])) != 0)
            ++i;
    };
    skip_space();
    if (i == value.size())
        return out;
    while (true) {
        std::string name;
        if (value[i] == '"') {
            ++i;
            while (true) {
                if (i == value.size())
                    return std::nullopt;
                if (value[i] == '"') {
                    if (i + 1 < value.size() && value[i + 1] == '"') {
                        name += '"';
                        i += 2;
                        continue;
                    }
                    ++i;
                    break;
                }
                name += value[i++];
            }
        } else {
            while (i < value.size() && value[i] != ',' && std::isspace(static_cast<unsigned char>(value[i])) == 0)
                name += static_cast<char>(std::tolower(static_cast<unsigned char>(value[i++])));
            if (name.empty())
                return std::nullopt;
        }
        out.push_back(std::move(name));
        skip_space();
        if (i == value.size())
            return out;
        if (value[i] != ',')
            return std::nullopt;
        ++i;
        skip_space();
    }
}

/// One row of a query result, each column as text (booleans as "t" or "f").
using audit_row = std::vector<std::string>;

namespace impl::audit {

// One privilege on one object, as the catalog queries below return it.
struct grant_row {
    std::string object;  // the name inside the schema
    std::string relkind; // pg_class.relkind; "n" for the schema
    privilege_set privilege = 0;
    bool held = false;      // at the level that counts: the whole table, schema or sequence
    bool owns = false;      // the user owns the object
    bool direct = false;    // granted to the user by name
    bool to_public = false; // granted to PUBLIC
    std::string holders;    // roles the user inherits from that hold it, quoted, comma-separated
    std::string columns;    // held on these columns only (quoted, comma-separated)
};

// The privilege holders of `acl`, owned by `owner`, for privilege `p`, as seen by role `me`.
inline std::string holder_columns(std::string_view acl, std::string_view owner, std::string_view p)
{
    const std::string a(acl);
    const std::string priv(p);
    return std::string(owner) + " = me.oid, EXISTS (SELECT FROM pg_catalog.aclexplode(" + a +
           ") a WHERE a.grantee = me.oid AND a.privilege_type = " + priv +
           "), EXISTS (SELECT FROM pg_catalog.aclexplode(" + a +
           ") a WHERE a.grantee = 0 AND a.privilege_type = " + priv +
           "), COALESCE((SELECT string_agg(DISTINCT pg_catalog.quote_ident(r.rolname), ', ') " +
           "FROM pg_catalog.aclexplode(" + a + ") a JOIN pg_catalog.pg_roles r ON r.oid = a.grantee " +
           "WHERE a.privilege_type = " + priv + " AND a.grantee <> me.oid " +
           "AND pg_catalog.pg_has_role(me.oid, a.grantee, 'USAGE')), '')";
}

inline const std::string& me_cte()
{
    static const std::string sql = "WITH me AS (SELECT oid FROM pg_catalog.pg_roles WHERE rolname = current_user) ";
    return sql;
}

inline std::string privilege_values(privilege_set set)
{
    std::string out;
    for (const auto& [bit, name] : privilege::names) {
        if ((set & bit) == 0)
            continue;
        out += out.empty() ? "(VALUES " : ", ";
        out += "('" + std::string(name) + "')";
    }
    return out + ") p(name)";
}

inline std::string schema_query()
{
    return me_cte() + "SELECT n.nspname, 'n', p.name, pg_catalog.has_schema_privilege(n.oid, p.name), " +
           holder_columns("n.nspacl", "n.nspowner", "p.name") +
           ", '', pg_catalog.pg_get_userbyid(n.nspowner) FROM pg_catalog.pg_namespace n CROSS JOIN me CROSS JOIN " +
           privilege_values(privilege::all_schema) + " WHERE n.nspname = $1 ORDER BY p.name";
}

inline std::string relation_query(bool sequences)
{
    const std::string has = sequences ? "pg_catalog.has_sequence_privilege" : "pg_catalog.has_table_privilege";
    std::string columns = "''";
    if (!sequences) {
        // A column grant lets a user read or write those columns though it lacks the table-wide
        // privilege; for a reader or writer it is as much too much as a table grant.
        columns = "CASE WHEN p.name IN ('SELECT', 'INSERT', 'UPDATE', 'REFERENCES') "
                  "AND NOT pg_catalog.has_table_privilege(c.oid, p.name) "
                  "AND pg_catalog.has_any_column_privilege(c.oid, p.name) "
                  "THEN (SELECT string_agg(pg_catalog.quote_ident(t.attname), ', ' ORDER BY t.attnum) "
                  "FROM pg_catalog.pg_attribute t WHERE t.attrelid = c.oid AND t.attnum > 0 "
                  "AND NOT t.attisdropped AND pg_catalog.has_column_privilege(c.oid, t.attnum, p.name)) "
                  "ELSE '' END";
    }
    const std::string kinds = sequences ? "('S')" : "('r', 'p', 'v', 'm', 'f')";
    return me_cte() + "SELECT c.relname, c.relkind::text, p.name, " + has + "(c.oid, p.name), " +
           holder_columns("c.relacl", "c.relowner", "p.name") + ", " + columns +
           ", pg_catalog.pg_get_userbyid(c.relowner) FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n " +
           "ON n.oid = c.relnamespace CROSS JOIN me CROSS JOIN " +
           privilege_values(sequences ? privilege::all_sequence : privilege::all_table) +
           " WHERE n.nspname = $1 AND c.relkind IN " + kinds + " ORDER BY c.relname, p.name";
}

// The default privileges `$1` gives `current_user` (or PUBLIC) on tables (r) and sequences (S)
// made in schema `$2`, schema-wide or everywhere (defaclnamespace 0).
inline std::string default_acl_query()
{
    return "SELECT d.defaclobjtype::text, (d.defaclnamespace = 0)::text, a.privilege_type, (a.grantee = 0)::text "
           "FROM pg_catalog.pg_default_acl d CROSS JOIN LATERAL pg_catalog.aclexplode(d.defaclacl) a "
           "WHERE d.defaclrole = (SELECT oid FROM pg_catalog.pg_roles WHERE rolname = $1) "
           "AND (d.defaclnamespace = 0 OR d.defaclnamespace = "
           "(SELECT oid FROM pg_catalog.pg_namespace WHERE nspname = $2)) "
           "AND d.defaclobjtype IN ('r', 'S') "
           "AND (a.grantee = 0 OR a.grantee = (SELECT oid FROM pg_catalog.pg_roles WHERE rolname = current_user)) "
           "ORDER BY 1, 2, 3, 4";
}

// The search_path a login gets from ALTER ROLE / ALTER DATABASE ... SET, most specific first,
// as PostgreSQL applies them: for the user in this database, for the user, for the database.
inline std::string search_path_query()
{
    return "SELECT substr(c.item, 13), (d.setrole <> 0)::text, (d.setdatabase <> 0)::text "
           "FROM pg_catalog.pg_db_role_setting d CROSS JOIN LATERAL unnest(d.setconfig) c(item) "
           "WHERE left(c.item, 12) = 'search_path=' "
           "AND d.setdatabase IN (0, (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database())) "
           "AND d.setrole IN (0, (SELECT oid FROM pg_catalog.pg_roles WHERE rolname = current_user)) "
           "AND NOT (d.setdatabase = 0 AND d.setrole = 0) "
           "ORDER BY (d.setrole <> 0 AND d.setdatabase <> 0) DESC, (d.setrole <> 0) DESC LIMIT 1";
}

inline bool yes(const std::string& cell)
{
    return cell == "t" || cell == "true";
}

inline std::vector<grant_row> to_grants(const std::vector<audit_row>& rows)
{
    std::vector<grant_row> out;
    for (const auto& r : rows) {
        if (r.size() < 10)
            continue;
        grant_row g;
        g.object = r[0];
        g.relkind = r[1];
        g.privilege = privilege_from_name(r[2]);
        g.held = yes(r[3]);
        g.owns = yes(r[4]);
        g.direct = yes(r[5]);
        g.to_public = yes(r[6]);
        g.holders = r[7];
        g.columns = r[8];
        out.push_back(std::move(g));
    }
    return out;
}

// The SQL keyword of an object kind for GRANT ... ON <kind> and ALTER <kind>.
inline std::string_view grant_kind(const std::string& relkind)
{
    if (relkind == "n")
        return "SCHEMA";
    if (relkind == "S")
        return "SEQUENCE";
    return "TABLE";
}

inline std::string_view alter_kind(const std::string& relkind)
{
    if (relkind == "v")
        return "VIEW";
    if (relkind == "m")
        return "MATERIALIZED VIEW";
    if (relkind == "f")
        return "FOREIGN TABLE";
    return grant_kind(relkind);
}

inline std::string_view noun(const std::string& relkind)
{
    if (relkind == "n")
        return "schema";
    if (relkind == "S")
        return "sequence";
    if (relkind == "v")
        return "view";
    if (relkind == "m")
        return "materialized view";
    if (relkind == "f")
        return "foreign table";
    return "table";
}

inline constexpr std::string_view fix_prefix = "run as a superuser or the owner: ";

class checker {
public:
    explicit checker(const audit_target& t) : t_(t) {}

    diagnostics findings;

    void add(std::string rule, std::string_view key, const location& at, std::string message, std::string hint)
    {
        diagnostic d;
        d.level = severity::error;
        d.rule = std::move(rule);
        d.key = std::string(key);
        d.where = at;
        d.message = std::move(message);
        d.hint = std::move(hint);
        findings.push_back(std::move(d));
    }

    std::string user() const { return quote_identifier(t_.user); }
    std::string shown_user() const { return '`' + display_identifier(t_.user) + '`'; }
    std::string schema() const { return quote_identifier(t_.schema); }

    std::string who() const
    {
        if (t_.shape == layout::typical)
            return shown_user();
        return std::string(to_string(t_.role)) + " user " + shown_user();
    }

    // The object as SQL (schema-qualified for relations) and as shown in messages.
    std::string sql_name(const grant_row& g) const
    {
        if (g.relkind == "n")
            return quote_identifier(g.object);
        return schema() + '.' + quote_identifier(g.object);
    }
    std::string shown_name(const grant_row& g) const
    {
        if (g.relkind == "n")
            return display_identifier(g.object);
        return display_identifier(t_.schema) + '.' + display_identifier(g.object);
    }

    // Compares the rows of one object with what the role needs and may have.
    void check_object(const std::vector<grant_row>& rows, object_kind kind, const std::string& owner_name)
    {
        if (rows.empty())
            return;
        const grant_row& first = rows.front();
        const privilege_rule rule = expected_privileges(t_.role, kind);
        const std::string rule_id = kind == object_kind::schema     ? "schema-privilege"
                                    : kind == object_kind::sequence ? "sequence-privilege"
                                                                    : "table-privilege";
        const std::string object = std::string(noun(first.relkind)) + " `" + shown_name(first) + '`';
        const location& at = t_.schema_at;
        const std::string_view key = settings::schema.key;

        privilege_set held = 0;
        for (const auto& g : rows) {
            if (g.held)
                held = static_cast<privilege_set>(held | g.privilege);
        }

        if (t_.shape == layout::advanced && t_.role == access::owner && kind == object_kind::schema &&
            owner_name != t_.user) {
            add(rule_id, key, at,
                "expected " + object + " to belong to " + shown_user() + ", saw it belong to `" +
                    display_identifier(owner_name) + '`',
                std::string(fix_prefix) + "ALTER SCHEMA " + sql_name(first) + " OWNER TO " + user() + ';');
        }
        if (first.owns && t_.role != access::owner) {
            std::string fix = "ALTER " + std::string(alter_kind(first.relkind)) + ' ' + sql_name(first) + " OWNER TO " +
                              quote_identifier(t_.owner.empty() ? t_.user : t_.owner) + ';';
            add(rule_id, key, at,
                "expected " + object + " to belong to `" + display_identifier(t_.owner) + "`, saw it belong to " +
                    who() + ", who may therefore do anything with it",
                std::string(fix_prefix) + fix);
            return;
        }

        const privilege_set missing = static_cast<privilege_set>(rule.required & ~held);
        if (missing != 0) {
            add(rule_id, key, at,
                "expected " + privilege_list(rule.required) + " on " + object + " for " + who() + ", saw no " +
                    privilege_list(missing),
                std::string(fix_prefix) + "GRANT " + privilege_list(missing) + " ON " +
                    std::string(grant_kind(first.relkind)) + ' ' + sql_name(first) + " TO " + user() + ';');
        }

        // Too much: each privilege is revoked where it comes from.
        std::map<std::string, privilege_set> revokes; // "FROM ..." or "(cols) ... FROM ..." -> set
        privilege_set extra = 0;
        std::string from_roles;
        for (const auto& g : rows) {
            if ((rule.allowed & g.privilege) != 0 || (!g.held && g.columns.empty()))
                continue;
            extra = static_cast<privilege_set>(extra | g.privilege);
            if (!g.held) {
                revokes[" (" + g.columns + ")|FROM " + user()] |= g.privilege;
                continue;
            }
            if (g.direct)
                revokes["|FROM " + user()] |= g.privilege;
            if (g.to_public)
                revokes["|FROM PUBLIC"] |= g.privilege;
            if (!g.holders.empty()) {
                revokes["|FROM " + g.holders] |= g.privilege;
                from_roles = g.holders;
            }
        }
        if (extra == 0)
            return;
        std::string fix;
        for (const auto& [target, set] : revokes) {
            const auto bar = target.find('|');
            const std::string cols = target.substr(0, bar);
            // A column list applies to one privilege at a time only in this form:
            // REVOKE SELECT (a), INSERT (a) ON ...; one statement per privilege keeps it plain.
            if (!cols.empty()) {
                for (const auto& [bit, name] : privilege::names) {
                    if ((set & bit) == 0)
                        continue;
                    fix += (fix.empty() ? "" : " ") + std::string("REVOKE ") + std::string(name) + cols + " ON " +
                           std::string(grant_kind(first.relkind)) + ' ' + sql_name(first) + ' ' +
                           target.substr(bar + 1) + ';';
                }
                continue;
            }
            fix += (fix.empty() ? "" : " ") + std::string("REVOKE ") + privilege_list(set) + " ON " +
                   std::string(grant_kind(first.relkind)) + ' ' + sql_name(first) + ' ' + target.substr(bar + 1) + ';';
        }
        std::string message = rule.allowed == 0 ? "expected no privilege on " + object + " for " + who() + ", saw " +
                                                      privilege_list(extra)
                                                : "expected at most " + privilege_list(rule.allowed) + " on " + object +
                                                      " for " + who() + ", saw also " + privilege_list(extra);
        if (!from_roles.empty())
            message += " (held through " + from_roles + ')';
        add(rule_id, key, at, std::move(message), std::string(fix_prefix) + fix);
    }

    // Groups rows by object and checks each object.
    void check_objects(const std::vector<grant_row>& rows, object_kind kind, const std::vector<audit_row>& raw)
    {
        std::size_t begin = 0;
        while (begin < rows.size()) {
            std::size_t end = begin;
            while (end < rows.size() && rows[end].object == rows[begin].object)
                ++end;
            const std::vector<grant_row> one(rows.begin() + static_cast<std::ptrdiff_t>(begin),
                                             rows.begin() + static_cast<std::ptrdiff_t>(end));
            const auto& r = raw[begin];
            check_object(one, kind, r.size() > 9 ? r[9] : std::string());
            begin = end;
        }
    }

    // `rows`: the search_path setting that applies at login, and whether it is set for the
    // user and for the database; none when only the server's configuration sets it.
    void check_search_path(const std::vector<audit_row>& rows)
    {
        std::string saw = "none set for the user or the database (the server's default applies)";
        if (!rows.empty() && rows.front().size() >= 3) {
            const std::string& value = rows.front()[0];
            const auto items = split_search_path(value);
            std::string first;
            if (items && !items->empty())
                first = items->front() == "$user" ? t_.user : items->front();
            if (items && !items->empty() && first == t_.schema)
                return;
            const bool for_user = yes(rows.front()[1]);
            const bool for_database = yes(rows.front()[2]);
            saw = '`' + escape_controls(value) + "`, set for " +
                  (for_user && for_database ? "the user in this database"
                   : for_user               ? "the user"
                                            : "the database");
        }
        add("search-path", settings::username.key, t_.user_at,
            "expected the search_path of " + shown_user() + " to start with schema `" + display_identifier(t_.schema) +
                "`, saw " + saw,
            "run as a superuser: ALTER ROLE " + user() + " IN DATABASE " + quote_identifier(t_.database) +
                " SET search_path TO " + schema() + ';');
    }

    void check_default_privileges(const std::vector<audit_row>& rows)
    {
        const std::string owner = quote_identifier(t_.owner);
        for (const object_kind kind : {object_kind::table, object_kind::sequence}) {
            const std::string objtype = kind == object_kind::table ? "r" : "S";
            const std::string_view plural = kind == object_kind::table ? "TABLES" : "SEQUENCES";
            const privilege_rule rule = expected_privileges(t_.role, kind);
            privilege_set held = 0;
            std::map<std::string, privilege_set> revokes;
            for (const auto& r : rows) {
                if (r.size() < 4 || r[0] != objtype)
                    continue;
                const privilege_set bit = privilege_from_name(r[2]);
                held = static_cast<privilege_set>(held | bit);
                if ((rule.allowed & bit) == 0) {
                    const std::string where = yes(r[1]) ? "" : "IN SCHEMA " + schema() + ' ';
                    revokes[where + "|" + (yes(r[3]) ? std::string("PUBLIC") : user())] |= bit;
                }
            }
            const std::string what = kind == object_kind::table ? "tables" : "sequences";
            const std::string prefix = "ALTER DEFAULT PRIVILEGES FOR ROLE " + owner + ' ';
            const privilege_set missing = static_cast<privilege_set>(rule.required & ~held);
            if (missing != 0) {
                add("default-privilege", settings::schema.key, t_.schema_at,
                    "expected the default privileges of `" + display_identifier(t_.owner) + "` to give " + who() + ' ' +
                        privilege_list(rule.required) + " on the " + what + " it creates in schema `" +
                        display_identifier(t_.schema) + "`, saw no " + privilege_list(missing),
                    "run as a superuser or " + owner + ": " + prefix + "IN SCHEMA " + schema() + " GRANT " +
                        privilege_list(rule.allowed) + " ON " + std::string(plural) + " TO " + user() + ';');
            }
            if (revokes.empty())
                continue;
            std::string fix;
            privilege_set extra = 0;
            for (const auto& [target, set] : revokes) {
                const auto bar = target.find('|');
                extra = static_cast<privilege_set>(extra | set);
                fix += (fix.empty() ? "" : " ") + prefix + target.substr(0, bar) + "REVOKE " + privilege_list(set) +
                       " ON " + std::string(plural) + " FROM " + target.substr(bar + 1) + ';';
            }
            add("default-privilege", settings::schema.key, t_.schema_at,
                "expected the default privileges of `" + display_identifier(t_.owner) + "` to give " + who() +
                    " at most " + (rule.allowed == 0 ? std::string("nothing") : privilege_list(rule.allowed)) +
                    " on new " + what + ", saw also " + privilege_list(extra),
                "run as a superuser or " + owner + ": " + fix);
        }
    }

private:
    const audit_target& t_;
};

} // namespace impl::audit

/// Audits the database side for `target` through `query(sql, params)`, which runs one SQL
/// statement with text parameters ($1, $2...) on a connection logged in as `target.user` to
/// `target.database`, and returns the rows with every column as text; it throws on failure,
/// and audit_database lets the exception through.
/// Returns one error diagnostic per mismatch, each with the SQL that fixes it in its hint; an
/// empty list means the database side matches the layout.
template <class Query> [[nodiscard]] diagnostics audit_database(const audit_target& target, Query&& query)
{
    impl::audit::checker check(target);
    using rows = std::vector<audit_row>;

    const rows super = query("SELECT rolsuper::text FROM pg_catalog.pg_roles WHERE rolname = current_user",
                             std::vector<std::string>{});
    if (!super.empty() && !super.front().empty() && impl::audit::yes(super.front()[0])) {
        check.add("role-attributes", settings::username.key, target.user_at,
                  "expected " + check.shown_user() + " to be an ordinary user, saw a superuser, whom no privilege " +
                      "limits",
                  "run as a superuser: ALTER ROLE " + check.user() + " NOSUPERUSER;");
    }
    // The login setting, not the session's: a driver may set search_path when it connects.
    check.check_search_path(query(impl::audit::search_path_query(), std::vector<std::string>{}));

    const rows schema = query(impl::audit::schema_query(), std::vector<std::string>{target.schema});
    if (schema.empty()) {
        std::string fix = "CREATE SCHEMA " + check.schema();
        if (target.shape == layout::advanced)
            fix += " AUTHORIZATION " + quote_identifier(target.owner);
        fix += ';';
        if (target.shape == layout::typical)
            fix += " GRANT USAGE, CREATE ON SCHEMA " + check.schema() + " TO " + check.user() + ';';
        else if (target.role != access::owner)
            fix += " GRANT USAGE ON SCHEMA " + check.schema() + " TO " + check.user() + ';';
        check.add("schema-missing", settings::schema.key, target.schema_at,
                  "expected schema `" + display_identifier(target.schema) + "` in database `" +
                      display_identifier(target.database) + "`, saw none",
                  "run as a superuser in " + quote_identifier(target.database) + ": " + fix +
                      " (or run the script of `pgstore sql`)");
        return std::move(check.findings);
    }
    check.check_objects(impl::audit::to_grants(schema), object_kind::schema, schema);

    const std::vector<std::string> in_schema{target.schema};
    const rows tables = query(impl::audit::relation_query(false), in_schema);
    check.check_objects(impl::audit::to_grants(tables), object_kind::table, tables);
    const rows sequences = query(impl::audit::relation_query(true), in_schema);
    check.check_objects(impl::audit::to_grants(sequences), object_kind::sequence, sequences);

    if (target.shape == layout::advanced && target.role != access::owner) {
        const rows owner =
            query("SELECT rolname FROM pg_catalog.pg_roles WHERE rolname = $1", std::vector<std::string>{target.owner});
        if (owner.empty()) {
            check.add("default-privilege", settings::schema.key, target.schema_at,
                      "expected user `" + display_identifier(target.owner) + "`, who creates the tables, saw none",
                      "run the script of `pgstore sql --layout advanced`, or name the user that creates the "
                      "tables with --owner");
        } else {
            check.check_default_privileges(
                query(impl::audit::default_acl_query(), std::vector<std::string>{target.owner, target.schema}));
        }
    }
    return std::move(check.findings);
}

} // namespace pgstore
