// compiler/src/grammar/statements.hpp - the statement rules other areas use (blocks and parameter
// lists): declared here, defined in statements_def.hpp, instantiated in statements.cpp.
#pragma once

#include "grammar/lexical.hpp"

namespace trainchain::compiler::parser {

/// A parameter list.
using parameters = std::vector<ast::variable_declaration>;

struct block_class;
/// The rule `block`.
using block_type = x3::rule<block_class, ast::block>;
BOOST_SPIRIT_DECLARE(block_type)
inline const block_type block = "'{'";

struct parameter_list_class;
/// The rule `parameter_list`.
using parameter_list_type = x3::rule<parameter_list_class, parameters>;
BOOST_SPIRIT_DECLARE(parameter_list_type)
inline const parameter_list_type parameter_list = "'('";

}  // namespace trainchain::compiler::parser
