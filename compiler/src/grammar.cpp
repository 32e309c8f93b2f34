// compiler/src/grammar.cpp - instantiates the grammar's top rule for the parser's iterator and
// context (the only translation unit that compiles the X3 grammar).
#include "grammar_def.hpp"

namespace trainchain::compiler::parser {

BOOST_SPIRIT_INSTANTIATE(source_unit_type, iterator_type, context_type)

}  // namespace trainchain::compiler::parser
