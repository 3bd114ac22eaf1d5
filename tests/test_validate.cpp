// Every rule of validate(), with its exact text and location.

#include <pgstore/validate.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace {

// A clean password configuration; each test changes or adds lines.
const std::string base = "store.type=DatabaseStore\n"                 // 1
                         "store.database.vendor=postgres\n"           // 2
                         "store.postgres.host=db1,db2\n"              // 3
                         "store.postgres.port=5432\n"                 // 4
                         "store.postgres.database=db_ekm\n"           // 5
                         "store.postgres.schema=ekm\n"                // 6
                         "store.postgres.username=user_ekm\n"         // 7
                         "store.postgres.auth.method=password\n"      // 8
                         "store.postgres.auth.password=s3cret-Pw\n";  // 9

std::string replace(std::string text, const std::string& from, const std::string& to)
{
    const auto at = text.find(from);
    REQUIRE_MESSAGE(at != std::string::npos, from);
    return text.replace(at, from.size(), to);
}

pgstore::validation_result check(const std::string& text, pgstore::validation_options options = {})
{
    if (options.cores == 0)
        options.cores = 4;
    return pgstore::validate(pgstore::read_properties(text, "ekm.properties"), options);
}

std::vector<std::string> rendered(const pgstore::validation_result& r)
{
    std::vector<std::string> out;
    for (const auto& d : r.findings)
        out.push_back(d.to_string());
    return out;
}

// The one finding of a check, rendered.
std::string only(const std::string& text, pgstore::validation_options options = {})
{
    const auto all = rendered(check(text, options));
    REQUIRE_MESSAGE(all.size() == 1, doctest::toString(all.size()) << " findings");
    return all.front();
}

} // namespace

TEST_CASE("validate - a clean configuration has no findings and typed values")
{
    const auto r = check(base);
    CHECK(r.findings.empty());
    CHECK(r.ok());
    CHECK(r.config.hosts == std::vector<std::string>{"db1", "db2"});
    CHECK(r.config.port == 5432);
    CHECK(r.config.connections == 10);
    CHECK(r.config.max_lifetime_seconds == 1740);
    CHECK(r.config.auth == pgstore::auth_method::password);
    CHECK(r.config.password.reveal() == "s3cret-Pw");
    CHECK(r.origin(pgstore::settings::port)->to_string() == "ekm.properties:4:1");
    CHECK_FALSE(r.origin(pgstore::settings::connections));
}

TEST_CASE("validate - unknown keys")
{
    CHECK(only(base + "store.postgres.databse=db\n")
          == "ekm.properties:10:1: error: unknown key `store.postgres.databse` [unknown-key]\n"
             "  hint: did you mean `store.postgres.database`? `store.postgres.database` is set on line 5, "
             "so this line is probably left over; Java ignores it\n");
    const auto typo = rendered(check(replace(base, "database=db_ekm", "databse=db_ekm")));
    REQUIRE(typo.size() == 2);
    CHECK(typo[0]
          == "ekm.properties: error: missing required setting `store.postgres.database` [missing-required]\n"
             "  hint: correct the key `store.postgres.databse` on line 5, which looks like a misspelling of it\n");
    CHECK(typo[1]
          == "ekm.properties:5:1: error: unknown key `store.postgres.databse` [unknown-key]\n"
             "  hint: did you mean `store.postgres.database`? Java ignores unknown keys, so the "
             "service would silently run without this setting\n");
    CHECK(only(base + "store.postgres.flux=1\n")
          == "ekm.properties:10:1: error: unknown key `store.postgres.flux` [unknown-key]\n"
             "  hint: remove it or correct its name; Java ignores unknown keys, so the service would silently run "
             "without this setting\n");
    CHECK(only(base + "stor.postgres.port=1\n")
          == "ekm.properties:10:1: warning: unknown key `stor.postgres.port` [unknown-key]\n"
             "  hint: did you mean `store.postgres.port`? Java ignores unknown keys, so the "
             "service would not see this setting\n");
    SUBCASE("other stores' keys and the rest of the service's file are left alone")
    {
        CHECK(check(base + "store.kmip.hostname=k\napi.port=32356\norg.id=x\n").findings.empty());
    }
}

