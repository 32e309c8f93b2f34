// tests/unit/compiler/compiler_parser_test.cpp - the contract-language parser: the syntax tree of every
// construct, keywords against identifiers, positions, syntax errors with recovery, hostile input, speed.
#include <doctest/doctest.h>

#include <boost/variant/apply_visitor.hpp>
#include <chrono>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "parser.hpp"

namespace doctest {
template <>
struct StringMaker<std::vector<std::string>> {
    static String convert(const std::vector<std::string>& v) {
        std::string out = "{";
        for (const auto& s : v) out += "\n  \"" + s + "\"";
        return (out + (v.empty() ? "}" : "\n}")).c_str();
    }
};
}  // namespace doctest

using namespace trainchain::compiler;
namespace x3 = boost::spirit::x3;

namespace {

// ---- a compact S-expression rendering of the tree --------------------------------------------------

struct printer {
    using result_type = std::string;

    template <typename T>
    std::string operator()(const x3::forward_ast<T>& node) const {
        return (*this)(node.get());
    }
    template <typename T>
    std::string operator()(const boost::optional<T>& node) const {
        return node ? (*this)(*node) : "_";
    }
    template <typename T>
    std::string list(const std::vector<T>& nodes) const {
        std::string out;
        for (const auto& n : nodes) out += (out.empty() ? "" : " ") + (*this)(n);
        return out;
    }

    std::string operator()(const ast::nil&) const { return "nil"; }
    std::string operator()(const std::string& s) const { return s; }
    std::string operator()(const ast::identifier& id) const { return id.name; }

    // types
    std::string operator()(const ast::type_base& b) const { return boost::apply_visitor(*this, b); }
    std::string operator()(const ast::mapping_type& m) const {
        return "mapping(" + (*this)(m.key) + " => " + (*this)(m.value) + ")";
    }
    std::string operator()(const ast::function_type& f) const {
        auto params = [&](const std::vector<ast::function_type_parameter>& ps) {
            std::string out;
            for (const auto& p : ps)
                out +=
                    (out.empty() ? "" : ",") + (*this)(p.type) + (p.location.empty() ? "" : " " + p.location);
            return "(" + out + ")";
        };
        std::string out = "function" + params(f.parameters);
        for (const auto& a : f.attributes) out += " " + a;
        if (!f.returns.empty()) out += " returns" + params(f.returns);
        return out;
    }
    std::string operator()(const ast::type_name& t) const {
        std::string out = (*this)(t.base);
        for (const auto& d : t.dims) out += "[" + (d.size ? *d.size : "") + "]";
        return out;
    }

    // expressions
    std::string operator()(const ast::number_literal& n) const {
        return n.unit.empty() ? n.text : "(" + n.text + " " + n.unit + ")";
    }
    std::string operator()(const ast::bool_literal& b) const { return b.value ? "true" : "false"; }
    std::string operator()(const ast::string_literal& s) const {
        std::string out = s.is_hex ? "hex\"" : "\"";
        for (unsigned char c : s.value) {
            if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
                out += static_cast<char>(c);
            } else {
                static const char digits[] = "0123456789abcdef";
                out += "\\x";
                out += digits[c >> 4];
                out += digits[c & 15];
            }
        }
        return out + "\"";
    }
    std::string operator()(const ast::operand& o) const { return boost::apply_visitor(*this, o); }
    std::string operator()(const ast::unary& u) const { return "(" + u.op + " " + (*this)(u.operand_) + ")"; }
    std::string operator()(const ast::new_expression& n) const { return "(new " + (*this)(n.type) + ")"; }
    std::string operator()(const ast::tuple_expression& t) const {
        std::string out = "(tuple";
        for (const auto& c : t.components) out += " " + (*this)(c);
        return out + ")";
    }
    std::string operator()(const ast::call_postfix& c) const {
        std::string out = "(call";
        for (const auto& [name, value] : c.options) out += " {" + name + ": " + (*this)(value) + "}";
        if (c.named) {
            out += " (named";
            for (const auto& [name, value] : c.named->items) out += " " + name + ": " + (*this)(value);
            out += ")";
        }
        for (const auto& a : c.arguments) out += " " + (*this)(a);
        return out + ")";
    }
    std::string operator()(const ast::index_postfix& i) const {
        return i.index ? "[" + (*this)(*i.index) + "]" : "[]";
    }
    std::string operator()(const ast::member_postfix& m) const { return "." + m.member.name; }
    std::string operator()(const ast::increment_postfix& i) const { return i.op; }
    std::string operator()(const ast::postfix& p) const { return boost::apply_visitor(*this, p); }
    std::string operator()(const ast::postfix_expression& p) const {
        return "(post " + (*this)(p.primary) + " " + list(p.ops) + ")";
    }
    std::string operator()(const ast::binary_chain& c) const {
        if (c.rest.empty()) return (*this)(c.first);
        std::string out = "(chain " + (*this)(c.first);
        for (const auto& op : c.rest) out += " " + op.op + " " + (*this)(op.operand_);
        return out + ")";
    }
    std::string operator()(const ast::expression& e) const {
        std::string out = (*this)(e.chain);
        if (e.conditional)
            out = "(? " + out + " " + (*this)(e.conditional->if_true) + " " +
                  (*this)(e.conditional->if_false) + ")";
        if (e.assignment) out = "(" + e.assignment->op + " " + out + " " + (*this)(e.assignment->rhs) + ")";
        return out;
    }

    // statements
    std::string operator()(const ast::variable_declaration& v) const {
        std::string out = (*this)(v.type);
        if (!v.location.empty()) out += " " + v.location;
        if (v.indexed) out += " indexed";
        if (v.name) out += " " + v.name->name;
        return out;
    }
    std::string operator()(const ast::local_declaration& d) const {
        std::string out = "(decl";
        if (d.is_tuple) out += " tuple";
        for (const auto& v : d.variables) out += " <" + (v ? (*this)(*v) : "") + ">";
        if (d.initial) out += " = " + (*this)(*d.initial);
        return out + ")";
    }
    std::string operator()(const ast::expression_statement& s) const {
        return "(expr " + (*this)(s.expr) + ")";
    }
    std::string operator()(const ast::return_statement& s) const {
        return s.value ? "(return " + (*this)(*s.value) + ")" : "(return)";
    }
    std::string operator()(const ast::emit_statement& s) const { return "(emit " + (*this)(s.call) + ")"; }
    std::string operator()(const ast::revert_statement& s) const {
        return "(revert " + (*this)(s.call) + ")";
    }
    std::string operator()(const ast::break_statement&) const { return "break"; }
    std::string operator()(const ast::continue_statement&) const { return "continue"; }
    std::string operator()(const ast::placeholder_statement&) const { return "_"; }
    std::string operator()(const ast::block& b) const {
        return std::string(b.unchecked ? "(unchecked" : "(block") + (b.statements.empty() ? "" : " ") +
               list(b.statements) + ")";
    }
    std::string operator()(const ast::if_statement& s) const {
        return "(if " + (*this)(s.condition) + " " + (*this)(s.then_branch) +
               (s.else_branch ? " " + (*this)(*s.else_branch) : "") + ")";
    }
    std::string operator()(const ast::for_statement& s) const {
        return "(for " + (*this)(s.init) + " " + (*this)(s.condition) + " " + (*this)(s.post) + " " +
               (*this)(s.body) + ")";
    }
    std::string operator()(const ast::while_statement& s) const {
        return "(while " + (*this)(s.condition) + " " + (*this)(s.body) + ")";
    }
    std::string operator()(const ast::do_while_statement& s) const {
        return "(do " + (*this)(s.body) + " " + (*this)(s.condition) + ")";
    }
    std::string operator()(const ast::catch_clause& c) const {
        std::string out = "(catch";
        if (c.kind) out += " " + c.kind->name;
        if (c.parameters) out += " " + params(*c.parameters);
        return out + " " + (*this)(c.body) + ")";
    }
    std::string operator()(const ast::try_statement& s) const {
        std::string out = "(try " + (*this)(s.call);
        if (s.returns) out += " returns " + params(*s.returns);
        out += " " + (*this)(s.body);
        for (const auto& c : s.catches) out += " " + (*this)(c);
        return out + ")";
    }
    std::string operator()(const ast::statement& s) const { return boost::apply_visitor(*this, s); }

