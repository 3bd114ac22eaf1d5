#pragma once

/// pgstore is header-only by default. Define PGSTORE_HEADER_ONLY to 0 everywhere and
/// PGSTORE_IMPLEMENTATION in exactly one translation unit that includes <pgstore/pgstore.hpp>
/// to compile the Spirit X3 reader and the validation rules once, instead of in every file.
#ifndef PGSTORE_HEADER_ONLY
#define PGSTORE_HEADER_ONLY 1
#endif

#if PGSTORE_HEADER_ONLY
#define PGSTORE_FUNC inline
#else
#define PGSTORE_FUNC
#endif