TEST_CASE("validate - a line joined to the one before by a stray backslash")
{
    const auto joined = rendered(check(replace(base, "schema=ekm\n", "schema=ekm\\\n")));
    REQUIRE(joined.size() == 2);
    CHECK(joined[0]
          == "ekm.properties: error: missing required setting `store.postgres.username` [missing-required]\n"
             "  hint: its line was joined to the value of `store.postgres.schema` on line 6 by a backslash at the "
             "end of the line before it; remove that backslash\n");
    CHECK(joined[1]
          == "ekm.properties:6:23: error: the value of `store.postgres.schema` runs on into the line "
             "`store.postgres.username...`, which Java reads as part of it [joined-line]\n"
             "  hint: remove the backslash at the end of the line before it; a line that ends with a backslash "
             "continues on the next\n");
    const auto into_password = rendered(check(replace(base, "auth.method=password\n", "auth.method=password\\\n")));
    REQUIRE(into_password.size() == 1);  // without a method, no password is asked for
    CHECK(into_password[0].find("runs on into the line `store.postgres.auth.password...`") != std::string::npos);
    CHECK(into_password[0].find("s3cret") == std::string::npos);
    const auto out_of_password =
        only(replace(base, "auth.password=s3cret-Pw\n", "auth.password=s3cret-Pw\\\nstore.postgres.port=5432\n"));
    CHECK(out_of_password.find("the value of `store.postgres.auth.password` runs on into the line "
                               "`store.postgres.port...`") != std::string::npos);
    CHECK(out_of_password.find("5432") == std::string::npos);
    // A value that merely holds "store." text, written on one line, is no joined line.
    CHECK(check(replace(base, "host=db1,db2", "host=store.example.com,pg1.store.postgres.internal")).findings.empty());
    CHECK(check(replace(base, "s3cret-Pw", "Restore.Point:9 keystore.x=1")).findings.empty());
    CHECK(check(replace(base, "db_ekm", "store.database.main")).findings.empty());
    // A service key whose value swallowed a store line loses that setting as well.
    CHECK(rendered(check(replace(base, "store.postgres.auth.password=", "org.id=x\\\nstore.postgres.auth.password=")))
              .back()
              .find("the value of `org.id` runs on into the line `store.postgres.auth.password...`")
          != std::string::npos);
    CHECK(check(replace(base, "method=password\nstore.postgres.auth.password=s3cret-Pw\n",
                        "method=cert\nstore.postgres.auth.cert=/etc/store.postgres.d/client.crt\n"
                        "store.postgres.auth.key=/etc/store.postgres.d/client.pk8\n"
                        "store.postgres.auth.ca=/etc/store.postgres.d/ca.crt\n"))
              .findings.empty());
    CHECK(only(replace(base, "schema=ekm\n", "schema=ekm\\\nstore.postgres.connections\n"))
              .find("runs on into the line `store.postgres.connections...`") != std::string::npos);
}

TEST_CASE("validate - a password key run into its value is withheld, even misspelt")
{
    for (const char* key : {"store.postgres.auth.paswordHunter2", "store.postgres.auth.pasword\\=Hunter2",
                            "store.postgres.auth.pwHunter2", "store.postgres.auth.passwordHunter2",
                            "store.postgres.auth.pw.Hunter2", "store.postgres.auth.Pasword.Hunter2",
                            "store.postgres.autth.paswd.Hunter2", "store.postgres.auth.pswdHunter2",
                            "store.postgres.auth.psword\\:Hunter2"}) {
        CAPTURE(key);
        const auto text = only(base + key + "\n");
        CHECK(text.find("Hunter") == std::string::npos);
        CHECK(text.find("<redacted>` [unknown-key]") != std::string::npos);
        CHECK(text.find("did you mean `store.postgres.auth.password`?") != std::string::npos);
    }
}

