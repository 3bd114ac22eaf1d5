// main() of libpq_tests. `--cluster` runs only the tests against the real PostgreSQL cluster
// (TEST_SUITE "cluster"); without it they are left out. The cluster tests read PGSTORE_PG_*
// (tests/pg/with-cluster.sh exports them): when those are missing the run is skipped (exit 77,
// meson's SKIP) with a message, but fails when CI is set, since CI must not skip silently.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <cstdlib>
#include <cstring>
#include <iostream>
#include <vector>

int main(int argc, char** argv)
{
    std::vector<char*> args;
    bool cluster = false;
    for (int i = 0; i < argc; ++i) {
        if (std::strcmp(argv[i], "--cluster") == 0)
            cluster = true;
        else
            args.push_back(argv[i]);
    }
    if (cluster && std::getenv("PGSTORE_PG_PORT") == nullptr) {
        const bool ci = std::getenv("CI") != nullptr;
        std::cerr << "libpq_tests: PGSTORE_PG_* is not set, so there is no cluster to test against; run "
                     "through tests/pg/with-cluster.sh (tools/test.sh does)"
                  << (ci ? ". CI is set: failing instead of skipping\n" : ". skipping\n");
        return ci ? 1 : 77;
    }

    doctest::Context context(static_cast<int>(args.size()), args.data());
    if (cluster)
        context.addFilter("test-suite", "cluster");
    else
        context.addFilter("test-suite-exclude", "cluster");
    return context.run();
}
