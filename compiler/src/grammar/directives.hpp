// compiler/src/grammar/directives.hpp - the X3 directives and handlers the rule definitions share:
// nesting and height limits, error-recovering lists, lookahead-guarded options, postfix chains, and
// the handlers that annotate positions and recover from syntax errors.
#pragma once

#include <algorithm>
#include <boost/spirit/home/x3.hpp>
#include <string>

#include "grammar/lexical.hpp"

namespace trainchain::compiler::parser {

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

}  // namespace trainchain::compiler::parser