TEST_CASE("validate - a UTF-8 byte order mark hides the first key from Java")
{
    // Any store key behind the mark is lost to the service, so it is an error too.
    CHECK(rendered(check("\xEF\xBB\xBFstore.postgres.flux=1\n" + base)).front().find("error: the file starts with")
          != std::string::npos);
    const auto r = rendered(check("\xEF\xBB\xBF" + base));
    REQUIRE(r.size() == 2);
    CHECK(r[0]
          == "ekm.properties: error: missing required setting `store.type` [missing-required]\n"
             "  hint: correct the key `\u00ef\u00bb\u00bfstore.type` on line 1, which looks like a misspelling "
             "of it\n");
    CHECK(r[1]
          == "ekm.properties:1:1: error: the file starts with a UTF-8 byte order mark, which Java reads as part of "
             "the first key `store.type` [byte-order-mark]\n"
             "  hint: save the file without the byte order mark (UTF-8 without BOM), for example with "
             "`sed -i '1s/^\\xEF\\xBB\\xBF//' FILE`\n");
}

TEST_CASE("validate - a secret word in an unknown key is withheld once")
{
    CHECK(only(base + "store.postgres.passport=1\n").find("unknown key `store.postgres.pass<redacted>` [unknown-key]")
          != std::string::npos);
    CHECK(only(base + "store.postgres.flux=1\n").find("unknown key `store.postgres.flux` [unknown-key]")
          != std::string::npos);
}

TEST_CASE("validate - duplicate keys name both lines")
{
    CHECK(only(base + "store.postgres.port=6432\n")
          == "ekm.properties:10:1: warning: `store.postgres.port` is set again; this line replaces "
             "line 4 [duplicate-key]\n"
             "  hint: remove one of the two lines; java.util.Properties keeps the last one\n"
             "ekm.properties:4:1: note: the earlier value, which the service never sees\n");
    CHECK(check(base + "store.postgres.port=6432\n").config.port == 6432);
}

TEST_CASE("validate - missing and empty settings")
{
    CHECK(only(replace(base, "store.postgres.port=5432\n", ""))
          == "ekm.properties: error: missing required setting `store.postgres.port` [missing-required]\n"
             "  hint: add a line `store.postgres.port=...`: the TCP port every host listens on\n");
    CHECK(only(replace(base, "store.postgres.auth.password=s3cret-Pw\n", ""))
          == "ekm.properties: error: missing required setting `store.postgres.auth.password`, needed "
             "for store.postgres.auth.method=password [missing-required]\n"
             "  hint: add a line `store.postgres.auth.password=...`: the database user's password "
             "(auth.method=password)\n");
    CHECK(only(replace(base, "schema=ekm", "schema="))
          == "ekm.properties:6:23: error: `store.postgres.schema` is empty [empty-value]\n"
             "  hint: give it a value (the schema that holds the service's tables, such as ekm)\n");
    const auto all_missing = check("");
    // The password is not asked for while the authentication method itself is missing.
    CHECK(all_missing.findings.size() == 8);
}

TEST_CASE("validate - certificate authentication needs its three files")
{
    const auto cert = replace(base, "method=password\nstore.postgres.auth.password=s3cret-Pw\n",
                              "method=cert\nstore.postgres.auth.cert=/etc/ekm/client.crt\n");
    const auto r = rendered(check(cert));
    REQUIRE(r.size() == 2);
    CHECK(r[0]
          == "ekm.properties: error: missing required setting `store.postgres.auth.key`, needed for "
             "store.postgres.auth.method=cert [missing-required]\n"
             "  hint: add a line `store.postgres.auth.key=...`: the client private key, unencrypted "
             "PKCS#8 DER (auth.method=cert)\n");
    CHECK(r[1]
          == "ekm.properties: error: missing required setting `store.postgres.auth.ca`, needed for "
             "store.postgres.auth.method=cert [missing-required]\n"
             "  hint: add a line `store.postgres.auth.ca=...`: the CA certificate that signed the server's "
             "certificate, PEM (auth.method=cert)\n");
    const auto no_cert = replace(cert, "store.postgres.auth.cert=/etc/ekm/client.crt\n",
                                 "store.postgres.auth.key=/etc/ekm/client.pk8\n"
                                 "store.postgres.auth.ca=/etc/ekm/ca.crt\n");
    CHECK(only(no_cert)
          == "ekm.properties: error: missing required setting `store.postgres.auth.cert`, needed for "
             "store.postgres.auth.method=cert [missing-required]\n"
             "  hint: add a line `store.postgres.auth.cert=...`: the client certificate, PEM (auth.method=cert)\n");
}

