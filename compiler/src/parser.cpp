// compiler/src/parser.cpp - the parser's entry point, its lexical helpers, and syntax-error
// reporting and recovery.
#include "parser.hpp"

#include <algorithm>
#include <array>
#include <iterator>

#include "grammar.hpp"

namespace trainchain::compiler {

namespace parser {

namespace lex {

bool is_elementary_type(std::string_view word) noexcept {
    if (word == "bool" || word == "address" || word == "string" || word == "bytes") return true;
    // A size without leading zeros, as solc spells it.
    const auto size_of = [](std::string_view digits) -> int {
        if (digits.empty() || digits.size() > 3 || digits[0] == '0') return -1;
        int v = 0;
        for (char c : digits) {
            if (c < '0' || c > '9') return -1;
            v = v * 10 + (c - '0');
        }
        return v;
    };
    if (word.starts_with("bytes")) {
        const int n = size_of(word.substr(5));
        return n >= 1 && n <= 32;
    }
    std::string_view rest;
    if (word.starts_with("uint"))
        rest = word.substr(4);
    else if (word.starts_with("int"))
        rest = word.substr(3);
    else
        return false;
    if (rest.empty()) return true;
    const int n = size_of(rest);
    return n >= 8 && n <= 256 && n % 8 == 0;
}

bool is_reserved(std::string_view word) noexcept {
    // Solidity's keywords and reserved words (sorted), units included; contextual words such as
    // `error`, `revert`, `receive`, `fallback`, `this` and `_` stay identifiers, and so do `fixed` and
    // `ufixed` (type names the semantic pass rejects with a message of its own).
    static constexpr std::string_view words[] = {
        "abstract",    "after",     "alias",      "anonymous",   "apply",    "as",        "assembly",
        "auto",        "break",     "byte",       "calldata",    "case",     "catch",     "constant",
        "constructor", "continue",  "contract",   "copyof",      "days",     "default",   "define",
        "delete",      "do",        "else",       "emit",        "enum",     "ether",     "event",
        "external",    "false",     "final",      "for",         "function", "gwei",      "hours",
        "if",          "immutable", "implements", "import",      "in",       "indexed",   "inline",
        "interface",   "internal",  "is",         "let",         "library",  "macro",     "mapping",
        "match",       "memory",    "minutes",    "modifier",    "mutable",  "new",       "null",
        "of",          "override",  "partial",    "payable",     "pragma",   "private",   "promise",
        "public",      "pure",      "reference",  "relocatable", "return",   "returns",   "sealed",
        "seconds",     "sizeof",    "static",     "storage",     "struct",   "supports",  "switch",
        "true",        "try",       "type",       "typedef",     "typeof",   "unchecked", "using",
        "var",         "view",      "virtual",    "weeks",       "wei",      "while",
    };
    static_assert(std::is_sorted(std::begin(words), std::end(words)));
    return std::binary_search(std::begin(words), std::end(words), word);
}

iterator_type skip_trivia(iterator_type it, iterator_type last) noexcept {
    while (it != last) {
        if (is_space(*it)) {
            ++it;
        } else if (last - it >= 2 && it[0] == '/' && it[1] == '/') {
            while (it != last && *it != '\n') ++it;
        } else if (last - it >= 2 && it[0] == '/' && it[1] == '*') {
            const std::string_view rest = text_at(it + 2, static_cast<size_t>(last - it - 2));
            const size_t end = rest.find("*/");
            it = end == std::string_view::npos ? last : it + 2 + static_cast<std::ptrdiff_t>(end) + 2;
        } else {
            break;
        }
    }
    return it;
}

}  // namespace lex

namespace {

// Keywords that start a construct at each level; recovery stops before them.
constexpr std::array<std::string_view, 13> top_level_starts = {
    "pragma", "contract", "import", "interface", "library", "abstract", "struct",
    "event",  "error",    "enum",   "using",     "type",    "function"};
constexpr std::array<std::string_view, 6> top_level_only = {"pragma",    "contract", "import",
                                                            "interface", "library",  "abstract"};
constexpr std::array<std::string_view, 12> member_starts = {"function", "modifier", "constructor", "receive",
                                                            "fallback", "event",    "error",       "struct",
                                                            "enum",     "using",    "type",        "mapping"};
constexpr std::array<std::string_view, 11> statement_starts = {
    "if", "for", "while", "do", "return", "emit", "break", "continue", "unchecked", "assembly", "try"};

template <size_t N>
bool one_of(std::string_view word, const std::array<std::string_view, N>& words) {
    return std::find(words.begin(), words.end(), word) != words.end();
}

// Does `word` start a construct at `level`?
bool starts_construct(std::string_view word, sync_level level) {
    switch (level) {
        case sync_level::top:
            return one_of(word, top_level_starts);
        case sync_level::member:
            return one_of(word, member_starts) || lex::is_elementary_type(word);
        case sync_level::statement:
            return one_of(word, statement_starts) || lex::is_elementary_type(word);
    }
    return false;
}

}  // namespace

void parser_state::report(iterator_type where, const std::string& which) {
    if (stopped_) return;
    std::string message;
    if (!which.empty() && which[0] == lex::verbatim_marker) {
        message = which.substr(1);
    } else {
        where = lex::skip_trivia(where, file_.end());
        std::string what = which;
        // X3 names a literal string "=>"; the messages quote tokens as '=>'.
        if (what.size() >= 2 && what.front() == '"' && what.back() == '"')
            what = "'" + what.substr(1, what.size() - 2) + "'";
        // Every expectation target is a token, a keyword or a named rule; anything else would be
        // a C++ type name, which is no message for a user.
        message = what.find("boost") == std::string::npos ? "expected " + what : "syntax error";
    }
    if (suppress_at_end_ && where == file_.end()) return;
    // At the end of the text, the place is just after the last token (not lines of whitespace later).
    if (where == file_.end())
        while (where != file_.begin() && lex::is_space(where[-1])) --where;
    if (has_last_ && where == last_where_) return;
    if (diags_.error_count() >= Diagnostics::max_errors) {
        stopped_ = true;
        return;
    }
    // An unterminated comment or string may run to the end, where more errors would only repeat it.
    if (message.starts_with("unterminated")) suppress_at_end_ = true;
    diags_.error(file_.location(where), std::move(message));
    ++errors_;
    has_last_ = true;
    last_where_ = where;
    if (diags_.error_count() >= Diagnostics::max_errors) stopped_ = true;
}

bool parser_state::recover(iterator_type& first, iterator_type last, iterator_type where,
                           const std::string& which, sync_level level) {
    report(where, which);
    if (stopped_) {
        first = last;
        return false;
    }
    // A missing `;` or `}` was missed before the token found instead, which may well start the next
    // construct; any other token found is part of the broken construct.
    const bool missing_end = which == "';'" || which == "'}'";
    iterator_type to = resynchronize(first, where, missing_end, level);
    if (to <= first) {
        if (first == last) return false;
        to = first + 1;
    }
    first = to;
    return true;
}

iterator_type parser_state::resynchronize(iterator_type from, iterator_type error_at, bool missing_end,
                                          sync_level level) const {
    const iterator_type last = file_.end();
    const iterator_type start = lex::skip_trivia(from, last);
    error_at = lex::skip_trivia(error_at, last);
    // In a `for (...)` header the semicolons belong to the header.
    const bool for_header = level == sync_level::statement && lex::word_at(start, last, "for");
    int braces = 0;
    int parens = 0;
    iterator_type it = start;
    for (;;) {
        it = lex::skip_trivia(it, last);
        if (it == last) return last;
        const char c = *it;
        if (const size_t n = lex::word_length(it, last); n > 0) {
            const std::string_view word = lex::text_at(it, n);
            // A word that only starts a top-level construct ends any construct before it; a word
            // that starts a construct of this level does so where the error was found (a missing
            // `;` or `}` before it).
            // Between top-level constructs, any word that starts one ends the garbage.
            if (it > start && it >= error_at && parens == 0 && one_of(word, top_level_only)) return it;
            // The offending token itself may start the next construct of this level (the error was a
            // missing `;` or `}` before it): resume there, however deep in braces the skip is.
            if (missing_end && it > start && it == error_at && parens == 0 && starts_construct(word, level))
                return it;
            if (it > start && it > error_at && level == sync_level::top && braces == 0 && parens == 0 &&
                starts_construct(word, level))
                return it;
            it += static_cast<std::ptrdiff_t>(n);
            continue;
        }
        if (c >= '0' && c <= '9') {
            while (it != last && lex::is_ident_char(*it)) ++it;
            continue;
        }
        if (c == '"' || c == '\'') {
            // A string runs to its closing quote or the end of the line.
            ++it;
            while (it != last && *it != c && *it != '\n') {
                if (*it == '\\' && last - it >= 2 && it[1] != '\n') ++it;
                ++it;
            }
            if (it != last && *it == c) ++it;
            continue;
        }
        switch (c) {
            case '{':
                ++braces;
                break;
            case '(':
            case '[':
                ++parens;
                break;
            case ')':
            case ']':
                if (parens > 0) --parens;
                break;
            case '}':
                if (braces == 0) {
                    // The enclosing block ends here; at the top level there is none: garbage.
                    if (level == sync_level::top) break;
                    return it == start ? it + 1 : it;
                }
                if (--braces == 0) {
                    // A brace block ends the construct unless more of it follows: `S({a: 1})`,
                    // `f{value: 1}(x)`, `if (...) { } else ...`, `try ... { } catch ...`.
                    const iterator_type next = lex::skip_trivia(it + 1, last);
                    const bool continues =
                        (next != last && std::string_view("),.;([").find(*next) != std::string_view::npos) ||
                        (level == sync_level::statement &&
                         (lex::word_at(next, last, "else") || lex::word_at(next, last, "catch")));
                    if (!continues) return it + 1;
                }
                break;
            case ';':
                if (braces == 0 && (parens == 0 || !for_header)) return it + 1;
                break;
            default:
                break;
        }
        ++it;
    }
}

}  // namespace parser

bool parse(const SourceFile& file, Diagnostics& diags, ast::source_unit& unit) {
    namespace x3 = boost::spirit::x3;
    parser::parser_state state{file, diags};
    iterator_type first = file.begin();
    const iterator_type last = file.end();
    bool ok = false;
    try {
        ok = x3::phrase_parse(first, last, x3::with<parser::state_tag>(state)[parser::source_unit()],
                              parser::skipper, unit);
    } catch (const x3::expectation_failure<iterator_type>& x) {
        state.report(x.where(), x.which());
        ok = false;
    }
    if ((!ok || first != last) && state.errors() == 0 && !state.stopped())
        state.report(first, std::string(1, parser::lex::verbatim_marker) + "syntax error");
    return ok && first == last && state.errors() == 0 && !state.stopped();
}

}  // namespace trainchain::compiler