    // members
    std::string params(const std::vector<ast::variable_declaration>& ps) const {
        std::string out = "(";
        for (size_t i = 0; i < ps.size(); ++i) out += (i ? ", " : "") + (*this)(ps[i]);
        return out + ")";
    }
    std::string operator()(const ast::state_variable& v) const {
        std::string out = "(var " + (*this)(v.type);
        for (const auto& a : v.attributes) out += " " + a;
        out += " " + v.name.name;
        if (v.initial) out += " = " + (*this)(*v.initial);
        return out + ")";
    }
    std::string operator()(const ast::struct_definition& s) const {
        std::string out = "(struct " + s.name.name;
        for (const auto& m : s.members) out += " (" + (*this)(m.type) + " " + m.name.name + ")";
        return out + ")";
    }
    std::string operator()(const ast::event_definition& e) const {
        return "(event " + e.name.name + " " + params(e.parameters) + (e.anonymous ? " anonymous" : "") + ")";
    }
    std::string operator()(const ast::error_definition& e) const {
        return "(error " + e.name.name + " " + params(e.parameters) + ")";
    }
    std::string operator()(const ast::modifier_invocation& m) const {
        if (!m.arguments) return m.name.name;
        std::string out = m.name.name + "(";
        for (size_t i = 0; i < m.arguments->size(); ++i) out += (i ? ", " : "") + (*this)((*m.arguments)[i]);
        return out + ")";
    }
    std::string operator()(const ast::function_attribute& a) const { return boost::apply_visitor(*this, a); }
    std::string operator()(const ast::function_definition& f) const {
        std::string out = "(" + f.kind;
        if (f.name) out += " " + f.name->name;
        out += " " + params(f.parameters);
        for (const auto& a : f.attributes) out += " " + (*this)(a);
        if (!f.returns.empty()) out += " returns " + params(f.returns);
        out += f.body ? " " + (*this)(*f.body) : " ;";
        return out + ")";
    }
    std::string operator()(const ast::modifier_definition& m) const {
        return "(modifier " + m.name.name + " " + params(m.parameters) + " " + (*this)(m.body) + ")";
    }
    std::string operator()(const ast::contract_member& m) const { return boost::apply_visitor(*this, m); }
    std::string operator()(const ast::contract_definition& c) const {
        std::string head = (c.is_abstract ? "abstract " : "") + c.kind + " " + c.name.name;
        for (size_t i = 0; i < c.bases.size(); ++i) head += (i ? ", " : " is ") + (*this)(c.bases[i]);
        return "(" + head + (c.members.empty() ? "" : " ") + list(c.members) + ")";
    }
    std::string operator()(const ast::enum_definition& e) const {
        std::string out = "(enum " + e.name.name;
        for (const auto& m : e.members) out += " " + m.name;
        return out + ")";
    }
    std::string operator()(const ast::using_directive& u) const {
        std::string out = "(using";
        for (const auto& path : u.target.paths) {
            out += " ";
            for (size_t i = 0; i < path.size(); ++i) out += (i ? "." : "") + path[i].name;
        }
        out += u.target.braced ? " braced" : "";
        out += " for " + (u.type.wildcard ? std::string("*") : (*this)(u.type.type));
        return out + (u.global ? " global)" : ")");
    }
    std::string operator()(const ast::import_directive& d) const {
        std::string out = "(import \"" + d.path.value + "\"";
        for (const auto& sym : d.symbols)
            out += " " + sym.name.name + (sym.alias ? " as " + sym.alias->name : "");
        if (d.star_alias) out += " * as " + d.star_alias->name;
        if (d.unit_alias) out += " as " + d.unit_alias->name;
        return out + ")";
    }
    std::string operator()(const ast::pragma_directive& p) const { return "(pragma " + p.text + ")"; }
    std::string operator()(const ast::source_element& e) const { return boost::apply_visitor(*this, e); }
    std::string operator()(const ast::source_unit& u) const { return list(u.elements); }
};

template <typename T>
std::string show(const T& node) {
    return printer{}(node);
}

// ---- parsing helpers -------------------------------------------------------------------------------

/// One parse of `text`, keeping the text, the file, the diagnostics and the tree together.
struct Parsed {
    explicit Parsed(std::string source) : text{std::move(source)}, file{"t.sol", text}, diags{file} {
        ok = parse(file, diags, unit);
    }
    Parsed(const Parsed&) = delete;
    Parsed& operator=(const Parsed&) = delete;

    /// Every diagnostic as "line:col: message", in source order.
    [[nodiscard]] std::vector<std::string> errors() const {
        std::vector<std::string> out;
        for (const auto& d : diags.sorted())
            out.push_back(std::to_string(d.line) + ":" + std::to_string(d.column) + ": " + d.message);
        return out;
    }
    [[nodiscard]] std::string first_error() const {
        const auto e = errors();
        return e.empty() ? "" : e.front();
    }
    [[nodiscard]] std::string at(const x3::position_tagged& node) const {
        const Location l = diags.location_of(node);
        return std::to_string(l.line) + ":" + std::to_string(l.column);
    }
    [[nodiscard]] const ast::contract_definition& contract(size_t i = 0) const {
        size_t seen = 0;
        for (const auto& e : unit.elements)
            if (const auto* c = boost::get<ast::contract_definition>(&e.get()); c && seen++ == i) return *c;
        FAIL("no contract " << i);
        throw std::logic_error("unreachable");
    }
    [[nodiscard]] const ast::function_definition& function(size_t member) const {
        return boost::get<ast::function_definition>(contract().members.at(member).get());
    }

    std::string text;
    SourceFile file;
    Diagnostics diags;
    ast::source_unit unit;
    bool ok = false;
};

std::string errors_of(const Parsed& p) {
    std::string out;
    for (const auto& e : p.errors()) out += e + "\n";
    return out;
}

/// The tree of a source that must parse without errors.
std::string tree(const std::string& source) {
    const Parsed p(source);
    INFO(source);
    INFO(errors_of(p));
    CHECK(p.ok);
    return show(p.unit);
}

/// The members of `contract C { <members> }`.
std::string members(const std::string& source) {
    const Parsed p("contract C {\n" + source + "\n}");
    INFO(source);
    INFO(errors_of(p));
    CHECK(p.ok);
    if (!p.ok) return "";
    return printer{}.list(p.contract().members);
}