TEST_CASE("validate - wrong types and ranges")
{
    CHECK(only(replace(base, "port=5432", "port=5432 "))
          == "ekm.properties:4:21: error: expected a whole number, saw `5432 ` [invalid-integer]\n"
             "  hint: remove the white space after `5432`: Java keeps it, and Integer.parseInt rejects it, so "
             "the service fails at start-up\n");
    CHECK(only(replace(base, "port=5432", "port=5432s"))
          == "ekm.properties:4:21: error: expected a whole number, saw `5432s` [invalid-integer]\n"
             "  hint: write only digits, without spaces or units; Java's Integer.parseInt rejects "
             "this value and the service fails at start-up\n");
    CHECK(only(replace(base, "port=5432", "port=70000"))
          == "ekm.properties:4:21: error: `store.postgres.port` is 70000, expected 1 to 65535 [out-of-range]\n"
             "  hint: set a value from 1 to 65535\n");
    CHECK(only(base + "store.postgres.connections=0\n")
          == "ekm.properties:10:28: error: `store.postgres.connections` is 0, expected 1 to 1000000 "
             "[out-of-range]\n"
             "  hint: set a value from 1 to 1000000\n");
    CHECK(only(base + "store.postgres.connections=99999999999\n")
          == "ekm.properties:10:28: error: expected a whole number from -2147483648 to 2147483647 (a Java int), "
             "saw `99999999999` [invalid-integer]\n"
             "  hint: write a smaller number; Java's Integer.parseInt rejects this value and the service fails at "
             "start-up\n");
    CHECK(check(base + "store.postgres.connections=+12\n").config.connections == 12);
    CHECK(only(replace(base, "port=5432", "port=5432 # primary"))
          == "ekm.properties:4:21: error: expected a whole number, saw `5432 # primary` [invalid-integer]\n"
             "  hint: move the comment to a line of its own: in a .properties file `#` and `!` start a comment "
             "only at the beginning of a line, so Java reads this one as part of the value\n");
    CHECK(only(replace(base, "database=db_ekm", "database=db_ekm # main"))
          == "ekm.properties:5:25: warning: the value of `store.postgres.database` is `db_ekm # main`, comment "
             "included [inline-comment]\n"
             "  hint: move the comment to a line of its own: in a .properties file `#` and `!` start a comment "
             "only at the beginning of a line, so Java reads this one as part of the value\n");
    CHECK(only(replace(base, "auth.method=password", "auth.method=password ! or cert"))
              .find("move the comment to a line of its own") != std::string::npos);
}

