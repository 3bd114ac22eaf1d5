#pragma once

#include "settings.hpp"

#include <cstdint>

namespace pgstore {

/// The pool settings HikariCP ends up using, in its own units (milliseconds), after its
/// setters and validate() have corrected what they dislike. The services hand HikariCP the
/// store.postgres.* values in seconds times 1000 and leave minimumIdle unset, so the pool is
/// fixed-size. tests/hikari_oracle.py compares this model with the real HikariCP (Debian's 2.7.9);
/// HikariCP 6 skips the two idle corrections in a fixed-size pool, where the idle timeout has no
/// effect anyway.
struct hikari_pool {
    std::int64_t maximum_pool_size = 10;
    std::int64_t minimum_idle = 10;
    std::int64_t connection_timeout_ms = 5000;
    std::int64_t idle_timeout_ms = 600000;
    std::int64_t max_lifetime_ms = 1740000;
};

namespace hikari {
inline constexpr std::int64_t forever_ms = 2147483647;  // Integer.MAX_VALUE, what 0 turns into
inline constexpr std::int64_t min_lifetime_ms = 30000;
inline constexpr std::int64_t default_lifetime_ms = 1800000;
inline constexpr std::int64_t min_idle_timeout_ms = 10000;
inline constexpr std::int64_t default_idle_timeout_ms = 600000;
inline constexpr std::int64_t idle_margin_ms = 1000;
} // namespace hikari

static_assert(settings::max_lifetime.default_value * 1000 >= hikari::min_lifetime_ms
                  && settings::idle_timeout.default_value * 1000 >= hikari::min_idle_timeout_ms
                  && settings::idle_timeout.default_value * 1000 + hikari::idle_margin_ms
                         <= settings::max_lifetime.default_value * 1000
                  && settings::connection_timeout.default_value > 0,
              "the default pool settings must pass HikariCP's corrections unchanged");

/// What HikariCP makes of a configuration's pool settings.
[[nodiscard]] constexpr hikari_pool effective_pool(const store_config& c) noexcept
{
    hikari_pool pool;
    pool.maximum_pool_size = c.connections;
    pool.minimum_idle = c.connections;
    pool.connection_timeout_ms = std::int64_t{c.connection_timeout_seconds} * 1000;
    if (pool.connection_timeout_ms == 0)
        pool.connection_timeout_ms = hikari::forever_ms;

    pool.max_lifetime_ms = std::int64_t{c.max_lifetime_seconds} * 1000;
    if (pool.max_lifetime_ms != 0 && pool.max_lifetime_ms < hikari::min_lifetime_ms)
        pool.max_lifetime_ms = hikari::default_lifetime_ms;

    // The idle checks run after the lifetime was corrected, so they see the corrected value.
    pool.idle_timeout_ms = std::int64_t{c.idle_timeout_seconds} * 1000;
    if (pool.max_lifetime_ms > 0 && pool.idle_timeout_ms + hikari::idle_margin_ms > pool.max_lifetime_ms)
        pool.idle_timeout_ms = 0;
    else if (pool.idle_timeout_ms != 0 && pool.idle_timeout_ms < hikari::min_idle_timeout_ms)
        pool.idle_timeout_ms = hikari::default_idle_timeout_ms;
    return pool;
}

} // namespace pgstore
