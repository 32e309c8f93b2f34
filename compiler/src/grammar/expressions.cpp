// compiler/src/grammar/expressions.cpp - instantiates the expressions rules for the parser's
// iterator and context: the one translation unit that compiles them.
#include "grammar/expressions_def.hpp"

namespace trainchain::compiler::parser {

BOOST_SPIRIT_INSTANTIATE(expression_type, iterator_type, context_type)
BOOST_SPIRIT_INSTANTIATE(argument_list_type, iterator_type, context_type)

}  // namespace trainchain::compiler::parser
