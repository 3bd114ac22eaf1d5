#pragma once

// Renders the findings of `pgstore check` as text, JSON or SARIF 2.1.0.

#include <pgstore/diagnostic.hpp>

#include <ostream>
#include <string>
#include <vector>

namespace pgstore::cli {

/// The findings of one checked file, or why it could not be read.
struct file_report {
    std::string file;
    diagnostics findings;
    std::string read_error;  ///< empty when the file was read
};

/// Totals over every file.
struct totals {
    std::size_t errors = 0;
    std::size_t warnings = 0;
    std::size_t notes = 0;
};

totals count_all(const std::vector<file_report>& reports);

/// `file:line:col: severity: message [rule]` lines with hints, then a one-line summary.
void write_text(std::ostream& out, const std::vector<file_report>& reports);

/// One JSON document with every finding and the totals.
void write_json(std::ostream& out, const std::vector<file_report>& reports);

/// A SARIF 2.1.0 log with one run, for code-scanning tools.
void write_sarif(std::ostream& out, const std::vector<file_report>& reports);

} // namespace pgstore::cli
