// compiler/src/grammar/type_names_def.hpp - the definitions of the rules for type names (elementary
// types, user-defined names, mappings, array suffixes). Included by type_names.cpp only.
#pragma once

#include "grammar/directives.hpp"
#include "grammar/lexical.hpp"
#include "grammar/type_names.hpp"

// X3 grammars mix `>>` (sequence) and `>` (expectation) by design: `a >> b > c` is `(a >> b) > c`.
#ifdef __clang__
#pragma clang diagnostic ignored "-Woverloaded-shift-op-parentheses"
#endif

namespace trainchain::compiler::parser {

// ---- rule IDs ------------------------------------------------------------------------------------

TRAINCHAIN_ANNOTATED(type_name)
TRAINCHAIN_ANNOTATED(mapping_type)
TRAINCHAIN_ANNOTATED(function_type_name)
TRAINCHAIN_ANNOTATED(function_type_parameter)
TRAINCHAIN_ANNOTATED(type_base)
TRAINCHAIN_ANNOTATED(qualified_name)
TRAINCHAIN_ANNOTATED(array_size)
TRAINCHAIN_ANNOTATED(array_suffix)

// ---- rule declarations ---------------------------------------------------------------------------
// A rule's name is what an error says was expected when the rule fails at an expectation point.

const x3::rule<mapping_type_class, ast::mapping_type> mapping_type = "'mapping'";
const x3::rule<function_type_name_class, ast::function_type> function_type_name = "'function'";
const x3::rule<function_type_parameter_class, ast::function_type_parameter> function_type_parameter =
    "type name";
const x3::rule<type_base_class, ast::type_base> type_base = "type name";
/// `S` or `C.S` (a struct or enum of a contract or library), kept as one name with its dots.
const x3::rule<qualified_name_class, ast::identifier> qualified_name = "type name";
const x3::rule<array_size_class, std::string> array_size = "array size";
const x3::rule<array_suffix_class, ast::array_suffix> array_suffix = "'['";

// ---- definitions ---------------------------------------------------------------------------------

// Types nest only through mappings.
const auto mapping_type_def =
    &kw("mapping") >> depth_guard[kw("mapping") > '(' > type_name > x3::omit[-identifier] > "=>" > type_name >
                                  x3::omit[-identifier] > ')'];
// `function (T, ...) [internal|external|pure|view|payable]... [returns (T, ...)]`.
const auto function_type_parameter_def = type_name >> (location_keyword | x3::attr(std::string()));
const auto function_type_list = '(' >> -(function_type_parameter % ',') > ')';
const auto function_type_name_def =
    &(kw("function") >> '(') >>
    depth_guard[kw("function") > function_type_list >
                *(kw_string("internal") | kw_string("external") | kw_string("pure") | kw_string("view") |
                  kw_string("payable")) > -(kw("returns") > function_type_list)];
const auto qualified_name_def = name_parser<name_kind::qualified>{};
const auto type_base_def = mapping_type | function_type_name | elementary_type | qualified_name;
const auto array_size_def = x3::raw[x3::lexeme[+x3::ascii::digit]];
const auto array_suffix_def = '[' >> -array_size >> ']';
const auto type_name_def = type_base >> *array_suffix;

BOOST_SPIRIT_DEFINE(mapping_type, function_type_parameter, function_type_name, type_base, qualified_name,
                    array_size, array_suffix, type_name)

}  // namespace trainchain::compiler::parser
