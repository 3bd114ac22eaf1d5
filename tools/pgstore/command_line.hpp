#pragma once

// The argument handling every subcommand shares: parse, answer --help, and report usage
// errors in one form, "pgstore COMMAND: what\n(see 'pgstore COMMAND --help')".

#include "commands.hpp"

#include <pgstore/display.hpp>

#include <boost/program_options.hpp>

#include <initializer_list>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>

namespace pgstore::cli {

/// Prints a usage error of `command` and returns the exit code for it.
inline int usage_error(std::string_view command, std::string_view message)
{
    std::cerr << "pgstore " << command << ": " << escape_controls(message) << "\n(see 'pgstore " << command
              << " --help')\n";
    return usage;
}

/// When `value` of `option` is none of `choices`: prints a usage error and returns its exit code.
inline std::optional<int> expect_one_of(std::string_view command, std::string_view option, const std::string& value,
                                        std::initializer_list<std::string_view> choices)
{
    std::string list;
    std::size_t i = 0;
    for (const auto choice : choices) {
        if (value == choice)
            return std::nullopt;
        list += std::string(i == 0 ? "" : i + 1 == choices.size() ? " or " : ", ") + std::string(choice);
        ++i;
    }
    return usage_error(command, std::string(option) + " takes " + list + ", not '" + value + "'");
}

/// Parses `args` against `all` (the options shown by --help are `visible`). Returns the exit
/// code to stop with, after a usage error or --help, or nullopt to go on. Options are never
/// abbreviated, so that `--with` can never pass for `--with-password`.
inline std::optional<int> parse_arguments(std::string_view command, const arguments& args,
                                          const boost::program_options::options_description& visible,
                                          const boost::program_options::options_description& all,
                                          const boost::program_options::positional_options_description& positional,
                                          boost::program_options::variables_map& vm)
{
    namespace po = boost::program_options;
    try {
        const int style = po::command_line_style::default_style & ~po::command_line_style::allow_guessing;
        po::store(po::command_line_parser(args).options(all).positional(positional).style(style).run(), vm);
        po::notify(vm);
    } catch (const po::error& e) {
        return usage_error(command, e.what());
    }
    if (vm.count("help") != 0) {
        std::cout << visible;
        return clean;
    }
    return std::nullopt;
}

} // namespace pgstore::cli
