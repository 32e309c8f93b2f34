// compiler/src/ast_adapted.hpp - Boost.Fusion adaptation of the syntax tree, so that Boost.Spirit X3
// can fill each struct member by member from a rule's sequence of attributes.
#pragma once

#include <boost/fusion/include/adapt_struct.hpp>
#include <boost/fusion/include/std_pair.hpp>

#include "ast.hpp"

// The member order is the order in which the grammar produces the attributes.

BOOST_FUSION_ADAPT_STRUCT(trainchain::compiler::ast::identifier, name)
BOOST_FUSION_ADAPT_STRUCT(trainchain::compiler::ast::array_suffix, size)
BOOST_FUSION_ADAPT_STRUCT(trainchain::compiler::ast::type_name, base, dims)
BOOST_FUSION_ADAPT_STRUCT(trainchain::compiler::ast::mapping_type, key, value)
BOOST_FUSION_ADAPT_STRUCT(trainchain::compiler::ast::function_type_parameter, type, location)
BOOST_FUSION_ADAPT_STRUCT(trainchain::compiler::ast::function_type, parameters, attributes, returns)

BOOST_FUSION_ADAPT_STRUCT(trainchain::compiler::ast::number_literal, text, unit)
BOOST_FUSION_ADAPT_STRUCT(trainchain::compiler::ast::bool_literal, value)
BOOST_FUSION_ADAPT_STRUCT(trainchain::compiler::ast::string_literal, value, is_hex)
BOOST_FUSION_ADAPT_STRUCT(trainchain::compiler::ast::unary, op, operand_)
BOOST_FUSION_ADAPT_STRUCT(trainchain::compiler::ast::new_expression, type)
BOOST_FUSION_ADAPT_STRUCT(trainchain::compiler::ast::tuple_expression, components)
BOOST_FUSION_ADAPT_STRUCT(trainchain::compiler::ast::named_arguments, items)
BOOST_FUSION_ADAPT_STRUCT(trainchain::compiler::ast::call_postfix, options, named, arguments)
BOOST_FUSION_ADAPT_STRUCT(trainchain::compiler::ast::index_postfix, index)
BOOST_FUSION_ADAPT_STRUCT(trainchain::compiler::ast::member_postfix, member)
BOOST_FUSION_ADAPT_STRUCT(trainchain::compiler::ast::increment_postfix, op)
BOOST_FUSION_ADAPT_STRUCT(trainchain::compiler::ast::postfix_expression, primary, ops)
BOOST_FUSION_ADAPT_STRUCT(trainchain::compiler::ast::operation, op, operand_)
BOOST_FUSION_ADAPT_STRUCT(trainchain::compiler::ast::binary_chain, first, rest)
BOOST_FUSION_ADAPT_STRUCT(trainchain::compiler::ast::conditional_tail, if_true, if_false)
BOOST_FUSION_ADAPT_STRUCT(trainchain::compiler::ast::assignment_tail, op, rhs)
BOOST_FUSION_ADAPT_STRUCT(trainchain::compiler::ast::expression, chain, conditional, assignment)

BOOST_FUSION_ADAPT_STRUCT(trainchain::compiler::ast::variable_declaration, type, location, indexed, name)
BOOST_FUSION_ADAPT_STRUCT(trainchain::compiler::ast::local_declaration, variables, is_tuple, initial)
BOOST_FUSION_ADAPT_STRUCT(trainchain::compiler::ast::expression_statement, expr)
BOOST_FUSION_ADAPT_STRUCT(trainchain::compiler::ast::return_statement, value)
BOOST_FUSION_ADAPT_STRUCT(trainchain::compiler::ast::emit_statement, call)
BOOST_FUSION_ADAPT_STRUCT(trainchain::compiler::ast::revert_statement, call)
BOOST_FUSION_ADAPT_STRUCT(trainchain::compiler::ast::break_statement, unused)
BOOST_FUSION_ADAPT_STRUCT(trainchain::compiler::ast::continue_statement, unused)
BOOST_FUSION_ADAPT_STRUCT(trainchain::compiler::ast::placeholder_statement, unused)
BOOST_FUSION_ADAPT_STRUCT(trainchain::compiler::ast::block, unchecked, statements)
BOOST_FUSION_ADAPT_STRUCT(trainchain::compiler::ast::if_statement, condition, then_branch, else_branch)
BOOST_FUSION_ADAPT_STRUCT(trainchain::compiler::ast::for_statement, init, condition, post, body)
BOOST_FUSION_ADAPT_STRUCT(trainchain::compiler::ast::while_statement, condition, body)
BOOST_FUSION_ADAPT_STRUCT(trainchain::compiler::ast::do_while_statement, body, condition)
BOOST_FUSION_ADAPT_STRUCT(trainchain::compiler::ast::catch_clause, kind, parameters, body)
BOOST_FUSION_ADAPT_STRUCT(trainchain::compiler::ast::try_statement, call, returns, body, catches)

BOOST_FUSION_ADAPT_STRUCT(trainchain::compiler::ast::state_variable, type, attributes, name, initial)
BOOST_FUSION_ADAPT_STRUCT(trainchain::compiler::ast::struct_member, type, name)
BOOST_FUSION_ADAPT_STRUCT(trainchain::compiler::ast::struct_definition, name, members)
BOOST_FUSION_ADAPT_STRUCT(trainchain::compiler::ast::enum_definition, name, members)
BOOST_FUSION_ADAPT_STRUCT(trainchain::compiler::ast::using_target, braced, paths)
BOOST_FUSION_ADAPT_STRUCT(trainchain::compiler::ast::using_type, wildcard, type)
BOOST_FUSION_ADAPT_STRUCT(trainchain::compiler::ast::using_directive, target, type, global)
BOOST_FUSION_ADAPT_STRUCT(trainchain::compiler::ast::event_definition, name, parameters, anonymous)
BOOST_FUSION_ADAPT_STRUCT(trainchain::compiler::ast::error_definition, name, parameters)
BOOST_FUSION_ADAPT_STRUCT(trainchain::compiler::ast::modifier_invocation, name, arguments)
BOOST_FUSION_ADAPT_STRUCT(trainchain::compiler::ast::function_definition, kind, name, parameters, attributes,
                          returns, body)
BOOST_FUSION_ADAPT_STRUCT(trainchain::compiler::ast::modifier_definition, name, parameters, body)
BOOST_FUSION_ADAPT_STRUCT(trainchain::compiler::ast::contract_definition, is_abstract, kind, name, bases,
                          members)
BOOST_FUSION_ADAPT_STRUCT(trainchain::compiler::ast::import_symbol, name, alias)
BOOST_FUSION_ADAPT_STRUCT(trainchain::compiler::ast::import_directive, symbols, star_alias, path, unit_alias)
BOOST_FUSION_ADAPT_STRUCT(trainchain::compiler::ast::pragma_directive, text)
BOOST_FUSION_ADAPT_STRUCT(trainchain::compiler::ast::source_unit, elements)
