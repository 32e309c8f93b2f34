// reports/src/svg_util.cpp - the helpers shared by the hand-built SVG documents (see svg_util.hpp).
#include "svg_util.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "trainchain/reports/plot.hpp"

namespace trainchain::reports::svg {

bool plottable(double v) { return std::isfinite(v) && std::abs(v) <= max_plotted; }

std::string num(double v) {
    if (!std::isfinite(v)) v = 0;
    v = std::clamp(v, -1e6, 1e6);
    v = std::round(v * 100) / 100;
    if (v == 0) v = 0;
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, 2);
    std::string s(buf, r.ptr);
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
    return s;
}

std::string value_text(double v) {
    if (std::isnan(v)) return "NaN";
    if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::general, 6);
    return {buf, r.ptr};
}

double nice_step(double range, double target) {
    const double raw = range / target;
    const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    const double f = raw / magnitude;
    return (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) * magnitude;
}

std::vector<double> ticks(double lo, double hi, double step) {
    std::vector<double> out;
    const double first = std::ceil(lo / step - 1e-9), last = std::floor(hi / step + 1e-9);
    if (!(step > 0) || !std::isfinite(first) || !std::isfinite(last) || last - first > 100 ||
        std::abs(first) > 1e12) {
        out = {lo, hi};
        return out;
    }
    for (double k = first; k <= last; ++k) out.push_back(k * step);
    return out;
}

void fit(double lo, double hi, double target, double& axis_lo, double& axis_hi, double& step) {
    if (!(hi - lo > 0) || !std::isfinite(hi - lo)) {
        const double pad = lo == 0 ? 1 : std::abs(lo) * 0.1;
        lo -= pad;
        hi = lo + 2 * pad;
        if (!std::isfinite(hi - lo)) lo = -1, hi = 1;
    }
    step = nice_step(hi - lo, target);
    axis_lo = std::floor(lo / step + 1e-9) * step;
    axis_hi = std::ceil(hi / step - 1e-9) * step;
    if (!(axis_hi > axis_lo)) axis_lo = lo, axis_hi = hi;
}

size_t code_points(std::string_view s) {
    return static_cast<size_t>(std::count_if(
        s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xc0) != 0x80; }));
}

double text_width(std::string_view s, double font_size) {
    return static_cast<double>(code_points(s)) * font_size * char_width;
}

std::string truncate(std::string_view s, size_t n) {
    if (code_points(s) <= n) return std::string(s);
    size_t seen = 0, i = 0;
    for (; i < s.size(); ++i) {
        if ((static_cast<unsigned char>(s[i]) & 0xc0) != 0x80 && seen++ == n - 1) break;
    }
    return std::string(s.substr(0, i)) + "\u2026";
}

Rows wrap_rows(const std::vector<double>& widths, double spacing, double widest) {
    double total = 0;
    for (const double w : widths) total += w + spacing;
    const double limit = std::min(widest, total / std::ceil(total / widest) + 60);
    Rows rows;
    rows.items.resize(1);
    rows.widths.assign(1, 0);
    for (size_t i = 0; i < widths.size(); ++i) {
        if (!rows.items.back().empty() && rows.widths.back() + spacing + widths[i] > limit) {
            rows.items.emplace_back();
            rows.widths.push_back(0);
        }
        rows.widths.back() += (rows.items.back().empty() ? 0 : spacing) + widths[i];
        rows.items.back().push_back(i);
    }
    return rows;
}

void Writer::begin(double width, double height, std::string_view title) {
    out += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    out += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + num(width) + "\" height=\"" + num(height) +
           "\" viewBox=\"0 0 " + num(width) + " " + num(height) + "\" font-family=\"" + font_family + "\">\n";
    if (!title.empty()) out += "<title>" + xml_escape(title) + "</title>\n";
    out += "<rect width=\"" + num(width) + "\" height=\"" + num(height) + "\" fill=\"#ffffff\"/>\n";
}

void Writer::text(double x, double y, std::string_view content, std::string_view attrs) {
    out += "<text x=\"" + num(x) + "\" y=\"" + num(y) + "\"";
    if (!attrs.empty()) out += " " + std::string(attrs);
    out += ">" + xml_escape(content) + "</text>\n";
}

void Writer::line(double x1, double y1, double x2, double y2, std::string_view attrs) {
    out += "<line x1=\"" + num(x1) + "\" y1=\"" + num(y1) + "\" x2=\"" + num(x2) + "\" y2=\"" + num(y2) +
           "\" " + std::string(attrs) + "/>\n";
}

void Writer::element(std::string_view tag, const std::string& attrs, const std::string& tooltip) {
    out += "<" + std::string(tag) + " " + attrs;
    if (tooltip.empty()) {
        out += "/>\n";
    } else {
        out += "><title>" + xml_escape(tooltip) + "</title></" + std::string(tag) + ">\n";
    }
}

}  // namespace trainchain::reports::svg
