#include <pgstore/pool.hpp>

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include <unistd.h>

namespace fs = std::filesystem;

namespace {

void write(const fs::path& p, const std::string& text)
{
    fs::create_directories(p.parent_path());
    std::ofstream(p) << text;
}

} // namespace

TEST_CASE("pool - three connections per core")
{
    static_assert(pgstore::recommended_pool_size(1) == 3);
    CHECK(pgstore::recommended_pool_size(8) == 24);
    CHECK(pgstore::recommended_pool_size(0) == 3);
    CHECK(pgstore::effective_cpu_count() >= 1);
}

TEST_CASE("pool - cgroup CPU limits")
{
    const fs::path root = fs::temp_directory_path() / ("pgstore-cgroup-" + std::to_string(::getpid()));
    fs::remove_all(root);

    SUBCASE("v2 quota, the tightest level wins")
    {
        write(root / "self", "0::/app/worker\n");
        write(root / "fs/app/worker/cpu.max", "max 100000\n");
        write(root / "fs/app/cpu.max", "150000 100000\n");
        write(root / "fs/cpu.max", "400000 100000\n");
        const auto limit = pgstore::cgroup_cpu_limit((root / "fs").string(), (root / "self").string());
        REQUIRE(limit);
        CHECK(*limit == doctest::Approx(1.5));
    }
    SUBCASE("v2 without a limit")
    {
        write(root / "self", "0::/\n");
        write(root / "fs/cpu.max", "max 100000\n");
        CHECK_FALSE(pgstore::cgroup_cpu_limit((root / "fs").string(), (root / "self").string()));
    }
    SUBCASE("v1 CFS quota")
    {
        write(root / "self", "4:cpu,cpuacct:/docker/abc\n3:memory:/docker/abc\n");
        write(root / "fs/cpu,cpuacct/docker/abc/cpu.cfs_quota_us", "200000\n");
        write(root / "fs/cpu,cpuacct/docker/abc/cpu.cfs_period_us", "100000\n");
        const auto limit = pgstore::cgroup_cpu_limit((root / "fs").string(), (root / "self").string());
        REQUIRE(limit);
        CHECK(*limit == doctest::Approx(2.0));
    }
    SUBCASE("v1 unlimited")
    {
        write(root / "self", "4:cpu,cpuacct:/\n");
        write(root / "fs/cpu,cpuacct/cpu.cfs_quota_us", "-1\n");
        write(root / "fs/cpu,cpuacct/cpu.cfs_period_us", "100000\n");
        CHECK_FALSE(pgstore::cgroup_cpu_limit((root / "fs").string(), (root / "self").string()));
    }
    fs::remove_all(root);
}
