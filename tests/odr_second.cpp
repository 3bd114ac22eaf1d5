#include <pgstore/pgstore.hpp>

std::size_t findings_in_second(const std::string& text)
{
    return pgstore::validate(pgstore::read_properties(text, "b")).findings.size();
}
