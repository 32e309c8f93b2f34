// compiler/src/grammar_def.hpp - the grammar of the contract language (a Solidity 0.8 subset) in
// Boost.Spirit X3: lexical primitives, rule declarations, rule definitions, and the handlers that
// annotate positions and recover from syntax errors. Included by grammar.cpp only.
//
// The rules build the syntax tree through their attributes alone; the handlers only record
// positions (on_success) and report and skip errors (on_error). Every point past which an
// alternative can no longer be something else is an expectation (`>`), so a failure there is a
// syntax error with the expected token named, never a silent backtrack.
#pragma once

#include <algorithm>
#include <boost/spirit/home/x3.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ast.hpp"
#include "ast_adapted.hpp"
#include "grammar.hpp"

// X3 grammars mix `>>` (sequence) and `>` (expectation) by design: `a >> b > c` is `(a >> b) > c`.
#ifdef __clang__
#pragma clang diagnostic ignored "-Woverloaded-shift-op-parentheses"
#endif

namespace trainchain::compiler::parser {

// ---- lexical primitives ------------------------------------------------------------------------

/// A keyword: the word, not followed by an identifier character (`if` but not `ifx`). With
/// `WithAttribute` its attribute is the word itself.
template <bool WithAttribute>
struct keyword_parser : x3::parser<keyword_parser<WithAttribute>> {
    using attribute_type = std::conditional_t<WithAttribute, std::string, x3::unused_type>;
    static bool const has_attribute = WithAttribute;

    constexpr explicit keyword_parser(std::string_view w) noexcept : word{w} {}

    template <typename Iterator, typename Context, typename RContext, typename Attribute>
    bool parse(Iterator& first, const Iterator& last, const Context& context, RContext&,
               Attribute& attr) const {
        x3::skip_over(first, last, context);
        if (!lex::word_at(first, last, word)) return false;
        first += static_cast<std::ptrdiff_t>(word.size());
        if constexpr (WithAttribute) x3::traits::move_to(std::string(word), attr);
        return true;
    }

    std::string_view word;
};

/// One keyword out of a list, as a string attribute (`public`, `view`, `memory`, ...).
struct keyword_set_parser : x3::parser<keyword_set_parser> {
    using attribute_type = std::string;
    static bool const has_attribute = true;

    explicit keyword_set_parser(std::initializer_list<std::string_view> w) : words{w} {}

    template <typename Iterator, typename Context, typename RContext, typename Attribute>
    bool parse(Iterator& first, const Iterator& last, const Context& context, RContext&,
               Attribute& attr) const {
        x3::skip_over(first, last, context);
        for (std::string_view w : words) {
            if (lex::word_at(first, last, w)) {
                first += static_cast<std::ptrdiff_t>(w.size());
                x3::traits::move_to(std::string(w), attr);
                return true;
            }
        }
        return false;
    }

    std::vector<std::string_view> words;
};

/// A construct the language subset leaves out: when one of the words starts here, throws the
/// error "'word' is not supported" at it; otherwise fails without consuming anything.
struct unsupported_parser : x3::parser<unsupported_parser> {
    using attribute_type = x3::unused_type;
    static bool const has_attribute = false;

    explicit unsupported_parser(std::initializer_list<std::string_view> w) : words{w} {}

    template <typename Iterator, typename Context, typename RContext, typename Attribute>
    bool parse(Iterator& first, const Iterator& last, const Context& context, RContext&, Attribute&) const {
        Iterator i = first;
        x3::skip_over(i, last, context);
        for (std::string_view w : words)
            if (lex::word_at(i, last, w))
                throw x3::expectation_failure<Iterator>(
                    i, lex::verbatim_marker + ("'" + std::string(w) + "' is not supported"));
        return false;
    }

    std::vector<std::string_view> words;
};

/// A function type (`function (uint) external f;`): `function` followed by `(` is the error "function
/// types are not supported"; anything else fails without consuming.
struct function_type_parser : x3::parser<function_type_parser> {
    using attribute_type = x3::unused_type;
    static bool const has_attribute = false;

    template <typename Iterator, typename Context, typename RContext, typename Attribute>
    bool parse(Iterator& first, const Iterator& last, const Context& context, RContext&, Attribute&) const {
        Iterator i = first;
        x3::skip_over(i, last, context);
        if (!lex::word_at(i, last, "function")) return false;
        Iterator next = i + 8;
        x3::skip_over(next, last, context);
        if (next != last && *next == '(')
            throw x3::expectation_failure<Iterator>(
                i, lex::verbatim_marker + std::string("function types are not supported"));
        return false;
    }
};

/// Never matches; as the target of an expectation it names what was expected there.
struct expected_parser : x3::parser<expected_parser> {
    using attribute_type = x3::unused_type;
    static bool const has_attribute = false;