/// The statements of a function body.
std::string statements(const std::string& source) {
    const Parsed p("contract C { function f() public {\n" + source + "\n} }");
    INFO(source);
    INFO(errors_of(p));
    CHECK(p.ok);
    if (!p.ok) return "";
    return printer{}.list(p.function(0).body->statements);
}

/// The expression of the statement `<source>;`.
std::string expr(const std::string& source) {
    const Parsed p("contract C { function f() public {\n" + source + ";\n} }");
    INFO(source);
    INFO(errors_of(p));
    CHECK(p.ok);
    if (!p.ok) return "";
    const auto& st = p.function(0).body->statements;
    REQUIRE(st.size() == 1);
    const auto* s = boost::get<ast::expression_statement>(&st[0].get());
    REQUIRE(s != nullptr);
    return show(s->expr);
}

/// The diagnostics of a source that must fail to parse.
std::vector<std::string> errors(const std::string& source) {
    const Parsed p(source);
    INFO(source);
    CHECK_FALSE(p.ok);
    return p.errors();
}

using strings = std::vector<std::string>;

}  // namespace

// ---- source units and contract members ------------------------------------------------------------

TEST_CASE("parser: pragma, contracts and file-level definitions") {
    CHECK(tree("pragma solidity ^0.8.0;") == "(pragma solidity ^0.8.0)");
    CHECK(tree("pragma solidity >=0.8.0 <0.9.0 ;\npragma abicoder v2;") ==
          "(pragma solidity >=0.8.0 <0.9.0) (pragma abicoder v2)");
    CHECK(tree("contract A {} contract B { }") == "(contract A) (contract B)");
    CHECK(tree("struct P { uint256 x; uint256 y; }\nerror Bad(uint256 code);\nevent Ping(address indexed "
               "from);\n"
               "contract C {}") ==
          "(struct P (uint256 x) (uint256 y)) (error Bad (uint256 code)) (event Ping (address indexed from)) "
          "(contract C)");
    CHECK(tree("") == "");
    CHECK(tree("  // only a comment\n/* and a block */ /// natspec\n/** more */") == "");
}

TEST_CASE("parser: state variables and types") {
    CHECK(members("uint256 public constant X = 1;") == "(var uint256 public constant X = 1)");
    CHECK(members("address payable owner;") == "(var address payable owner)");
    CHECK(members("address private immutable admin;") == "(var address private immutable admin)");
    CHECK(
        members("uint x; int y; int8 a; uint8 b; uint256 c; int256 d; bool e; string s; bytes bs; bytes1 b1; "
                "bytes32 b32;") ==
        "(var uint x) (var int y) (var int8 a) (var uint8 b) (var uint256 c) (var int256 d) (var bool e) "
        "(var string s) (var bytes bs) (var bytes1 b1) (var bytes32 b32)");
    CHECK(members("mapping(address => uint256) internal balances;") ==
          "(var mapping(address => uint256) internal balances)");
    CHECK(members("mapping(address => mapping(uint256 => Record[])) history;") ==
          "(var mapping(address => mapping(uint256 => Record[])) history)");
    CHECK(members("mapping(address user => uint256 balance) named;") ==
          "(var mapping(address => uint256) named)");
    CHECK(members("uint256[] list; uint8[4][] grid; Point[2] pts; bytes32[][3] x;") ==
          "(var uint256[] list) (var uint8[4][] grid) (var Point[2] pts) (var bytes32[][3] x)");
    CHECK(members("Token public override token = Token(address(0));") ==
          "(var Token public override token = (post Token (call (post address (call 0)))))");
}

TEST_CASE("parser: structs, events, errors and modifiers") {
    CHECK(members("struct Epoch { uint256 number; bytes32 weights; mapping(address => bool) votes; }") ==
          "(struct Epoch (uint256 number) (bytes32 weights) (mapping(address => bool) votes))");
    CHECK(members("event Recorded(uint256 indexed epoch, address indexed by, uint256 loss);") ==
          "(event Recorded (uint256 indexed epoch, address indexed by, uint256 loss))");
    CHECK(members("event Anon(uint256, string) anonymous;") == "(event Anon (uint256, string) anonymous)");
    CHECK(members("event Empty();") == "(event Empty ())");
    CHECK(members("error NotOwner(address caller, uint256 needed); error Plain();") ==
          "(error NotOwner (address caller, uint256 needed)) (error Plain ())");
    CHECK(
        members("modifier onlyOwner { require(msg.sender == owner); _; }") ==
        "(modifier onlyOwner () (block (expr (post require (call (chain (post msg .sender) == owner)))) _))");
    CHECK(members("modifier limit(uint256 n) virtual { _; }") == "(modifier limit (uint256 n) (block _))");
}

TEST_CASE("parser: functions, constructors, receive and fallback") {
    CHECK(members("function f() public {}") == "(function f () public (block))");
    CHECK(members("function get(uint256 id, string memory name, bytes calldata data) external view "
                  "returns (uint256, bool ok) { }") ==
          "(function get (uint256 id, string memory name, bytes calldata data) external view "
          "returns (uint256, bool ok) (block))");
    CHECK(members("function g() internal pure virtual override returns (uint256[] memory out);") ==
          "(function g () internal pure virtual override returns (uint256[] memory out) ;)");
    CHECK(members("function h(Point storage p) private onlyOwner limit(3, x + 1) payable {}") ==
          "(function h (Point storage p) private onlyOwner limit(3, (chain x + 1)) payable (block))");
    CHECK(members("constructor(address a) payable Base(a) { owner = a; }") ==
          "(constructor (address a) payable Base(a) (block (expr (= owner a))))");
    CHECK(members("receive() external payable { }") == "(receive () external payable (block))");
    CHECK(members("fallback() external { revert(); }") ==
          "(fallback () external (block (expr (post revert (call)))))");
    CHECK(members("fallback() external payable {}") == "(fallback () external payable (block))");
}

// ---- statements ------------------------------------------------------------------------------------