TEST_CASE("validate - booleans as Java's Boolean.parseBoolean reads them")
{
    const std::string java_reads_false = "  hint: Java's Boolean.parseBoolean reads everything but `true` (in any "
                                         "letter case) as false, so the service would take this as false; write "
                                         "true or false\n";
    for (const char* v : {"1", "on", "TRUEE", "0"}) {
        CAPTURE(v);
        CHECK(only(base + "store.postgres.update.schema=" + v + "\n")
              == "ekm.properties:10:30: error: expected true or false, saw `" + std::string(v) + "` [invalid-boolean]\n"
                     + java_reads_false);
    }
    CHECK(only(base + "store.postgres.update.schema=true \n")
          == "ekm.properties:10:30: error: expected true or false, saw `true ` [invalid-boolean]\n"
             "  hint: remove the white space after `true`: Java keeps it, and Boolean.parseBoolean reads "
             "everything but `true` (in any letter case) as false\n");
    CHECK(only(base + "store.postgres.update.schema=False\t\n").find("remove the white space after `False`")
          != std::string::npos);
    CHECK(only(base + "store.postgres.update.schema=yes\n")
          == "ekm.properties:10:30: error: expected true or false, saw `yes` [invalid-boolean]\n"
             "  hint: Java's Boolean.parseBoolean reads everything but `true` (in any letter case) as "
             "false, so the service would take this as false; write true or false\n");
    CHECK_FALSE(check(base + "store.postgres.update.schema=FALSE\n").config.update_schema);
    CHECK(check(base + "store.postgres.update.schema=True\n").config.update_schema);
}

TEST_CASE("validate - fixed words")
{
    CHECK(only(replace(base, "vendor=postgres", "vendor=Postgres"))
          == "ekm.properties:2:23: error: expected `postgres` or `cockroachdb`, saw `Postgres` [invalid-choice]\n"
             "  hint: values are case-sensitive: write `postgres`\n");
    CHECK(only(replace(base, "store.type=DatabaseStore", "store.type=FileStore"))
          == "ekm.properties:1:12: error: expected `DatabaseStore`, saw `FileStore` [invalid-choice]\n"
             "  hint: write `DatabaseStore`\n");
    CHECK(check(replace(base, "vendor=postgres", "vendor=cockroachdb")).config.vendor
          == pgstore::database_vendor::cockroachdb);
}

TEST_CASE("validate - host lists")
{
    CHECK(only(replace(base, "host=db1,db2", "host=db1:5433,db2"))
          == "ekm.properties:3:21: error: host `db1:5433` names a port; every host uses "
             "store.postgres.port [host-with-port]\n"
             "  hint: write `db1` and set store.postgres.port; hosts on different ports are not supported\n");
    CHECK(only(replace(base, "host=db1,db2", "host=db1,[::1]:5433"))
          == "ekm.properties:3:25: error: host `[::1]:5433` names a port; every host uses "
             "store.postgres.port [host-with-port]\n"
             "  hint: write `::1` and set store.postgres.port; hosts on different ports are not supported\n");
    CHECK(only(replace(base, "host=db1,db2", "host=db1,256.1.1.1"))
          == "ekm.properties:3:25: error: `256.1.1.1` is not a valid host: not a valid IPv4 address (four numbers "
             "0-255 separated by dots) [invalid-host]\n"
             "  hint: write a host name, an IPv4 address or an IPv6 address\n");
    CHECK(only(replace(base, "host=db1,db2", "host=1::2::3"))
          == "ekm.properties:3:21: error: `1::2::3` is not a valid host: not a valid IPv6 address [invalid-host]\n"
             "  hint: write a host name, an IPv4 address or an IPv6 address\n");
    CHECK(check(replace(base, "host=db1,db2", "host=10.0.0.5,::1,fe80::1,db-1.example.com")).findings.empty());
    CHECK(only(replace(base, "host=db1,db2", "host=db1,,db2"))
          == "ekm.properties:3:25: error: empty host in `db1,,db2` [empty-host]\n"
             "  hint: remove the extra comma; every item of the list must name a host\n");
    CHECK(only(replace(base, "host=db1,db2", "host=db1,db2,DB1"))
          == "ekm.properties:3:29: warning: host `DB1` is listed more than once [duplicate-host]\n"
             "  hint: remove the repeat; the driver would only try the same server again\n");
    CHECK(only(replace(base, "host=db1,db2", "host=db1, db2"))
          == "ekm.properties:3:25: warning: white space around host `db2` [host-whitespace]\n"
             "  hint: write the list without spaces, such as `db1,db2`; the service passes each name "
             "to the driver as written\n");
    CHECK(only(replace(base, "host=db1,db2", "host=db1,db_2!"))
          == "ekm.properties:3:25: error: `db_2!` is not a valid host: character '!' is not allowed "
             "in a host name [invalid-host]\n"
             "  hint: write a host name, an IPv4 address or an IPv6 address\n");
    CHECK(check(replace(base, "host=db1,db2", "host=10.0.0.5,[2001:db8::1],::1")).config.hosts
          == std::vector<std::string>{"10.0.0.5", "2001:db8::1", "::1"});
    CHECK(only(base + "store.postgres.host.readonly=r1,r2\n")
          == "ekm.properties:10:30: error: `store.postgres.host.readonly` takes one host, saw a list "
             "[invalid-host]\n"
             "  hint: keep one host here; list failover hosts in store.postgres.host\n");
    CHECK(check(base + "store.postgres.host.readonly=replica\n").config.readonly_host == "replica");
}