    constexpr explicit expected_parser(const char* what) noexcept : name{what} {}

    template <typename Iterator, typename Context, typename RContext, typename Attribute>
    bool parse(Iterator&, const Iterator&, const Context&, RContext&, Attribute&) const {
        return false;
    }

    const char* name;
};

}  // namespace trainchain::compiler::parser

// What an expectation failure names for these primitives.
namespace boost::spirit::x3 {

template <bool WithAttribute>
struct get_info<trainchain::compiler::parser::keyword_parser<WithAttribute>> {
    using result_type = std::string;
    std::string operator()(const trainchain::compiler::parser::keyword_parser<WithAttribute>& p) const {
        return "'" + std::string(p.word) + "'";
    }
};

template <>
struct get_info<trainchain::compiler::parser::expected_parser> {
    using result_type = std::string;
    std::string operator()(const trainchain::compiler::parser::expected_parser& p) const { return p.name; }
};

}  // namespace boost::spirit::x3

namespace trainchain::compiler::parser {

/// Any reserved word (a keyword that can never be a name); no attribute.
struct reserved_word_parser : x3::parser<reserved_word_parser> {
    using attribute_type = x3::unused_type;
    static bool const has_attribute = false;

    template <typename Iterator, typename Context, typename RContext, typename Attribute>
    bool parse(Iterator& first, const Iterator& last, const Context& context, RContext&, Attribute&) const {
        x3::skip_over(first, last, context);
        const size_t n = lex::word_length(first, last);
        if (n == 0 || !lex::is_reserved(lex::text_at(first, n))) return false;
        first += static_cast<std::ptrdiff_t>(n);
        return true;
    }
};
inline constexpr reserved_word_parser reserved_word{};

/// What a name may be in a given position.
enum class name_kind {
    identifier,  ///< a user name: not a keyword, not an elementary type name
    primary,     ///< an identifier in an expression: also `uint8`, `address`, `payable`, `type`, ...
    elementary,  ///< an elementary type name; `address payable` becomes "address payable"
};

/// A name `[a-zA-Z_$][a-zA-Z0-9_$]*` restricted by kind, as a string attribute.
template <name_kind Kind>
struct name_parser : x3::parser<name_parser<Kind>> {
    using attribute_type = std::string;
    static bool const has_attribute = true;

    template <typename Iterator, typename Context, typename RContext, typename Attribute>
    bool parse(Iterator& first, const Iterator& last, const Context& context, RContext&,
               Attribute& attr) const {
        x3::skip_over(first, last, context);
        const size_t n = lex::word_length(first, last);
        if (n == 0) return false;
        const std::string_view word = lex::text_at(first, n);
        const bool elementary = lex::is_elementary_type(word);
        Iterator end = first + static_cast<std::ptrdiff_t>(n);
        std::string name(word);
        if constexpr (Kind == name_kind::identifier) {
            if (elementary || lex::is_reserved(word)) return false;
        } else if constexpr (Kind == name_kind::primary) {
            if (!elementary && word != "payable" && word != "type" && lex::is_reserved(word)) return false;
        } else {
            if (!elementary) return false;
            if (word == "address") {
                Iterator i = end;
                x3::skip_over(i, last, context);
                if (lex::word_at(i, last, "payable")) {
                    end = i + 7;
                    name = "address payable";
                }
            }
        }
        x3::traits::move_to(std::move(name), attr);
        first = end;
        return true;
    }
};

/// One or more adjacent string literals of one kind, concatenated: `"..."` or `'...'` (also with
/// the `unicode` prefix) with their escapes decoded, or `hex"..."` decoded to bytes. Unterminated
/// literals, bad escapes and bad hex digits are errors.
struct string_literal_parser : x3::parser<string_literal_parser> {
    using attribute_type = ast::string_literal;
    static bool const has_attribute = true;