TEST_CASE("parser: statements") {
    CHECK(statements("{ } unchecked { i++; }") == "(block) (unchecked (expr (post i ++)))");
    CHECK(statements("uint256 x = 1; uint y; bool ok = true;") ==
          "(decl <uint256 x> = 1) (decl <uint y>) (decl <bool ok> = true)");
    CHECK(statements("string memory s = \"a\"; Point storage p = points[0]; bytes calldata d = msg.data;") ==
          "(decl <string memory s> = \"a\") (decl <Point storage p> = (post points [0])) "
          "(decl <bytes calldata d> = (post msg .data))");
    CHECK(statements("(uint256 a, , bool c) = f();") ==
          "(decl tuple <uint256 a> <> <bool c> = (post f (call)))");
    CHECK(statements("(, uint256 b) = g();") == "(decl tuple <> <uint256 b> = (post g (call)))");
    CHECK(statements("if (a) b(); else if (c) d(); else { e(); }") ==
          "(if a (expr (post b (call))) (if c (expr (post d (call))) (block (expr (post e (call))))))");
    CHECK(statements("if (x > 1) return;") == "(if (chain x > 1) (return))");
    CHECK(statements("for (uint256 i = 0; i < n; i++) { continue; }") ==
          "(for (decl <uint256 i> = 0) (chain i < n) (post i ++) (block continue))");
    CHECK(statements("for (;;) break;") == "(for _ _ _ break)");
    CHECK(statements("for (i = 0; ; ) {}") == "(for (expr (= i 0)) _ _ (block))");
    CHECK(statements("while (i < 10) i += 2;") == "(while (chain i < 10) (expr (+= i 2)))");
    CHECK(statements("do { i--; } while (i > 0);") == "(do (block (expr (post i --))) (chain i > 0))");
    CHECK(statements("return a + b; return (a, b); return;") ==
          "(return (chain a + b)) (return (tuple a b)) (return)");
    CHECK(statements("emit Recorded(epoch, msg.sender);") ==
          "(emit (post Recorded (call epoch (post msg .sender))))");
    CHECK(statements("revert NotOwner(msg.sender);") == "(revert (post NotOwner (call (post msg .sender))))");
    CHECK(statements("revert(\"no\"); revert();") ==
          "(expr (post revert (call \"no\"))) (expr (post revert (call)))");
    CHECK(statements("_;") == "_");
    CHECK(statements("delete balances[a];") == "(expr (delete (post balances [a])))");
}

TEST_CASE("parser: try/catch") {
    CHECK(statements("try c.f(1) returns (uint256 v, bool) { x = v; } catch Error(string memory r) { } "
                     "catch Panic(uint c) { } catch (bytes memory d) { } catch { }") ==
          "(try (post c .f (call 1)) returns (uint256 v, bool) (block (expr (= x v))) "
          "(catch Error (string memory r) (block)) (catch Panic (uint c) (block)) "
          "(catch (bytes memory d) (block)) (catch (block)))");
    CHECK(statements("try new C{value: 1}(2) returns (C made) {} catch {}") ==
          "(try (post (new C) (call {value: 1} 2)) returns (C made) (block) (catch (block)))");
    CHECK(statements("try this.f() {} catch {}") == "(try (post this .f (call)) (block) (catch (block)))");
    // A try needs at least one catch clause; a catch needs a block.
    CHECK(errors("contract C { function f() public {\ntry c.f() { }\n} }") ==
          strings{"3:1: expected 'catch'"});
    CHECK(errors("contract C { function f() public {\ntry c.f() { } catch Error(string memory r);\n} }") ==
          strings{"2:43: expected '{'"});
}

TEST_CASE("parser: declarations against expression statements") {
    CHECK(statements("a[i] = 1;") == "(expr (= (post a [i]) 1))");
    CHECK(statements("a[1] = 2;") == "(expr (= (post a [1]) 2))");
    CHECK(statements("uint[] x;") == "(decl <uint[] x>)");
    CHECK(statements("uint256[3] memory m;") == "(decl <uint256[3] memory m>)");
    CHECK(statements("a[1][2] = 3;") == "(expr (= (post a [1] [2]) 3))");
    CHECK(statements("S memory s = S(1, 2);") == "(decl <S memory s> = (post S (call 1 2)))");
    CHECK(statements("S[] storage list = lists[k];") == "(decl <S[] storage list> = (post lists [k]))");
    CHECK(statements("x.y = 1;") == "(expr (= (post x .y) 1))");
    CHECK(statements("x;") == "(expr x)");
    CHECK(statements("(a, b) = (b, a);") == "(expr (= (tuple a b) (tuple b a)))");
    CHECK(statements("(a, , b) = f();") == "(expr (= (tuple a _ b) (post f (call))))");
    CHECK(statements("(x) = 1;") == "(expr (= (tuple x) 1))");
    CHECK(statements("mapping(address => uint) storage m = balances;") ==
          "(decl <mapping(address => uint) storage m> = balances)");
    CHECK(statements("address payable to = payable(msg.sender);") ==
          "(decl <address payable to> = (post payable (call (post msg .sender))))");
    CHECK(statements("uint8(x);") == "(expr (post uint8 (call x)))");
    CHECK(statements("Lib.f(1);") == "(expr (post Lib .f (call 1)))");
}

// ---- expressions -----------------------------------------------------------------------------------

TEST_CASE("parser: binary chains stay flat, operators match longest") {
    CHECK(expr("a + b * c - d") == "(chain a + b * c - d)");
    CHECK(expr("a ** b ** c") == "(chain a ** b ** c)");
    CHECK(expr("a*b/c%d") == "(chain a * b / c % d)");
    CHECK(expr("a<<b>>c") == "(chain a << b >> c)");
    CHECK(expr("a&b^c|d") == "(chain a & b ^ c | d)");
    CHECK(expr("a<b>c<=d>=e") == "(chain a < b > c <= d >= e)");
    CHECK(expr("a==b!=c") == "(chain a == b != c)");
    CHECK(expr("a&&b||c") == "(chain a && b || c)");
    CHECK(expr("a&&b&c") == "(chain a && b & c)");
    CHECK(expr("a||b|c") == "(chain a || b | c)");
    CHECK(expr("a**b*c") == "(chain a ** b * c)");
    CHECK(expr("a - -b") == "(chain a - (- b))");
    CHECK(expr("x<<=2") == "(<<= x 2)");
    CHECK(expr("x>>=2") == "(>>= x 2)");
    CHECK(expr("x<=2") == "(chain x <= 2)");
    CHECK(expr("x==2") == "(chain x == 2)");
    CHECK(expr("x=2") == "(= x 2)");
    CHECK(expr("a / b // comment\n + c") == "(chain a / b + c)");
    CHECK(expr("a /* c */ / b") == "(chain a / b)");
}

TEST_CASE("parser: assignments and conditionals") {
    CHECK(expr("a = b = c") == "(= a (= b c))");
    for (const char* op : {"=", "+=", "-=", "*=", "/=", "%=", "|=", "&=", "^=", "<<=", ">>="})
        CHECK(expr(std::string("x ") + op + " y + 1") == std::string("(") + op + " x (chain y + 1))");
    CHECK(expr("c ? a : b") == "(? c a b)");
    CHECK(expr("x = c ? a + 1 : b") == "(= x (? c (chain a + 1) b))");
    CHECK(expr("a ? b : c ? d : e") == "(? a b (? c d e))");
    CHECK(expr("a ? b ? c : d : e") == "(? a (? b c d) e)");
    CHECK(expr("x > 0 && y > 0 ? x * y : 0") == "(? (chain x > 0 && y > 0) (chain x * y) 0)");
    CHECK(expr("c ? a : b = 5") == "(= (? c a b) 5)");
}

