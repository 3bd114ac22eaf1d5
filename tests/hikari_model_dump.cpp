// Prints pgstore's model of HikariCP (hikari.hpp) for groups of four numbers on the command
// line: connections, timeout, idle timeout and lifetime in seconds. The format is that of
// tests/java/HikariDump.java, which asks the real HikariCP the same questions.

#include <pgstore/hikari.hpp>

#include <cstdlib>
#include <iostream>

int main(int argc, char** argv)
{
    for (int i = 1; i + 3 < argc; i += 4) {
        pgstore::store_config c;
        c.connections = static_cast<std::uint32_t>(std::strtoul(argv[i], nullptr, 10));
        c.connection_timeout_seconds = static_cast<std::uint32_t>(std::strtoul(argv[i + 1], nullptr, 10));
        c.idle_timeout_seconds = static_cast<std::uint32_t>(std::strtoul(argv[i + 2], nullptr, 10));
        c.max_lifetime_seconds = static_cast<std::uint32_t>(std::strtoul(argv[i + 3], nullptr, 10));
        const auto p = pgstore::effective_pool(c);
        std::cout << argv[i] << ',' << argv[i + 1] << ',' << argv[i + 2] << ',' << argv[i + 3]
                  << " -> max=" << p.maximum_pool_size << " minIdle=" << p.minimum_idle
                  << " conn=" << p.connection_timeout_ms << " idle=" << p.idle_timeout_ms
                  << " life=" << p.max_lifetime_ms << '\n';
    }
}