    template <typename Iterator, typename Context, typename RContext, typename Attribute>
    bool parse(Iterator& first, const Iterator& last, const Context& context, RContext&,
               Attribute& attr) const {
        x3::skip_over(first, last, context);
        ast::string_literal result;
        Iterator i = first;
        int pieces = 0;
        for (;;) {
            Iterator start = i;
            if (pieces > 0) x3::skip_over(start, last, context);
            Iterator quote = start;
            bool hex = false;
            if (lex::word_length(start, last) > 0) {
                const size_t n = lex::word_length(start, last);
                const std::string_view prefix = lex::text_at(start, n);
                if (prefix != "hex" && prefix != "unicode") break;
                quote = start + static_cast<std::ptrdiff_t>(n);
                hex = prefix == "hex";
            }
            if (quote == last || (*quote != '"' && *quote != '\'')) break;
            if (pieces > 0 && hex != result.is_hex) break;
            result.is_hex = hex;
            i = hex ? hex_piece(start, quote, last, result.value)
                    : text_piece(start, quote, last, result.value);
            ++pieces;
        }
        if (pieces == 0) return false;
        x3::traits::move_to(std::move(result), attr);
        first = i;
        return true;
    }

private:
    template <typename Iterator>
    [[noreturn]] static void fail(Iterator at, const char* message) {
        throw x3::expectation_failure<Iterator>(at, lex::verbatim_marker + std::string(message));
    }
    static int hex_value(char c) noexcept {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    }
    template <typename Iterator>
    static unsigned hex_digits(Iterator at, const Iterator& last, int count, Iterator escape) {
        unsigned v = 0;
        for (int k = 0; k < count; ++k, ++at) {
            const int d = at == last ? -1 : hex_value(*at);
            if (d < 0) fail(escape, "invalid escape sequence");
            v = v * 16 + static_cast<unsigned>(d);
        }
        return v;
    }
    static void append_utf8(std::string& out, unsigned cp) {
        if (cp < 0x80) {
            out += static_cast<char>(cp);
        } else if (cp < 0x800) {
            out += static_cast<char>(0xC0 | (cp >> 6));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        } else {
            out += static_cast<char>(0xE0 | (cp >> 12));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        }
    }
    // A quoted literal starting at `quote` (the literal itself at `start`); returns its end.
    template <typename Iterator>
    static Iterator text_piece(Iterator start, Iterator quote, const Iterator& last, std::string& out) {
        const char q = *quote;
        Iterator i = quote + 1;
        for (;;) {
            if (i == last || *i == '\n' || *i == '\r') fail(start, "unterminated string literal");
            const char c = *i;
            if (c == q) return i + 1;
            if (c != '\\') {
                out += c;
                ++i;
                continue;
            }
            const Iterator escape = i++;
            if (i == last) fail(start, "unterminated string literal");
            switch (*i) {
                case '\\':
                    out += '\\';
                    ++i;
                    break;
                case '"':
                    out += '"';
                    ++i;
                    break;
                case '\'':
                    out += '\'';
                    ++i;
                    break;
                case 'n':
                    out += '\n';
                    ++i;
                    break;
                case 'r':
                    out += '\r';
                    ++i;
                    break;
                case 't':
                    out += '\t';
                    ++i;
                    break;
                case '\n':
                    ++i;
                    break;  // line continuation
                case '\r':
                    ++i;
                    if (i != last && *i == '\n') ++i;
                    break;
                case 'x':
                    out += static_cast<char>(hex_digits(i + 1, last, 2, escape));
                    i += 3;
                    break;
                case 'u':
                    append_utf8(out, hex_digits(i + 1, last, 4, escape));
                    i += 5;
                    break;
                default:
                    fail(escape, "invalid escape sequence");
            }
        }
    }
    // hex"00ff" or hex'00_ff': pairs of hex digits, optionally one `_` between pairs.
    template <typename Iterator>
    static Iterator hex_piece(Iterator start, Iterator quote, const Iterator& last, std::string& out) {
        const char q = *quote;
        Iterator i = quote + 1;
        bool need_pair = false;  // after a `_`
        for (;;) {
            if (i == last || *i == '\n' || *i == '\r') fail(start, "unterminated string literal");
            if (*i == q) {
                if (need_pair) fail(i, "invalid hex string literal");
                return i + 1;
            }
            if (*i == '_' && !need_pair && i != quote + 1) {
                need_pair = true;
                ++i;
                continue;
            }
            const int hi = hex_value(*i);
            const int lo = i + 1 == last ? -1 : hex_value(i[1]);
            if (hi < 0) fail(i, "invalid hex string literal");
            if (lo < 0) fail(i + 1 == last ? i : i + 1, "invalid hex string literal");
            out += static_cast<char>(hi * 16 + lo);
            i += 2;
            need_pair = false;
        }
    }
};

/// Limits the nesting of the subject (see max_nesting): deeper than that is the error "nesting too
/// deep" where the subject starts.
template <typename Subject>
struct depth_guard_directive : x3::unary_parser<Subject, depth_guard_directive<Subject>> {
    using base_type = x3::unary_parser<Subject, depth_guard_directive<Subject>>;
    static bool const is_pass_through_unary = true;
    static bool const handles_container = Subject::handles_container;

    constexpr explicit depth_guard_directive(const Subject& inner) : base_type(inner) {}

