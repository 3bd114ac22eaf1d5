// Compile-cost probe: a service's start-up check with pgstore, including only what it needs.
#include <pgstore/validate.hpp>

int check(const std::string& text)
{
    return pgstore::validate(pgstore::read_properties(text, "svc.properties")).ok() ? 0 : 1;
}
