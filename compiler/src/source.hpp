// compiler/src/source.hpp - the source text, positions in it, and the diagnostics collected
// while compiling it.
#pragma once

#include <boost/spirit/home/x3/support/ast/position_tagged.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "trainchain/compiler/diagnostic.hpp"

namespace trainchain::compiler {

namespace x3 = boost::spirit::x3;

/// The iterator the parser runs over.
using iterator_type = std::string_view::const_iterator;

/// A 1-based line and column, in the file `file` (an index into the compilation's files: 0 is the
/// file given to compile(), imported files follow in the order they were loaded).
struct Location {
    size_t line = 1;
    size_t column = 1;
    uint32_t file = 0;
};

/// One source file: its name, its text, and the start of each line.
class SourceFile {
public:
    SourceFile(std::string name, std::string_view text, uint32_t index = 0);

    [[nodiscard]] const std::string& name() const noexcept { return name_; }
    /// Its index among the compilation's files (Location::file).
    [[nodiscard]] uint32_t index() const noexcept { return index_; }
    /// True when `it` points into this file's text (its end included).
    [[nodiscard]] bool contains(iterator_type it) const noexcept {
        const char* p = std::to_address(it);
        return !std::less<const char*>{}(p, text_.data()) &&
               !std::less<const char*>{}(text_.data() + text_.size(), p);
    }
    [[nodiscard]] std::string_view text() const noexcept { return text_; }
    [[nodiscard]] iterator_type begin() const noexcept { return text_.begin(); }
    [[nodiscard]] iterator_type end() const noexcept { return text_.end(); }

    /// Line and column of a byte offset (clamped to the end).
    [[nodiscard]] Location location(size_t offset) const noexcept;
    [[nodiscard]] Location location(iterator_type it) const noexcept {
        return location(static_cast<size_t>(it - text_.begin()));
    }
    /// The text of a 1-based line, without its newline.
    [[nodiscard]] std::string_view line_text(size_t line) const noexcept;

private:
    std::string name_;
    std::string_view text_;
    std::vector<size_t> line_starts_;
    uint32_t index_ = 0;
};

/// Collects diagnostics in the order they are reported and maps syntax-tree nodes back to their
/// positions through the parser's position cache (one cache for all the files of a compilation).
/// A diagnostic reported twice at one place (a base contract's body checked for each contract that
/// inherits it) is kept once.
class Diagnostics {
public:
    using positions_type = x3::position_cache<std::vector<iterator_type>>;

    explicit Diagnostics(const SourceFile& file) : files_{&file}, positions_{file.begin(), file.end()} {}

    /// Adds an imported file (its index must be the next one: files().size()).
    void add_file(const SourceFile& file) { files_.push_back(&file); }
    [[nodiscard]] const std::vector<const SourceFile*>& files() const noexcept { return files_; }

    /// The number of diagnostics so far, and a return to that number: for trying an alternative (an
    /// overload) whose errors must not be reported.
    [[nodiscard]] size_t checkpoint() const noexcept { return list_.size(); }
    void rollback(size_t mark);

    /// The parser annotates nodes here (x3::position_tagged ids index into it).
    positions_type& positions() noexcept { return positions_; }
    [[nodiscard]] const SourceFile& file() const noexcept { return *files_.front(); }

    /// Where a node starts; the start of the file for a node the parser did not annotate.
    [[nodiscard]] Location location_of(const x3::position_tagged& node) const;

    void error(Location at, std::string message) { add(Diagnostic::Severity::Error, at, std::move(message)); }
    void warning(Location at, std::string message) {
        add(Diagnostic::Severity::Warning, at, std::move(message));
    }
    void error(const x3::position_tagged& node, std::string message) {
        error(location_of(node), std::move(message));
    }
    void warning(const x3::position_tagged& node, std::string message) {
        warning(location_of(node), std::move(message));
    }

    [[nodiscard]] bool has_errors() const noexcept { return errors_ > 0; }
    [[nodiscard]] size_t error_count() const noexcept { return errors_; }
    /// The diagnostics sorted by position (stable, so reports at one place keep their order).
    [[nodiscard]] std::vector<Diagnostic> sorted() const;

    /// More errors than this stop the compilation (the rest would mostly be consequences).
    static constexpr size_t max_errors = 50;

private:
    void add(Diagnostic::Severity severity, Location at, std::string message);

    std::vector<const SourceFile*> files_;
    positions_type positions_;
    std::vector<Diagnostic> list_;
    std::set<std::string> seen_;  ///< the keys of list_'s entries, for dropping repeats
    size_t errors_ = 0;
};

}  // namespace trainchain::compiler
