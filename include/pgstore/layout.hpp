#pragma once

// The two database layouts the services document, the users each has, and the privileges
// each user needs (and may have) on the schema, its tables and its sequences.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pgstore {

/// How a service's database users are laid out.
enum class layout {
    typical,  ///< one user with every privilege on the schema
    advanced, ///< `<prefix>_su` owns the schema, `<prefix>_rw` reads and writes, `<prefix>_ro` reads
};

/// What one user may do in the schema.
enum class access {
    owner,      ///< creates and changes tables: the typical user and `_su`
    read_write, ///< reads and writes rows and uses sequences: `_rw`
    read_only,  ///< reads rows: `_ro`
};

/// "typical" or "advanced".
[[nodiscard]] constexpr std::string_view to_string(layout l) noexcept
{
    return l == layout::typical ? "typical" : "advanced";
}

/// "owner", "read-write" or "read-only".
[[nodiscard]] constexpr std::string_view to_string(access a) noexcept
{
    switch (a) {
    case access::owner:
        return "owner";
    case access::read_write:
        return "read-write";
    case access::read_only:
        return "read-only";
    }
    return "owner";
}

/// The user-name suffix of each access in the advanced layout: "_su", "_rw" or "_ro".
[[nodiscard]] constexpr std::string_view user_suffix(access a) noexcept
{
    switch (a) {
    case access::owner:
        return "_su";
    case access::read_write:
        return "_rw";
    case access::read_only:
        return "_ro";
    }
    return "_su";
}

/// The access an advanced-layout user name stands for, from its suffix, or nullopt.
[[nodiscard]] constexpr std::optional<access> access_from_user_name(std::string_view user) noexcept
{
    for (access a : {access::owner, access::read_write, access::read_only}) {
        const std::string_view suffix = user_suffix(a);
        if (user.size() > suffix.size() && user.substr(user.size() - suffix.size()) == suffix)
            return a;
    }
    return std::nullopt;
}

/// One database user of a layout.
struct layout_user {
    std::string name;
    access role = access::owner;
};

/// The users of a layout: typical has `user` itself; advanced has `<user>_su`, `<user>_rw`
/// and `<user>_ro`, in that order, `user` being their common prefix.
[[nodiscard]] inline std::vector<layout_user> layout_users(layout l, std::string_view user)
{
    if (l == layout::typical)
        return {{std::string(user), access::owner}};
    std::vector<layout_user> users;
    for (access a : {access::owner, access::read_write, access::read_only})
        users.push_back({std::string(user) + std::string(user_suffix(a)), a});
    return users;
}

/// The services with documented names, and the names the documentation suggests for them.
inline constexpr std::array<std::string_view, 3> known_services{{"ekm", "wkd", "fes"}};

/// Whether `service` is one of known_services.
[[nodiscard]] constexpr bool is_known_service(std::string_view service) noexcept
{
    for (auto s : known_services) {
        if (s == service)
            return true;
    }
    return false;
}

/// A set of SQL privileges, one bit each.
using privilege_set = std::uint16_t;

/// The privileges pgstore checks and grants.
namespace privilege {
inline constexpr privilege_set select = 1U << 0U;
inline constexpr privilege_set insert = 1U << 1U;
inline constexpr privilege_set update = 1U << 2U;
inline constexpr privilege_set delete_ = 1U << 3U;
inline constexpr privilege_set truncate = 1U << 4U;
inline constexpr privilege_set references = 1U << 5U;
inline constexpr privilege_set trigger = 1U << 6U;
inline constexpr privilege_set usage = 1U << 7U;
inline constexpr privilege_set create = 1U << 8U;

/// Every privilege a table can carry.
inline constexpr privilege_set all_table = select | insert | update | delete_ | truncate | references | trigger;
/// Every privilege a sequence can carry.
inline constexpr privilege_set all_sequence = usage | select | update;
/// Every privilege a schema can carry.
inline constexpr privilege_set all_schema = usage | create;

/// Each privilege with its SQL keyword, in the order SQL text lists them.
inline constexpr std::array<std::pair<privilege_set, std::string_view>, 9> names{{
    {usage, "USAGE"},
    {create, "CREATE"},
    {select, "SELECT"},
    {insert, "INSERT"},
    {update, "UPDATE"},
    {delete_, "DELETE"},
    {truncate, "TRUNCATE"},
    {references, "REFERENCES"},
    {trigger, "TRIGGER"},
}};
} // namespace privilege

/// The privilege whose SQL keyword is `word` (upper case), or 0.
[[nodiscard]] constexpr privilege_set privilege_from_name(std::string_view word) noexcept
{
    for (const auto& [bit, name] : privilege::names) {
        if (name == word)
            return bit;
    }
    return 0;
}

/// "SELECT, INSERT" for a set, in SQL order; empty for the empty set.
[[nodiscard]] inline std::string privilege_list(privilege_set set)
{
    std::string out;
    for (const auto& [bit, name] : privilege::names) {
        if ((set & bit) == 0)
            continue;
        if (!out.empty())
            out += ", ";
        out += name;
    }
    return out;
}

/// What a user must have on one kind of object and what it may have: anything outside
/// `allowed` is too much, anything of `required` missing is too little.
struct privilege_rule {
    privilege_set required = 0;
    privilege_set allowed = 0;
};

/// The kinds of object the layouts set privileges on.
enum class object_kind { schema, table, sequence };

/// The privileges `role` needs and may have on the schema, on each table or on each sequence.
/// The owner may have everything. The writer needs SELECT and UPDATE on sequences for
/// nextval() and currval(); USAGE allows the same and is granted too.
[[nodiscard]] constexpr privilege_rule expected_privileges(access role, object_kind kind) noexcept
{
    using namespace privilege;
    switch (kind) {
    case object_kind::schema:
        if (role == access::owner)
            return {all_schema, all_schema};
        return {usage, usage};
    case object_kind::table:
        if (role == access::owner)
            return {all_table, all_table};
        if (role == access::read_write)
            return {select | insert | update | delete_, select | insert | update | delete_};
        return {select, select};
    case object_kind::sequence:
        if (role == access::owner)
            return {all_sequence, all_sequence};
        if (role == access::read_write)
            return {select | update, all_sequence};
        return {0, 0};
    }
    return {};
}

} // namespace pgstore