TEST_CASE("validate - authentication")
{
    CHECK(only(replace(base, "password=s3cret-Pw", "password=!CHANGE THIS!"))
          == "ekm.properties:9:30: error: the password is still the documentation's example value "
             "[placeholder-password]\n"
             "  hint: set the database user's real password\n");
    const auto cert = replace(base, "method=password", "method=cert")
                      + "store.postgres.auth.cert=c.crt\nstore.postgres.auth.key=c.pk8\n"
                        "store.postgres.auth.ca=ca.crt\n";
    CHECK(only(cert)
          == "ekm.properties:9:1: warning: a password is set, but store.postgres.auth.method=cert does "
             "not use it [password-ignored]\n"
             "  hint: remove store.postgres.auth.password so no unused secret is left in the file\n");
    CHECK(only(base + "store.postgres.auth.key=c.pk8\n")
          == "ekm.properties:10:1: note: `store.postgres.auth.key` is ignored with "
             "store.postgres.auth.method=password [cert-files-ignored]\n"
             "  hint: remove it, or switch to auth.method=cert to use the certificate\n");
    pgstore::validation_options production;
    production.deployment = pgstore::profile::production;
    CHECK(only(base, production)
          == "ekm.properties:8:28: warning: password authentication in a production configuration "
             "[password-auth-in-production]\n"
             "  hint: use store.postgres.auth.method=cert with a TLS client certificate, as "
             "recommended for production\n");
}

TEST_CASE("validate - how values are written")
{
    CHECK(only(replace(base, "schema=ekm", "schema=ekm  "))
          == "ekm.properties:6:26: warning: the value of `store.postgres.schema` ends with white space, "
             "which Java keeps as part of it [trailing-whitespace]\n"
             "  hint: remove the white space at the end of the line\n");
    CHECK(only(replace(base, "schema=ekm", "schema=\xc3\xa9km"))
          == "ekm.properties:6:23: warning: non-ASCII character in `store.postgres.schema`; Java reads "
             "the file as ISO-8859-1, so UTF-8 text turns into other characters [non-ascii]\n"
             "  hint: write each non-ASCII character as a \\uXXXX escape, for example \\u00e9 for e-acute\n");
    CHECK(only(replace(base, "schema=ekm", "schema=" + std::string(64, 's')))
          == "ekm.properties:6:23: error: `store.postgres.schema` is 64 bytes long; PostgreSQL cuts "
             "names to 63 bytes [name-too-long]\n"
             "  hint: use a name of at most 63 bytes, or the service and the database will disagree on it\n");
    CHECK(only(replace(base, "schema=ekm", "schema=ek\\u12")).find("[malformed-unicode-escape]") != std::string::npos);
}

