#pragma once

// Shared by the subcommands that act on one configuration (conninfo, test-connection, plan,
// audit): read and validate the file, and refuse it with its diagnostics when it has errors.

#include "commands.hpp"
#include "report.hpp"

#include <pgstore/pgstore.hpp>

#include <iostream>
#include <optional>
#include <string>
#include <string_view>

namespace pgstore::cli {

/// The validation of `path` when it has no errors, or nullopt after printing why not to stderr;
/// `status` is then `usage` for an unreadable file and `findings` for a file with errors.
inline std::optional<validation_result> load_valid(std::string_view command, const std::string& path, int& status,
                                                   const validation_options& options = {})
{
    std::string error;
    const auto file = load_properties(path, error);
    if (!file) {
        std::cerr << escape_controls(path) << ": error: cannot read the file: " << error << '\n';
        status = usage;
        return std::nullopt;
    }
    validation_result result = validate(*file, options);
    if (!result.ok()) {
        write_text(std::cerr, {{path, result.findings, {}}});
        std::cerr << "pgstore " << command << ": " << escape_controls(path)
                  << " has errors; fix them first (pgstore check " << escape_controls(path) << ")\n";
        status = findings;
        return std::nullopt;
    }
    status = clean;
    return result;
}

} // namespace pgstore::cli
