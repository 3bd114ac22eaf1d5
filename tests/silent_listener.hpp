#pragma once

// A host that accepts TCP and never answers: a listening socket nobody accepts on, so the
// kernel completes the handshake and the client waits for a reply that never comes.
// SO_REUSEPORT lets tests running at the same time share one address and port.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>

namespace pgstore::testing {

/// Listens on `ip`:`port` (0 for any free port) until destroyed, never accepting.
class silent_listener {
public:
    silent_listener(const std::string& ip, std::uint16_t port)
    {
        fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd_ < 0)
            fail("socket");
        const int on = 1;
        ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
        ::setsockopt(fd_, SOL_SOCKET, SO_REUSEPORT, &on, sizeof on);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(port);
        if (::inet_pton(AF_INET, ip.c_str(), &addr.sin_addr) != 1)
            fail("inet_pton " + ip);
        if (::bind(fd_, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0)
            fail("bind " + ip + ":" + std::to_string(port));
        if (::listen(fd_, 64) != 0)
            fail("listen");
        socklen_t len = sizeof addr;
        if (::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
            fail("getsockname");
        port_ = ntohs(addr.sin_port);
    }

    silent_listener(const silent_listener&) = delete;
    silent_listener& operator=(const silent_listener&) = delete;
    ~silent_listener() { ::close(fd_); }

    /// The port it listens on.
    [[nodiscard]] std::uint16_t port() const noexcept { return port_; }

private:
    [[noreturn]] void fail(const std::string& what)
    {
        const std::string reason = std::strerror(errno);
        if (fd_ >= 0)
            ::close(fd_);
        throw std::runtime_error("silent listener: " + what + ": " + reason);
    }

    int fd_ = -1;
    std::uint16_t port_ = 0;
};

} // namespace pgstore::testing
