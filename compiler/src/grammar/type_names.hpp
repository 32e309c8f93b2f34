// compiler/src/grammar/type_names.hpp - the type name rule other areas use: declared here, defined
// in type_names_def.hpp, instantiated in type_names.cpp.
#pragma once

#include "grammar/lexical.hpp"

namespace trainchain::compiler::parser {

TRAINCHAIN_DECLARE_RULE(type_name, ast::type_name, "type name")

}  // namespace trainchain::compiler::parser
