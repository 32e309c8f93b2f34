// compiler/src/grammar/statements.cpp - instantiates the statements rules for the parser's iterator
// and context: the one translation unit that compiles them.
#include "grammar/statements_def.hpp"

namespace trainchain::compiler::parser {

BOOST_SPIRIT_INSTANTIATE(block_type, iterator_type, context_type)
BOOST_SPIRIT_INSTANTIATE(parameter_list_type, iterator_type, context_type)

}  // namespace trainchain::compiler::parser
