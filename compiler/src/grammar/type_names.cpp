// compiler/src/grammar/type_names.cpp - instantiates the type names rules for the parser's iterator
// and context: the one translation unit that compiles them.
#include "grammar/type_names_def.hpp"

namespace trainchain::compiler::parser {

BOOST_SPIRIT_INSTANTIATE(type_name_type, iterator_type, context_type)

}  // namespace trainchain::compiler::parser
