// compiler/src/grammar/expressions.hpp - the expression rules other areas use: declared here,
// defined in expressions_def.hpp, instantiated in expressions.cpp (as in X3's calc9 example).
#pragma once

#include "grammar/lexical.hpp"

namespace trainchain::compiler::parser {

/// The arguments of a call.
using expression_list = std::vector<ast::expression>;

struct expression_class;
/// The rule `expression`.
using expression_type = x3::rule<expression_class, ast::expression>;
BOOST_SPIRIT_DECLARE(expression_type)
inline const expression_type expression = "expression";

struct argument_list_class;
/// The rule `argument_list`.
using argument_list_type = x3::rule<argument_list_class, expression_list>;
BOOST_SPIRIT_DECLARE(argument_list_type)
inline const argument_list_type argument_list = "'('";

}  // namespace trainchain::compiler::parser