TEST_CASE("parser: unary and postfix operators") {
    CHECK(expr("-x") == "(- x)");
    CHECK(expr("!!ok") == "(! (! ok))");
    CHECK(expr("~m & 1") == "(chain (~ m) & 1)");
    CHECK(expr("++i") == "(++ i)");
    CHECK(expr("--i") == "(-- i)");
    CHECK(expr("- -x") == "(- (- x))");
    CHECK(expr("delete a.b[1]") == "(delete (post a .b [1]))");
    CHECK(expr("-a.b(c)[d]") == "(- (post a .b (call c) [d]))");
    CHECK(expr("i++") == "(post i ++)");
    CHECK(expr("i--") == "(post i --)");
    CHECK(expr("a[i]++ + 1") == "(chain (post a [i] ++) + 1)");
    CHECK(expr("C(a).f(1)[2]") == "(post C (call a) .f (call 1) [2])");
    CHECK(expr("f()()") == "(post f (call) (call))");
    CHECK(expr("addr.call{value: 1 ether, gas: 5000}(data)") ==
          "(post addr .call (call {value: (1 ether)} {gas: 5000} data))");
    CHECK(expr("t.f{value: msg.value}()") == "(post t .f (call {value: (post msg .value)}))");
    // Named arguments parse (analysis names them as not supported).
    CHECK(expr("P({x: 1, y: a + 2})") == "(post P (call (named x: 1 y: (chain a + 2))))");
    CHECK(expr("f({})") == "(post f (call (named)))");
    CHECK(expr("uint256[]") == "(post uint256 [])");
    CHECK(expr("x.length") == "(post x .length)");
}

TEST_CASE("parser: primaries") {
    CHECK(expr("42") == "42");
    CHECK(expr("1_000_000") == "1_000_000");
    CHECK(expr("0x2a") == "0x2a");
    CHECK(expr("0xdead_BEEF") == "0xdead_BEEF");
    CHECK(expr("1e18") == "1e18");
    CHECK(expr("2.5e3") == "2.5e3");
    CHECK(expr("1e-3") == "1e-3");
    for (const char* unit : {"wei", "gwei", "ether", "seconds", "minutes", "hours", "days", "weeks"})
        CHECK(expr(std::string("2 ") + unit) == std::string("(2 ") + unit + ")");
    CHECK(expr("true") == "true");
    CHECK(expr("false") == "false");
    CHECK(expr("x") == "x");
    CHECK(expr("$_a1") == "$_a1");
    CHECK(expr("address(this)") == "(post address (call this))");
    CHECK(expr("type(uint256).max") == "(post type (call uint256) .max)");
    CHECK(expr("payable(a)") == "(post payable (call a))");
    CHECK(expr("bytes32(0)") == "(post bytes32 (call 0))");
    CHECK(expr("string(b)") == "(post string (call b))");
    CHECK(expr("bool(x)") == "(post bool (call x))");
    CHECK(expr("new C") == "(new C)");
    CHECK(expr("new C(1, 2)") == "(post (new C) (call 1 2))");
    CHECK(expr("new uint256[](n)") == "(post (new uint256[]) (call n))");
    CHECK(expr("new Token{value: 1}(a)") == "(post (new Token) (call {value: 1} a))");
    CHECK(expr("(x)") == "(tuple x)");
    CHECK(expr("(a, b)") == "(tuple a b)");
    CHECK(expr("(a, , c)") == "(tuple a _ c)");
    CHECK(expr("(1 + 2) * 3") == "(chain (tuple (chain 1 + 2)) * 3)");
    CHECK(expr("f(x, (y))") == "(post f (call x (tuple y)))");
    CHECK(statements("return ();") == "(return (tuple))");
    CHECK(errors("contract C { function f() public { x = 1abc; } }") == strings{"1:40: expected expression"});
    CHECK(errors("contract C { function f() public { x = 0x; } }") == strings{"1:40: expected expression"});
}

