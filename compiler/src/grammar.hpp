// compiler/src/grammar.hpp - the parser's shared declarations: the skipper (whitespace and
// comments), the lexical helpers, the state a parse carries in its X3 context (diagnostics, nesting
// depth, error recovery), the context type, and the top rule (after X3's calc9 example).
#pragma once

#include <boost/spirit/home/x3.hpp>
#include <memory>
#include <string>
#include <string_view>

#include "ast.hpp"
#include "source.hpp"

namespace trainchain::compiler::parser {

namespace x3 = boost::spirit::x3;

// ---- lexical helpers ----------------------------------------------------------------------------

namespace lex {

/// [a-zA-Z_$]: may start an identifier.
constexpr bool is_ident_start(char c) noexcept {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$';
}
/// [a-zA-Z0-9_$]: may continue an identifier.
constexpr bool is_ident_char(char c) noexcept { return is_ident_start(c) || (c >= '0' && c <= '9'); }
/// Whitespace as the skipper sees it.
constexpr bool is_space(char c) noexcept {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
/// The `n` characters of the text at `it`.
inline std::string_view text_at(iterator_type it, size_t n) noexcept { return {std::to_address(it), n}; }
/// The length of the identifier-like word starting at `it` (0 when none starts there).
inline size_t word_length(iterator_type it, iterator_type last) noexcept {
    if (it == last || !is_ident_start(*it)) return 0;
    iterator_type i = it;
    while (i != last && is_ident_char(*i)) ++i;
    return static_cast<size_t>(i - it);
}
/// True when the word `word` starts at `it` and is not the prefix of a longer identifier.
inline bool word_at(iterator_type it, iterator_type last, std::string_view word) noexcept {
    return static_cast<size_t>(last - it) >= word.size() && text_at(it, word.size()) == word &&
           (static_cast<size_t>(last - it) == word.size() || !is_ident_char(it[word.size()]));
}

/// An elementary type name: bool, address, string, bytes, bytes1..bytes32, uint/int and
/// uint8..uint256/int8..int256 in steps of 8.
bool is_elementary_type(std::string_view word) noexcept;
/// A Solidity keyword that can never be an identifier (elementary type names aside).
bool is_reserved(std::string_view word) noexcept;
/// Skips whitespace and comments (an unterminated block comment runs to the end).
iterator_type skip_trivia(iterator_type it, iterator_type last) noexcept;

/// Messages that start with this byte are complete; others name what was expected.
inline constexpr char verbatim_marker = '\x01';
inline const std::string unterminated_comment = std::string(1, verbatim_marker) + "unterminated comment";

}  // namespace lex

// ---- the skipper ---------------------------------------------------------------------------------

/// Whitespace and comments: `//` and `///` to the end of the line, `/* ... */` and `/** ... */`. One
/// call consumes a whole run of them; an unterminated block comment is an error at its opening.
struct trivia_parser : x3::parser<trivia_parser> {
    using attribute_type = x3::unused_type;
    static bool const has_attribute = false;

    template <typename Iterator, typename Context, typename RContext, typename Attribute>
    bool parse(Iterator& first, const Iterator& last, const Context&, RContext&, Attribute&) const {
        Iterator i = first;
        while (i != last) {
            if (lex::is_space(*i)) {
                ++i;
            } else if (*i == '/' && last - i >= 2 && i[1] == '/') {
                while (i != last && *i != '\n') ++i;
            } else if (*i == '/' && last - i >= 2 && i[1] == '*') {
                Iterator j = i + 2;
                while (last - j >= 2 && !(j[0] == '*' && j[1] == '/')) ++j;
                if (last - j < 2) throw x3::expectation_failure<Iterator>(i, lex::unterminated_comment);
                i = j + 2;
            } else {
                break;
            }
        }
        if (i == first) return false;
        first = i;
        return true;
    }
};

/// The parser's skipper.
inline constexpr trivia_parser skipper{};
using skipper_type = trivia_parser;

// ---- the parse state -----------------------------------------------------------------------------

/// Where error recovery resumes after a syntax error inside a rule of this level.
enum class sync_level { top, member, statement };

/// Expressions, statements and types nested deeper than this are an error (X3 recursion is native
/// recursion, so this bounds the stack).
inline constexpr int max_nesting = 256;

/// Expressions taller than this are an error ("expression too long"). An expression's height is
/// the depth of its tree once precedence is resolved: every nesting construct, every binary operator
/// of a flat chain (`x + x + ... + x`, `a ** b ** ...`, `p && q && ...`) and every postfix
/// operation (`.f()`, `[i]`) adds one level. The parser reads a flat chain in a loop, but analysis
/// and code generation recurse over the tree, so this bounds their stack as max_nesting bounds the
/// parser's.
inline constexpr int max_expression_height = 1000;

/// The X3 context key of the parser_state.
struct state_tag;

/// What one parse carries through the grammar: the diagnostics with the position cache, the
/// current nesting depth, and the error-recovery bookkeeping.
class parser_state {
public:
    parser_state(const SourceFile& file, Diagnostics& diags) noexcept : file_{file}, diags_{diags} {}

