#pragma once

// pgstore: typed, validated store.postgres.* settings for Java services that keep their data
// in PostgreSQL. This umbrella header includes the parts that need no library to link against;
// tls.hpp (OpenSSL) and program_options.hpp (Boost.Program_options) are included separately.
// So are provisioning.hpp and scram.hpp (OpenSSL).
// So is libpq.hpp, the libpq adapter for failover.hpp (libpq and OpenSSL).

#include "version.hpp"
#include "config.hpp"
#include "location.hpp"
#include "diagnostic.hpp"
#include "display.hpp"
#include "redact.hpp"
#include "rules.hpp"
#include "secret.hpp"
#include "settings.hpp"
#include "properties.hpp"
#include "host.hpp"
#include "suggest.hpp"
#include "pool.hpp"
#include "hikari.hpp"
#include "validate.hpp"
#include "effective.hpp"
#include "conninfo.hpp"
#include "failover.hpp"
#include "sql_quote.hpp"
#include "layout.hpp"
#include "audit.hpp"
