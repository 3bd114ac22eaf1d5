#pragma once

// Boost.Program_options integration: every store setting as a command-line option, STORE_*
// environment variables, Program_options config files and .properties files, merged with one
// precedence and validated in one pass. Links boost_program_options.

// The umbrella header, so that this file also works dropped beside the single header.
#include "pgstore.hpp"

#include <boost/program_options.hpp>

#include <unistd.h>  // environ

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace pgstore {

/// The syntax of a settings file.
enum class file_syntax {
    properties,       ///< java.util.Properties, read by pgstore's Java-exact reader
    program_options,  ///< a Boost.Program_options config file: `name = value` lines, `[section]`s
};

/// A settings file to read, and its syntax.
struct settings_file {
    std::string path;
    file_syntax syntax = file_syntax::properties;
};

/// Where load_store_config looks for store settings besides the command line. Precedence, from
/// highest: command line, then environment, then files (a later file over an earlier one), then
/// the services' defaults.
struct config_sources {
    /// Settings files, lowest precedence first.
    std::vector<settings_file> files;
    /// Whether STORE_* environment variables are read.
    bool use_environment = true;
    /// Variables to read instead of the process environment, such as a test's.
    std::optional<std::map<std::string, std::string>> environment;
    /// What validation needs beyond the values: cores, infrastructure limit, profile.
    validation_options validation;
};

/// The environment variable for a key: upper-case, '.' becomes '_' (store.postgres.host is
/// STORE_POSTGRES_HOST).
[[nodiscard]] inline std::string environment_name(std::string_view key)
{
    std::string name(key);
    for (char& c : name) {
        if (c == '.')
            c = '_';
        else if (c >= 'a' && c <= 'z')
            c = static_cast<char>(c - 'a' + 'A');
    }
    return name;
}

/// The key an environment variable names (STORE_POSTGRES_HOST is store.postgres.host), or
/// nothing for a variable outside STORE_* or with characters no key has.
[[nodiscard]] inline std::optional<std::string> key_of_environment(std::string_view name)
{
    if (name.substr(0, 6) != "STORE_" || name.size() == 6)
        return std::nullopt;
    std::string key(name);
    for (char& c : key) {
        if (c == '_')
            c = '.';
        else if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
        else if (c < '0' || c > '9')
            return std::nullopt;
    }
    return key;
}

namespace impl {

constexpr bool keys_map_to_distinct_variables()
{
    // Keys of lower-case letters and dots map one to one onto upper-case names with '_'.
    for (std::string_view key : settings::keys) {
        for (char c : key) {
            if (!((c >= 'a' && c <= 'z') || c == '.'))
                return false;
        }
    }
    return true;
}
static_assert(keys_map_to_distinct_variables(),
              "a key with characters the STORE_* mapping would lose");

template <class T>
std::string option_value_name(const setting<T>& s)
{
    switch (s.kind) {
    case value_kind::choice: {
        std::string words;
        for (auto choice : s.choices) {
            if (!choice.empty())
                words += (words.empty() ? "" : "|") + std::string(choice);
        }
        return words;
    }
    case value_kind::host_list: return "HOST[,HOST...]";
    case value_kind::host: return "HOST";
    case value_kind::port: return "PORT";
    case value_kind::count: return "N";
    case value_kind::seconds: return "SECONDS";
    case value_kind::boolean: return "true|false";
    case value_kind::name: return "NAME";
    case value_kind::secret: return "PASSWORD";
    case value_kind::path: return "FILE";
    }
    return "VALUE";
}

template <class T>
std::string option_help(const setting<T>& s)
{
    std::string help(s.help);
    if (s.needed == presence::required)
        help += "; required";
    return help;
}

inline bool istarts_with(std::string_view s, std::string_view prefix)
{
    return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

/// One `name = value` line of a Program_options config file, with where its parts start.
struct config_line {
    std::string name;
    std::string value;
    std::uint32_t line;
    std::uint32_t name_column;
    std::uint32_t value_column;
};

/// Lines and columns of a Program_options config file. Boost's parser reports none, so this
/// follows its grammar (text from `#` on dropped, white space trimmed, `[section]` prefixes) to
/// find them; the parse that counts is Boost's, and a line that does not match stays unplaced.
struct config_file_map {
    std::vector<config_line> lines;
    std::vector<std::uint32_t> malformed;  ///< lines Boost rejects
};

inline config_file_map map_config_file(std::string_view text)
{
    static constexpr std::string_view space = " \t\r\n";
    config_file_map out;
    std::string prefix;
    std::uint32_t number = 0;
    std::size_t start = 0;
    while (start <= text.size()) {
        const std::size_t end = std::min(text.find('\n', start), text.size());
        std::string_view raw = text.substr(start, end - start);
        ++number;
        start = end + 1;
        raw = raw.substr(0, raw.find('#'));
        const std::size_t first = raw.find_first_not_of(space);
        if (first == std::string_view::npos)
            continue;
        const std::string_view line = raw.substr(first, raw.find_last_not_of(space) - first + 1);
        if (line.front() == '[' && line.back() == ']') {
            prefix = std::string(line.substr(1, line.size() - 2));
            if (prefix.empty() || prefix.back() != '.')
                prefix += '.';
            continue;
        }
        const std::size_t eq = line.find('=');
        if (eq == std::string_view::npos) {
            out.malformed.push_back(number);
            continue;
        }
        const auto trim = [](std::string_view s) {
            const std::size_t b = s.find_first_not_of(space);
            return b == std::string_view::npos ? std::string_view{}
                                               : s.substr(b, s.find_last_not_of(space) - b + 1);
        };
        const std::string_view value = trim(line.substr(eq + 1));
        std::size_t value_offset =
            first + eq + 1;  // in the raw line, where an empty value would be
        if (!value.empty())
            value_offset += line.substr(eq + 1).find_first_not_of(space);
        out.lines.push_back({prefix + std::string(trim(line.substr(0, eq))), std::string(value),
                             number, static_cast<std::uint32_t>(first + 1),
                             static_cast<std::uint32_t>(value_offset + 1)});
    }
    return out;
}

/// The help text of a setting, by key.
inline std::string help_of(std::string_view key)
{
    std::string help;
    settings::for_each([&](const auto& s) {
        if (s.key == key)
            help = std::string(s.help);
    });
    return help;
}

inline bool is_secret_key(std::string_view key)
{
    bool secret = false;
    settings::for_each([&](const auto& s) {
        if (s.key == key)
            secret = s.is_secret();
    });
    return secret;
}

inline diagnostic make_diagnostic(std::string_view rule, std::string key, location where,
                                  std::string message, std::string hint)
{
    const rule_info* info = find_rule(rule);
    diagnostic d;
    d.level = info ? info->level : severity::error;
    d.rule = std::string(rule);
    d.key = show_key(key);  // an option name from the command line may hold anything
    d.where = std::move(where);
    d.message = std::move(message);
    d.hint = std::move(hint);
    return d;
}

} // namespace impl

/// Every store setting as a Program_options option named after its key (`--store.postgres.host`),
/// with its value syntax, default and help. Values are strings, so that load_store_config checks
/// every source with the same rules; secrets have no default, so help never shows one.
[[nodiscard]] inline boost::program_options::options_description
store_options(const std::string& caption = "store settings (each also as an environment variable: "
                                           "--store.postgres.host is STORE_POSTGRES_HOST)")
{
    namespace po = boost::program_options;
    po::options_description options(caption);
    settings::for_each([&](const auto& s) {
        auto* value = po::value<std::string>()->value_name(impl::option_value_name(s));
        if constexpr (std::is_arithmetic_v<typename std::decay_t<decltype(s)>::value_type>) {
            if (s.has_default) {
                if constexpr (std::is_same_v<typename std::decay_t<decltype(s)>::value_type, bool>)
                    value->default_value(s.default_value ? "true" : "false");
                else
                    value->default_value(std::to_string(s.default_value));
            }
        }
        const std::string name(s.key);
        options.add_options()(name.c_str(), value, impl::option_help(s).c_str());
    });
    return options;
}

/// The STORE_* variables of this process's environment.
[[nodiscard]] inline std::map<std::string, std::string> store_environment()
{
    // Known limit: reads the POSIX `environ`; Windows would need _wenviron.
    std::map<std::string, std::string> out;
    for (char** entry = ::environ; entry != nullptr && *entry != nullptr; ++entry) {
        const std::string_view text(*entry);
        const std::size_t eq = text.find('=');
        if (eq == std::string_view::npos || text.substr(0, 6) != "STORE_")
            continue;
        out.emplace(std::string(text.substr(0, eq)), std::string(text.substr(eq + 1)));
    }
    return out;
}

/// Collects store settings from several sources, keeping where each value came from, and
/// validates them together: command line over environment over files (a later file over an
/// earlier one) over defaults. Problems of a source itself (an unreadable file, an unknown
/// option) become diagnostics like any other.
class settings_loader {
public:
    /// Reads the store options among command-line arguments (those after the program name).
    /// Options outside store.* belong to the service and are left alone.
    void add_command_line(const std::vector<std::string>& args)
    {
        namespace po = boost::program_options;
        command_line_used_ = true;
        const po::options_description options = store_options();
        // Keys are exact in Java, so no abbreviations: --store.postgres.auth is no option.
        const int style =
            po::command_line_style::unix_style & ~po::command_line_style::allow_guessing;
        std::optional<po::parsed_options> parsed;
        try {
            parsed = po::command_line_parser(args)
                         .options(options)
                         .style(style)
                         .allow_unregistered()
                         .run();
        } catch (const po::invalid_command_line_syntax& e) {
            report_syntax(args, e);
            return;
        } catch (const po::error& e) {
            // Boost's messages for the command line name options, never their values.
            problems_.push_back(impl::make_diagnostic("invalid-option", "",
                                                      location{"command line", 0, 0}, e.what(),
                                                      "correct the store options"));
            return;
        }

        std::size_t cursor = 0;
        std::map<std::string, std::size_t> seen;  // key -> index in command_line_
        for (const auto& o : parsed->options) {
            if (o.string_key.empty() || o.original_tokens.empty()
                || !impl::istarts_with(o.string_key, "store."))
                continue;  // a positional argument or the service's own option
            const location where = locate_argument(args, o.original_tokens, cursor, o.string_key);
            if (o.unregistered) {
                report_unknown_option(o.string_key, where);
                continue;
            }
            const std::string value = o.value.empty() ? std::string() : o.value.front();
            if (o.original_tokens.size() == 2 && took_option_as_value(o.string_key, value, where))
                continue;
            property p = make_property(o.string_key, value, where);
            if (auto [it, fresh] = seen.emplace(o.string_key, command_line_.size()); !fresh) {
                diagnostic d = impl::make_diagnostic(
                    "invalid-option", o.string_key, where,
                    "option `--" + o.string_key + "` is given twice",
                    "give it once; Boost.Program_options refuses a repeated option");
                d.related = command_line_[it->second].key_at;
                d.related_message = "given first here";
                problems_.push_back(std::move(d));
                command_line_[it->second] = std::move(p);
                continue;
            }
            if (impl::is_secret_key(o.string_key)) {
                problems_.push_back(impl::make_diagnostic(
                    "secret-on-command-line", o.string_key, where,
                    "a password on the command line can be read by every user of the machine",
                    "set " + environment_name(o.string_key)
                        + " or put it in a settings file only the service's user can read"));
            }
            command_line_.push_back(std::move(p));
        }
    }

    /// Reads STORE_* variables from `variables` (name to value); others are ignored.
    void add_environment(const std::map<std::string, std::string>& variables)
    {
        environment_used_ = true;
        for (const auto& [name, value] : variables) {
            const auto key = key_of_environment(name);
            if (!key)
                continue;
            location where{"environment " + name, 0, 0};
            if (settings::index_of(*key) < settings::count)
                environment_.push_back(make_property(*key, value, std::move(where)));
            else
                report_unknown_variable(name, *key, std::move(where));
        }
    }

    /// Reads the STORE_* variables of this process.
    void add_process_environment() { add_environment(store_environment()); }

    /// Reads a settings file; a file added later overrides one added earlier.
    void add_file(const settings_file& file)
    {
        files_.push_back({file.path, file.syntax, {}});
        std::string error;
        const auto bytes = read_file(file.path, error);
        if (!bytes) {
            problems_.push_back(impl::make_diagnostic(
                "unreadable-file", "", location{file.path, 0, 0}, "cannot read the file: " + error,
                "check the path and that the service's user may read the file"));
            return;
        }
        if (file.syntax == file_syntax::properties) {
            property_file read = read_properties(*bytes, file.path);
            problems_.insert(problems_.end(), read.problems.begin(), read.problems.end());
            files_.back().entries = std::move(read.entries);
        } else {
            files_.back().entries = read_config_file(*bytes, file.path);
        }
    }

    /// Validates what was collected: the value of each key comes from its highest source.
    [[nodiscard]] validation_result validate(const validation_options& options = {}) const
    {
        // Walk from the highest source down; a key set above hides every lower assignment, so
        // an override is no duplicate, while repeats inside one file still are.
        std::vector<const std::vector<property>*> highest_first{&command_line_, &environment_};
        for (auto it = files_.rbegin(); it != files_.rend(); ++it)
            highest_first.push_back(&it->entries);
        std::set<std::string> claimed;
        std::vector<std::vector<property>> kept;
        for (const auto* source : highest_first) {
            kept.emplace_back();
            for (const property& p : *source) {
                if (claimed.count(p.key) == 0)
                    kept.back().push_back(p);
            }
            for (const property& p : *source)
                claimed.insert(p.key);
        }
        std::vector<property> merged;
        for (auto it = kept.rbegin(); it != kept.rend(); ++it)
            merged.insert(merged.end(), it->begin(), it->end());

        validation_result result = pgstore::validate(merged, whole_source(), options);
        for (diagnostic& d : result.findings)
            adapt(d);
        // A source's own problem comes first at its place: it explains what follows, such as
        // the missing settings of an unreadable file.
        result.findings.insert(result.findings.begin(), problems_.begin(), problems_.end());
        sort_by_location(result.findings);
        return result;
    }

private:
    struct file_entries {
        std::string path;
        file_syntax syntax;
        std::vector<property> entries;
    };

    std::string whole_source() const
    {
        return files_.size() == 1 ? files_.front().path : "store settings";
    }

    property make_property(const std::string& key, const std::string& value, location where)
    {
        property p;
        p.key = key;
        p.value = value;
        p.key_at = where;
        p.value_at = where;
        p.value_verbatim = false;
        if (!value.empty() && (value.back() == ' ' || value.back() == '\t'))
            p.trailing_space_at = where;
        non_file_sources_.insert(where.source);
        return p;
    }

    static location locate_argument(const std::vector<std::string>& args,
                                    const std::vector<std::string>& tokens, std::size_t& cursor,
                                    const std::string& key)
    {
        // Boost keeps each option's tokens but not their places: find them in order. Only
        // store.* options are looked for, and Boost reads those tokens as nothing else.
        for (std::size_t i = cursor; i < args.size(); ++i) {
            if (args[i] == tokens.front()) {
                cursor = i + tokens.size();
                return location{"command line --" + key + " (argv[" + std::to_string(i + 1) + "])",
                                0, 0};
            }
        }
        return location{"command line --" + key, 0, 0};
    }

    void report_syntax(const std::vector<std::string>& args,
                       const boost::program_options::invalid_command_line_syntax& e)
    {
        namespace po = boost::program_options;
        const std::string option = e.get_option_name();
        const std::size_t dashes = option.find_first_not_of('-');
        std::string key = dashes == std::string::npos ? std::string() : option.substr(dashes);
        location where{"command line " + option, 0, 0};
        for (std::size_t i = 0; i < args.size(); ++i) {
            if (args[i] == option || args[i] == option + "=") {
                where.source += " (argv[" + std::to_string(i + 1) + "])";
                break;
            }
        }
        std::string message = e.what();
        std::string hint = "write " + option + "=VALUE";
        if (e.kind() == po::invalid_syntax::missing_parameter)
            message = "option `" + option + "` has no value";
        if (e.kind() == po::invalid_syntax::empty_adjacent_parameter) {
            message = "option `" + option + "` has nothing after `=`";
            hint =
                "write a value after `=`, or leave the option out so that the lower sources apply";
        }
        problems_.push_back(impl::make_diagnostic("invalid-option", std::move(key),
                                                  std::move(where), std::move(message),
                                                  std::move(hint)));
    }

    bool took_option_as_value(const std::string& key, const std::string& value,
                              const location& where)
    {
        // Boost gives `--a --b` the value `--b` when --a needs one; a store option there means
        // the value of --a was forgotten.
        if (value.size() < 3 || value.compare(0, 2, "--") != 0)
            return false;
        const std::string next = value.substr(2, value.find('=') - 2);
        if (!impl::istarts_with(next, "store."))
            return false;
        problems_.push_back(impl::make_diagnostic("invalid-option", key, where,
                                                  "option `--" + key + "` has no value; it took `--"
                                                      + next + "` as one",
                                                  "write --" + key + "=VALUE"));
        return true;
    }

    void report_unknown_option(const std::string& name, const location& where)
    {
        const auto guess = suggest_key(name, settings::keys);
        problems_.push_back(
            impl::make_diagnostic("unknown-key", name, where, "unknown option `--" + name + "`",
                                  guess ? "did you mean `--" + std::string(*guess) + "`?"
                                        : "remove it or correct its name; the options are the "
                                          "keys, such as --store.postgres.host"));
    }

    void report_unknown_variable(const std::string& name, const std::string& key, location where)
    {
        // The same policy as unknown keys in a file: typos under store.postgres and
        // store.database are errors; other STORE_* variables only when they look like a typo.
        const bool ours =
            impl::starts_with(key, "store.postgres.") || impl::starts_with(key, "store.database.");
        const auto guess = suggest_key(key, settings::keys);
        if (!ours && !guess)
            return;
        diagnostic d = impl::make_diagnostic(
            "unknown-key", key, std::move(where), "unknown environment variable `" + name + "`",
            guess ? "did you mean `" + environment_name(*guess)
                        + "`? a variable that names no setting is "
                        "ignored, so the service would run without this setting"
                  : "remove it or correct its name; the variables are the keys in upper case "
                    "with `_` for `.`, such as STORE_POSTGRES_HOST");
        if (!ours)
            d.level = severity::warning;
        problems_.push_back(std::move(d));
    }

    std::vector<property> read_config_file(const std::string& text, const std::string& path)
    {
        namespace po = boost::program_options;
        const impl::config_file_map map = impl::map_config_file(text);
        std::istringstream in(text);
        std::optional<po::parsed_options> parsed;
        try {
            parsed = po::parse_config_file(in, store_options(), true);
        } catch (const po::error&) {
            // Boost's message quotes the line, which may hold a password: say where it is instead.
            for (std::uint32_t line : map.malformed) {
                problems_.push_back(impl::make_diagnostic(
                    "config-file-syntax", "", location{path, line, 1},
                    "expected `name = value` or `[section]`, saw a line without `=`",
                    "correct the line or start it with `#`; Boost.Program_options refuses the "
                    "whole file"));
            }
            if (map.malformed.empty()) {
                problems_.push_back(impl::make_diagnostic(
                    "config-file-syntax", "", location{path, 0, 0},
                    "Boost.Program_options cannot read the file", "check the file's syntax"));
            }
            return {};
        }
        std::vector<property> entries;
        for (std::size_t i = 0; i < parsed->options.size(); ++i) {
            const auto& o = parsed->options[i];
            property p;
            p.key = o.string_key;
            p.value = o.value.empty() ? std::string() : o.value.front();
            p.key_at = p.value_at = location{path, 0, 0};
            if (i < map.lines.size() && map.lines[i].name == p.key
                && map.lines[i].value == p.value) {
                p.key_at = location{path, map.lines[i].line, map.lines[i].name_column};
                p.value_at = location{path, map.lines[i].line, map.lines[i].value_column};
            } else {
                p.value_verbatim = false;
            }
            entries.push_back(std::move(p));
        }
        config_files_.insert(path);
        return entries;
    }

    /// Fits validate()'s file-minded wording to the source a finding is about.
    void adapt(diagnostic& d) const
    {
        if (d.rule == "missing-required" && (command_line_used_ || environment_used_)) {
            std::vector<std::string> ways;
            if (command_line_used_)
                ways.push_back("pass --" + d.key + "=...");
            if (environment_used_)
                ways.push_back("set " + environment_name(d.key));
            if (files_.size() == 1)
                ways.push_back("add `" + d.key + "=...` to " + files_.front().path);
            else if (!files_.empty())
                ways.push_back("add `" + d.key + "=...` to a settings file");
            std::string hint;
            for (std::size_t i = 0; i < ways.size(); ++i)
                hint += (i == 0 ? "" : i + 1 == ways.size() ? " or " : ", ") + ways[i];
            d.hint = hint + ": " + impl::help_of(d.key);
        }
        if (d.rule == "duplicate-key" && config_files_.count(d.where.source) != 0) {
            d.level = severity::error;
            d.hint =
                "remove one of the two lines; Boost.Program_options refuses an option set twice";
        }
        if (d.rule == "pool-size" && command_line_used_) {
            // A service counts the cores of the machine it runs on; --cores is pgstore check's.
            const std::size_t at = d.hint.find(", or pass --cores");
            if (at != std::string::npos)
                d.hint.erase(at);
        }
        if (d.rule == "trailing-whitespace" && non_file_sources_.count(d.where.source) != 0) {
            d.message =
                "the value of `" + d.key + "` ends with white space, which is kept as part of it";
            d.hint = "remove the white space at the end of the value";
        }
    }

    std::vector<file_entries> files_;
    std::vector<property> environment_;
    std::vector<property> command_line_;
    diagnostics problems_;
    std::set<std::string> config_files_;
    std::set<std::string> non_file_sources_;
    bool command_line_used_ = false;
    bool environment_used_ = false;
};

/// The findings of a configuration that was refused, listed one by one in what().
class config_error : public std::runtime_error {
public:
    explicit config_error(diagnostics all)
        : std::runtime_error(describe(all)),
          findings_(std::make_shared<const diagnostics>(std::move(all)))
    {
    }

    /// Every finding, errors and the rest, as load_store_config returned them.
    [[nodiscard]] const diagnostics& findings() const noexcept { return *findings_; }

private:
    static std::string describe(const diagnostics& all)
    {
        const auto plural = [](std::size_t n, const char* word) {
            return std::to_string(n) + ' ' + word + (n == 1 ? "" : "s");
        };
        std::string text = "invalid store settings (" + plural(count(all, severity::error), "error")
                           + ", " + plural(count(all, severity::warning), "warning") + "):\n";
        for (const diagnostic& d : all)
            text += d.to_string();
        return text;
    }

    // Shared, so that copying the exception cannot throw.
    std::shared_ptr<const diagnostics> findings_;
};

/// Loads the store settings from the command-line arguments after the program name, the
/// environment and the files of `sources`, and validates them: the typed config and every
/// finding, with each value's origin in `origins`.
[[nodiscard]] inline validation_result load_store_config(const std::vector<std::string>& args,
                                                         const config_sources& sources = {})
{
    settings_loader loader;
    for (const settings_file& file : sources.files)
        loader.add_file(file);
    if (sources.use_environment) {
        if (sources.environment)
            loader.add_environment(*sources.environment);
        else
            loader.add_process_environment();
    }
    loader.add_command_line(args);
    return loader.validate(sources.validation);
}

/// load_store_config for main()'s own arguments.
[[nodiscard]] inline validation_result load_store_config(int argc, const char* const* argv,
                                                         const config_sources& sources = {})
{
    std::vector<std::string> args;
    for (int i = 1; i < argc; ++i)
        args.emplace_back(argv[i]);
    return load_store_config(args, sources);
}

/// Like load_store_config, but throws config_error, listing every finding, when any is an error.
/// The result is then valid; its findings hold the warnings and notes.
inline validation_result require_store_config(int argc, const char* const* argv,
                                              const config_sources& sources = {})
{
    validation_result result = load_store_config(argc, argv, sources);
    if (!result.ok())
        throw config_error(result.findings);
    return result;
}

/// require_store_config for arguments already in a vector.
inline validation_result require_store_config(const std::vector<std::string>& args,
                                              const config_sources& sources = {})
{
    validation_result result = load_store_config(args, sources);
    if (!result.ok())
        throw config_error(result.findings);
    return result;
}

} // namespace pgstore
