// compiler/src/grammar/type_names.hpp - the type name rule other areas use: declared here, defined
// in type_names_def.hpp, instantiated in type_names.cpp.
#pragma once

#include "grammar/lexical.hpp"

namespace trainchain::compiler::parser {

struct type_name_class;
/// The rule `type_name`.
using type_name_type = x3::rule<type_name_class, ast::type_name>;
BOOST_SPIRIT_DECLARE(type_name_type)
inline const type_name_type type_name = "type name";

}  // namespace trainchain::compiler::parser