TEST_CASE("validate - the pool's own rules")
{
    const std::string lifetime = "store.postgres.connection.maxlifetime.seconds=";
    const std::string idle = "store.postgres.connection.idletimeout.seconds=";
    CHECK(only(base + lifetime + "20\n")
          == "ekm.properties:10:47: warning: a lifetime of 20 s is under the pool's 30 s minimum; "
             "HikariCP silently uses 1800 s instead [lifetime-reset]\n"
             "  hint: set 30 or more; the default is 1740\n");
    CHECK(only(base + lifetime + "0\n")
          == "ekm.properties:10:47: warning: a lifetime of 0 turns the limit off: connections are "
             "kept until they fail [lifetime-disabled]\n"
             "  hint: set a lifetime a little below the database's or the network's connection "
             "limit; the default is 1740\n");
    CHECK(only(base + idle + "5\n")
          == "ekm.properties:10:47: warning: an idle timeout of 5 s is under the pool's 10 s minimum; "
             "HikariCP replaces it with 600 s [idle-timeout-reset]\n"
             "  hint: set 10 or more, or leave the default 600\n");
    CHECK(only(base + idle + "1740\n")
          == "ekm.properties:10:47: warning: an idle timeout of 1740 s is not at least 1 s under the "
             "1740 s lifetime the pool uses; HikariCP disables idle eviction [idle-timeout-disabled]\n"
             "  hint: set it to 1739 or less\n");
    CHECK(only(base + idle + "300\n")
          == "ekm.properties:10:47: note: the idle timeout has no effect: the pool keeps all its "
             "connections open [idle-timeout-no-effect]\n"
             "  hint: the pool's minimum idle equals its size, so only the lifetime retires "
             "connections; this setting can be left out\n");
    CHECK(only(base + "store.postgres.connection.timeout.seconds=0\n")
          == "ekm.properties:10:43: error: a connection timeout of 0 s makes requests wait for a "
             "connection forever [connection-timeout-zero]\n"
             "  hint: set at least 1; the default is 5\n");
    CHECK(only(replace(base, "vendor=postgres", "vendor=cockroachdb") + lifetime + "3600\n")
          == "ekm.properties:10:47: warning: a lifetime of 3600 s is over the 30 minutes CockroachDB's "
             "managed clusters allow [cockroach-lifetime]\n"
             "  hint: set 1800 or less; CockroachDB recommends 300 to 1800\n");
}

TEST_CASE("validate - pool size against CPU cores")
{
    pgstore::validation_options two;
    two.cores = 2;
    CHECK(only(base + "store.postgres.connections=12\n", two)
          == "ekm.properties:10:28: warning: 12 connections is more than 3 per CPU core (6 for 2 cores) "
             "[pool-size]\n"
             "  hint: set store.postgres.connections to 6\n");
    // The default of 10 is too many for two cores as well; there is no line to point at.
    CHECK(only(base, two).rfind("ekm.properties: warning: 10 connections", 0) == 0);
}

TEST_CASE("validate - an infrastructure connection limit")
{
    pgstore::validation_options nat;
    nat.infra_limit_seconds = 900;
    CHECK(only(base, nat)
          == "ekm.properties: error: connections live 1740 s but the infrastructure cuts them after "
             "900 s; the lifetime must end at least 30 s before that [infra-limit]\n"
             "  hint: set store.postgres.connection.maxlifetime.seconds=870; the pool keeps all its "
             "connections open, so the idle timeout does not protect them\n");
    CHECK(check(base + "store.postgres.connection.maxlifetime.seconds=870\n", nat).findings.empty());
    nat.infra_limit_seconds = 45;
    CHECK(only(base, nat).find("raise the connection limit") != std::string::npos);
}

TEST_CASE("validate - every problem in one pass, in file order")
{
    const auto r = check("store.type=DatabaseStore\nstore.postgres.port=x\nstore.postgres.hots=db\n"
                         "store.postgres.update.schema=1\n");
    std::vector<std::string> rules;
    for (const auto& d : r.findings)
        rules.push_back(d.rule);
    CHECK(rules == std::vector<std::string>{"missing-required", "missing-required", "missing-required",
                                            "missing-required", "missing-required", "missing-required",
                                            "invalid-integer", "unknown-key", "invalid-boolean"});
}

