// The one translation unit that compiles the Spirit X3 reader and the validation when
// PGSTORE_HEADER_ONLY is 0.
#define PGSTORE_IMPLEMENTATION
#include <pgstore/pgstore.hpp>
