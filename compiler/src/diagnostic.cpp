// compiler/src/diagnostic.cpp - how a diagnostic is displayed: position, severity, message,
// then the source line with a caret under the column.
#include "trainchain/compiler/diagnostic.hpp"

namespace trainchain::compiler {

std::string Diagnostic::format() const {
    std::string out = file + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " +
                      (severity == Severity::Error ? "error: " : "warning: ") + message + "\n";
    if (!source_line.empty()) {
        out += source_line + "\n";
        // The caret keeps tabs so that it lines up under the column in a terminal.
        for (size_t i = 0; i + 1 < column && i < source_line.size(); ++i)
            out += source_line[i] == '\t' ? '\t' : ' ';
        out += "^\n";
    }
    return out;
}

}  // namespace trainchain::compiler
