// compiler/include/trainchain/compiler/diagnostic.hpp - one message of the compiler about the
// source (an error or a warning), and how it is displayed.
#pragma once

#include <cstddef>
#include <string>

namespace trainchain::compiler {

/// One message about the source, pointing at a line and column (both 1-based).
struct Diagnostic {
    enum class Severity { Error, Warning };
    Severity severity = Severity::Error;
    std::string file;         ///< the file name given to compile()
    size_t line = 1;          ///< 1-based
    size_t column = 1;        ///< 1-based, in bytes
    std::string message;      ///< e.g. "undeclared identifier 'x'"
    std::string source_line;  ///< the text of that line, for the caret display

    /// `file:line:col: error: message`, then the source line and a caret under the column.
    [[nodiscard]] std::string format() const;
};

}  // namespace trainchain::compiler
