// compiler/src/grammar/declarations_def.hpp - the definitions of the rules for declarations (state
// variables, structs, events, errors, functions, modifiers, contracts, pragmas) and of the source
// unit. Included by declarations.cpp only.
#pragma once

#include "grammar/directives.hpp"
#include "grammar/lexical.hpp"
#include "grammar/type_names.hpp"
#include "grammar/expressions.hpp"
#include "grammar/statements.hpp"

// X3 grammars mix `>>` (sequence) and `>` (expectation) by design: `a >> b > c` is `(a >> b) > c`.
#ifdef __clang__
#pragma clang diagnostic ignored "-Woverloaded-shift-op-parentheses"
#endif

namespace trainchain::compiler::parser {

// ---- rule IDs ------------------------------------------------------------------------------------

struct source_unit_class : report_and_finish {};
TRAINCHAIN_ANNOTATED(state_variable)
TRAINCHAIN_ANNOTATED(struct_member)
TRAINCHAIN_ANNOTATED(struct_definition)
TRAINCHAIN_ANNOTATED(enum_definition)
TRAINCHAIN_ANNOTATED(using_path)
TRAINCHAIN_ANNOTATED(using_library)
TRAINCHAIN_ANNOTATED(using_list)
TRAINCHAIN_ANNOTATED(using_any)
TRAINCHAIN_ANNOTATED(using_some)
TRAINCHAIN_ANNOTATED(using_directive)
TRAINCHAIN_ANNOTATED(event_definition)
TRAINCHAIN_ANNOTATED(error_definition)
TRAINCHAIN_ANNOTATED(modifier_invocation)
TRAINCHAIN_ANNOTATED(inheritance_keyword)
TRAINCHAIN_ANNOTATED(inheritance_attribute)
TRAINCHAIN_ANNOTATED(function_attribute)
TRAINCHAIN_ANNOTATED(function_body)
TRAINCHAIN_ANNOTATED(function_definition)
TRAINCHAIN_ANNOTATED(constructor_definition)
TRAINCHAIN_ANNOTATED(special_function)
TRAINCHAIN_ANNOTATED(modifier_definition)
struct contract_member_class : recover_errors<sync_level::member, false> {};
TRAINCHAIN_ANNOTATED(contract_definition)
TRAINCHAIN_ANNOTATED(contract_kind)
TRAINCHAIN_ANNOTATED(base_list)
TRAINCHAIN_ANNOTATED(import_symbol)
TRAINCHAIN_ANNOTATED(import_plain)
TRAINCHAIN_ANNOTATED(import_star)
TRAINCHAIN_ANNOTATED(import_named)
TRAINCHAIN_ANNOTATED(import_directive)
TRAINCHAIN_ANNOTATED(pragma_text)
TRAINCHAIN_ANNOTATED(pragma_directive)
struct source_element_class : recover_errors<sync_level::top, false> {};
TRAINCHAIN_ANNOTATED(source_elements)

// ---- rule declarations ---------------------------------------------------------------------------
// A rule's name is what an error says was expected when the rule fails at an expectation point.

const x3::rule<state_variable_class, ast::state_variable> state_variable = "state variable";
const x3::rule<struct_member_class, ast::struct_member> struct_member = "type name";
const x3::rule<struct_definition_class, ast::struct_definition> struct_definition = "'struct'";
const x3::rule<enum_definition_class, ast::enum_definition> enum_definition = "'enum'";
const x3::rule<using_path_class, std::vector<ast::identifier>> using_path = "identifier";
const x3::rule<using_library_class, ast::using_target> using_library = "library name";
const x3::rule<using_list_class, ast::using_target> using_list = "'{'";
const x3::rule<using_any_class, ast::using_type> using_any = "'*'";
const x3::rule<using_some_class, ast::using_type> using_some = "type name";
const x3::rule<using_directive_class, ast::using_directive> using_directive = "'using'";
const x3::rule<event_definition_class, ast::event_definition> event_definition = "'event'";
const x3::rule<error_definition_class, ast::error_definition> error_definition = "'error'";
const x3::rule<modifier_invocation_class, ast::modifier_invocation> modifier_invocation = "modifier";
/// `virtual`, `override` or `override(A, B)` on a function: kept as a modifier invocation named by the
/// keyword (the bases of `override(...)` as its arguments), read by the declarations pass.
const x3::rule<inheritance_keyword_class, ast::identifier> inheritance_keyword = "function attribute";
const x3::rule<inheritance_attribute_class, ast::modifier_invocation> inheritance_attribute =
    "function attribute";
const x3::rule<function_attribute_class, ast::function_attribute> function_attribute = "function attribute";
const x3::rule<function_body_class, boost::optional<ast::block>> function_body = "'{'";
const x3::rule<function_definition_class, ast::function_definition> function_definition = "'function'";
const x3::rule<constructor_definition_class, ast::function_definition> constructor_definition =
    "'constructor'";
const x3::rule<special_function_class, ast::function_definition> special_function = "'receive' or 'fallback'";
const x3::rule<modifier_definition_class, ast::modifier_definition> modifier_definition = "'modifier'";
const x3::rule<contract_member_class, ast::contract_member> contract_member = "contract member";
const x3::rule<contract_definition_class, ast::contract_definition> contract_definition = "'contract'";
const x3::rule<contract_kind_class, std::string> contract_kind = "'contract', 'interface' or 'library'";
const x3::rule<base_list_class, std::vector<ast::modifier_invocation>> base_list = "base contract";
const x3::rule<import_symbol_class, ast::import_symbol> import_symbol = "identifier";
const x3::rule<import_plain_class, ast::import_directive> import_plain = "import path";
const x3::rule<import_star_class, ast::import_directive> import_star = "'*'";
const x3::rule<import_named_class, ast::import_directive> import_named = "'{'";
const x3::rule<import_directive_class, ast::import_directive> import_directive = "'import'";
const x3::rule<pragma_text_class, std::string> pragma_text = "pragma text";
const x3::rule<pragma_directive_class, ast::pragma_directive> pragma_directive = "'pragma'";
const x3::rule<source_element_class, ast::source_element> source_element = "source element";
const x3::rule<source_elements_class, std::vector<ast::source_element>> source_elements = "source elements";
const source_unit_type source_unit_rule = "source unit";

// ---- definitions ---------------------------------------------------------------------------------

const auto state_variable_def = type_name >> *state_variable_keyword > identifier > -('=' > expression) > ';';
const auto struct_member_def = type_name > identifier > ';';
const auto struct_definition_def = kw("struct") > identifier > '{' > *struct_member > '}';
const auto enum_definition_def = kw("enum") > identifier > '{' > (identifier % ',') > '}';
const auto using_path_def = identifier % '.';
const auto using_library_def = x3::attr(false) >> x3::repeat(1)[using_path];
const auto using_list_def = x3::attr(true) >> '{' > (using_path % ',') > '}';
const auto using_any_def = x3::attr(true) >> '*' >> x3::attr(ast::type_name());
const auto using_some_def = x3::attr(false) >> type_name;
const auto using_directive_def = kw("using") > (using_list | using_library) > kw("for") >
                                 (using_any | using_some) > x3::matches[kw("global")] > ';';
const auto event_definition_def =
    kw("event") > identifier > parameter_list > x3::matches[kw("anonymous")] > ';';
const auto error_definition_def = kw("error") >> identifier >> parameter_list > ';';
const auto modifier_invocation_def = identifier >> -argument_list;
const auto inheritance_keyword_def = modifier_keyword;
const auto inheritance_attribute_def = inheritance_keyword >> -argument_list;
const auto function_attribute_def = function_keyword | inheritance_attribute | modifier_invocation;
const auto function_body_def = block | ';';
const auto function_definition_def = kw_string("function") > identifier > parameter_list >
                                     *function_attribute > -(kw("returns") > parameter_list) > function_body;
const auto constructor_definition_def = kw_string("constructor") >>
                                        x3::attr(boost::optional<ast::identifier>()) > parameter_list >
                                        *function_attribute > x3::attr(parameters()) > block;
const auto special_function_def = (kw_string("receive") | kw_string("fallback")) >>
                                  x3::attr(boost::optional<ast::identifier>()) >> parameter_list >>
                                  *function_attribute >> -(kw("returns") > parameter_list) > function_body;
const auto modifier_definition_def =
    kw("modifier") > identifier > -parameter_list > x3::omit[*modifier_keyword] > block;
const auto contract_member_def =
    (&(kw("function") >> '(') >> state_variable) | function_definition | constructor_definition |
    special_function | modifier_definition | struct_definition | enum_definition | event_definition |
    error_definition | using_directive | unsupported_member | state_variable |
    (!x3::lit('}') >> !x3::eoi >> !any_top_level_keyword > expected_parser{"contract member"});
const auto contract_kind_def = kw_string("contract") | kw_string("interface") | kw_string("library");
const auto base_list_def =
    (kw("is") > (modifier_invocation % ',')) | x3::attr(std::vector<ast::modifier_invocation>());
const auto contract_definition_def = x3::matches[kw("abstract")] >> contract_kind > identifier > base_list >
                                     '{' > recovering[contract_member] > '}';
const auto import_symbol_def = identifier > -(kw("as") > identifier);
const auto no_symbols = x3::attr(std::vector<ast::import_symbol>());
const auto no_alias = x3::attr(boost::optional<ast::identifier>());
const auto import_plain_def = no_symbols >> no_alias >> string_literal >> -(kw("as") > identifier);
const auto import_star_def = no_symbols >> ('*' > kw("as") > identifier) > kw("from") > string_literal
                             > no_alias;
const auto import_named_def = ('{' > (import_symbol % ',') > '}') >> no_alias > kw("from") > string_literal
                              > no_alias;
const auto import_directive_def = kw("import") > (import_plain | import_star | import_named) > ';';
// The words up to the `;`, with the spaces between them but none after the last.
const auto pragma_text_def = x3::raw[x3::lexeme[+~x3::ascii::char_("; \t\r\n\f\v") % +x3::ascii::space]];
const auto pragma_directive_def = kw("pragma") > pragma_text > ';';
const auto source_element_def =
    pragma_directive | import_directive | contract_definition | struct_definition | enum_definition |
    using_directive | error_definition | event_definition | unsupported_top_level |
    ((!x3::eoi) > expected_parser{"'contract', 'interface', 'library', 'pragma', 'import', 'struct', 'enum', "
                                  "'using', 'error' or 'event'"});
const auto source_elements_def = recovering[source_element];
const auto source_unit_rule_def = source_elements > x3::eoi;

BOOST_SPIRIT_DEFINE(state_variable, struct_member, struct_definition, enum_definition, using_path,
                    using_library, using_list, using_any, using_some, using_directive, event_definition,
                    error_definition, modifier_invocation, inheritance_keyword, inheritance_attribute,
                    function_attribute, function_body, function_definition, constructor_definition,
                    special_function, modifier_definition, contract_member, contract_kind, base_list,
                    contract_definition, import_symbol, import_plain, import_star, import_named,
                    import_directive, pragma_text, pragma_directive, source_element, source_elements,
                    source_unit_rule)

}  // namespace trainchain::compiler::parser
