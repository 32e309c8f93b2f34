// compiler/src/grammar/lexical.cpp - instantiates the lexical rules for the parser's iterator and
// context: the one translation unit that compiles them.
#include "grammar/lexical_def.hpp"

namespace trainchain::compiler::parser {

BOOST_SPIRIT_INSTANTIATE(identifier_type, iterator_type, context_type)
BOOST_SPIRIT_INSTANTIATE(primary_name_type, iterator_type, context_type)
BOOST_SPIRIT_INSTANTIATE(elementary_type_type, iterator_type, context_type)
BOOST_SPIRIT_INSTANTIATE(number_literal_type, iterator_type, context_type)
BOOST_SPIRIT_INSTANTIATE(bool_literal_type, iterator_type, context_type)
BOOST_SPIRIT_INSTANTIATE(string_literal_type, iterator_type, context_type)

}  // namespace trainchain::compiler::parser
