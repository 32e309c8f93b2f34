// compiler/src/grammar/expressions.hpp - the expression rules other areas use: declared here,
// defined in expressions_def.hpp, instantiated in expressions.cpp (as in X3's calc9 example).
#pragma once

#include "grammar/lexical.hpp"

namespace trainchain::compiler::parser {

/// The arguments of a call.
using expression_list = std::vector<ast::expression>;

TRAINCHAIN_DECLARE_RULE(expression, ast::expression, "expression")
TRAINCHAIN_DECLARE_RULE(argument_list, expression_list, "'('")

}  // namespace trainchain::compiler::parser
