// compiler/src/source.cpp - line tables, node positions and the diagnostics collected.
#include "source.hpp"

#include <algorithm>

namespace trainchain::compiler {

SourceFile::SourceFile(std::string name, std::string_view text) : name_{std::move(name)}, text_{text} {
    line_starts_.push_back(0);
    for (size_t i = 0; i < text_.size(); ++i)
        if (text_[i] == '\n') line_starts_.push_back(i + 1);
}

Location SourceFile::location(size_t offset) const noexcept {
    offset = std::min(offset, text_.size());
    const auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
    const auto line = static_cast<size_t>(it - line_starts_.begin());  // >= 1: line_starts_[0] == 0
    return {line, offset - line_starts_[line - 1] + 1};
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
    return file_.location(positions_.get_positions()[static_cast<size_t>(node.id_first)]);
}

void Diagnostics::add(Diagnostic::Severity severity, Location at, std::string message) {
    if (errors_ >= max_errors) return;  // already stopped
    if (severity == Diagnostic::Severity::Error && ++errors_ == max_errors)
        message += " (too many errors: " + std::to_string(max_errors) + "; stopping here)";
    Diagnostic d;
    d.severity = severity;
    d.file = file_.name();
    d.line = at.line;
    d.column = at.column;
    d.message = std::move(message);
    d.source_line = std::string(file_.line_text(at.line));
    list_.push_back(std::move(d));
}

std::vector<Diagnostic> Diagnostics::sorted() const {
    auto out = list_;
    std::stable_sort(out.begin(), out.end(), [](const Diagnostic& a, const Diagnostic& b) {
        return a.line != b.line ? a.line < b.line : a.column < b.column;
    });
    return out;
}

}  // namespace trainchain::compiler
