// Store settings from the command line, the environment, Program_options config files and
// .properties files: precedence, origins, unknown options, type errors and secrets.

#include <pgstore/program_options.hpp>

#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;
namespace s = pgstore::settings;

namespace {

// A complete password configuration, one setting per line.
const std::string complete = "store.type=DatabaseStore\n"             // 1
                             "store.database.vendor=postgres\n"       // 2
                             "store.postgres.host=db1,db2\n"          // 3
                             "store.postgres.port=5432\n"             // 4
                             "store.postgres.database=db_ekm\n"       // 5
                             "store.postgres.schema=ekm\n"            // 6
                             "store.postgres.username=user_ekm\n"     // 7
                             "store.postgres.auth.method=password\n"  // 8
                             "store.postgres.auth.password=s3cret-Pw\n";

/// A folder of its own under the system's temporary folder, removed at the end of the test.
class temp_dir {
public:
    temp_dir()
    {
        static int serial = 0;
        path_ = fs::temp_directory_path()
                / ("pgstore-po-" + std::to_string(::getpid()) + "-" + std::to_string(++serial));
        fs::create_directories(path_);
    }
    ~temp_dir()
    {
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
    temp_dir(const temp_dir&) = delete;
    temp_dir& operator=(const temp_dir&) = delete;

    /// Writes `text` to a file in the folder and returns its path.
    std::string write(const std::string& name, const std::string& text) const
    {
        const fs::path file = path_ / name;
        std::ofstream(file, std::ios::binary) << text;
        return file.string();
    }

private:
    fs::path path_;
};

using environment = std::map<std::string, std::string>;

pgstore::config_sources sources(std::vector<pgstore::settings_file> files, environment env = {})
{
    pgstore::config_sources out;
    out.files = std::move(files);
    out.environment = std::move(env);
    out.validation.cores = 4;
    return out;
}

std::vector<std::string> rendered(const pgstore::validation_result& r)
{
    std::vector<std::string> out;
    for (const auto& d : r.findings)
        out.push_back(d.to_string());
    return out;
}

std::string all_text(const pgstore::validation_result& r)
{
    std::string out;
    for (const auto& d : r.findings)
        out += d.to_string() + d.key + '\n';
    return out;
}

std::string origin(const pgstore::validation_result& r, std::string_view key)
{
    const auto& at = r.origins[s::index_of(key)];
    return at ? at->to_string() : "default";
}

// The one finding of a result, rendered.
std::string only(const pgstore::validation_result& r)
{
    const auto all = rendered(r);
    REQUIRE_MESSAGE(all.size() == 1, doctest::toString(all.size()) << " findings: " << all_text(r));
    return all.front();
}

} // namespace

TEST_CASE("program_options - store_options describes every setting")
{
    const auto options = pgstore::store_options();
    CHECK(options.options().size() == s::count);
    s::for_each([&](const auto& setting) {
        const auto* found = options.find_nothrow(std::string(setting.key), false);
        REQUIRE_MESSAGE(found != nullptr, setting.key);
        CHECK(found->format_name() == "--" + std::string(setting.key));
    });

    std::ostringstream help;
    help << options;
    const std::string text = help.str();
    CHECK(text.find("--store.postgres.host HOST[,HOST...]") != std::string::npos);
    CHECK(text.find("--store.postgres.connections N (=10)") != std::string::npos);
    CHECK(text.find("--store.postgres.connection.maxlifetime.seconds SECONDS (=1740)")
          != std::string::npos);
    CHECK(text.find("--store.postgres.update.schema true|false (=true)") != std::string::npos);
    CHECK(text.find("--store.database.vendor postgres|cockroachdb") != std::string::npos);
    CHECK(text.find("--store.postgres.port PORT ") != std::string::npos);
    CHECK(text.find("STORE_POSTGRES_HOST") != std::string::npos);

    SUBCASE("a secret never shows a value")
    {
        const auto line_start = text.find("--store.postgres.auth.password");
        REQUIRE(line_start != std::string::npos);
        const std::string line = text.substr(line_start, text.find('\n', line_start) - line_start);
        CHECK(line == "--store.postgres.auth.password PASSWORD");
    }
}

TEST_CASE("program_options - environment variable names")
{
    CHECK(pgstore::environment_name("store.postgres.host") == "STORE_POSTGRES_HOST");
    CHECK(pgstore::environment_name("store.postgres.connection.timeout.seconds")
          == "STORE_POSTGRES_CONNECTION_TIMEOUT_SECONDS");
    CHECK(pgstore::key_of_environment("STORE_POSTGRES_HOST_READONLY")
          == "store.postgres.host.readonly");
    CHECK_FALSE(pgstore::key_of_environment("PATH"));
    CHECK_FALSE(pgstore::key_of_environment("STORE_"));
    CHECK_FALSE(pgstore::key_of_environment("STORE_postgres_host"));
    CHECK_FALSE(pgstore::key_of_environment("STORE_POSTGRES-HOST"));
    for (auto key : s::keys)
        CHECK(pgstore::key_of_environment(pgstore::environment_name(key)) == std::string(key));
}

TEST_CASE("program_options - each source alone")
{
    temp_dir dir;

    SUBCASE("a .properties file, read the way Java reads it")
    {
        const auto path =
            dir.write("ekm.properties", complete + "store.postgres.connections = 7\n");
        const auto r = pgstore::load_store_config(std::vector<std::string>{}, sources({{path}}));
        CHECK(r.findings.empty());
        CHECK(r.config.connections == 7);
        CHECK(origin(r, "store.postgres.host") == path + ":3:1");
        CHECK(r.origins[s::index_of("store.postgres.connections")]->line == 10);
        CHECK(origin(r, "store.postgres.connection.timeout.seconds") == "default");
    }

    SUBCASE("a Program_options config file, with sections and comments")
    {
        const auto path = dir.write("service.ini",
                                    "# the store\r\n"                      // 1
                                    "store.type = DatabaseStore\r\n"       // 2
                                    "store.database.vendor=postgres\r\n"   // 3
                                    "[store.postgres]\r\n"                 // 4
                                    "  host =  db1,db2   # two hosts\r\n"  // 5
                                    "port=5432\r\n"                        // 6
                                    "database=db_ekm\r\n"                  // 7
                                    "schema=ekm\r\n"                       // 8
                                    "username=user_ekm\r\n"                // 9
                                    "auth.method=password\r\n"             // 10
                                    "auth.password=s3cret-Pw\r\n"          // 11
                                    "connections=12\r\n");                 // 12
        const auto r = pgstore::load_store_config(
            std::vector<std::string>{}, sources({{path, pgstore::file_syntax::program_options}}));
        CHECK(r.findings.empty());
        CHECK(r.config.hosts == std::vector<std::string>{"db1", "db2"});
        CHECK(r.config.connections == 12);
        CHECK(r.config.password.reveal() == "s3cret-Pw");
        CHECK(origin(r, "store.type") == path + ":2:1");
        CHECK(origin(r, "store.postgres.host") == path + ":5:3");
        CHECK(origin(r, "store.postgres.connections") == path + ":12:1");
    }

    SUBCASE("the environment")
    {
        environment env;
        std::istringstream lines(complete);
        for (std::string line; std::getline(lines, line);) {
            const auto eq = line.find('=');
            env[pgstore::environment_name(line.substr(0, eq))] = line.substr(eq + 1);
        }
        env["PATH"] = "/usr/bin";
        const auto r = pgstore::load_store_config(std::vector<std::string>{}, sources({}, env));
        CHECK(rendered(r).empty());
        CHECK(r.config.database == "db_ekm");
        CHECK(origin(r, "store.postgres.database") == "environment STORE_POSTGRES_DATABASE");
        CHECK(origin(r, "store.postgres.auth.password")
              == "environment STORE_POSTGRES_AUTH_PASSWORD");
    }

    SUBCASE("the command line, with both spellings of a value")
    {
        const std::vector<std::string> args{"--store.type=DatabaseStore",
                                            "--store.database.vendor",
                                            "postgres",
                                            "--store.postgres.host=db1",
                                            "--store.postgres.port=5432",
                                            "--store.postgres.database=db_ekm",
                                            "--store.postgres.schema=ekm",
                                            "--store.postgres.username=user_ekm",
                                            "--store.postgres.auth.method=cert",
                                            "--store.postgres.auth.cert=c.pem",
                                            "--store.postgres.auth.key=k.der",
                                            "--store.postgres.auth.ca=ca.pem"};
        const auto r = pgstore::load_store_config(args, sources({}));
        CHECK(rendered(r).empty());
        CHECK(r.config.auth == pgstore::auth_method::cert);
        CHECK(r.config.key_file == "k.der");
        CHECK(origin(r, "store.type") == "command line --store.type (argv[1])");
        CHECK(origin(r, "store.database.vendor")
              == "command line --store.database.vendor (argv[2])");
        CHECK(origin(r, "store.postgres.host") == "command line --store.postgres.host (argv[4])");
    }

    SUBCASE("nothing: every required setting is missing, and says how to set it")
    {
        const auto r = pgstore::load_store_config(std::vector<std::string>{}, sources({}));
        CHECK(pgstore::count(r.findings, pgstore::severity::error) == 8);
        CHECK(rendered(r).front()
              == "store settings: error: missing required setting `store.type` [missing-required]\n"
                 "  hint: pass --store.type=... or set STORE_TYPE: the store implementation; "
                 "DatabaseStore "
                 "keeps the service's data in PostgreSQL or CockroachDB\n");
    }
}

TEST_CASE("program_options - command line over environment over file over default")
{
    temp_dir dir;
    const auto base =
        dir.write("base.properties", complete
                                         + "store.postgres.connections=4\n"
                                           "store.postgres.connection.timeout.seconds=9\n");
    const auto site = dir.write("site.ini", "[store.postgres]\nconnections = 5\nschema = site\n");
    const environment env{{"STORE_POSTGRES_CONNECTIONS", "6"},
                          {"STORE_POSTGRES_SCHEMA", "env"},
                          {"STORE_POSTGRES_USERNAME", "env_user"}};
    const std::vector<std::string> args{"serve", "--store.postgres.connections=7", "--verbose"};
    const auto all = sources({{base}, {site, pgstore::file_syntax::program_options}}, env);

    const auto r = pgstore::load_store_config(args, all);
    CHECK(rendered(r).empty());  // an override is no duplicate
    CHECK(r.config.connections == 7);
    CHECK(origin(r, "store.postgres.connections")
          == "command line --store.postgres.connections (argv[2])");
    CHECK(r.config.schema == "env");
    CHECK(origin(r, "store.postgres.schema") == "environment STORE_POSTGRES_SCHEMA");
    CHECK(r.config.username == "env_user");
    CHECK(r.config.connection_timeout_seconds == 9);
    CHECK(origin(r, "store.postgres.connection.timeout.seconds") == base + ":11:1");
    CHECK(r.config.idle_timeout_seconds == 600);
    CHECK(origin(r, "store.postgres.connection.idletimeout.seconds") == "default");

    SUBCASE("without the command line, the environment wins")
    {
        const auto e = pgstore::load_store_config(std::vector<std::string>{}, all);
        CHECK(e.config.connections == 6);
        CHECK(origin(e, "store.postgres.connections") == "environment STORE_POSTGRES_CONNECTIONS");
    }
    SUBCASE("without the environment, the later file wins")
    {
        auto files_only = all;
        files_only.use_environment = false;
        const auto f = pgstore::load_store_config(std::vector<std::string>{}, files_only);
        CHECK(f.config.connections == 5);
        CHECK(f.config.schema == "site");
        CHECK(origin(f, "store.postgres.connections") == site + ":2:1");
    }
    SUBCASE("an invalid value in a higher source is reported there, not replaced by a lower one")
    {
        const auto t =
            pgstore::load_store_config(std::vector<std::string>{"--store.postgres.schema="}, all);
        CHECK(only(t)
              == "command line --store.postgres.schema (argv[1]): error: option "
                 "`--store.postgres.schema` has "
                 "nothing after `=` [invalid-option]\n"
                 "  hint: write a value after `=`, or leave the option out so that the lower "
                 "sources apply\n");
        CHECK_FALSE(t.ok());
    }
}

TEST_CASE("program_options - unknown options and variables")
{
    temp_dir dir;
    const auto file = dir.write("ekm.properties", complete);

    SUBCASE("a misspelt option gets a suggestion")
    {
        const auto r = pgstore::load_store_config(
            std::vector<std::string>{"--store.postgres.conections=12"}, sources({{file}}));
        CHECK(only(r)
              == "command line --store.postgres.conections (argv[1]): error: unknown option "
                 "`--store.postgres.conections` [unknown-key]\n"
                 "  hint: did you mean `--store.postgres.connections`?\n");
    }
    SUBCASE("an abbreviation is unknown, not guessed")
    {
        const auto r = pgstore::load_store_config(
            std::vector<std::string>{"--store.postgres.auth", "x"}, sources({{file}}));
        CHECK(only(r)
              == "command line --store.postgres.auth (argv[1]): error: unknown option "
                 "`--store.postgres.auth` "
                 "[unknown-key]\n"
                 "  hint: did you mean `--store.postgres.auth.method`?\n");
    }
    SUBCASE("an unknown option without a near key")
    {
        const auto r = pgstore::load_store_config(
            std::vector<std::string>{"--store.postgres.flux=1"}, sources({{file}}));
        CHECK(only(r)
              == "command line --store.postgres.flux (argv[1]): error: unknown option "
                 "`--store.postgres.flux` "
                 "[unknown-key]\n"
                 "  hint: remove it or correct its name; the options are the keys, such as "
                 "--store.postgres.host\n");
    }
    SUBCASE("the service's own options and arguments are left alone")
    {
        const auto r = pgstore::load_store_config(
            std::vector<std::string>{"--config", "x.ini", "-v", "--log=debug", "input", "--",
                                     "--store.x=1"},
            sources({{file}}));
        CHECK(rendered(r).empty());
    }
    SUBCASE("a misspelt environment variable")
    {
        const auto r = pgstore::load_store_config(
            std::vector<std::string>{}, sources({{file}}, {{"STORE_POSTGRES_CONECTIONS", "12"}}));
        CHECK(only(r)
              == "environment STORE_POSTGRES_CONECTIONS: error: unknown environment variable "
                 "`STORE_POSTGRES_CONECTIONS` [unknown-key]\n"
                 "  hint: did you mean `STORE_POSTGRES_CONNECTIONS`? a variable that names no setting is "
                 "ignored, so the service would run without this setting\n");
    }
    SUBCASE("other STORE_* variables: a warning for a near miss, nothing for the rest")
    {
        const auto r = pgstore::load_store_config(
            std::vector<std::string>{},
            sources({{file}}, {{"STORE_TYPES", "x"}, {"STORE_KMIP_HOSTNAME", "k"}}));
        CHECK(only(r)
              == "environment STORE_TYPES: warning: unknown environment variable `STORE_TYPES` "
                 "[unknown-key]\n"
                 "  hint: did you mean `STORE_TYPE`? a variable that names no setting is ignored, so the service would "
                 "run without this setting\n");
    }
    SUBCASE("an unknown key in a Program_options config file has its line and column")
    {
        const auto ini = dir.write("s.ini", "[store.postgres]\n  databse = db\n");
        const auto r = pgstore::load_store_config(
            std::vector<std::string>{},
            sources({{file}, {ini, pgstore::file_syntax::program_options}}));
        CHECK(only(r)
              == ini
                     + ":2:3: error: unknown key `store.postgres.databse` [unknown-key]\n"
                       "  hint: did you mean `store.postgres.database`? `store.postgres.database` is set at "
                     + file + ":5:1, so this line is probably left over; Java ignores it\n");
    }
}

TEST_CASE("program_options - type errors from the command line name the option")
{
    temp_dir dir;
    const auto file = dir.write("ekm.properties", complete);
    const auto check = [&](std::vector<std::string> args) {
        return only(pgstore::load_store_config(args, sources({{file}})));
    };

    CHECK(check({"--store.postgres.connections", "ten"})
          == "command line --store.postgres.connections (argv[1]): error: expected a whole number, "
             "saw `ten` "
             "[invalid-integer]\n"
             "  hint: write only digits, without spaces or units; Java's Integer.parseInt rejects "
             "this value and "
             "the service fails at start-up\n");
    CHECK(check({"--store.postgres.update.schema=yes"})
          == "command line --store.postgres.update.schema (argv[1]): error: expected true or "
             "false, saw `yes` "
             "[invalid-boolean]\n"
             "  hint: Java's Boolean.parseBoolean reads everything but `true` (in any letter case) "
             "as false, so "
             "the service would take this as false; write true or false\n");
    CHECK(check({"-v", "--store.postgres.port=70000"})
          == "command line --store.postgres.port (argv[2]): error: `store.postgres.port` is 70000, "
             "expected 1 to "
             "65535 [out-of-range]\n"
             "  hint: set a value from 1 to 65535\n");
    CHECK(
        check({"--store.postgres.host=db1:5433"})
            .rfind(
                "command line --store.postgres.host (argv[1]): error: host `db1:5433` names a port",
                0)
        == 0);

    SUBCASE("an option without its value")
    {
        CHECK(check({"--store.postgres.port"})
              == "command line --store.postgres.port (argv[1]): error: option "
                 "`--store.postgres.port` has no value "
                 "[invalid-option]\n"
                 "  hint: write --store.postgres.port=VALUE\n");
        CHECK(check({"--store.postgres.host", "--store.postgres.port=5432"})
              == "command line --store.postgres.host (argv[1]): error: option "
                 "`--store.postgres.host` has no "
                 "value; it took `--store.postgres.port` as one [invalid-option]\n"
                 "  hint: write --store.postgres.host=VALUE\n");
    }
    SUBCASE("an option given twice")
    {
        const auto r = pgstore::load_store_config(
            std::vector<std::string>{"--store.postgres.port=1", "x", "--store.postgres.port=2"},
            sources({{file}}));
        CHECK(only(r)
              == "command line --store.postgres.port (argv[3]): error: option "
                 "`--store.postgres.port` is given twice "
                 "[invalid-option]\n"
                 "  hint: give it once; Boost.Program_options refuses a repeated option\n"
                 "command line --store.postgres.port (argv[1]): note: given first here\n");
    }
}

TEST_CASE("program_options - environment values are checked like any other")
{
    temp_dir dir;
    const auto file = dir.write("ekm.properties", complete);
    const auto r = pgstore::load_store_config(
        std::vector<std::string>{}, sources({{file}}, {{"STORE_POSTGRES_CONNECTIONS", "lots"},
                                                       {"STORE_POSTGRES_SCHEMA", "ekm "}}));
    const auto all = rendered(r);
    REQUIRE(all.size() == 2);
    CHECK(all[0]
          == "environment STORE_POSTGRES_CONNECTIONS: error: expected a whole number, saw `lots` "
             "[invalid-integer]\n"
             "  hint: write only digits, without spaces or units; Java's Integer.parseInt rejects "
             "this value and "
             "the service fails at start-up\n");
    CHECK(all[1]
          == "environment STORE_POSTGRES_SCHEMA: warning: the value of `store.postgres.schema` "
             "ends with white "
             "space, which is kept as part of it [trailing-whitespace]\n"
             "  hint: remove the white space at the end of the value\n");
}

TEST_CASE("program_options - Program_options config files")
{
    temp_dir dir;
    const auto base = dir.write("ekm.properties", complete);

    SUBCASE("a line without `=` is placed, and its text is not echoed")
    {
        const auto ini =
            dir.write("bad.ini", "[store.postgres]\nauth.password hunter2\nport=5432\n");
        const auto r = pgstore::load_store_config(
            std::vector<std::string>{},
            sources({{base}, {ini, pgstore::file_syntax::program_options}}));
        CHECK(
            only(r)
            == ini
                   + ":2:1: error: expected `name = value` or `[section]`, saw a line without `=` "
                     "[config-file-syntax]\n"
                     "  hint: correct the line or start it with `#`; Boost.Program_options refuses "
                     "the whole file\n");
    }
    SUBCASE("an option set twice is an error, as Boost.Program_options refuses it")
    {
        const auto ini =
            dir.write("twice.ini", "store.postgres.port=5432\nstore.postgres.port = 5433\n");
        const auto r = pgstore::load_store_config(
            std::vector<std::string>{},
            sources({{base}, {ini, pgstore::file_syntax::program_options}}));
        CHECK(only(r)
              == ini
                     + ":2:1: error: `store.postgres.port` is set again; this line replaces line 1 "
                       "[duplicate-key]\n"
                       "  hint: remove one of the two lines; Boost.Program_options refuses an "
                       "option set twice\n"
                     + ini + ":1:1: note: the earlier value, which the service never sees\n");
        CHECK(r.config.port == 5433);
    }
    SUBCASE("a value's column points into the line")
    {
        const auto ini = dir.write("v.ini", "store.postgres.host =  db1,,db2\n");
        const auto r = pgstore::load_store_config(
            std::vector<std::string>{},
            sources({{base}, {ini, pgstore::file_syntax::program_options}}));
        CHECK(only(r).rfind(ini + ":1:28: error: empty host in `db1,,db2` [empty-host]", 0) == 0);
    }
}

TEST_CASE("program_options - an unreadable file is a finding")
{
    temp_dir dir;
    const auto missing = dir.write("ekm.properties", complete) + ".missing";
    const auto r = pgstore::load_store_config(std::vector<std::string>{}, sources({{missing}}));
    CHECK_FALSE(r.ok());
    CHECK(rendered(r).front()
          == missing
                 + ": error: cannot read the file: No such file or directory [unreadable-file]\n"
                   "  hint: check the path and that the service's user may read the file\n");
}

TEST_CASE("program_options - a secret from any source is never printed")
{
    temp_dir dir;
    const std::string secret = "Qw3rty-S3cret";
    const auto file = dir.write("ekm.properties", complete);

    SUBCASE("on the command line: a warning, and no echo even when misspelt or misplaced")
    {
        const auto r = pgstore::load_store_config(
            std::vector<std::string>{"--store.postgres.auth.password=" + secret,
                                     "--store.postgres.auth.pasword=" + secret,
                                     "--store.postgres.schema=" + secret + " "},
            sources({{file}}));
        const std::string text = all_text(r);
        CHECK(text.find(secret) == std::string::npos);
        CHECK(text.find("a password on the command line can be read by every user of the machine "
                        "[secret-on-command-line]")
              != std::string::npos);
        CHECK(text.find("did you mean `--store.postgres.auth.password`?") != std::string::npos);
    }
    SUBCASE("in the environment and in a Program_options file")
    {
        const auto ini = dir.write("p.ini", "store.postgres.auth.password\t" + secret + "\n");
        const auto r = pgstore::load_store_config(
            std::vector<std::string>{},
            sources({{file}, {ini, pgstore::file_syntax::program_options}},
                    {{"STORE_POSTGRES_AUTH_PASSWORD", "your_postgres_pwd"},
                     {"STORE_POSTGRES_AUTH_PASWORD", secret}}));
        const std::string text = all_text(r);
        CHECK(text.find(secret) == std::string::npos);
        CHECK(text.find("your_postgres_pwd") == std::string::npos);
        CHECK(text.find("[placeholder-password]") != std::string::npos);
        CHECK(text.find("[config-file-syntax]") != std::string::npos);
    }
    SUBCASE("in the exception and in the effective settings")
    {
        const std::vector<std::string> args{"--store.postgres.auth.password=" + secret,
                                            "--store.postgres.port=x"};
        try {
            (void)pgstore::require_store_config(args, sources({{file}}));
            FAIL("expected a config_error");
        } catch (const pgstore::config_error& e) {
            CHECK(std::string(e.what()).find(secret) == std::string::npos);
            CHECK(e.findings().size() == 2);
        }
        const auto r =
            pgstore::load_store_config(std::vector<std::string>{args.front()}, sources({{file}}));
        const std::string table = pgstore::format_effective(pgstore::effective_settings(r));
        CHECK(table.find(secret) == std::string::npos);
        CHECK(table.find("store.postgres.auth.password                   <redacted>")
              != std::string::npos);
    }
}

TEST_CASE("program_options - require_store_config lists every finding in its exception")
{
    temp_dir dir;
    const auto file = dir.write("ekm.properties", complete);
    const char* argv[] = {"service", "--store.postgres.connections=0",
                          "--store.postgres.conections=3"};

    try {
        (void)pgstore::require_store_config(3, argv, sources({{file}}));
        FAIL("expected a config_error");
    } catch (const pgstore::config_error& e) {
        CHECK(std::string(e.what())
              == "invalid store settings (2 errors, 0 warnings):\n"
                 "command line --store.postgres.conections (argv[2]): error: unknown option "
                 "`--store.postgres.conections` [unknown-key]\n"
                 "  hint: did you mean `--store.postgres.connections`?\n"
                 "command line --store.postgres.connections (argv[1]): error: "
                 "`store.postgres.connections` is 0, "
                 "expected 1 to 1000000 [out-of-range]\n"
                 "  hint: set a value from 1 to 1000000\n");
        CHECK(e.findings().size() == 2);
    }

    SUBCASE("a valid configuration returns the typed config, warnings included")
    {
        const char* good[] = {"service", "--store.postgres.connections=13"};
        const auto r = pgstore::require_store_config(2, good, sources({{file}}));
        CHECK(r.config.connections == 13);
        REQUIRE(r.findings.size() == 1);
        CHECK(r.findings.front().rule == "pool-size");
    }
}

TEST_CASE("program_options - the process environment")
{
    // A variable no other test sets; removed again before the test ends.
    REQUIRE(::setenv("STORE_POSTGRES_HOST_READONLY", "replica.example", 1) == 0);
    const auto env = pgstore::store_environment();
    temp_dir dir;
    const auto file = dir.write("ekm.properties", complete);
    pgstore::config_sources from_process;
    from_process.files = {{file}};
    from_process.validation.cores = 4;
    const auto r = pgstore::load_store_config(std::vector<std::string>{}, from_process);
    from_process.use_environment = false;
    const auto without = pgstore::load_store_config(std::vector<std::string>{}, from_process);
    ::unsetenv("STORE_POSTGRES_HOST_READONLY");

    CHECK(env.at("STORE_POSTGRES_HOST_READONLY") == "replica.example");
    CHECK(r.config.readonly_host == std::optional<std::string>("replica.example"));
    CHECK(origin(r, "store.postgres.host.readonly") == "environment STORE_POSTGRES_HOST_READONLY");
    CHECK_FALSE(without.config.readonly_host);
    CHECK(pgstore::store_environment().count("STORE_POSTGRES_HOST_READONLY") == 0);
}

TEST_CASE("effective - every setting's value and origin, secrets redacted")
{
    temp_dir dir;
    const auto file = dir.write("ekm.properties", complete + "store.postgres.update.schema=TRUE\n");
    const auto r =
        pgstore::load_store_config(std::vector<std::string>{"--store.postgres.connections=8"},
                                   sources({{file}}, {{"STORE_POSTGRES_HOST", "db9"}}));
    REQUIRE(r.ok());
    const std::string f = file + ":";
    CHECK(pgstore::format_effective(pgstore::effective_settings(r), "  ")
          == "  store.type                                     DatabaseStore  " + f
                 + "1:1\n"
                   "  store.database.vendor                          postgres       "
                 + f
                 + "2:1\n"
                   "  store.postgres.host                            db9            environment "
                   "STORE_POSTGRES_HOST\n"
                   "  store.postgres.host.readonly                   <not set>\n"
                   "  store.postgres.port                            5432           "
                 + f
                 + "4:1\n"
                   "  store.postgres.database                        db_ekm         "
                 + f
                 + "5:1\n"
                   "  store.postgres.schema                          ekm            "
                 + f
                 + "6:1\n"
                   "  store.postgres.connections                     8              command line "
                   "--store.postgres.connections (argv[1])\n"
                   "  store.postgres.connection.timeout.seconds      5              default\n"
                   "  store.postgres.connection.idletimeout.seconds  600            default\n"
                   "  store.postgres.connection.maxlifetime.seconds  1740           default\n"
                   "  store.postgres.update.schema                   true           "
                 + f
                 + "10:1\n"
                   "  store.postgres.username                        user_ekm       "
                 + f
                 + "7:1\n"
                   "  store.postgres.auth.method                     password       "
                 + f
                 + "8:1\n"
                   "  store.postgres.auth.password                   <redacted>     "
                 + f
                 + "9:1\n"
                   "  store.postgres.auth.cert                       <not set>\n"
                   "  store.postgres.auth.key                        <not set>\n"
                   "  store.postgres.auth.ca                         <not set>\n");

    SUBCASE("a setting an error concerns is shown as invalid, never as a stale value")
    {
        const auto bad = pgstore::load_store_config(
            std::vector<std::string>{"--store.postgres.port=x"}, sources({{file}}));
        const auto all = pgstore::effective_settings(bad);
        const auto& port = all[s::index_of("store.postgres.port")];
        CHECK(port.value == "<invalid>");
        CHECK(port.state == pgstore::value_state::invalid);
        CHECK(port.origin_text() == "command line --store.postgres.port (argv[1])");
    }
    SUBCASE("a value that was read keeps showing when another rule finds an error in it")
    {
        const auto zero = pgstore::load_store_config(
            std::vector<std::string>{"--store.postgres.connection.timeout.seconds=0"},
            sources({{file}}));
        CHECK_FALSE(zero.ok());
        CHECK(zero.parsed[s::index_of("store.postgres.connection.timeout.seconds")]);
        const auto all = pgstore::effective_settings(zero);
        CHECK(all[s::index_of("store.postgres.connection.timeout.seconds")].value == "0");
    }
    SUBCASE("a missing required setting is not set")
    {
        const auto none = pgstore::load_store_config(std::vector<std::string>{}, sources({}));
        const auto all = pgstore::effective_settings(none);
        CHECK(all[s::index_of("store.postgres.host")].state == pgstore::value_state::unset);
        CHECK(all[s::index_of("store.postgres.connections")].state
              == pgstore::value_state::defaulted);
    }
}
