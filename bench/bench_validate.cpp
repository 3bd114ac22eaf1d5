// Validation speed: pgstore against hand-written Boost.Program_options code on the same input.

#include "handwritten_po.hpp"

#include <pgstore/pgstore.hpp>

#include <benchmark/benchmark.h>

#include <fstream>
#include <sstream>

namespace {

std::string slurp(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

const std::string& example()
{
    static const std::string text = slurp(PGSTORE_SOURCE_DIR "/examples/ekm-password.properties");
    return text;
}

// A service file of realistic bulk: the store section among ~2,000 lines of other settings.
const std::string& large()
{
    static const std::string text = [] {
        std::string t;
        for (int i = 0; i < 2000; ++i)
            t += "service.section" + std::to_string(i % 40) + ".setting" + std::to_string(i) + " = value " +
                 std::to_string(i) + " with some text\n";
        return t + example();
    }();
    return text;
}

pgstore::validation_options options()
{
    pgstore::validation_options o;
    o.cores = 8;
    return o;
}

void pgstore_read(benchmark::State& state, const std::string& text)
{
    for (auto _ : state)
        benchmark::DoNotOptimize(pgstore::read_properties(text, "bench"));
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(text.size()));
}

void pgstore_read_validate(benchmark::State& state, const std::string& text)
{
    for (auto _ : state) {
        auto result = pgstore::validate(pgstore::read_properties(text, "bench"), options());
        benchmark::DoNotOptimize(result);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(text.size()));
}

void handwritten_po(benchmark::State& state, const std::string& text)
{
    for (auto _ : state) {
        handwritten::settings s;
        benchmark::DoNotOptimize(handwritten::load(text, s));
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(text.size()));
}

} // namespace

BENCHMARK_CAPTURE(pgstore_read, example, example());
BENCHMARK_CAPTURE(pgstore_read_validate, example, example());
BENCHMARK_CAPTURE(handwritten_po, example, example());
BENCHMARK_CAPTURE(pgstore_read, large, large());
BENCHMARK_CAPTURE(pgstore_read_validate, large, large());
BENCHMARK_CAPTURE(handwritten_po, large, large());

BENCHMARK_MAIN();
