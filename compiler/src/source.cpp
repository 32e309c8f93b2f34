// compiler/src/source.cpp - line tables, node positions and the diagnostics collected.
#include "source.hpp"

#include <algorithm>

namespace trainchain::compiler {

namespace {

std::string key_of(Diagnostic::Severity severity, const std::string& file, Location at,
                   const std::string& message) {
    return file + ':' + std::to_string(at.line) + ':' + std::to_string(at.column) +
           (severity == Diagnostic::Severity::Error ? 'e' : 'w') + message;
}

}  // namespace

SourceFile::SourceFile(std::string name, std::string_view text, uint32_t index)
    : name_{std::move(name)}, text_{text}, index_{index} {
    line_starts_.push_back(0);
    for (size_t i = 0; i < text_.size(); ++i)
        if (text_[i] == '\n') line_starts_.push_back(i + 1);
}

Location SourceFile::location(size_t offset) const noexcept {
    offset = std::min(offset, text_.size());
    const auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
    const auto line = static_cast<size_t>(it - line_starts_.begin());  // >= 1: line_starts_[0] == 0
    return {line, offset - line_starts_[line - 1] + 1, index_};
}

std::string_view SourceFile::line_text(size_t line) const noexcept {
    if (line == 0 || line > line_starts_.size()) return {};
    const size_t begin = line_starts_[line - 1];
    size_t end = line < line_starts_.size() ? line_starts_[line] - 1 : text_.size();
    if (end > begin && text_[end - 1] == '\r') --end;
    return text_.substr(begin, end - begin);
}

Location Diagnostics::location_of(const x3::position_tagged& node) const {
    if (node.id_first < 0 || static_cast<size_t>(node.id_first) >= positions_.get_positions().size())
        return {};
    const iterator_type it = positions_.get_positions()[static_cast<size_t>(node.id_first)];
    for (const SourceFile* f : files_)
        if (f->contains(it)) return f->location(it);
    return {};
}

void Diagnostics::rollback(size_t mark) {
    while (list_.size() > mark) {
        const auto& d = list_.back();
        seen_.erase(key_of(d.severity, d.file, Location{d.line, d.column, 0}, d.message));
        if (d.severity == Diagnostic::Severity::Error) --errors_;
        list_.pop_back();
    }
}

void Diagnostics::add(Diagnostic::Severity severity, Location at, std::string message) {
    if (errors_ >= max_errors) return;  // already stopped
    if (severity == Diagnostic::Severity::Error && ++errors_ == max_errors)
        message += " (too many errors: " + std::to_string(max_errors) + "; stopping here)";
    const SourceFile& file = at.file < files_.size() ? *files_[at.file] : *files_.front();
    if (!seen_.insert(key_of(severity, file.name(), at, message)).second) {
        if (severity == Diagnostic::Severity::Error) --errors_;
        return;
    }
    Diagnostic d;
    d.severity = severity;
    d.file = file.name();
    d.line = at.line;
    d.column = at.column;
    d.message = std::move(message);
    d.source_line = std::string(file.line_text(at.line));
    list_.push_back(std::move(d));
}

std::vector<Diagnostic> Diagnostics::sorted() const {
    auto out = list_;
    std::stable_sort(out.begin(), out.end(), [](const Diagnostic& a, const Diagnostic& b) {
        if (a.file != b.file) return a.file < b.file;
        return a.line != b.line ? a.line < b.line : a.column < b.column;
    });
    return out;
}

}  // namespace trainchain::compiler
