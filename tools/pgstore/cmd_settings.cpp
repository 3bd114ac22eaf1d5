// pgstore settings: every store setting with its syntax, default, limits and help, from the same
// descriptors the validation uses, so the list cannot drift from what `check` accepts.

#include "command_line.hpp"
#include "commands.hpp"

#include <pgstore/settings.hpp>

#include <boost/program_options.hpp>

#include <iostream>
#include <string>
#include <vector>

namespace pgstore::cli {
namespace po = boost::program_options;

namespace {

struct setting_row {
    std::string key;
    std::string syntax;
    std::string when;
    std::string default_value;
    std::string help;
};

std::string syntax_of(value_kind kind, const std::array<std::string_view, 2>& choices, std::int64_t min,
                      std::int64_t max)
{
    const auto range = [&] {
        return std::to_string(min) +
               (max == settings::no_limit ? std::string(" or more") : " to " + std::to_string(max));
    };
    switch (kind) {
    case value_kind::choice: {
        std::string words;
        for (const auto c : choices) {
            if (!c.empty())
                words += (words.empty() ? "" : " or ") + std::string(c);
        }
        return words;
    }
    case value_kind::host_list:
        return "host names or IP addresses, comma-separated";
    case value_kind::host:
        return "a host name or IP address";
    case value_kind::port:
        return "a port, " + range();
    case value_kind::count:
        return "a whole number, " + range();
    case value_kind::seconds:
        return "seconds, " + range();
    case value_kind::boolean:
        return "true or false";
    case value_kind::name:
        return "a PostgreSQL name, at most 63 bytes";
    case value_kind::secret:
        return "text, never printed";
    case value_kind::path:
        return "a file path";
    }
    return "text";
}

std::string when_of(presence p)
{
    switch (p) {
    case presence::required:
        return "required";
    case presence::optional:
        return "optional";
    case presence::password_auth:
        return "with auth.method=password";
    case presence::cert_auth:
        return "with auth.method=cert";
    }
    return "optional";
}

std::vector<setting_row> rows()
{
    std::vector<setting_row> out;
    settings::for_each([&out](const auto& s) {
        setting_row r{std::string(s.key), syntax_of(s.kind, s.choices, s.min, s.max), when_of(s.needed), "",
                      std::string(s.help)};
        if (s.has_default) {
            if (s.kind == value_kind::boolean)
                r.default_value = s.default_value ? "true" : "false";
            else
                r.default_value = std::to_string(static_cast<std::int64_t>(s.default_value));
        }
        out.push_back(std::move(r));
    });
    return out;
}

} // namespace

int run_settings(const arguments& args)
{
    std::string format = "text";
    po::options_description visible("pgstore settings [--format text|markdown]\n\n"
                                    "Lists every store setting that pgstore checks: its key, value syntax, when it\n"
                                    "is required, its default and what it is for.\n"
                                    "Exit status: 0 listed, 2 usage error.\n\noptions");
    visible.add_options()("help,h", "print this help")("format", po::value(&format)->value_name("text|markdown"),
                                                       "plain text (default) or a Markdown table");
    po::variables_map vm;
    if (const auto stop = parse_arguments("settings", args, visible, visible, {}, vm))
        return *stop;
    if (const auto stop = expect_one_of("settings", "--format", format, {"text", "markdown"}))
        return *stop;

    const auto list = rows();
    if (format == "markdown") {
        std::cout << "| Key | Value | When | Default | Meaning |\n|---|---|---|---|---|\n";
        for (const auto& r : list) {
            std::cout << "| `" << r.key << "` | " << r.syntax << " | " << r.when << " | "
                      << (r.default_value.empty() ? std::string("none") : r.default_value) << " | " << r.help << " |\n";
        }
        return clean;
    }
    for (const auto& r : list) {
        std::cout << r.key << '\n' << "  value:   " << r.syntax << '\n' << "  when:    " << r.when << '\n';
        if (!r.default_value.empty())
            std::cout << "  default: " << r.default_value << '\n';
        std::cout << "  meaning: " << r.help << '\n';
    }
    return clean;
}

} // namespace pgstore::cli