    template <typename Iterator, typename Context, typename RContext, typename Attribute>
    bool parse(Iterator& first, const Iterator& last, const Context& context, RContext& rcontext,
               Attribute& attr) const {
        parser_state& state = x3::get<state_tag>(context);
        if (state.depth >= max_nesting) {
            Iterator at = first;
            x3::skip_over(at, last, context);
            throw x3::expectation_failure<Iterator>(at,
                                                    lex::verbatim_marker + std::string("nesting too deep"));
        }
        struct level {
            int& depth;
            explicit level(int& d) : depth{d} { ++depth; }
            ~level() { --depth; }
            level(const level&) = delete;
            level& operator=(const level&) = delete;
        } guard{state.depth};
        state.height = std::max(state.height, state.depth);
        return this->subject.parse(first, last, context, rcontext, attr);
    }
};

/// Measures an expression's height (see max_expression_height) around parsing a flat list of
/// `links` (binary operators or postfix operations) that follow a first operand: the list's height
/// is the tallest of its parts plus one per link. Call begin() before the first operand and end()
/// after the last link; end() throws the error "expression too long" at `start` past the limit.
class height_meter {
public:
    explicit height_meter(parser_state& state) noexcept : state_{state}, saved_{state.height} {
        state_.height = state_.depth;
    }
    height_meter(const height_meter&) = delete;
    height_meter& operator=(const height_meter&) = delete;
    ~height_meter() { state_.height = std::max(saved_, state_.height); }

    template <typename Iterator>
    void end(size_t links, Iterator start) {
        state_.height += static_cast<int>(std::min<size_t>(links, max_expression_height + 1));
        if (state_.height > max_expression_height)
            throw x3::expectation_failure<Iterator>(
                start, lex::verbatim_marker + std::string("expression too long: more than ") +
                           std::to_string(max_expression_height) +
                           " levels of operators and nesting (split it into several statements)");
    }

private:
    parser_state& state_;
    int saved_;
};

/// A binary chain (`operand >> *operation`) whose height is measured (see height_meter).
template <typename Subject>
struct chain_height_directive : x3::unary_parser<Subject, chain_height_directive<Subject>> {
    using base_type = x3::unary_parser<Subject, chain_height_directive<Subject>>;
    static bool const is_pass_through_unary = true;
    static bool const handles_container = Subject::handles_container;

    constexpr explicit chain_height_directive(const Subject& inner) : base_type(inner) {}

    template <typename Iterator, typename Context, typename RContext>
    bool parse(Iterator& first, const Iterator& last, const Context& context, RContext& rcontext,
               ast::binary_chain& attr) const {
        height_meter meter{x3::get<state_tag>(context)};
        Iterator start = first;
        x3::skip_over(start, last, context);
        if (!this->subject.parse(first, last, context, rcontext, attr)) return false;
        meter.end(attr.rest.size(), start);
        return true;
    }
};

struct chain_height_gen {
    template <typename Subject>
    constexpr chain_height_directive<typename x3::extension::as_parser<Subject>::value_type> operator[](
        const Subject& subject) const {
        return chain_height_directive<typename x3::extension::as_parser<Subject>::value_type>{
            x3::as_parser(subject)};
    }
};
inline constexpr chain_height_gen chain_height{};

struct depth_guard_gen {
    template <typename Subject>
    constexpr depth_guard_directive<typename x3::extension::as_parser<Subject>::value_type> operator[](
        const Subject& subject) const {
        return depth_guard_directive<typename x3::extension::as_parser<Subject>::value_type>{
            x3::as_parser(subject)};
    }
};
inline constexpr depth_guard_gen depth_guard{};

/// `*subject` for a rule with error recovery (recover_errors<Level, false>): when the subject fails
/// after its recovery skipped the failed construct (the position moved), the construct is left out
/// and the loop goes on; a failure that did not move ends the list.
template <typename Subject>
struct recovering_directive : x3::unary_parser<Subject, recovering_directive<Subject>> {
    using base_type = x3::unary_parser<Subject, recovering_directive<Subject>>;
    using value_type = typename Subject::attribute_type;
    using attribute_type = std::vector<value_type>;
    static bool const has_attribute = true;
    static bool const handles_container = true;

    constexpr explicit recovering_directive(const Subject& inner) : base_type(inner) {}

    template <typename Iterator, typename Context, typename RContext, typename Attribute>
    bool parse(Iterator& first, const Iterator& last, const Context& context, RContext& rcontext,
               Attribute& attr) const {
        for (;;) {
            const Iterator before = first;
            value_type value;
            if (this->subject.parse(first, last, context, rcontext, value)) {
                x3::traits::push_back(attr, std::move(value));
                if (first == before) return true;  // (no construct is empty; never loop in place)
            } else if (first == before) {
                return true;
            }
        }
    }
};

struct recovering_gen {
    template <typename Subject>
    constexpr recovering_directive<Subject> operator[](const Subject& subject) const {
        return recovering_directive<Subject>{subject};
    }
};
inline constexpr recovering_gen recovering{};

/// An optional part that is tried only when the next character is one of `chars` (attribute: an
/// optional of the subject rule's attribute). Saves building, say, an empty conditional tail (two
/// heap-allocated expressions) after every expression.
template <typename Subject>
struct if_next_directive : x3::unary_parser<Subject, if_next_directive<Subject>> {
    using base_type = x3::unary_parser<Subject, if_next_directive<Subject>>;
    using value_type = typename Subject::attribute_type;
    using attribute_type = boost::optional<value_type>;
    static bool const has_attribute = true;