TEST_CASE("validate - secrets never appear in any finding")
{
    const std::string pw = "Zq9!secret\xc3\xa9  ";
    const auto text = replace(base, "password=s3cret-Pw", "password=" + pw) + "store.postgres.auth.password=" + pw
                      + "\nstore.postgres.auth.pasword=" + pw + "\n";
    pgstore::validation_options production;
    production.deployment = pgstore::profile::production;
    const auto r = check(text, production);
    CHECK(r.findings.size() >= 4);
    for (const auto& d : r.findings) {
        CHECK(d.to_string().find("Zq9") == std::string::npos);
        CHECK(d.hint.find("Zq9") == std::string::npos);
    }
}

TEST_CASE("validate - a password hidden in a damaged line is still never shown")
{
    SUBCASE("a key that lost its separator")
    {
        const auto r = check(base + "store.postgres.auth.passwordHunter2x\nstore.postgres.auth.password\\ Hunter2y\n");
        REQUIRE(r.findings.size() == 2);
        CHECK(r.findings[0].message == "unknown key `store.postgres.auth.password<redacted>`");
        CHECK(r.findings[0].key == "store.postgres.auth.password<redacted>");
        for (const auto& d : r.findings)
            CHECK(d.to_string().find("Hunter2") == std::string::npos);
    }
    SUBCASE("a line joined to the host list by a stray backslash")
    {
        const auto r = check(replace(base, "store.postgres.auth.password=s3cret-Pw\n", "")
                             + "store.postgres.host=db1,\\\nstore.postgres.auth.password=Hunter2z\n");
        REQUIRE_FALSE(r.findings.empty());
        for (const auto& d : r.findings)
            CHECK(d.to_string().find("Hunter2") == std::string::npos);
    }
}

TEST_CASE("validate - keys and values cannot write terminal controls into a log")
{
    const auto r = check(base + "store.postgres.\\u001b[31mevil\\u009b=1\n");
    REQUIRE(r.findings.size() == 1);
    CHECK(r.findings[0].message == "unknown key `store.postgres.\\x1b[31mevil\\x9b`");
}

TEST_CASE("validate - control characters and Windows paths")
{
    CHECK(only(replace(base, "schema=ekm", "schema=ek\\u0000m"))
          == "ekm.properties:6:23: error: `store.postgres.schema` holds the control character \\x00, which no "
             "name or path can contain [control-character]\n"
             "  hint: remove it; a backslash starts an escape in .properties files (\\n is a newline), so "
             "write a backslash as \\\\ or use /\n");
    // The password's line and column point at the value; the value itself is never shown.
    const std::string nul = only(replace(base, "password=s3cret-Pw", "password=s3cret\\u0000Pw"));
    CHECK(nul.find(": error: the password holds a NUL character (byte 7 of the value), which PostgreSQL cannot "
                   "store in a password [control-character]\n"
                   "  hint: remove it; \\u0000 in a .properties file is a NUL character\n")
          != std::string::npos);
    CHECK(nul.find("s3cret") == std::string::npos);
    const auto cert = replace(base, "method=password\nstore.postgres.auth.password=s3cret-Pw\n", "method=cert\n")
                      + "store.postgres.auth.cert=C:\\certs\\client.crt\nstore.postgres.auth.key=C:/certs/client.pk8\n"
                        "store.postgres.auth.ca=/etc/ca.crt\n";
    CHECK(only(cert)
          == "ekm.properties:9:26: warning: `store.postgres.auth.cert` reads as `C:certsclient.crt`: Java drops "
             "a backslash before most characters [windows-path]\n"
             "  hint: write the path with forward slashes, such as C:/certs/client.crt, or double every "
             "backslash\n");
}

TEST_CASE("validate - a damaged host list reports a few problems and counts the rest")
{
    const auto r = check(replace(base, "host=db1,db2", "host=db1" + std::string(5000, ',')));
    REQUIRE(r.findings.size() == 21);
    const auto note = std::find_if(r.findings.begin(), r.findings.end(),
                                   [](const pgstore::diagnostic& d) { return d.rule == "too-many-findings"; });
    REQUIRE(note != r.findings.end());
    CHECK(note->message == "4980 more problems in `store.postgres.host` are not shown");
}
