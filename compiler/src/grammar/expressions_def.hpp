// compiler/src/grammar/expressions_def.hpp - the definitions of the rules for expressions
// (literals, tuples, `new`, postfix chains, operators, the conditional, assignments). Included by
// expressions.cpp only.
#pragma once

#include "grammar/directives.hpp"
#include "grammar/lexical.hpp"
#include "grammar/type_names.hpp"
#include "grammar/expressions.hpp"

// X3 grammars mix `>>` (sequence) and `>` (expectation) by design: `a >> b > c` is `(a >> b) > c`.
#ifdef __clang__
#pragma clang diagnostic ignored "-Woverloaded-shift-op-parentheses"
#endif

namespace trainchain::compiler::parser {

// ---- rule IDs ------------------------------------------------------------------------------------

TRAINCHAIN_ANNOTATED(expression)
TRAINCHAIN_ANNOTATED(argument_list)
TRAINCHAIN_ANNOTATED(tuple_component)
TRAINCHAIN_ANNOTATED(tuple_expression)
TRAINCHAIN_ANNOTATED(new_expression)
TRAINCHAIN_ANNOTATED(primary)
TRAINCHAIN_ANNOTATED(call_option)
TRAINCHAIN_ANNOTATED(call_options)
TRAINCHAIN_ANNOTATED(named_arguments)
TRAINCHAIN_ANNOTATED(call_postfix)
TRAINCHAIN_ANNOTATED(index_postfix)
TRAINCHAIN_ANNOTATED(member_postfix)
TRAINCHAIN_ANNOTATED(increment_postfix)
TRAINCHAIN_ANNOTATED(postfix)
TRAINCHAIN_ANNOTATED(unary)
TRAINCHAIN_ANNOTATED(operand)
TRAINCHAIN_ANNOTATED(operation)
TRAINCHAIN_ANNOTATED(binary_chain)
TRAINCHAIN_ANNOTATED(conditional_tail)
TRAINCHAIN_ANNOTATED(assignment_tail)
TRAINCHAIN_ANNOTATED(conditional_expression)

// ---- rule declarations ---------------------------------------------------------------------------
// A rule's name is what an error says was expected when the rule fails at an expectation point.

using call_option_type = std::pair<std::string, x3::forward_ast<ast::expression>>;

const x3::rule<tuple_component_class, boost::optional<x3::forward_ast<ast::expression>>> tuple_component =
    "expression";
const x3::rule<tuple_expression_class, ast::tuple_expression> tuple_expression = "'('";
const x3::rule<new_expression_class, ast::new_expression> new_expression = "'new'";
const x3::rule<primary_class, ast::operand> primary = "expression";
const x3::rule<call_option_class, call_option_type> call_option = "call option";
const x3::rule<call_options_class, std::vector<call_option_type>> call_options = "'{'";
const x3::rule<named_arguments_class, ast::named_arguments> named_arguments = "'{'";
const x3::rule<call_postfix_class, ast::call_postfix> call_postfix = "'('";
const x3::rule<index_postfix_class, ast::index_postfix> index_postfix = "'['";
const x3::rule<member_postfix_class, ast::member_postfix> member_postfix = "'.'";
const x3::rule<increment_postfix_class, ast::increment_postfix> increment_postfix = "'++' or '--'";
const x3::rule<postfix_class, ast::postfix> postfix = "postfix operator";
const x3::rule<unary_class, ast::unary> unary = "expression";
const x3::rule<operand_class, ast::operand> operand = "expression";
const x3::rule<operation_class, ast::operation> operation = "operator";
const x3::rule<binary_chain_class, ast::binary_chain> binary_chain = "expression";
const x3::rule<conditional_tail_class, ast::conditional_tail> conditional_tail = "'?'";
const x3::rule<assignment_tail_class, ast::assignment_tail> assignment_tail = "assignment";
const x3::rule<conditional_expression_class, ast::expression> conditional_expression = "expression";

// ---- definitions ---------------------------------------------------------------------------------

const auto tuple_component_def = -expression;
const auto tuple_expression_def =
    '(' >> ((')' >> x3::attr(std::vector<boost::optional<x3::forward_ast<ast::expression>>>())) |
            ((tuple_component % ',') > ')'));
const auto new_expression_def = kw("new") > type_name;
const auto primary_def =
    string_literal | number_literal | bool_literal | new_expression | tuple_expression | primary_name;

const auto call_option_def = name_parser<name_kind::identifier>{} >> ':' > expression;
const auto call_options_def = '{' >> (call_option % ',') > '}';
// Named arguments (`f({a: 1})`) are parsed so that analysis can say they are not supported.
const auto named_arguments_def = '{' >> -(call_option % ',') > '}';
const auto call_postfix_def = -call_options >> '(' >> -named_arguments >> -(expression % ',') > ')';
const auto index_postfix_def = '[' >> -expression > ']';
const auto member_postfix_def = '.' > identifier;
const auto increment_postfix_def = x3::lexeme[increment_operators];
const auto postfix_def = call_postfix | index_postfix | member_postfix | increment_postfix;

// Each nesting rule checks its first token before the depth, so that a rule that would not match
// anyway does not count as nesting (`return;` at the limit is no error).
const auto prefix_operator = x3::lexeme[prefix_operators] | kw_string("delete");
const auto unary_def = &prefix_operator >> depth_guard[prefix_operator > operand];
const auto operand_def = unary | postfix_chain_parser<decltype(primary), decltype(postfix)>{primary, postfix};
const auto operation_def = binary_operator > operand;
const auto binary_chain_def = chain_height[operand >> *operation];
const auto conditional_tail_def = '?' > expression > ':' > conditional_expression;
const auto assignment_tail_def = x3::lexeme[assignment_operators] > expression;
const auto expression_def =
    !x3::ascii::char_(";,)]}") >> !x3::eoi >>
    depth_guard[binary_chain >> if_next("?")[conditional_tail] >> if_next("=+-*/%|&^<>")[assignment_tail]];
const auto conditional_expression_def = depth_guard[binary_chain >> if_next("?")[conditional_tail] >>
                                                    x3::attr(boost::optional<ast::assignment_tail>())];
const auto argument_list_def = '(' >> -(expression % ',') > ')';

BOOST_SPIRIT_DEFINE(tuple_component, tuple_expression, new_expression, primary, call_option, call_options,
                    named_arguments, call_postfix, index_postfix, member_postfix, increment_postfix, postfix,
                    unary, operand, operation, binary_chain, conditional_tail, assignment_tail, expression,
                    conditional_expression, argument_list)

}  // namespace trainchain::compiler::parser
