#pragma once

// Each subcommand of the pgstore tool lives in a file of its own and is listed in main.cpp.

#include <string>
#include <vector>

namespace pgstore::cli {

/// Arguments after the subcommand name.
using arguments = std::vector<std::string>;

/// Exit codes shared by every subcommand.
enum exit_code : int { clean = 0, findings = 1, usage = 2 };

int run_check(const arguments& args);
int run_convert_key(const arguments& args);
int run_conninfo(const arguments& args);
int run_sql(const arguments& args);
int run_plan(const arguments& args);
int run_settings(const arguments& args);
#if PGSTORE_TOOL_LIBPQ
int run_test_connection(const arguments& args);
int run_audit(const arguments& args);
#endif

} // namespace pgstore::cli
