// tests/unit/compiler/compiler_limits_test.cpp - hostile sizes through the whole compiler (parse, analysis,
// code generation): flat chains of 40,000 terms for every class of binary operator, long postfix chains and
// chains nested in one another either compile or are refused with the diagnostic "expression too long", never
// a crash; chains within the limit still compile.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "trainchain/compiler/compiler.hpp"

namespace compiler = trainchain::compiler;

namespace {

/// `first op term op term ...` with `terms` terms in all.
std::string chain(const std::string& first, const std::string& op, const std::string& term, size_t terms) {
    std::string out = first;
    out.reserve(terms * (op.size() + term.size() + 2));
    for (size_t i = 1; i < terms; ++i) out += " " + op + " " + term;
    return out;
}

/// A contract whose function `f` evaluates `expr` (of type `type`) from the parameters `uint256 x`,
/// `uint256 y` and `bool b`.
std::string contract_with(const std::string& type, const std::string& expr) {
    return "pragma solidity ^0.8.0;\ncontract C {\n"
           "    function me() public view returns (C) { return this; }\n"
           "    function f(uint256 x, uint256 y, bool b) public view returns (" +
           type + ") {\n        return " + expr + ";\n    }\n}\n";
}

/// The error messages of a compilation, as `line:col: message`.
std::vector<std::string> errors_of(const compiler::CompileResult& r) {
    std::vector<std::string> out;
    for (const auto& d : r.diagnostics)
        if (d.severity == compiler::Diagnostic::Severity::Error)
            out.push_back(std::to_string(d.line) + ":" + std::to_string(d.column) + ": " + d.message);
    return out;
}

/// The errors of a compilation on one line each ("" when there are none).
std::string error_text(const compiler::CompileResult& r) {
    std::string out;
    for (const auto& e : errors_of(r)) out += e + "\n";
    return out;
}

struct ChainCase {
    std::string op;
    std::string type;   ///< what the chain's value is
    std::string first;  ///< the first term
    std::string term;   ///< every other term
};

/// One chain per class of binary operator, with operands of a type the operator takes.
const std::vector<ChainCase> chain_cases = {
    {"+", "uint256", "x", "x"},     {"-", "uint256", "x", "y"},  {"*", "uint256", "x", "y"},
    {"/", "uint256", "x", "y"},     {"%", "uint256", "x", "y"},  {"**", "uint256", "x", "y"},
    {"<<", "uint256", "x", "y"},    {">>", "uint256", "x", "y"}, {"&", "uint256", "x", "x"},
    {"|", "uint256", "x", "x"},     {"^", "uint256", "x", "x"},  {"&&", "bool", "b", "b"},
    {"||", "bool", "b", "b"},       {"==", "bool", "b", "b"},    {"!=", "bool", "b", "b"},
    {"<", "bool", "x", "x"},        {">", "bool", "x", "x"},     {"<=", "bool", "x", "x"},
    {">=", "bool", "x", "x"},       {"+", "uint256", "1", "1"},  {"**", "uint256", "1", "1"},
    {"&&", "bool", "true", "true"},
};

}  // namespace

TEST_CASE("compiler: a flat chain of 40,000 terms of any binary operator is refused, never a crash") {
    for (const auto& c : chain_cases) {
        CAPTURE(c.op);
        CAPTURE(c.first);
        const auto r =
            compiler::compile(contract_with(c.type, chain(c.first, c.op, c.term, 40'000)), "long.sol");
        CHECK_FALSE(r.ok());
        const auto errors = errors_of(r);
        REQUIRE(errors.size() == 1);
        CHECK(errors[0].starts_with("5:16: expression too long: more than 1000 levels"));
    }
    // Mixed operators of every precedence, in one chain.
    std::string mixed = "x";
    for (int i = 0; i < 4000; ++i) mixed += " + x * y ** x - y / x % y << x >> y & x | y ^ x";
    CHECK(errors_of(compiler::compile(contract_with("uint256", mixed), "long.sol")).size() == 1);
}

TEST_CASE("compiler: long postfix chains and nested chains are refused, never a crash") {
    // this.me().me()...: 40,000 external calls, one inside the other.
    std::string calls = "this";
    for (int i = 0; i < 40'000; ++i) calls += ".me()";
    auto errors = errors_of(compiler::compile(contract_with("C", calls), "long.sol"));
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].starts_with("5:16: expression too long"));

    // Chains inside parentheses inside chains: 100 levels of 100 operators each is 10,000 levels.
    std::string nested = "x";
    for (int level = 0; level < 100; ++level) nested = "(" + chain(nested, "+", "x", 100) + ")";
    errors = errors_of(compiler::compile(contract_with("uint256", nested), "long.sol"));
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].find("expression too long") != std::string::npos);

    // The same through a call's argument and an index.
    std::string args = "x";
    for (int level = 0; level < 100; ++level) args = "uint256(" + chain(args, "*", "y", 100) + ")";
    CHECK(errors_of(compiler::compile(contract_with("uint256", args), "long.sol")).size() == 1);
}

TEST_CASE("compiler: chains within the limit compile") {
    for (const auto& c : chain_cases) {
        if (c.op == "<" || c.op == ">" || c.op == "<=" || c.op == ">=") continue;  // bool < bool: types
        CAPTURE(c.op);
        CAPTURE(c.first);
        const auto r =
            compiler::compile(contract_with(c.type, chain(c.first, c.op, c.term, 990)), "long.sol");
        if (c.op == "**" && c.first == "x")  // right associative: every operand waits on the stack
            CHECK(error_text(r).find("stack too deep") != std::string::npos);
        else
            CHECK(error_text(r) == "");
    }
    // Nested: 9 levels of 100 operators.
    std::string nested = "x";
    for (int level = 0; level < 9; ++level) nested = "(" + chain(nested, "+", "x", 100) + ")";
    CHECK(error_text(compiler::compile(contract_with("uint256", nested), "long.sol")) == "");
    std::string calls = "this";
    for (int i = 0; i < 450; ++i) calls += ".me()";  // two postfix operations each
    CHECK(error_text(compiler::compile(contract_with("C", calls), "long.sol")) == "");
}

TEST_CASE(
    "a chain of 5,000 bases is refused at the linearization limit, quickly and without recursion overflow") {
    std::string src = "contract C0 {}\n";
    for (int i = 1; i < 5000; ++i)
        src += "contract C" + std::to_string(i) + " is C" + std::to_string(i - 1) + " {}\n";
    const auto r = trainchain::compiler::compile(src, "chain.sol");
    REQUIRE_FALSE(r.ok());
    bool limit = false;
    for (const auto& d : r.diagnostics)
        limit = limit ||
                d.message.find("inheritance graph too large (more than 128 contracts") != std::string::npos;
    CHECK(limit);
}
