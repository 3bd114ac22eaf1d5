#pragma once

#include "diagnostic.hpp"

#include <array>
#include <string_view>

namespace pgstore {

/// A rule that can produce diagnostics: its stable id, its usual severity and what it checks.
struct rule_info {
    std::string_view id;
    severity level;
    std::string_view summary;
};

/// Every rule pgstore's validation applies, for documentation and machine-readable reports.
inline constexpr std::array<rule_info, 67> all_rules{{
    {"malformed-unicode-escape", severity::error, "a \\u escape without four hex digits makes Java throw"},
    {"too-many-findings", severity::note, "further findings of one setting, counted but not shown"},
    {"control-character", severity::error, "a control character in a name or path, or a NUL in the password"},
    {"byte-order-mark", severity::error, "a UTF-8 byte order mark, which Java reads as part of the first key"},
    {"inline-comment", severity::warning, "a `#` or `!` comment after a name or path, which Java keeps in the value"},
    {"joined-line", severity::error, "a value that a trailing backslash joined to the next line"},
    {"windows-path", severity::warning, "a Windows path whose backslashes Java read as escapes"},
    {"unknown-key", severity::error, "a store key no service reads, usually a typo"},
    {"duplicate-key", severity::warning, "a key set more than once; the last one wins"},
    {"missing-required", severity::error, "a required setting is absent"},
    {"empty-value", severity::error, "a setting is present but empty"},
    {"invalid-choice", severity::error, "a value outside the setting's fixed set of words"},
    {"invalid-integer", severity::error, "a number that Java's Integer.parseInt rejects"},
    {"out-of-range", severity::error, "a number outside the setting's limits"},
    {"invalid-boolean", severity::error, "a boolean other than true or false"},
    {"invalid-host", severity::error, "not a host name, IPv4 or IPv6 literal"},
    {"host-with-port", severity::error, "a port inside a host list; all hosts share the port setting"},
    {"empty-host", severity::error, "an empty item in a host list"},
    {"duplicate-host", severity::warning, "the same host listed twice"},
    {"host-whitespace", severity::warning, "white space around a host name"},
    {"name-too-long", severity::error, "an identifier PostgreSQL would truncate to 63 bytes"},
    {"placeholder-password", severity::error, "the documentation's example password"},
    {"password-ignored", severity::warning, "a password given with certificate authentication"},
    {"cert-files-ignored", severity::note, "certificate files given with password authentication"},
    {"trailing-whitespace", severity::warning, "white space at the end of a value, which Java keeps"},
    {"non-ascii", severity::warning, "a byte above 0x7F, which Java reads as ISO-8859-1"},
    {"lifetime-reset", severity::warning, "a lifetime under 30 s, which the pool resets to 30 minutes"},
    {"lifetime-disabled", severity::warning, "a lifetime of 0, which keeps connections forever"},
    {"cockroach-lifetime", severity::warning, "a lifetime over CockroachDB's 30 minute limit"},
    {"idle-timeout-reset", severity::warning, "an idle timeout under 10 s"},
    {"idle-timeout-disabled", severity::warning, "an idle timeout the pool disables for being near the lifetime"},
    {"idle-timeout-no-effect", severity::note, "an idle timeout set on a fixed-size pool"},
    {"connection-timeout-zero", severity::error, "a connection timeout of 0, which waits forever"},
    {"pool-size", severity::warning, "more than 3 connections per CPU core"},
    {"infra-limit", severity::error, "a lifetime that outlives the infrastructure's connection limit"},
    {"password-auth-in-production", severity::warning, "password authentication in production"},
    {"tls-file-missing", severity::error, "a certificate, key or CA file that is missing, unreadable or empty"},
    {"tls-key-format", severity::error, "a client key other than the unencrypted PKCS#8 DER the driver reads"},
    {"tls-cert-format", severity::error, "a certificate or CA file without PEM certificates"},
    {"tls-key-mismatch", severity::error, "a client key that does not belong to the client certificate"},
    {"tls-chain", severity::error, "a client certificate that does not chain to the CA"},
    {"tls-expired", severity::error, "an expired certificate"},
    {"tls-not-yet-valid", severity::error, "a certificate whose validity has not begun"},
    {"tls-expiring", severity::warning, "a certificate that expires within the warning period"},
    {"tls-cn-mismatch", severity::error, "a client certificate whose CN is not the database user"},
    {"tls-eku", severity::error, "a client certificate whose extended key usage lacks clientAuth"},
    {"tls-weak-key", severity::warning, "an RSA key under 2048 bits"},
    {"tls-sha1", severity::warning, "a certificate signed with SHA-1"},
    {"tls-key-permissions", severity::warning, "a key file that group or others can access"},
    {"invalid-option", severity::error, "a store option Boost.Program_options refuses: no value, or given twice"},
    {"config-file-syntax", severity::error, "a Program_options config file line that is not name = value"},
    {"unreadable-file", severity::error, "a settings file that cannot be read"},
    {"secret-on-command-line", severity::warning, "a password on the command line, which other users can read"},
    {"cluster-over-capacity", severity::error, "the nodes' pools need more connections than the server allows"},
    {"cluster-near-capacity", severity::warning, "the nodes' pools take over 80% of the server's connections"},
    {"cluster-sizing", severity::note, "the database cluster should match the service cluster's cores and memory"},
    {"cluster-cores-mismatch", severity::warning, "database cores far from the service cluster's total"},
    {"cockroach-pool-size", severity::warning, "the nodes' pools exceed CockroachDB's 4 connections per core"},
    {"cockroach-sizing", severity::note, "CockroachDB sizes connections by its cores, which were not given"},
    {"search-path", severity::error, "a database user whose search_path does not start with the schema"},
    {"schema-missing", severity::error, "the configured schema does not exist in the database"},
    {"schema-privilege", severity::error, "a user with too few or too many privileges on the schema"},
    {"table-privilege", severity::error, "a user with too few or too many privileges on a table"},
    {"sequence-privilege", severity::error, "a user with too few or too many privileges on a sequence"},
    {"default-privilege", severity::error, "tables the owner creates later would not get the layout's privileges"},
    {"role-attributes", severity::error, "a service user that is a superuser, whom no privilege limits"},
    {"audit-connection", severity::error, "the audit could not connect to or query the database"},
}};

/// The rule with this id, or nullptr.
[[nodiscard]] constexpr const rule_info* find_rule(std::string_view id) noexcept
{
    for (const auto& r : all_rules) {
        if (r.id == id)
            return &r;
    }
    return nullptr;
}

} // namespace pgstore
