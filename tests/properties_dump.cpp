// Prints what pgstore's reader makes of .properties files, in the format of
// tests/java/PropertiesDump.java, so that tests/java_differential.py can compare the two.

#include <pgstore/properties.hpp>

#include <cstdint>
#include <cstdio>
#include <iostream>
#include <string>

namespace {

// Decodes the reader's UTF-8 (lone surrogates included) back into Java's UTF-16 units.
std::u16string to_utf16(const std::string& s)
{
    std::u16string out;
    for (std::size_t i = 0; i < s.size();) {
        const auto b = static_cast<unsigned char>(s[i]);
        std::uint32_t cp = 0;
        std::size_t len = 1;
        if (b < 0x80) {
            cp = b;
        } else if (b < 0xE0) {
            cp = b & 0x1Fu;
            len = 2;
        } else if (b < 0xF0) {
            cp = b & 0x0Fu;
            len = 3;
        } else {
            cp = b & 0x07u;
            len = 4;
        }
        for (std::size_t k = 1; k < len && i + k < s.size(); ++k)
            cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3Fu);
        i += len;
        if (cp >= 0x10000) {
            cp -= 0x10000;
            out.push_back(static_cast<char16_t>(0xD800 + (cp >> 10)));
            out.push_back(static_cast<char16_t>(0xDC00 + (cp & 0x3FF)));
        } else {
            out.push_back(static_cast<char16_t>(cp));
        }
    }
    return out;
}

std::string escaped(const std::string& s)
{
    std::string out;
    for (char16_t u : to_utf16(s)) {
        if (u > 0x20 && u < 0x7F && u != '\\' && u != '=') {
            out.push_back(static_cast<char>(u));
        } else {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(u));
            out += buf;
        }
    }
    return out;
}

} // namespace

int main(int argc, char** argv)
{
    for (int i = 1; i < argc; ++i) {
        std::string error;
        auto file = pgstore::load_properties(argv[i], error);
        std::cout << "== " << argv[i] << '\n';
        if (!file) {
            std::cerr << argv[i] << ": " << error << '\n';
            return 2;
        }
        if (!file->problems.empty()) {
            std::cout << "error\n";
            continue;
        }
        std::cout << "ok\n";
        for (const auto& p : file->entries) {
            if (file->find(p.key) == &p)
                std::cout << escaped(p.key) << '=' << escaped(p.value) << '\n';
        }
    }
    return 0;
}