    constexpr if_next_directive(const Subject& inner, const char* c) : base_type(inner), chars{c} {}

    template <typename Iterator, typename Context, typename RContext, typename Attribute>
    bool parse(Iterator& first, const Iterator& last, const Context& context, RContext& rcontext,
               Attribute& attr) const {
        Iterator next = first;
        x3::skip_over(next, last, context);
        if (next == last || std::string_view(chars).find(*next) == std::string_view::npos) return true;
        value_type value;
        if (this->subject.parse(first, last, context, rcontext, value))
            x3::traits::move_to(std::move(value), attr);
        return true;
    }

    const char* chars;
};

struct if_next_gen {
    const char* chars;
    template <typename Subject>
    constexpr if_next_directive<Subject> operator[](const Subject& subject) const {
        return {subject, chars};
    }
};
constexpr if_next_gen if_next(const char* chars) { return {chars}; }

/// A primary followed by any number of postfix operations. With none, the operand is the primary
/// itself; otherwise an ast::postfix_expression (annotated here, as no rule builds it). Parsing the
/// primary once this way avoids backtracking over it.
template <typename Primary, typename Postfix>
struct postfix_chain_parser : x3::parser<postfix_chain_parser<Primary, Postfix>> {
    using attribute_type = ast::operand;
    static bool const has_attribute = true;

    constexpr postfix_chain_parser(const Primary& p, const Postfix& q) : primary{p}, postfix{q} {}

    template <typename Iterator, typename Context, typename RContext>
    bool parse(Iterator& first, const Iterator& last, const Context& context, RContext& rcontext,
               ast::operand& attr) const {
        ast::postfix_expression chain;
        Iterator i = first;
        height_meter meter{x3::get<state_tag>(context)};
        if (!primary.parse(i, last, context, rcontext, chain.primary)) return false;
        for (;;) {
            ast::postfix op;
            if (!postfix.parse(i, last, context, rcontext, op)) break;
            chain.ops.push_back(std::move(op));
        }
        if (!chain.ops.empty()) {
            Iterator start = first;
            x3::skip_over(start, last, context);
            meter.end(chain.ops.size(), start);
        }
        if (chain.ops.empty()) {
            attr = std::move(chain.primary);
        } else {
            Iterator start = first;
            x3::skip_over(start, last, context);
            x3::get<state_tag>(context).diagnostics().positions().annotate(chain, start, i);
            attr = std::move(chain);
        }
        first = i;
        return true;
    }

    template <typename Iterator, typename Context, typename RContext, typename Attribute>
    bool parse(Iterator& first, const Iterator& last, const Context& context, RContext& rcontext,
               Attribute& attr) const {
        ast::operand value;
        if (!parse(first, last, context, rcontext, value)) return false;
        x3::traits::move_to(std::move(value), attr);
        return true;
    }

