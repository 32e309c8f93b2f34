// vm/include/trainchain/vm/hex.hpp - hex text <-> bytes, with diagnostics that point at the
// offending character.
#pragma once

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

}  // namespace trainchain::vm
