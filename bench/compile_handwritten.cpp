// Compile-cost probe: the same start-up check written by hand with Boost.Program_options.
#include "handwritten_po.hpp"

int check(const std::string& text)
{
    handwritten::settings s;
    return handwritten::load(text, s).empty() ? 0 : 1;
}