    Primary primary;
    Postfix postfix;
};

// ---- handlers ------------------------------------------------------------------------------------

/// Records where each position-tagged node starts and ends (calc9's annotation).
struct annotate_position {
    template <typename T, typename Iterator, typename Context>
    void on_success(const Iterator& first, const Iterator& last, T& node, const Context& context) const {
        x3::get<state_tag>(context).diagnostics().positions().annotate(node, first, last);
    }
};

/// Reports a syntax error inside the rule and skips to the end of the failed construct. With
/// `Accept` the rule then counts as matched (with a placeholder attribute: for a slot that needs a
/// node, such as an `if` branch); without, it fails having moved past the construct, which
/// recovering[] leaves out of its list.
template <sync_level Level, bool Accept>
struct recover_errors : annotate_position {
    template <typename Iterator, typename Exception, typename Context>
    x3::error_handler_result on_error(Iterator& first, const Iterator& last, const Exception& x,
                                      const Context& context) const {
        parser_state& state = x3::get<state_tag>(context);
        return state.recover(first, last, x.where(), x.which(), Level) && Accept
                   ? x3::error_handler_result::accept
                   : x3::error_handler_result::fail;
    }
};

/// The top rule: reports what escaped every other rule and ends the parse.
struct report_and_finish : annotate_position {
    template <typename Iterator, typename Exception, typename Context>
    x3::error_handler_result on_error(Iterator& first, const Iterator& last, const Exception& x,
                                      const Context& context) const {
        x3::get<state_tag>(context).report(x.where(), x.which());
        first = last;
        return x3::error_handler_result::accept;
    }
};

// ---- rule IDs ------------------------------------------------------------------------------------

struct source_unit_class : report_and_finish {};
struct source_element_class : recover_errors<sync_level::top, false> {};
struct contract_member_class : recover_errors<sync_level::member, false> {};
struct block_statement_class : recover_errors<sync_level::statement, false> {};
struct statement_class : recover_errors<sync_level::statement, true> {};

#define TRAINCHAIN_ANNOTATED(name) \
    struct name##_class : annotate_position {};
TRAINCHAIN_ANNOTATED(identifier)
TRAINCHAIN_ANNOTATED(inheritance_keyword)
TRAINCHAIN_ANNOTATED(inheritance_attribute)
TRAINCHAIN_ANNOTATED(primary_name)
TRAINCHAIN_ANNOTATED(elementary_type)
TRAINCHAIN_ANNOTATED(type_base)
TRAINCHAIN_ANNOTATED(type_name)
TRAINCHAIN_ANNOTATED(array_size)
TRAINCHAIN_ANNOTATED(array_suffix)
TRAINCHAIN_ANNOTATED(mapping_type)
TRAINCHAIN_ANNOTATED(number_literal)
TRAINCHAIN_ANNOTATED(bool_literal)
TRAINCHAIN_ANNOTATED(string_literal)
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
TRAINCHAIN_ANNOTATED(expression)
TRAINCHAIN_ANNOTATED(conditional_expression)
TRAINCHAIN_ANNOTATED(argument_list)
TRAINCHAIN_ANNOTATED(parameter)
TRAINCHAIN_ANNOTATED(parameter_list)
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
TRAINCHAIN_ANNOTATED(block)
TRAINCHAIN_ANNOTATED(unchecked_block)
TRAINCHAIN_ANNOTATED(if_statement)
TRAINCHAIN_ANNOTATED(for_init)
TRAINCHAIN_ANNOTATED(for_init_statement)
TRAINCHAIN_ANNOTATED(for_statement)
TRAINCHAIN_ANNOTATED(while_statement)
TRAINCHAIN_ANNOTATED(do_while_statement)
TRAINCHAIN_ANNOTATED(statement_body)
TRAINCHAIN_ANNOTATED(state_variable)
TRAINCHAIN_ANNOTATED(struct_member)
TRAINCHAIN_ANNOTATED(struct_definition)
TRAINCHAIN_ANNOTATED(event_definition)
TRAINCHAIN_ANNOTATED(error_definition)
TRAINCHAIN_ANNOTATED(modifier_invocation)
TRAINCHAIN_ANNOTATED(function_attribute)
TRAINCHAIN_ANNOTATED(function_body)
TRAINCHAIN_ANNOTATED(function_definition)
TRAINCHAIN_ANNOTATED(constructor_definition)
TRAINCHAIN_ANNOTATED(special_function)
TRAINCHAIN_ANNOTATED(modifier_definition)
TRAINCHAIN_ANNOTATED(contract_definition)
TRAINCHAIN_ANNOTATED(pragma_text)
TRAINCHAIN_ANNOTATED(pragma_directive)
TRAINCHAIN_ANNOTATED(source_elements)
#undef TRAINCHAIN_ANNOTATED

// ---- rule declarations ---------------------------------------------------------------------------
// A rule's name is what an error says was expected when the rule fails at an expectation point.

using expression_list = std::vector<ast::expression>;
using parameters = std::vector<ast::variable_declaration>;
using call_option_type = std::pair<std::string, x3::forward_ast<ast::expression>>;

const x3::rule<identifier_class, ast::identifier> identifier = "identifier";
const x3::rule<primary_name_class, ast::identifier> primary_name = "expression";
const x3::rule<elementary_type_class, ast::identifier> elementary_type = "type name";
const x3::rule<type_base_class, ast::type_base> type_base = "type name";
const x3::rule<type_name_class, ast::type_name> type_name = "type name";
const x3::rule<array_size_class, std::string> array_size = "array size";
const x3::rule<array_suffix_class, ast::array_suffix> array_suffix = "'['";
const x3::rule<mapping_type_class, ast::mapping_type> mapping_type = "'mapping'";

const x3::rule<number_literal_class, ast::number_literal> number_literal = "number";
const x3::rule<bool_literal_class, ast::bool_literal> bool_literal = "'true' or 'false'";
const x3::rule<string_literal_class, ast::string_literal> string_literal = "string literal";
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
const x3::rule<expression_class, ast::expression> expression = "expression";
const x3::rule<conditional_expression_class, ast::expression> conditional_expression = "expression";
const x3::rule<argument_list_class, expression_list> argument_list = "'('";

const x3::rule<parameter_class, ast::variable_declaration> parameter = "type name";
const x3::rule<parameter_list_class, parameters> parameter_list = "'('";
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
const x3::rule<block_class, ast::block> block = "'{'";
const x3::rule<unchecked_block_class, ast::block> unchecked_block = "'unchecked'";
const x3::rule<if_statement_class, ast::if_statement> if_statement = "'if'";
const x3::rule<for_init_class, boost::optional<ast::statement>> for_init = "expression";
const x3::rule<for_init_statement_class, ast::statement> for_init_statement = "expression";
const x3::rule<for_statement_class, ast::for_statement> for_statement = "'for'";
const x3::rule<while_statement_class, ast::while_statement> while_statement = "'while'";
const x3::rule<do_while_statement_class, ast::do_while_statement> do_while_statement = "'do'";
const x3::rule<statement_body_class, ast::statement> statement_body = "statement";
const x3::rule<statement_class, ast::statement> statement = "statement";
const x3::rule<block_statement_class, ast::statement> block_statement = "statement";

const x3::rule<state_variable_class, ast::state_variable> state_variable = "state variable";
const x3::rule<struct_member_class, ast::struct_member> struct_member = "type name";
const x3::rule<struct_definition_class, ast::struct_definition> struct_definition = "'struct'";
const x3::rule<event_definition_class, ast::event_definition> event_definition = "'event'";
const x3::rule<error_definition_class, ast::error_definition> error_definition = "'error'";
const x3::rule<modifier_invocation_class, ast::modifier_invocation> modifier_invocation = "modifier";
/// `virtual` / `override` on a function: kept as a modifier invocation named by the keyword, so that
/// the semantic pass can report it at its position (inheritance is outside the subset).
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
const x3::rule<pragma_text_class, std::string> pragma_text = "pragma text";
const x3::rule<pragma_directive_class, ast::pragma_directive> pragma_directive = "'pragma'";
const x3::rule<source_element_class, ast::source_element> source_element = "source element";
const x3::rule<source_elements_class, std::vector<ast::source_element>> source_elements = "source elements";
const source_unit_type source_unit_rule = "source unit";

// ---- tokens --------------------------------------------------------------------------------------

inline keyword_parser<false> kw(std::string_view word) { return keyword_parser<false>{word}; }
inline keyword_parser<true> kw_string(std::string_view word) { return keyword_parser<true>{word}; }

const auto ident_char = x3::ascii::alnum | x3::ascii::char_("_$");
const auto decimal_digits = +x3::ascii::digit >> *('_' >> +x3::ascii::digit);
const auto hex_digits = +x3::ascii::xdigit >> *('_' >> +x3::ascii::xdigit);
const auto number_text =
    x3::raw[x3::lexeme[((x3::lit("0x") >> hex_digits) |
                        (decimal_digits >> -('.' >> decimal_digits) >>
                         -(x3::ascii::char_("eE") >> -x3::lit('-') >> decimal_digits))) >>
                       !ident_char]];
const keyword_set_parser unit_keyword{"wei", "gwei", "ether", "seconds", "minutes", "hours", "days", "weeks"};
const keyword_set_parser location_keyword{"memory", "storage", "calldata"};
const keyword_set_parser state_variable_keyword{"public",   "internal",  "private",
                                                "constant", "immutable", "override"};
const keyword_set_parser function_keyword{"public", "external", "internal", "private",
                                          "view",   "pure",     "payable"};
const keyword_set_parser modifier_keyword{"virtual", "override"};
const auto any_top_level_keyword =
    kw("contract") | kw("pragma") | kw("import") | kw("interface") | kw("library") | kw("abstract");
// Words that start a contract member (or a top-level construct): a statement never does, so a block
// that meets one is missing its `}`.
const auto any_member_keyword = any_top_level_keyword | kw("function") | kw("modifier") | kw("constructor") |
                                kw("event") | kw("struct") | kw("enum") | kw("using");
const function_type_parser function_type{};

const unsupported_parser unsupported_top_level{"import", "interface", "library", "abstract",
                                               "using",  "enum",      "type",    "function"};
const unsupported_parser unsupported_member{"using", "enum", "type"};
const unsupported_parser unsupported_statement{"assembly", "try", "throw"};
const unsupported_parser unsupported_inheritance{"is"};

/// Binary operators; longest match, and never the start of an assignment operator (`<<=`, `+=`).
struct binary_operator_table : x3::symbols<std::string> {
    binary_operator_table() {
        for (const char* op : {"**", "*", "/", "%", "+", "-", "<<", ">>", "&", "^", "|", "<", ">",
                               "<=", ">=", "==", "!=", "&&", "||"})
            add(op, op);
    }
};
const binary_operator_table binary_operators;
const auto binary_operator = x3::lexeme[binary_operators >> !x3::lit('=')];

struct assignment_operator_table : x3::symbols<std::string> {
    assignment_operator_table() {
        for (const char* op : {"=", "+=", "-=", "*=", "/=", "%=", "|=", "&=", "^=", "<<=", ">>="})
            add(op, op);
    }
};
const assignment_operator_table assignment_operators;

struct prefix_operator_table : x3::symbols<std::string> {
    prefix_operator_table() {
        for (const char* op : {"-", "!", "~", "++", "--"}) add(op, op);
    }
};
const prefix_operator_table prefix_operators;

struct increment_operator_table : x3::symbols<std::string> {
    increment_operator_table() {
        add("++", "++");
        add("--", "--");
    }
};
const increment_operator_table increment_operators;

// ---- types ---------------------------------------------------------------------------------------

const auto identifier_def = name_parser<name_kind::identifier>{};
const auto primary_name_def = name_parser<name_kind::primary>{};
const auto elementary_type_def = name_parser<name_kind::elementary>{};
// Types nest only through mappings.
const auto mapping_type_def =
    &kw("mapping") >> depth_guard[kw("mapping") > '(' > type_name > x3::omit[-identifier] > "=>" > type_name >
                                  x3::omit[-identifier] > ')'];
const auto type_base_def = mapping_type | elementary_type | identifier;
const auto array_size_def = x3::raw[x3::lexeme[+x3::ascii::digit]];
const auto array_suffix_def = '[' >> -array_size >> ']';
const auto type_name_def = type_base >> *array_suffix;

BOOST_SPIRIT_DEFINE(identifier, primary_name, elementary_type, mapping_type, type_base, array_size,
                    array_suffix, type_name)

// ---- expressions ---------------------------------------------------------------------------------

const auto number_literal_def = number_text >> -unit_keyword;
const auto bool_literal_def = (kw("true") >> x3::attr(true)) | (kw("false") >> x3::attr(false));
const auto string_literal_def = string_literal_parser{};
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

BOOST_SPIRIT_DEFINE(number_literal, bool_literal, string_literal, tuple_component, tuple_expression,
                    new_expression, primary, call_option, call_options, named_arguments, call_postfix,
                    index_postfix, member_postfix, increment_postfix, postfix, unary, operand, operation,
                    binary_chain, conditional_tail, assignment_tail, expression, conditional_expression,
                    argument_list)

// ---- statements ----------------------------------------------------------------------------------

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
// (`}` and the end are checked first so that a block at the nesting limit can still close.)
const auto statement_body_def =
    !x3::lit('}') >> !x3::eoi >>
    depth_guard[block | unchecked_block | if_statement | for_statement | while_statement |
                do_while_statement | return_statement | emit_statement | revert_statement | break_statement |
                continue_statement | placeholder_statement | unsupported_statement | function_type |
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
                    statement_body, statement, block_statement)

// ---- contracts -----------------------------------------------------------------------------------

const auto state_variable_def = type_name >> *state_variable_keyword > identifier > -('=' > expression) > ';';
const auto struct_member_def = type_name > identifier > ';';
const auto struct_definition_def = kw("struct") > identifier > '{' > *struct_member > '}';
const auto event_definition_def =
    kw("event") > identifier > parameter_list > x3::matches[kw("anonymous")] > ';';
const auto error_definition_def = kw("error") >> identifier >> parameter_list > ';';
const auto modifier_invocation_def = identifier >> -argument_list;
const auto inheritance_keyword_def = modifier_keyword;
const auto inheritance_attribute_def = inheritance_keyword >> x3::attr(boost::optional<expression_list>());
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
    function_type | function_definition | constructor_definition | special_function | modifier_definition |
    struct_definition | event_definition | error_definition | unsupported_member | state_variable |
    (!x3::lit('}') >> !x3::eoi >> !any_top_level_keyword > expected_parser{"contract member"});
const auto contract_definition_def =
    kw("contract") > identifier > -unsupported_inheritance > '{' > recovering[contract_member] > '}';
// The words up to the `;`, with the spaces between them but none after the last.
const auto pragma_text_def = x3::raw[x3::lexeme[+~x3::ascii::char_("; \t\r\n\f\v") % +x3::ascii::space]];
const auto pragma_directive_def = kw("pragma") > pragma_text > ';';
const auto source_element_def =
    pragma_directive | contract_definition | struct_definition | error_definition | event_definition |
    unsupported_top_level |
    ((!x3::eoi) > expected_parser{"'contract', 'pragma', 'struct', 'error' or 'event'"});
const auto source_elements_def = recovering[source_element];
const auto source_unit_rule_def = source_elements > x3::eoi;

BOOST_SPIRIT_DEFINE(state_variable, struct_member, struct_definition, event_definition, error_definition,
                    modifier_invocation, inheritance_keyword, inheritance_attribute, function_attribute,
                    function_body, function_definition, constructor_definition, special_function,
                    modifier_definition, contract_member, contract_definition, pragma_text, pragma_directive,
                    source_element, source_elements, source_unit_rule)

}  // namespace trainchain::compiler::parser

namespace trainchain::compiler::parser {

const source_unit_type& source_unit() { return source_unit_rule; }

}  // namespace trainchain::compiler::parser
