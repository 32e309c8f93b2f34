// compiler/src/grammar/declarations.cpp - instantiates the declarations rules for the parser's
// iterator and context: the one translation unit that compiles them.
#include "grammar/declarations_def.hpp"

namespace trainchain::compiler::parser {

BOOST_SPIRIT_INSTANTIATE(source_unit_type, iterator_type, context_type)

const source_unit_type& source_unit() { return source_unit_rule; }

}  // namespace trainchain::compiler::parser
