// compiler/src/grammar/lexical.hpp - the lexical area: the hand-written lexers (keywords, names,
// string literals), the tokens every area uses, and the rules for names and literals (declared
// here, defined in lexical_def.hpp, instantiated in lexical.cpp, as in X3's calc9 example).
#pragma once

#include <boost/spirit/home/x3.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ast.hpp"
#include "ast_adapted.hpp"
#include "grammar.hpp"

namespace trainchain::compiler::parser {

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
    qualified,   ///< identifiers joined by dots (`L.S`), kept as one name with its dots
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
        } else if constexpr (Kind == name_kind::qualified) {
            if (elementary || lex::is_reserved(word)) return false;
            for (;;) {  // `.name` segments, as long as one follows
                Iterator i = end;
                x3::skip_over(i, last, context);
                if (i == last || *i != '.') break;
                ++i;
                x3::skip_over(i, last, context);
                const size_t m = lex::word_length(i, last);
                const std::string_view next = lex::text_at(i, m);
                if (m == 0 || lex::is_elementary_type(next) || lex::is_reserved(next)) break;
                name += "." + std::string(next);
                end = i + static_cast<std::ptrdiff_t>(m);
            }
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

const unsupported_parser unsupported_top_level{"type", "function"};
const unsupported_parser unsupported_member{"type"};
const unsupported_parser unsupported_statement{"assembly", "throw"};

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

// ---- rules ---------------------------------------------------------------------------------------

TRAINCHAIN_DECLARE_RULE(identifier, ast::identifier, "identifier")
TRAINCHAIN_DECLARE_RULE(primary_name, ast::identifier, "expression")
TRAINCHAIN_DECLARE_RULE(elementary_type, ast::identifier, "type name")
TRAINCHAIN_DECLARE_RULE(number_literal, ast::number_literal, "number")
TRAINCHAIN_DECLARE_RULE(bool_literal, ast::bool_literal, "'true' or 'false'")
TRAINCHAIN_DECLARE_RULE(string_literal, ast::string_literal, "string literal")

}  // namespace trainchain::compiler::parser
