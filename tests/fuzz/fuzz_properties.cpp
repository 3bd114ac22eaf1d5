// libFuzzer target: any bytes must read and validate without crashing, and every finding must
// point inside the input and carry a rule the catalogue knows.

#include <pgstore/pgstore.hpp>

#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto file = pgstore::read_properties(text, "fuzz");
    pgstore::validation_options options;
    options.cores = 2;
    options.infra_limit_seconds = 900;
    const auto result = pgstore::validate(file, options);

    std::size_t lines = 1;
    for (char c : text)
        lines += (c == '\n' || c == '\r') ? 1 : 0;
    for (const auto& d : result.findings) {
        if (pgstore::find_rule(d.rule) == nullptr || d.where.line > lines || d.message.empty() || d.hint.empty())
            std::abort();
    }
    return 0;
}
