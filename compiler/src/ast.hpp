// compiler/src/ast.hpp - the syntax tree of the contract language, as the parser builds it.
//
// Plain structs after Boost.Spirit X3's calc9 example: every node a diagnostic may point at
// derives from x3::position_tagged (the parser's position cache annotates it), alternatives are
// x3::variant, recursion goes through x3::forward_ast. The tree is purely syntactic: names are
// strings, binary operators are a flat chain (`first op operand op operand ...`) whose precedence
// and associativity the semantic pass resolves, and type names are not yet resolved.
#pragma once

#include <boost/optional.hpp>
#include <boost/spirit/home/x3/support/ast/position_tagged.hpp>
#include <boost/spirit/home/x3/support/ast/variant.hpp>
#include <string>
#include <vector>

namespace trainchain::compiler::ast {
namespace x3 = boost::spirit::x3;

struct nil {};

/// A name as written: a variable, function, contract, struct, event, error or modifier.
struct identifier : x3::position_tagged {
    std::string name;
};

// ---- types -------------------------------------------------------------------------------------

struct mapping_type;
struct function_type;
struct type_name;

/// A type's base before any `[]` suffix: an elementary name (`uint256`, `address`, `bool`,
/// `bytes32`, `string`, `bytes`, ...; `address payable` is stored as "address payable"), a
/// user-defined name (struct or contract), a mapping or a function type.
struct type_base : x3::variant<identifier, x3::forward_ast<mapping_type>, x3::forward_ast<function_type>> {
    using base_type::base_type;
    using base_type::operator=;
};

/// One array suffix: `[]` (dynamic) or `[N]` with N a decimal literal.
struct array_suffix : x3::position_tagged {
    boost::optional<std::string> size;
};

/// A full type name: `uint256`, `uint256[]`, `mapping(address => uint256)`, `Point[4][]`.
struct type_name : x3::position_tagged {
    type_base base;
    std::vector<array_suffix> dims;  ///< innermost first, as written left to right
};

/// `mapping(K => V)`; the key is an elementary or contract type, V any storable type.
struct mapping_type : x3::position_tagged {
    type_name key;
    type_name value;
};

/// One parameter or return type of a function type: `uint256`, `bytes memory`.
struct function_type_parameter : x3::position_tagged {
    type_name type;
    std::string location;  ///< "memory", "storage", "calldata" or empty
};

/// `function (uint256) internal pure returns (uint256)`.
struct function_type : x3::position_tagged {
    std::vector<function_type_parameter> parameters;
    std::vector<std::string> attributes;  ///< internal, external, pure, view, payable
    std::vector<function_type_parameter> returns;
};

// ---- expressions -------------------------------------------------------------------------------

struct unary;
struct postfix_expression;
struct expression;
struct new_expression;
struct tuple_expression;

/// A number as written, with an optional unit: `42`, `0x2a`, `1e18`, `1_000`, `2 ether`,
/// `3 days`. Kept as text; the semantic pass evaluates it exactly.
struct number_literal : x3::position_tagged {
    std::string text;
    std::string unit;  ///< wei, gwei, ether, seconds, minutes, hours, days, weeks, or empty
};

/// `true` or `false`.
struct bool_literal : x3::position_tagged {
    bool value = false;
};

/// A string literal after escape processing: `"abc"`, `'x'`, or `hex"00ff"` (`is_hex`), with
/// adjacent literals concatenated.
struct string_literal : x3::position_tagged {
    std::string value;
    bool is_hex = false;
};

/// An operand of a binary chain.
struct operand : x3::variant<nil, number_literal, bool_literal, string_literal, identifier,
                             x3::forward_ast<tuple_expression>, x3::forward_ast<new_expression>,
                             x3::forward_ast<unary>, x3::forward_ast<postfix_expression>> {
    using base_type::base_type;
    using base_type::operator=;
};

/// A prefix operator applied to an operand: `-x`, `!b`, `~m`, `++i`, `--i`, `delete a[i]`.
struct unary : x3::position_tagged {
    std::string op;  ///< "-", "!", "~", "++", "--", "delete"
    operand operand_;
};

/// `new C` (followed by a call postfix with the constructor's arguments).
struct new_expression : x3::position_tagged {
    type_name type;
};

/// `(a, b)`, `(a, , c)` (empty components in tuple assignments) or `(x)`.
struct tuple_expression : x3::position_tagged {
    std::vector<boost::optional<x3::forward_ast<expression>>> components;
};

/// `f({a: 1, b: 2})`: named call arguments, kept only so that analysis can reject them by name.
struct named_arguments : x3::position_tagged {
    std::vector<std::pair<std::string, x3::forward_ast<expression>>> items;
};

/// `f(a, b)`; `{value: v}` call options before the arguments go into `options`.
struct call_postfix : x3::position_tagged {
    std::vector<std::pair<std::string, x3::forward_ast<expression>>> options;
    boost::optional<named_arguments> named;  ///< `f({a: 1})` (not supported)
    std::vector<x3::forward_ast<expression>> arguments;
};

/// `a[i]`, or `T[]` in a type position (no index).
struct index_postfix : x3::position_tagged {
    boost::optional<x3::forward_ast<expression>> index;
};

/// `a.name`
struct member_postfix : x3::position_tagged {
    identifier member;
};

/// `i++` or `i--`
struct increment_postfix : x3::position_tagged {
    std::string op;  ///< "++" or "--"
};

struct postfix : x3::variant<call_postfix, index_postfix, member_postfix, increment_postfix> {
    using base_type::base_type;
    using base_type::operator=;
};

/// A primary operand followed by calls, indexing, member access and postfix increments, applied
/// left to right: `C(a).f(1)[2]`.
struct postfix_expression : x3::position_tagged {
    operand primary;
    std::vector<postfix> ops;
};

/// One link of a binary chain: the operator and its right operand.
struct operation : x3::position_tagged {
    std::string op;  ///< "**", "*", "/", "%", "+", "-", "<<", ">>", "&", "^", "|", "<", ">",
                     ///< "<=", ">=", "==", "!=", "&&", "||"
    operand operand_;
};

/// `a + b * c`: a flat chain, resolved by precedence in the semantic pass.
struct binary_chain : x3::position_tagged {
    operand first;
    std::vector<operation> rest;
};

/// `cond ? a : b`
struct conditional_tail : x3::position_tagged {
    x3::forward_ast<expression> if_true;
    x3::forward_ast<expression> if_false;
};

/// `lhs op= rhs` (right associative).
struct assignment_tail : x3::position_tagged {
    std::string op;  ///< "=", "+=", "-=", "*=", "/=", "%=", "|=", "&=", "^=", "<<=", ">>="
    x3::forward_ast<expression> rhs;
};

/// A full expression: a binary chain, optionally a conditional, optionally assigned to.
struct expression : x3::position_tagged {
    binary_chain chain;
    boost::optional<conditional_tail> conditional;
    boost::optional<assignment_tail> assignment;
};

// ---- statements --------------------------------------------------------------------------------

struct block;
struct if_statement;
struct for_statement;
struct while_statement;
struct do_while_statement;
struct try_statement;

/// A variable declaration as in a parameter list or a local declaration.
struct variable_declaration : x3::position_tagged {
    type_name type;
    std::string location;  ///< "memory", "storage", "calldata" or empty
    bool indexed = false;  ///< events only
    boost::optional<identifier> name;
};

/// `T x = e;`, `T x;`, or `(T a, , T b) = e;`
struct local_declaration : x3::position_tagged {
    std::vector<boost::optional<variable_declaration>> variables;  ///< several only in the tuple form
    bool is_tuple = false;
    boost::optional<expression> initial;
};

struct expression_statement : x3::position_tagged {
    expression expr;
};

struct return_statement : x3::position_tagged {
    boost::optional<expression> value;
};

/// `emit E(args);` The expression is the call.
struct emit_statement : x3::position_tagged {
    expression call;
};

/// `revert E(args);` with a custom error. (`revert()` and `revert("msg")` are ordinary calls.)
struct revert_statement : x3::position_tagged {
    expression call;
};

struct break_statement : x3::position_tagged {
    char unused = 0;
};
struct continue_statement : x3::position_tagged {
    char unused = 0;
};
/// `_;` inside a modifier.
struct placeholder_statement : x3::position_tagged {
    char unused = 0;
};

struct statement : x3::variant<local_declaration, expression_statement, return_statement, emit_statement,
                               revert_statement, break_statement, continue_statement, placeholder_statement,
                               x3::forward_ast<block>, x3::forward_ast<if_statement>,
                               x3::forward_ast<for_statement>, x3::forward_ast<while_statement>,
                               x3::forward_ast<do_while_statement>, x3::forward_ast<try_statement>> {
    using base_type::base_type;
    using base_type::operator=;
};

/// `{ ... }` or `unchecked { ... }`
struct block : x3::position_tagged {
    bool unchecked = false;
    std::vector<statement> statements;
};

struct if_statement : x3::position_tagged {
    expression condition;
    statement then_branch;
    boost::optional<statement> else_branch;
};

/// `for (init; cond; post) body`; init is a local declaration or an expression statement.
struct for_statement : x3::position_tagged {
    boost::optional<statement> init;
    boost::optional<expression> condition;
    boost::optional<expression> post;
    statement body;
};

struct while_statement : x3::position_tagged {
    expression condition;
    statement body;
};

struct do_while_statement : x3::position_tagged {
    statement body;
    expression condition;
};

/// `catch Error(string memory r) { }`, `catch Panic(uint c) { }`, `catch (bytes memory d) { }`,
/// `catch { }`.
struct catch_clause : x3::position_tagged {
    boost::optional<identifier> kind;  ///< Error, Panic, or none
    boost::optional<std::vector<variable_declaration>> parameters;
    block body;
};

/// `try call returns (T v) { } catch ... { }`: an external call or `new C(...)` and its clauses.
struct try_statement : x3::position_tagged {
    expression call;
    boost::optional<std::vector<variable_declaration>> returns;
    block body;
    std::vector<catch_clause> catches;
};

// ---- contract members --------------------------------------------------------------------------

/// A state variable: `uint256 public constant X = 1;`
struct state_variable : x3::position_tagged {
    type_name type;
    std::vector<std::string> attributes;  ///< public, internal, private, constant, immutable
    identifier name;
    boost::optional<expression> initial;
};

struct struct_member : x3::position_tagged {
    type_name type;
    identifier name;
};

struct struct_definition : x3::position_tagged {
    identifier name;
    std::vector<struct_member> members;
};

/// `enum E { A, B, C }`
struct enum_definition : x3::position_tagged {
    identifier name;
    std::vector<identifier> members;
};

/// What `using … for` attaches: a library (`using L for …`) or a list of library functions
/// (`using {L.f, L.g} for …`, each written `L.f`).
struct using_target : x3::position_tagged {
    bool braced = false;
    std::vector<std::vector<identifier>> paths;  ///< one path (`L` or `L.f`) per entry
};

/// The type of `using … for T` (`*`: any type).
struct using_type : x3::position_tagged {
    bool wildcard = false;
    type_name type;
};

/// `using L for T;`, `using {L.f} for T global;`, `using L for *;`
struct using_directive : x3::position_tagged {
    using_target target;
    using_type type;
    bool global = false;
};

/// `event E(uint256 indexed a, address b) anonymous;`
struct event_definition : x3::position_tagged {
    identifier name;
    std::vector<variable_declaration> parameters;
    bool anonymous = false;
};

/// `error E(uint256 a);`
struct error_definition : x3::position_tagged {
    identifier name;
    std::vector<variable_declaration> parameters;
};

/// A modifier applied to a function, or a base constructor call: `onlyOwner`, `limit(3)`.
struct modifier_invocation : x3::position_tagged {
    identifier name;
    boost::optional<std::vector<expression>> arguments;
};

/// A function attribute: a keyword (visibility, mutability, `virtual`, `override`) or a modifier.
struct function_attribute : x3::variant<std::string, modifier_invocation> {
    using base_type::base_type;
    using base_type::operator=;
};

/// `function f(...) attrs returns (...) { ... }`, `constructor(...) { }`, `receive() external
/// payable { }`, `fallback() external { }`. A declaration without a body has none.
struct function_definition : x3::position_tagged {
    std::string kind;  ///< "function", "constructor", "receive", "fallback"
    boost::optional<identifier> name;
    std::vector<variable_declaration> parameters;
    std::vector<function_attribute> attributes;
    std::vector<variable_declaration> returns;
    boost::optional<block> body;
};

/// `modifier m(uint256 x) { require(x > 0); _; }`
struct modifier_definition : x3::position_tagged {
    identifier name;
    std::vector<variable_declaration> parameters;
    block body;
};

struct contract_member
    : x3::variant<function_definition, modifier_definition, state_variable, struct_definition,
                  enum_definition, event_definition, error_definition, using_directive> {
    using base_type::base_type;
    using base_type::operator=;
};

/// `contract C is A, B(1) { ... }`, `abstract contract C`, `interface I`, `library L`. The base
/// list keeps each base as written (a name and optional constructor arguments).
struct contract_definition : x3::position_tagged {
    bool is_abstract = false;
    std::string kind;  ///< "contract", "interface" or "library"
    identifier name;
    std::vector<modifier_invocation> bases;
    std::vector<contract_member> members;
};

/// One name of `import {A, B as C} from "x";`
struct import_symbol : x3::position_tagged {
    identifier name;
    boost::optional<identifier> alias;
};

/// `import "x";`, `import "x" as X;`, `import * as X from "x";` or `import {A, B as C} from "x";`
struct import_directive : x3::position_tagged {
    std::vector<import_symbol> symbols;      ///< the `{...}` form's names; empty otherwise
    boost::optional<identifier> star_alias;  ///< `* as X`
    string_literal path;
    boost::optional<identifier> unit_alias;  ///< `"x" as X`
};

/// `pragma solidity ^0.8.0;` (the text after `pragma`, kept for a version check).
struct pragma_directive : x3::position_tagged {
    std::string text;
};

struct source_element
    : x3::variant<pragma_directive, import_directive, contract_definition, struct_definition, enum_definition,
                  error_definition, event_definition, using_directive> {
    using base_type::base_type;
    using base_type::operator=;
};

/// A whole `.sol` file.
struct source_unit : x3::position_tagged {
    std::vector<source_element> elements;
};

}  // namespace trainchain::compiler::ast
