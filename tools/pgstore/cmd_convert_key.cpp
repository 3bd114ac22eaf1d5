// pgstore convert-key IN OUT: writes a private key as the unencrypted PKCS#8 DER the driver reads.

#include "command_line.hpp"
#include "commands.hpp"

#include <pgstore/properties.hpp>
#include <pgstore/tls_key.hpp>

#include <boost/program_options.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <optional>
#include <string>

namespace pgstore::cli {
namespace po = boost::program_options;

namespace {

struct convert_options {
    std::string in;
    std::string out;
    std::string passin;
    bool force = false;
};

po::options_description describe(convert_options& o)
{
    po::options_description d(
        "pgstore convert-key [OPTIONS] IN OUT\n"
        "\n"
        "Writes the private key in IN to OUT as unencrypted PKCS#8 DER, the one format the "
        "services'\n"
        "PostgreSQL driver reads, with mode 0600. IN may be PEM PKCS#8, PKCS#1 or SEC1, encrypted\n"
        "PKCS#8 (PEM or DER), DER PKCS#1 or SEC1, or PKCS#12. The pass phrase of an encrypted key "
        "is\n"
        "read from --passin, or asked for on the terminal.\n"
        "Exit status: 0 written, 1 not converted, 2 usage error or unreadable IN.\n"
        "\n"
        "options");
    d.add_options()("help,h", "print this help")("force", po::bool_switch(&o.force),
                                                 "replace OUT when it exists")(
        "passin", po::value(&o.passin)->value_name("file:PATH"),
        "read the pass phrase from the first line of PATH");
    return d;
}

int fail(const std::string& message)
{
    std::cerr << "pgstore convert-key: " << message << '\n';
    return findings;
}

// Wipes a pass phrase when it goes out of scope; pgstore::secret itself does not.
class passphrase_holder {
public:
    passphrase_holder() = default;
    passphrase_holder(const passphrase_holder&) = delete;
    passphrase_holder& operator=(const passphrase_holder&) = delete;
    ~passphrase_holder() { OPENSSL_cleanse(buffer_.data(), buffer_.size()); }

    /// Reads the first line of a file. Returns false after printing why not.
    bool from_file(const std::string& path)
    {
        std::string error;
        std::optional<std::string> text = read_file(path, error);
        if (!text) {
            std::cerr << "pgstore convert-key: cannot read the pass phrase file " << escape_controls(path) << ": "
                      << error << '\n';
            return false;
        }
        std::size_t end = text->find('\n');
        end = end == std::string::npos ? text->size() : end;
        if (end > 0 && (*text)[end - 1] == '\r')
            --end;
        value_ = secret(text->substr(0, end));
        OPENSSL_cleanse(text->data(), text->size());
        return true;
    }

    /// Asks on the terminal without echo. Returns false after printing why not.
    bool from_terminal(const std::string& key_path)
    {
        const std::string prompt = "pass phrase for " + key_path + ": ";
        if (EVP_read_pw_string(buffer_.data(), static_cast<int>(buffer_.size()), prompt.c_str(), 0)
            != 0) {
            std::cerr << "pgstore convert-key: no pass phrase was read from the terminal\n";
            return false;
        }
        value_ = secret(std::string(buffer_.data()));
        return true;
    }

