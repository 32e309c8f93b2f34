// compiler/src/grammar/statements_def.hpp - the definitions of the rules for statements (blocks,
// local declarations, control flow, return/emit/revert, parameter lists). Included by
// statements.cpp only.
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

TRAINCHAIN_ANNOTATED(block)
TRAINCHAIN_ANNOTATED(parameter_list)
TRAINCHAIN_ANNOTATED(parameter)
TRAINCHAIN_ANNOTATED(local_variable)
TRAINCHAIN_ANNOTATED(local_declaration)
TRAINCHAIN_ANNOTATED(tuple_declaration)
TRAINCHAIN_ANNOTATED(expression_statement)
TRAINCHAIN_ANNOTATED(return_statement)
TRAINCHAIN_ANNOTATED(emit_statement)
TRAINCHAIN_ANNOTATED(revert_statement)
TRAINCHAIN_ANNOTATED(break_statement)
TRAINCHAIN_ANNOTATED(continue_statement)
TRAINCHAIN_ANNOTATED(placeholder_statement)
TRAINCHAIN_ANNOTATED(unchecked_block)
TRAINCHAIN_ANNOTATED(if_statement)
TRAINCHAIN_ANNOTATED(for_init)
TRAINCHAIN_ANNOTATED(for_init_statement)
TRAINCHAIN_ANNOTATED(for_statement)
TRAINCHAIN_ANNOTATED(while_statement)
TRAINCHAIN_ANNOTATED(do_while_statement)
TRAINCHAIN_ANNOTATED(catch_clause)
struct catch_clauses_class {};
TRAINCHAIN_ANNOTATED(try_statement)
TRAINCHAIN_ANNOTATED(statement_body)
struct statement_class : recover_errors<sync_level::statement, true> {};
struct block_statement_class : recover_errors<sync_level::statement, false> {};

// ---- rule declarations ---------------------------------------------------------------------------
// A rule's name is what an error says was expected when the rule fails at an expectation point.

const x3::rule<parameter_class, ast::variable_declaration> parameter = "type name";
const x3::rule<local_variable_class, ast::variable_declaration> local_variable = "variable declaration";
const x3::rule<local_declaration_class, ast::local_declaration> local_declaration = "variable declaration";
const x3::rule<tuple_declaration_class, ast::local_declaration> tuple_declaration = "variable declaration";
const x3::rule<expression_statement_class, ast::expression_statement> expression_statement = "expression";
const x3::rule<return_statement_class, ast::return_statement> return_statement = "'return'";
const x3::rule<emit_statement_class, ast::emit_statement> emit_statement = "'emit'";
const x3::rule<revert_statement_class, ast::revert_statement> revert_statement = "'revert'";
const x3::rule<break_statement_class, ast::break_statement> break_statement = "'break'";
const x3::rule<continue_statement_class, ast::continue_statement> continue_statement = "'continue'";
const x3::rule<placeholder_statement_class, ast::placeholder_statement> placeholder_statement = "'_'";
const x3::rule<unchecked_block_class, ast::block> unchecked_block = "'unchecked'";
const x3::rule<if_statement_class, ast::if_statement> if_statement = "'if'";
const x3::rule<for_init_class, boost::optional<ast::statement>> for_init = "expression";
const x3::rule<for_init_statement_class, ast::statement> for_init_statement = "expression";
const x3::rule<for_statement_class, ast::for_statement> for_statement = "'for'";
const x3::rule<while_statement_class, ast::while_statement> while_statement = "'while'";
const x3::rule<do_while_statement_class, ast::do_while_statement> do_while_statement = "'do'";
const x3::rule<catch_clause_class, ast::catch_clause> catch_clause = "'catch'";
const x3::rule<catch_clauses_class, std::vector<ast::catch_clause>> catch_clauses = "'catch'";
const x3::rule<try_statement_class, ast::try_statement> try_statement = "'try'";
const x3::rule<statement_body_class, ast::statement> statement_body = "statement";
const x3::rule<statement_class, ast::statement> statement = "statement";
const x3::rule<block_statement_class, ast::statement> block_statement = "statement";

