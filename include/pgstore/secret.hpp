#pragma once

#include <string>
#include <string_view>
#include <utility>

namespace pgstore {

/// A value that must never be printed: there is no stream operator and no implicit conversion,
/// so reading it takes a deliberate call to reveal().
class secret {
public:
    secret() = default;
    explicit secret(std::string value) : value_(std::move(value)) {}

    /// The clear text, for handing to a driver; never for logs or messages.
    [[nodiscard]] std::string_view reveal() const noexcept { return value_; }
    [[nodiscard]] bool empty() const noexcept { return value_.empty(); }

    /// What to print in place of the value.
    [[nodiscard]] static constexpr std::string_view redacted() noexcept { return "<redacted>"; }

private:
    std::string value_;
};

} // namespace pgstore
