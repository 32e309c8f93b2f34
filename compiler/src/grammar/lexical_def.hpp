// compiler/src/grammar/lexical_def.hpp - the definitions of the rules for names and literals.
// Included by lexical.cpp only.
#pragma once

#include "grammar/directives.hpp"
#include "grammar/lexical.hpp"

// X3 grammars mix `>>` (sequence) and `>` (expectation) by design: `a >> b > c` is `(a >> b) > c`.
#ifdef __clang__
#pragma clang diagnostic ignored "-Woverloaded-shift-op-parentheses"
#endif

namespace trainchain::compiler::parser {

// ---- rule IDs ------------------------------------------------------------------------------------

TRAINCHAIN_ANNOTATED(identifier)
TRAINCHAIN_ANNOTATED(primary_name)
TRAINCHAIN_ANNOTATED(elementary_type)
TRAINCHAIN_ANNOTATED(number_literal)
TRAINCHAIN_ANNOTATED(bool_literal)
TRAINCHAIN_ANNOTATED(string_literal)

// ---- definitions ---------------------------------------------------------------------------------

const auto identifier_def = name_parser<name_kind::identifier>{};
const auto primary_name_def = name_parser<name_kind::primary>{};
const auto elementary_type_def = name_parser<name_kind::elementary>{};
const auto number_literal_def = number_text >> -unit_keyword;
const auto bool_literal_def = (kw("true") >> x3::attr(true)) | (kw("false") >> x3::attr(false));
const auto string_literal_def = string_literal_parser{};

BOOST_SPIRIT_DEFINE(identifier, primary_name, elementary_type, number_literal, bool_literal, string_literal)

}  // namespace trainchain::compiler::parser
