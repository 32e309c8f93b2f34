// vm/include/trainchain/vm/hex.hpp - hex text <-> bytes, with diagnostics that point at the
// offending character: the one hex encoder and decoder of the project (the VM, the chain, the NATS
// messages, the tests).
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "trainchain/vm/host.hpp"

namespace trainchain::vm {

/// Where and why some text could not be parsed; line and column are 1-based.
struct Diagnostic {
    size_t line = 1;      ///< 1-based line
    size_t column = 1;    ///< 1-based column
    std::string message;  ///< what is wrong, e.g. "unknown mnemonic 'PUSHX'"
};

/// Either a parsed value or the diagnostic that prevented it.
template <class T>
struct ParseResult {
    std::optional<T> value;  ///< set on success
    Diagnostic error;        ///< meaningful when value is empty
    explicit operator bool() const noexcept { return value.has_value(); }
};

/// Parses hex digits with an optional 0x prefix; whitespace may stand around and between bytes.
ParseResult<bytes> from_hex(std::string_view text);

/// Lowercase hex without prefix.
std::string to_hex(bytes_view data);

/// Lowercase hex with a 0x prefix.
std::string to_hex0x(bytes_view data);

/// Parses hex digits only (either case; no prefix, no whitespace), the form to_hex writes; nullopt
/// for anything else, an odd count of digits included.
std::optional<bytes> parse_hex_digits(std::string_view text);

/// parse_hex_digits into exactly N bytes; nullopt for another length.
template <size_t N>
std::optional<std::array<uint8_t, N>> parse_hex_digits_n(std::string_view text) {
    if (text.size() != 2 * N) return std::nullopt;
    const auto b = parse_hex_digits(text);
    if (!b) return std::nullopt;
    std::array<uint8_t, N> out{};
    for (size_t i = 0; i < N; ++i) out[i] = (*b)[i];
    return out;
}

}  // namespace trainchain::vm