    [[nodiscard]] const secret* get() const { return value_ ? &*value_ : nullptr; }

private:
    std::array<char, 1024> buffer_{};
    std::optional<secret> value_;
};

// Writes `der` to `path` with mode 0600: in place when the file is new (O_EXCL, so a file that
// appears meanwhile is never clobbered), otherwise through a temporary file renamed over it.
bool write_key(const std::string& path, std::string_view der, bool replace, std::string& error)
{
    std::string target = path;
    std::string temporary;
    int fd = -1;
    if (replace) {
        temporary = path + ".XXXXXX";
        fd = ::mkstemp(temporary.data());
    } else {
        fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, S_IRUSR | S_IWUSR);
    }
    if (fd < 0) {
        error = std::strerror(errno);
        return false;
    }
    const std::string& written = replace ? temporary : target;
    bool ok = ::fchmod(fd, S_IRUSR | S_IWUSR) == 0;
    std::size_t done = 0;
    while (ok && done < der.size()) {
        const ssize_t n = ::write(fd, der.data() + done, der.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        ok = n > 0;
        if (ok)
            done += static_cast<std::size_t>(n);
    }
    ok = ok && ::fsync(fd) == 0;
    if (!ok)
        error = std::strerror(errno);
    if (::close(fd) != 0 && ok) {
        error = std::strerror(errno);
        ok = false;
    }
    if (ok && replace && ::rename(temporary.c_str(), target.c_str()) != 0) {
        error = std::strerror(errno);
        ok = false;
    }
    if (!ok)
        ::unlink(written.c_str());
    return ok;
}

} // namespace

int run_convert_key(const arguments& args)
{
    convert_options o;
    po::options_description visible = describe(o);
    po::options_description all = visible;
    all.add_options()("in", po::value(&o.in))("out", po::value(&o.out));
    po::positional_options_description positional;
    positional.add("in", 1).add("out", 1);

    po::variables_map vm;
    if (const auto stop = parse_arguments("convert-key", args, visible, all, positional, vm))
        return *stop;
    if (o.in.empty() || o.out.empty()) {
        return usage_error("convert-key", "expected IN and OUT");
    }
    const bool has_passin = vm.count("passin") != 0;
    if (has_passin && (o.passin.rfind("file:", 0) != 0 || o.passin.size() == 5)) {
        std::cerr << "pgstore convert-key: --passin takes file:PATH, saw '"
                  << o.passin.substr(0, o.passin.find(':')) << ":...'\n";
        return usage;
    }

    std::string error;
    const std::optional<std::string> bytes = read_file(o.in, error);
    if (!bytes) {
        std::cerr << escape_controls(o.in) << ": error: cannot read the file: " << error << '\n';
        return usage;
    }
    const key_detection found = detect_key_format(*bytes);
    if (!is_private_key(found.format))
        return fail(escape_controls(o.in) + ": expected a private key, saw " + describe(found));
    struct stat existing {};
    if (!o.force && ::lstat(o.out.c_str(), &existing) == 0)
        return fail(escape_controls(o.out) + " exists; pass --force to replace it");

    passphrase_holder passphrase;
    if (has_passin && !passphrase.from_file(o.passin.substr(5)))
        return findings;
    loaded_key loaded;
    // A PKCS#12 bundle often has an empty pass phrase, so it is tried without one first.
    if (passphrase.get() != nullptr || !is_encrypted(found.format)
        || found.format == key_format::pkcs12)
        loaded = load_private_key(*bytes, passphrase.get());
    if (!loaded.key && passphrase.get() == nullptr && is_encrypted(found.format)) {
        if (::isatty(STDIN_FILENO) == 0) {
            return fail(escape_controls(o.in) + " is encrypted (" + describe(found)
                        + "); give its pass phrase with --passin file:PATH, or run on a terminal");
        }
        if (!passphrase.from_terminal(escape_controls(o.in)))
            return findings;
        loaded = load_private_key(*bytes, passphrase.get());
    }
    if (!loaded.key)
        return fail(escape_controls(o.in) + ": " + loaded.error);

    const std::optional<secret> der = to_pkcs8_der(loaded.key.get());
    if (!der)
        return fail(escape_controls(o.in) + ": OpenSSL cannot encode this key as PKCS#8");
    if (!write_key(o.out, der->reveal(), o.force, error))
        return fail("cannot write " + escape_controls(o.out) + ": " + error);
    std::cout << "pgstore convert-key: wrote " << escape_controls(o.out) << " (" << describe_key(loaded.key.get())
              << ", unencrypted PKCS#8 DER, mode 0600) from " << describe(found) << '\n';
    return clean;
}

} // namespace pgstore::cli
