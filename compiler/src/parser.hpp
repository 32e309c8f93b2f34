// compiler/src/parser.hpp - the parser's entry point: source text to syntax tree.
#pragma once

#include "ast.hpp"
#include "source.hpp"

namespace trainchain::compiler {

/// Parses a whole source file into `unit`, annotating every position-tagged node in
/// `diags.positions()`. Syntax errors go to `diags` as `expected ...` / `... is not supported`
/// messages; after an error the parser resynchronises at the next member or statement boundary,
/// so one run reports several. Returns false when any syntax error was found.
bool parse(const SourceFile& file, Diagnostics& diags, ast::source_unit& unit);

}  // namespace trainchain::compiler
