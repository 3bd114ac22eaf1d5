#pragma once

/// pgstore is header-only by default. Define PGSTORE_HEADER_ONLY to 0 everywhere and
/// PGSTORE_IMPLEMENTATION in exactly one translation unit to compile the Spirit X3 reader once,
/// instead of in every file that includes pgstore.
#ifndef PGSTORE_HEADER_ONLY
#define PGSTORE_HEADER_ONLY 1
#endif

#if PGSTORE_HEADER_ONLY
#define PGSTORE_FUNC inline
#else
#define PGSTORE_FUNC
#endif