TEST_CASE("parser: string literals") {
    CHECK(expr("\"abc\"") == "\"abc\"");
    CHECK(expr("'it''s'") == "\"its\"");
    CHECK(expr("\"a\" \"b\"  'c'") == "\"abc\"");
    CHECK(expr("\"a\" /* between */ \"b\"") == "\"ab\"");
    CHECK(expr(R"("\n\t\r\\\"\'")") == R"("\x0a\x09\x0d\x5c\x22'")");
    CHECK(expr(R"("\x41\x7a")") == "\"Az\"");
    CHECK(expr(R"("\u00e9\u20ac\u0041")") == R"("\xc3\xa9\xe2\x82\xacA")");
    CHECK(expr("\"line\\\ncontinued\"") == "\"linecontinued\"");
    CHECK(expr("''") == "\"\"");
    CHECK(expr("hex\"00ff\"") == R"(hex"\x00\xff")");
    CHECK(expr("hex'00_ff'") == R"(hex"\x00\xff")");
    CHECK(expr("hex\"0A\" hex\"b0\"") == R"(hex"\x0a\xb0")");
    CHECK(expr("hex\"\"") == "hex\"\"");
    CHECK(expr("unicode\"caf\xc3\xa9\"") == R"("caf\xc3\xa9")");
    CHECK(expr("hex") == "hex");
}

TEST_CASE("parser: keywords are not identifier prefixes, identifiers are not keywords") {
    CHECK(statements("returnValue = newOwner + ifx;") == "(expr (= returnValue (chain newOwner + ifx)))");
    CHECK(statements("deleted = emitter; whileLoop = forward; doIt(); trueish = falsey;") ==
          "(expr (= deleted emitter)) (expr (= whileLoop forward)) (expr (post doIt (call))) "
          "(expr (= trueish falsey))");
    CHECK(statements("uint256x = 1; internalValue = memoryUsed;") ==
          "(expr (= uint256x 1)) (expr (= internalValue memoryUsed))");
    CHECK(statements("error = 1; receive = revert; _x = _;") ==
          "(expr (= error 1)) (expr (= receive revert)) (expr (= _x _))");
    CHECK(members("uint256 publicCount; bool constantly;") ==
          "(var uint256 publicCount) (var bool constantly)");
    CHECK(members("function returnsNothing() public view {}") ==
          "(function returnsNothing () public view (block))");
    CHECK(errors("contract C { uint if; }") == strings{"1:19: expected identifier"});
    CHECK(errors("contract C { function f() public { uint256 new = 1; } }") ==
          strings{"1:44: expected identifier"});
    CHECK(errors("contract uint256 {}") == strings{"1:10: expected identifier"});
    CHECK(members("function f(uint256 memory, bool) public {}") ==
          "(function f (uint256 memory, bool) public (block))");
}

// ---- positions ---------------------------------------------------------------------------------------

TEST_CASE("parser: nodes carry their positions") {
    const Parsed p(
        "pragma solidity ^0.8.0;\n"
        "contract Store {\n"
        "    uint256 public total;\n"
        "    function add(uint256 v) public returns (uint256) {\n"
        "        total = total + v * 2;\n"
        "        return f(total).x;\n"
        "    }\n"
        "}\n");
    REQUIRE(p.ok);
    CHECK(p.at(p.unit) == "1:1");
    const auto& c = p.contract();
    CHECK(p.at(c) == "2:1");
    CHECK(p.at(c.name) == "2:10");
    const auto& v = boost::get<ast::state_variable>(c.members[0].get());
    CHECK(p.at(v) == "3:5");
    CHECK(p.at(v.type) == "3:5");
    CHECK(p.at(v.name) == "3:20");
    const auto& f = p.function(1);
    CHECK(p.at(f) == "4:5");
    CHECK(p.at(*f.name) == "4:14");
    CHECK(p.at(f.parameters[0]) == "4:18");
    CHECK(p.at(f.returns[0]) == "4:45");
    CHECK(p.at(*f.body) == "4:54");
    const auto& s0 = boost::get<ast::expression_statement>(f.body->statements[0].get());
    CHECK(p.at(s0) == "5:9");
    CHECK(p.at(s0.expr) == "5:9");
    CHECK(p.at(*s0.expr.assignment) == "5:15");
    const auto& rhs = s0.expr.assignment->rhs.get();
    CHECK(p.at(rhs.chain) == "5:17");
    CHECK(p.at(rhs.chain.rest[0]) == "5:23");
    CHECK(p.at(rhs.chain.rest[1]) == "5:27");
    const auto& id = boost::get<ast::identifier>(rhs.chain.rest[0].operand_.get());
    CHECK(p.at(id) == "5:25");
    const auto& r = boost::get<ast::return_statement>(f.body->statements[1].get());
    CHECK(p.at(r) == "6:9");
    const auto& post = boost::get<x3::forward_ast<ast::postfix_expression>>(r.value->chain.first.get()).get();
    CHECK(p.at(post) == "6:16");
    CHECK(p.at(boost::get<ast::call_postfix>(post.ops[0].get())) == "6:17");
    CHECK(p.at(boost::get<ast::member_postfix>(post.ops[1].get())) == "6:24");
}

// ---- syntax errors -------------------------------------------------------------------------------------

TEST_CASE("parser: syntax errors name what was expected, at the offending token") {
    CHECK(errors("contract C { uint x = 1 }") == strings{"1:25: expected ';'"});
    CHECK(errors("contract C { function f() { x = ; } }") == strings{"1:33: expected expression"});
    CHECK(errors("contract C { function f() { x = 1 +\n\n   ; } }") == strings{"3:4: expected expression"});
    CHECK(errors("contract C { function f( { } }") == strings{"1:26: expected ')'"});
    CHECK(errors("contract C { function 1() {} }") == strings{"1:23: expected identifier"});
    CHECK(errors("contract C { function f() public returns (uint a, ) {} }") ==
          strings{"1:51: expected type name"});
    CHECK(errors("contract C { function f() public }") == strings{"1:34: expected '{'"});
    CHECK(errors("contract C { modifier m() _; }") == strings{"1:27: expected '{'"});
    CHECK(errors("contract C { function f() { if x {} } }") == strings{"1:32: expected '('"});
    CHECK(errors("contract C { function f() { if (x {} } }") == strings{"1:35: expected ')'"});
    CHECK(errors("contract C { function f() { if (x) } }") == strings{"1:36: expected statement"});
    CHECK(errors("contract C { function f() { do {} (x); } }") == strings{"1:35: expected 'while'"});
    CHECK(errors("contract C { function f() { for (;;) } }") == strings{"1:38: expected statement"});
    CHECK(errors("contract C { function f() { a[1:2]; } }") == strings{"1:32: expected ']'"});
    CHECK(errors("contract C { function f() { a.1; } }") == strings{"1:31: expected identifier"});
    CHECK(errors("contract C { function f() { c ? a ; } }") == strings{"1:35: expected ':'"});
    CHECK(errors("contract C { function f() { emit ; } }") == strings{"1:34: expected expression"});
    CHECK(errors("contract C { function f() { ) } }") == strings{"1:29: expected statement"});
    CHECK(errors("contract C { mapping(uint) m; }") == strings{"1:26: expected '=>'"});
    CHECK(errors("contract C { mapping(uint => ) m; }") == strings{"1:30: expected type name"});
    CHECK(errors("contract C { struct S { uint a } }") == strings{"1:32: expected ';'"});
    CHECK(errors("contract C { struct S uint a; }") == strings{"1:23: expected '{'"});
    CHECK(errors("contract C { event E(uint a; }") == strings{"1:28: expected ')'"});
    CHECK(errors("contract C { 42 }") == strings{"1:14: expected contract member"});
    CHECK(errors("contract C {") == strings{"1:13: expected '}'"});
    CHECK(errors("contract") == strings{"1:9: expected identifier"});
    CHECK(errors("contract C") == strings{"1:11: expected '{'"});
    CHECK(errors("pragma solidity ^0.8.0") == strings{"1:23: expected ';'"});
    CHECK(errors("pragma ;") == strings{"1:8: expected pragma text"});
    CHECK(errors("uint x;") == strings{"1:1: expected 'contract', 'interface', 'library', 'pragma', "
                                       "'import', 'struct', 'enum', 'using', 'error' or 'event'"});
    CHECK(errors("}}} contract C {}") ==
          strings{"1:1: expected 'contract', 'interface', 'library', 'pragma', 'import', 'struct', 'enum', "
                  "'using', 'error' or 'event'"});
}

TEST_CASE("parser: one mistake, one error") {
    // A keyword where a name should be: the statement is skipped, not re-read from the keyword.
    CHECK(errors("contract C { function f() public { uint256 while = 3; return 1; } }") ==
          strings{"1:44: expected identifier"});
    CHECK(errors("contract C { function f(uint contract) public { } }") == strings{"1:30: expected ')'"});
    // A function body without its `}`: the next function is still read.
    const Parsed brace("contract C {\n function f() public {\n  uint x = 1;\n\n function g() public {}\n}");
    CHECK(brace.errors() == strings{"5:2: expected '}'"});
    CHECK(show(brace.unit) == "(contract C (function g () public (block)))");
    // At the end of the text the error is just after the last token.
    CHECK(errors("contract C {\n function f() public {\n  uint x = 1;\n\n\n") ==
          strings{"3:14: expected '}'"});
    // Bytes that are not text.
    CHECK(errors("contract C { function f() public { uint x = 1; \xff\xfe\n return x; } }") ==
          strings{"1:48: expected statement"});
    CHECK(errors("contract C {\n uint x;\n @@@ ###\n uint y;\n}") ==
          strings{"3:2: expected contract member"});
    CHECK(errors("contract C { function f() public { g(; } uint y }") ==
          strings{"1:38: expected ')'", "1:49: expected ';'"});
    CHECK(errors("contract C { function f() public { if (x > 1 { return 1; } return 0; } }") ==
          strings{"1:46: expected ')'"});
    // Function types (external ones are rejected by the semantic pass).
    CHECK(members("function (uint, bytes memory) internal pure returns (uint) public g; uint x;") ==
          "(var function(uint,bytes memory) internal pure returns(uint) public g) (var uint x)");
    CHECK(members("function (uint) external callback;") == "(var function(uint) external callback)");
    CHECK(errors("contract C { function (uint) internal returns (uint g; }") ==
          strings{"1:53: expected ')'"});
    // Type names the semantic pass rejects are names here.
    CHECK(members("fixed price; ufixed64x10 b;") == "(var fixed price) (var ufixed64x10 b)");
}

TEST_CASE("parser: imports, inheritance, interfaces, libraries, enums and using") {
    CHECK(tree("import \"x.sol\";\nimport \"./y.sol\" as Y;\nimport * as Z from \"z.sol\";\n"
               "import {A, B as C} from \"@p/q.sol\";") ==
          "(import \"x.sol\") (import \"./y.sol\" as Y) (import \"z.sol\" * as Z) (import \"@p/q.sol\" A B "
          "as C)");
    CHECK(tree("interface I { function f() external; }\nlibrary L { }\nabstract contract A {}\n"
               "contract B is A, I { }\ncontract D is B(1, 2), A { }") ==
          "(interface I (function f () external ;)) (library L) (abstract contract A) (contract B is A, I) "
          "(contract D is B(1, 2), A)");
    CHECK(tree("enum E { X, Y }\ncontract C { enum K { A } }") == "(enum E X Y) (contract C (enum K A))");
    CHECK(tree("using L for uint;\nusing {L.f, L.g} for T global;\ncontract C { using L for *; }") ==
          "(using L for uint) (using L.f L.g braced for T global) (contract C (using L for *))");
    CHECK(tree("contract C { function f(L.S memory s) internal override(A, B) {} }") ==
          "(contract C (function f (L.S memory s) internal override(A, B) (block)))");
}

TEST_CASE("parser: unsupported constructs are reported and skipped") {
    const auto e = errors(
        "type T is uint256;\n"
        "function free() {}\n"
        "contract C {\n"
        "    type U is uint;\n"
        "    uint ok;\n"
        "    function f() public {\n"
        "        assembly { }\n"
        "        throw;\n"
        "        uint z;\n"
        "    }\n"
        "}\n"
        "contract D {}\n");
    CHECK(e == strings{
                   "1:1: 'type' is not supported",
                   "2:1: 'function' is not supported",
                   "4:5: 'type' is not supported",
                   "7:9: 'assembly' is not supported",
                   "8:9: 'throw' is not supported",
               });
    const Parsed p("contract C { type U is uint; uint256 ok; function f() public { assembly {} x = 1; } }");
    CHECK_FALSE(p.ok);
    const auto& c = p.contract();
    // The unsupported parts are left out of the tree.
    REQUIRE(c.members.size() == 2);
    CHECK(show(c.members[0]) == "(var uint256 ok)");
    CHECK(show(p.function(1)) == "(function f () public (block (expr (= x 1))))");
}

TEST_CASE("parser: several errors in one run, each construct skipped to its end") {
    const Parsed p(
        "contract C {\n"
        "    uint x = 1\n"
        "    function f() public {\n"
        "        uint a = ;\n"
        "        b = (1 + ;\n"
        "        if (x) { y = 2 }\n"
        "        return 5\n"
        "    }\n"
        "    function g( public {}\n"
        "    event E(uint a;\n"
        "    struct S { uint a }\n"
        "    uint y;\n"
        "    function h() public { f(]); h(); }\n"
        "}\n"
        "contract D { function k() { } }\n");
    CHECK(p.errors() == strings{
                            "3:5: expected ';'",
                            "4:18: expected expression",
                            "5:18: expected expression",
                            "6:24: expected ';'",
                            "8:5: expected ';'",
                            "9:17: expected ')'",
                            "10:19: expected ')'",
                            "11:23: expected ';'",
                            "13:29: expected ')'",
                        });
    // Everything after an error still parses: the members, the statements, the next contract. The
    // failed constructs are left out.
    const auto& c = p.contract();
    REQUIRE(c.members.size() == 3);
    CHECK(show(c.members[0]) == "(function f () public (block (if x (block))))");
    CHECK(show(c.members[1]) == "(var uint y)");
    CHECK(show(c.members[2]) == "(function h () public (block (expr (post h (call)))))");
    CHECK(show(p.contract(1)) == "(contract D (function k () (block)))");
}

TEST_CASE("parser: recovery resumes at the construct the missing token was before") {
    CHECK(
        errors(
            "contract C {\n uint a = 1\n uint b = 2;\n function f() { x = 1\n uint y = 2; return y; }\n}") ==
        strings{"3:2: expected ';'", "5:2: expected ';'"});
    CHECK(errors("contract A { function f() { x = 1;\ncontract B { uint x; }") ==
          strings{"2:1: expected '}'"});
    const Parsed p("contract A { function f() { x = 1;\ncontract B { uint x; }");
    CHECK(show(p.unit) == "(contract B (var uint x))");
    CHECK(errors("contract C { function f() { if (x +) { a; } else { b; } c; } }") ==
          strings{"1:36: expected expression"});
}

TEST_CASE("parser: string and comment errors point at the opening") {
    CHECK(errors("contract C { function f() { x = \"abc\n; } }") ==
          strings{"1:33: unterminated string literal"});
    CHECK(errors("contract C { function f() { x = 'abc") == strings{"1:33: unterminated string literal"});
    CHECK(errors("contract C { function f() { x = hex\"00") == strings{"1:33: unterminated string literal"});
    CHECK(errors("contract C { function f() { /* open\n\n") == strings{"1:29: unterminated comment"});
    CHECK(errors("contract C { function f() {} } /* open") == strings{"1:32: unterminated comment"});
    CHECK(errors("/*") == strings{"1:1: unterminated comment"});
    CHECK(errors("contract C { function f() { x = 'ab\\q'; y = hex\"0g\"; z = hex\"012\"; w = \"\\x4\"; "
                 "v = \"\\u12\"; u = hex\"00__11\"; } }") ==
          strings{"1:36: invalid escape sequence", "1:50: invalid hex string literal",
                  "1:65: invalid hex string literal", "1:73: invalid escape sequence",
                  "1:84: invalid escape sequence", "1:102: invalid hex string literal"});
}

// ---- hostile input ---------------------------------------------------------------------------------------

TEST_CASE("parser: nesting is limited instead of overflowing the stack") {
    const auto wrap = [](const std::string& body) {
        return "contract C { function f() public {\n" + body + "\n} }";
    };
    const auto repeat = [](const std::string& s, size_t n) {
        std::string out;
        for (size_t i = 0; i < n; ++i) out += s;
        return out;
    };
    // Deep but within the limit.
    CHECK(Parsed(wrap("x = " + repeat("(", 200) + "1" + repeat(")", 200) + ";")).ok);
    CHECK(Parsed(wrap(repeat("{", 250) + repeat("}", 250))).ok);
    CHECK(Parsed(wrap("x = " + repeat("-", 200) + "1;")).ok);
    CHECK(Parsed("contract C { " + repeat("mapping(uint => ", 200) + "uint" + repeat(")", 200) + " m; }").ok);
    // Too deep, however deep: one error, and parsing goes on after the statement.
    for (size_t n : {300, 100000}) {
        CAPTURE(n);
        const Parsed parens(wrap("x = " + repeat("(", n) + "1" + repeat(")", n) + "; y = ;"));
        REQUIRE(parens.errors().size() == 2);
        CHECK(parens.errors()[0].ends_with(": nesting too deep"));
        CHECK(parens.errors()[1].ends_with(": expected expression"));
        const Parsed blocks(wrap(repeat("{", n) + repeat("}", n)));
        CHECK(blocks.errors() == strings{"2:257: nesting too deep"});
        CHECK(Parsed(wrap("x = " + repeat("- ", n) + "1;")).first_error().ends_with(": nesting too deep"));
        CHECK(Parsed(wrap("x = " + repeat("f(", n) + repeat(")", n) + ";"))
                  .first_error()
                  .ends_with(": nesting too deep"));
        CHECK(Parsed(wrap("x = " + repeat("a[", n) + repeat("]", n) + ";"))
                  .first_error()
                  .ends_with(": nesting too deep"));
        CHECK(Parsed(wrap("x = " + repeat("a ? ", n) + "b" + repeat(" : c", n) + ";"))
                  .first_error()
                  .ends_with(": nesting too deep"));
        CHECK(Parsed(wrap(repeat("a = ", n) + "b;")).first_error().ends_with(": nesting too deep"));
        CHECK(Parsed(wrap(repeat("if (a) ", n) + "b;")).first_error().ends_with(": nesting too deep"));
        CHECK(Parsed("contract C { " + repeat("mapping(uint => ", n) + "uint" + repeat(")", n) + " m; }")
                  .first_error()
                  .ends_with(": nesting too deep"));
        // Unclosed: no closing brackets at all.
        CHECK(Parsed(wrap(repeat("(", n))).first_error().ends_with(": nesting too deep"));
        CHECK(Parsed(wrap(repeat("{", n))).first_error().ends_with(": nesting too deep"));
    }
}

TEST_CASE("parser: flat chains are limited by the height they give the tree") {
    const auto wrap = [](const std::string& body) {
        return "contract C { function f() public {\n" + body + "\n} }";
    };
    const auto repeat = [](const std::string& s, size_t n) {
        std::string out;
        for (size_t i = 0; i < n; ++i) out += s;
        return out;
    };
    const std::string too_long = std::string(": expression too long: more than 1000") +
                                 " levels of operators and nesting (split it into several statements)";
    // Within the limit, flat or nested.
    CHECK(Parsed(wrap("x = a" + repeat(" + a", 900) + ";")).ok);
    CHECK(Parsed(wrap("x = a" + repeat(".f()", 450) + ";")).ok);
    CHECK(Parsed(wrap("x = (a" + repeat(" * a", 400) + ")" + repeat(" - a", 400) + ";")).ok);
    // Past it: one error at the start of the chain, and parsing goes on after the statement.
    for (const std::string op : {"+", "**", "&&", "||", "<", "==", "|", "<<", "%"}) {
        CAPTURE(op);
        const Parsed p(wrap("x = a" + repeat(" " + op + " a", 40'000) + "; y = ;"));
        CHECK(p.errors() ==
              strings{"2:5" + too_long,
                      "2:" + std::to_string(5 + 40'000 * (op.size() + 3) + 7) + ": expected expression"});
    }
    CHECK(Parsed(wrap("x = this" + repeat(".f()", 40'000) + ";")).errors() == strings{"2:5" + too_long});
    CHECK(Parsed(wrap("x = a" + repeat("[0]", 40'000) + ";")).errors() == strings{"2:5" + too_long});
    // Heights add up through nesting: a chain inside parentheses inside a chain.
    CHECK(Parsed(wrap("x = (a" + repeat(" * a", 600) + ")" + repeat(" - a", 600) + ";")).errors() ==
          strings{"2:5" + too_long});
    std::string nested = "a";
    for (int level = 0; level < 200; ++level) nested = "f(" + nested + repeat(" + a", 20) + ")";
    CHECK(Parsed(wrap("x = " + nested + ";")).first_error().ends_with(too_long));
}

TEST_CASE("parser: garbage never crashes, hangs or floods") {
    // Every byte value, several times over.
    std::string all;
    for (int round = 0; round < 4; ++round)
        for (int b = 0; b < 256; ++b) all += static_cast<char>(b);
    CHECK_FALSE(Parsed(all).ok);

    std::mt19937 rng(12345);
    // Random bytes.
    for (int i = 0; i < 50; ++i) {
        std::string text(1 + rng() % 3000, '\0');
        for (auto& c : text) c = static_cast<char>(rng());
        const Parsed p(text);
        CHECK(p.diags.error_count() <= Diagnostics::max_errors);
    }
    // Random sequences of the language's own tokens, which get much further into the grammar.
    const std::vector<std::string> tokens = {
        "contract",    "C",       "{",       "}",         "(",      ")",      "function", "f",
        "uint",        "=",       ";",       "+",         "if",     "else",   "for",      "while",
        "do",          "return",  "\"",      "'",         "/*",     "*/",     "//",       "\n",
        "[",           "]",       "mapping", "=>",        ".",      "1",      "0x",       "hex\"",
        "emit",        "revert",  "_",       "?",         ":",      "<<=",    ">>",       "new",
        "unchecked",   "delete",  "event",   "error",     "struct", "pragma", "is",       "import",
        ",",           "\\",      "ether",   "true",      "memory", "public", "returns",  "modifier",
        "constructor", "payable", "address", "{value: 1}"};
    for (int i = 0; i < 300; ++i) {
        std::string text;
        const size_t n = rng() % 400;
        for (size_t k = 0; k < n; ++k) text += tokens[rng() % tokens.size()] + (rng() % 3 ? " " : "");
        const Parsed p(text);
        INFO(text);
        CHECK(p.diags.error_count() <= Diagnostics::max_errors);
        if (!p.ok) CHECK(p.diags.has_errors());
    }
    // Valid programs with one byte changed or cut short parse or fail cleanly.
    const std::string good =
        "pragma solidity ^0.8.0;\ncontract T { mapping(address => uint256) b; event E(uint256 indexed a);\n"
        "function f(uint256[] memory xs) public returns (uint256 s) { for (uint256 i = 0; i < xs.length; "
        "i++) "
        "{ s += xs[i] ** 2; } emit E(s); if (s > 10 ether) revert(\"big\"); return s; } }";
    for (size_t i = 0; i < good.size(); ++i) {
        std::string text = good;
        text[i] = static_cast<char>(rng());
        (void)Parsed(text);
        (void)Parsed(good.substr(0, i));
    }
    // The error count stops at the limit.
    std::string many = "contract C {";
    for (int i = 0; i < 200; ++i) many += " uint x" + std::to_string(i) + " = ;";
    const Parsed flood(many + "}");
    CHECK(flood.diags.error_count() == Diagnostics::max_errors);
}

TEST_CASE("parser: a 10,000-line contract parses quickly") {
    std::string text =
        "pragma solidity ^0.8.0;\ncontract Big {\n    mapping(address => uint256) public balances;\n";
    size_t lines = 3;
    for (int i = 0; lines < 10000; ++i) {
        const std::string n = std::to_string(i);
        text +=
            "    /// Function number " + n +
            "\n"
            "    function f" +
            n +
            "(address to, uint256 amount, uint256[] memory data) public returns (uint256 total) {\n"
            "        uint256 have = balances[msg.sender];\n"
            "        if (have < amount) revert Insufficient(have, amount);\n"
            "        for (uint256 k = 0; k < data.length; k++) { total += data[k] * (k + 1) ** 2 / 3 % 7; }\n"
            "        balances[msg.sender] = have - amount; balances[to] += amount;\n"
            "        (uint256 a, , bool c) = (total, 1, have > amount ? true : false);\n"
            "        emit Transfer(msg.sender, to, amount); // done\n"
            "        return total + a + (c ? 1 : 0) + uint256(keccak256(abi.encodePacked(\"x" +
            n +
            "\", to)));\n"
            "    }\n";
        lines += 10;
    }
    text += "}\n";
    const auto start = std::chrono::steady_clock::now();
    const Parsed p(text);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    CHECK(p.ok);
    CHECK(p.contract().members.size() == 1 + (lines - 3) / 10);
    MESSAGE("parsed " << lines << " lines in " << seconds << " s");
    CHECK(seconds < 2.0);  // generous for sanitizer builds; about 0.1 s in the dev build
}
