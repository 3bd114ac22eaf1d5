#pragma once

// pgstore: typed, validated store.postgres.* settings for Java services that keep their data
// in PostgreSQL. This umbrella header includes the parts that need no library to link against;
// tls.hpp (OpenSSL) and program_options.hpp (Boost.Program_options) are included separately.

#include "version.hpp"
#include "config.hpp"
#include "location.hpp"
#include "diagnostic.hpp"
#include "rules.hpp"
#include "secret.hpp"
#include "settings.hpp"
#include "properties.hpp"
#include "host.hpp"
#include "suggest.hpp"
#include "pool.hpp"
#include "hikari.hpp"
#include "validate.hpp"
