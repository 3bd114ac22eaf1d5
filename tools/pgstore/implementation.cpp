// The tool compiles pgstore's Spirit X3 reader and its validation once, here, rather than in
// every command's file (meson passes PGSTORE_HEADER_ONLY=0 to all of the tool's sources).
#define PGSTORE_IMPLEMENTATION
#include <pgstore/pgstore.hpp>
