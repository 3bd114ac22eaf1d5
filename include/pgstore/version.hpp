#pragma once

/// pgstore's release; meson reads the same number from VERSION and a test keeps both equal.
#define PGSTORE_VERSION_MAJOR 0
#define PGSTORE_VERSION_MINOR 1
#define PGSTORE_VERSION_PATCH 0

namespace pgstore {

/// The version as "major.minor.patch".
inline constexpr const char* version = "0.1.0";

} // namespace pgstore