    /// Where errors go; its position cache records the nodes.
    [[nodiscard]] Diagnostics& diagnostics() noexcept { return diags_; }
    /// Syntax errors reported by this parse.
    [[nodiscard]] size_t errors() const noexcept { return errors_; }
    /// True once the error limit was reached: every rule then fails at once.
    [[nodiscard]] bool stopped() const noexcept { return stopped_; }

    /// Reports a syntax error: `which` is an X3 expectation (what was expected) or a verbatim
    /// message (see lex::verbatim_marker). Errors at a place already reported, and errors at the
    /// end of the text after an unterminated comment or string, are dropped.
    void report(iterator_type where, const std::string& which);

    /// The recovery after an error in a rule that started at `first`: reports it, then moves
    /// `first` past the failed construct: just after the next `;` at brace depth 0 or the `}` that
    /// closes a brace opened in it, or just before the enclosing block's `}`; or, when a `;` or `}`
    /// was missing, to the token found instead if that starts a construct of `level`; or to the next
    /// top-level keyword (`contract`, `pragma`, ...). Returns false when parsing should stop (error
    /// limit, or no progress possible).
    bool recover(iterator_type& first, iterator_type last, iterator_type where, const std::string& which,
                 sync_level level);

    /// Current nesting depth (see max_nesting).
    int depth = 0;
    /// The deepest level reached inside the expression being parsed, counting binary operators and
    /// postfix operations (see max_expression_height).
    int height = 0;

private:
    [[nodiscard]] iterator_type resynchronize(iterator_type from, iterator_type error_at, bool missing_end,
                                              sync_level level) const;

    const SourceFile& file_;
    Diagnostics& diags_;
    size_t errors_ = 0;
    bool stopped_ = false;
    bool suppress_at_end_ = false;
    bool has_last_ = false;
    iterator_type last_where_{};
};

/// The context every rule is instantiated with: the parse state under state_tag, then the skipper.
using phrase_context_type = x3::phrase_parse_context<skipper_type>::type;
using context_type = x3::context<state_tag, parser_state, phrase_context_type>;

// ---- rules shared between areas -----------------------------------------------------------------

/// Declares the rule `name` (attribute `attribute`, named `what` in errors) for the other areas of
/// the grammar: its ID, its type `name_type`, its parse function (defined by BOOST_SPIRIT_DEFINE in
/// the area's *_def.hpp, instantiated in the area's .cpp) and the rule object.
#define TRAINCHAIN_DECLARE_RULE(name, attribute, what)     \
    struct name##_class;                                   \
    using name##_type = x3::rule<name##_class, attribute>; \
    BOOST_SPIRIT_DECLARE(name##_type)                      \
    inline const name##_type name = what;

/// Gives the rule `name` an ID that annotates the positions of what it parses.
#define TRAINCHAIN_ANNOTATED(name) \
    struct name##_class : annotate_position {};

// ---- the top rule --------------------------------------------------------------------------------

struct source_unit_class;
/// A whole file: pragmas, contracts, file-level structs, errors and events.
using source_unit_type = x3::rule<source_unit_class, ast::source_unit>;
BOOST_SPIRIT_DECLARE(source_unit_type)

/// The grammar's top rule, defined in grammar/declarations_def.hpp and instantiated in
/// grammar/declarations.cpp; the other areas of the grammar are in grammar/ too.
const source_unit_type& source_unit();

}  // namespace trainchain::compiler::parser