// ---- definitions ---------------------------------------------------------------------------------

const auto parameter_def = type_name >> -location_keyword >> x3::matches[kw("indexed")] >> -identifier;
// A trailing comma is an error at what follows it (`(uint a, )`: expected type name).
const auto parameter_list_def = '(' >> -(parameter % ',') >> -(',' > parameter) > ')';
// A keyword where the name should be is an error here; an expression could not continue with one.
const auto local_variable_def = type_name >> -location_keyword >> x3::attr(false) >>
                                (identifier | (&reserved_word > identifier));
const auto local_declaration_def = x3::repeat(1)[local_variable] >> x3::attr(false) >> -('=' > expression) >
                                   ';';
const auto tuple_declaration_def = &('(' >> *x3::lit(',') >> local_variable) >> '(' >>
                                   (-local_variable % ',') >> ')' >> x3::attr(true) >> '=' > expression > ';';
const auto expression_statement_def = expression > ';';
const auto return_statement_def = kw("return") >> -expression > ';';
const auto emit_statement_def = kw("emit") > expression > ';';
const auto revert_statement_def = kw("revert") >> &identifier > expression > ';';
const auto break_statement_def = kw("break") >> x3::attr('\0') > ';';
const auto continue_statement_def = kw("continue") >> x3::attr('\0') > ';';
const auto placeholder_statement_def = kw("_") >> x3::attr('\0') >> ';';
const auto block_def = x3::attr(false) >> '{' >> recovering[block_statement] > '}';
const auto unchecked_block_def = kw("unchecked") >> x3::attr(true) > '{' > recovering[block_statement] > '}';
const auto if_statement_def = (kw("if") > '(' > expression > ')' > statement) >> -(kw("else") > statement);
const auto for_init_statement_def = tuple_declaration | local_declaration | expression_statement;
const auto for_init_def = for_init_statement | ';';
const auto for_statement_def = kw("for") > '(' > for_init > -expression > ';' > -expression > ')' > statement;
const auto while_statement_def = kw("while") > '(' > expression > ')' > statement;
const auto do_while_statement_def = kw("do") > statement > kw("while") > '(' > expression > ')' > ';';
const auto catch_clause_def = kw("catch") > -identifier >> -parameter_list > block;
const auto catch_clauses_def = catch_clause >> *catch_clause;
const auto try_statement_def = kw("try") > expression >> -(kw("returns") > parameter_list) > block
                               > catch_clauses;
// (`}` and the end are checked first so that a block at the nesting limit can still close.)
const auto statement_body_def =
    !x3::lit('}') >> !x3::eoi >>
    depth_guard[block | unchecked_block | if_statement | for_statement | while_statement |
                do_while_statement | try_statement | return_statement | emit_statement | revert_statement |
                break_statement | continue_statement | placeholder_statement | unsupported_statement |
                tuple_declaration | local_declaration | expression_statement |
                ((!any_member_keyword) > expected_parser{"statement"})];

// The same statement with two kinds of recovery: in a block, a failed statement is left out; in a
// single-statement slot (`if (c) <statement>`), a placeholder fills the slot.
const auto statement_def = statement_body;
const auto block_statement_def = statement_body;

BOOST_SPIRIT_DEFINE(parameter, parameter_list, local_variable, local_declaration, tuple_declaration,
                    expression_statement, return_statement, emit_statement, revert_statement, break_statement,
                    continue_statement, placeholder_statement, block, unchecked_block, if_statement,
                    for_init_statement, for_init, for_statement, while_statement, do_while_statement,
                    catch_clause, catch_clauses, try_statement, statement_body, statement, block_statement)

}  // namespace trainchain::compiler::parser
