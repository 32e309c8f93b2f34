// compiler/src/grammar/statements.hpp - the statement rules other areas use (blocks and parameter
// lists): declared here, defined in statements_def.hpp, instantiated in statements.cpp.
#pragma once

#include "grammar/lexical.hpp"

namespace trainchain::compiler::parser {

/// A parameter list.
using parameters = std::vector<ast::variable_declaration>;

TRAINCHAIN_DECLARE_RULE(block, ast::block, "'{'")
TRAINCHAIN_DECLARE_RULE(parameter_list, parameters, "'('")

}  // namespace trainchain::compiler::parser
