// reports/src/chart.cpp - generic charts (grouped bars, lines) as standalone SVG documents built by
// hand: round axis ticks (1-2-5 steps, or decades on a log axis), SI-suffixed labels, a legend, a
// fixed colour-blind-safe palette, and no NaN or infinity ever written as a coordinate.
#include "trainchain/reports/chart.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <iterator>
#include <limits>
#include <string_view>

#include "svg_util.hpp"
#include "trainchain/reports/plot.hpp"

namespace trainchain::reports {
namespace {

using namespace svg;  // num(), fit(), ticks(), text_width(), truncate(), wrap_rows(), the Writer

/// Okabe and Ito's palette (distinguishable with every common colour-vision deficiency), yellow
/// last since it is weak on white; series beyond eight reuse it.
constexpr const char* palette[] = {"#0072B2", "#E69F00", "#009E73", "#D55E00",
                                   "#CC79A7", "#56B4E9", "#000000", "#F0E442"};
constexpr const char* axis_color = "#888888";
constexpr const char* minor_grid_color = "#f5f5f5";

constexpr double title_font = 16, tick_font = 11, value_font = 10, category_font = 11, legend_font = 11,
                 caption_font = 12;
constexpr double min_page_width = 900, max_page_width = 6000;
constexpr double bar_plot_height = 300, line_plot_height = 340;
constexpr double legend_row = 18;
constexpr double nan_value = std::numeric_limits<double>::quiet_NaN();

const char* colour(size_t i) { return palette[i % std::size(palette)]; }

// ---- numbers for people ----

/// `v` with `decimals` decimals.
std::string fixed(double v, int decimals) {
    char buf[400];
    const auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, decimals);
    return {buf, r.ptr};
}

/// Trailing zeros (and a trailing point) removed from a fixed-point number.
std::string trim_zeros(std::string s) {
    if (s.find('.') == std::string::npos) return s;
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
    return s;
}

/// Three significant digits in scientific notation, trailing zeros removed: 3.2e+15, 1e-05.
std::string scientific(double v) {
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific, 2);
    const std::string s(buf, r.ptr);
    const auto e = s.find('e');
    return trim_zeros(s.substr(0, e)) + s.substr(e);
}

/// An integer's digits grouped by thousands: -52429701 -> -52,429,701.
std::string group_thousands(const std::string& digits) {
    const size_t start = !digits.empty() && digits[0] == '-' ? 1 : 0;
    std::string out = digits.substr(0, start);
    for (size_t i = start; i < digits.size(); ++i) {
        if (i > start && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return out;
}

/// The exact value, reading back to the same double: integers below 1e15 in full, others in the
/// shortest form that round-trips; "nan", "inf", "-inf" (as strtod reads them).
std::string exact_number(double v) {
    if (std::isnan(v)) return "nan";
    if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
    if (v == 0) return "0";
    char buf[64];
    const auto r = std::abs(v) < 1e15 && v == std::trunc(v)
                       ? std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, 0)
                       : std::to_chars(buf, buf + sizeof buf, v);
    return {buf, r.ptr};
}

/// The exact value for people: integers grouped (52,429,701), others as exact_number; NaN, +Inf, -Inf.
std::string exact_text(double v) {
    if (!std::isfinite(v)) return value_text(v);
    if (v != 0 && std::abs(v) < 1e15 && v == std::trunc(v)) return group_thousands(exact_number(v));
    return exact_number(v);
}

constexpr const char* si_suffix[] = {"", "k", "M", "G", "T"};
constexpr size_t max_unit = std::size(si_suffix) - 1;

/// A value label: three significant digits with an SI suffix (198, 1.5k, 52.4M, 320M, 0.25, -3.1G),
/// scientific notation beyond the suffixes or below 0.001; NaN, +Inf, -Inf.
std::string compact(double v) {
    if (!std::isfinite(v)) return value_text(v);
    if (v == 0) return "0";
    const double a = std::abs(v);
    const std::string sign = v < 0 ? "-" : "";
    if (a >= 999.5e12 || a < 1e-3) return scientific(v);
    size_t unit = 0;
    double s = a;
    while (s >= 1000 && unit < max_unit) s /= 1000, ++unit;
    auto decimals_for = [](double x) {
        return x >= 100  ? 0
               : x >= 10 ? 1
               : x >= 1  ? 2
                         : std::clamp(2 - static_cast<int>(std::floor(std::log10(x))), 0, 6);
    };
    int decimals = decimals_for(s);
    double rounded = std::round(s * std::pow(10.0, decimals)) / std::pow(10.0, decimals);
    if (rounded >= 1000 && unit < max_unit) {  // 999.7 -> 1k, 999,960 -> 1M
        s = rounded / 1000, ++unit;
        decimals = decimals_for(s);
        rounded = std::round(s * std::pow(10.0, decimals)) / std::pow(10.0, decimals);
    }
    return sign + trim_zeros(fixed(rounded, decimals)) + si_suffix[unit];
}

/// A linear axis' tick label: the decimals the step needs; an SI suffix from 10,000 on (50M,
/// 2.5k), thousands grouped below (5,000); scientific notation at extreme scales.
std::string tick_label(double v, double step, double largest) {
    if (std::abs(v) < step * 1e-9) return "0";
    if (largest >= 1e15 || step < 1e-6) return scientific(v);
    double scale = 1;
    size_t unit = 0;
    if (largest >= 1e4)
        while (largest / scale >= 1000 && unit < max_unit) scale *= 1000, ++unit;
    const int decimals = std::clamp(static_cast<int>(-std::floor(std::log10(step / scale) + 1e-9)), 0, 6);
    const std::string s = fixed(v / scale, decimals);
    return (decimals == 0 ? group_thousands(s) : s) + si_suffix[unit];
}

// ---- the value axis ----

struct Tick {
    double value;
    std::string label;  ///< empty: a grid line without a label
    bool major;
};

/// A vertical value axis: linear over [lo, hi], or log10 with lo and hi the decade exponents.
struct ValueAxis {
    bool log = false;
    double lo = 0, hi = 1;
    double top = 0, bottom = 1;  ///< pixels: hi is drawn at top, lo at bottom
    std::vector<Tick> marks;

    /// The pixel row of `v` (not clamped; v > 0 on a log axis).
    [[nodiscard]] double map(double v) const {
        const double t = log ? std::log10(v) : v;
        return bottom - (t - lo) / (hi - lo) * (bottom - top);
    }
    /// The pixel row of `v` clamped into the plot.
    [[nodiscard]] double clamped(double v) const { return std::clamp(map(v), top, bottom); }
    [[nodiscard]] double label_width() const {
        double w = 0;
        for (const auto& t : marks) w = std::max(w, text_width(t.label, tick_font));
        return w;
    }
};

/// A linear axis over [lo, hi] with round ends and 1-2-5 steps, about one tick per 55 pixels.
ValueAxis linear_axis(double lo, double hi, double length) {
    ValueAxis a;
    double step = 1;
    fit(lo, hi, std::clamp(length / 55, 2.0, 10.0), a.lo, a.hi, step);
    const auto values = ticks(a.lo, a.hi, step);
    double largest = 0;
    for (const double v : values) largest = std::max(largest, std::abs(v));
    for (const double v : values) a.marks.push_back({v, tick_label(v, step, largest), true});
    return a;
}

/// A log10 axis over whole decades around [min_positive, max_positive]; the floor is at least
/// `floor_gap` decades below the smallest value (so its bar is seen). Every decade is labelled
/// when there is room (else every k-th), minor grid lines at 2..9 when the decades are tall
/// enough, and labels at 2 and 5 when there is room for them too.
ValueAxis log_axis(double min_positive, double max_positive, double length, double floor_gap) {
    ValueAxis a;
    a.log = true;
    const double lo_exp = std::log10(min_positive), hi_exp = std::log10(max_positive);
    a.lo = std::floor(lo_exp);
    if (lo_exp - a.lo < floor_gap) a.lo -= 1;
    a.hi = std::ceil(hi_exp);
    a.lo = std::clamp(a.lo, -300.0, 299.0);
    a.hi = std::clamp(a.hi, a.lo + 1, 300.0);
    const double decades = a.hi - a.lo;
    const double per_decade = length / decades;
    const auto every = static_cast<long>(std::max(1.0, std::ceil(18 / per_decade)));
    const bool minor_lines = per_decade >= 30, minor_labels = per_decade * std::log10(2.0) >= 16;
    for (double e = a.lo; e <= a.hi; ++e) {
        const auto exponent = static_cast<long>(e);
        const double base = std::pow(10.0, e);
        if (exponent % every == 0) a.marks.push_back({base, compact(base), true});
        if (!minor_lines || e == a.hi) continue;
        for (int m = 2; m <= 9; ++m) {
            const bool labelled = minor_labels && (m == 2 || m == 5);
            a.marks.push_back({m * base, labelled ? compact(m * base) : std::string(), false});
        }
    }
    return a;
}

/// Grid lines, tick marks and labels of `axis` across [left, right], the axis line, and the
/// caption rotated along the left edge.
void draw_value_axis(Writer& svg, const ValueAxis& axis, double left, double right,
                     std::string_view caption) {
    svg.raw("<g class=\"y-axis\">\n");
    const std::string label_attrs = std::string("class=\"tick\" text-anchor=\"end\" font-size=\"") +
                                    num(tick_font) + "\" fill=\"" + muted_color + "\"";
    for (const auto& t : axis.marks) {
        const double y = axis.map(t.value);
        if (!(y >= axis.top - 0.01 && y <= axis.bottom + 0.01)) continue;
        svg.line(
            left, y, right, y,
            std::string("stroke=\"") + (t.major ? grid_color : minor_grid_color) + "\" stroke-width=\"1\"");
        if (t.label.empty()) continue;
        svg.line(left - 4, y, left, y, std::string("stroke=\"") + axis_color + "\" stroke-width=\"1\"");
        svg.text(left - 7, y + 4, t.label, label_attrs);
    }
    svg.line(left, axis.top, left, axis.bottom,
             std::string("stroke=\"") + axis_color + "\" stroke-width=\"1\"");
    if (!caption.empty()) {
        const double mid = (axis.top + axis.bottom) / 2,
                     x = left - axis.label_width() - 13;  // beside the labels
        const auto fit_chars = static_cast<size_t>((axis.bottom - axis.top) / (caption_font * char_width));
        svg.text(x, mid, truncate(caption, fit_chars),
                 "class=\"y-label\" transform=\"rotate(-90 " + num(x) + " " + num(mid) +
                     ")\" text-anchor=\"middle\" font-size=\"" + num(caption_font) + "\" fill=\"" +
                     text_color + "\"");
    }
    svg.raw("</g>\n");
}

/// The room left of the plot for the tick labels and the caption.
double left_margin(const ValueAxis& axis, bool caption) {
    return 12 + (caption ? caption_font + 12 : 0) + axis.label_width() + 8;
}

// ---- page furniture ----

/// A legend entry: a swatch (a bar, or a line with its marker) and the series name.
struct LegendItem {
    std::string name;
    const char* color;
    bool line = false, dashed = false;
};

constexpr double legend_sample = 24, legend_gap = 6, legend_spacing = 18;
constexpr size_t legend_chars = 48;

struct Legend {
    std::vector<LegendItem> items;
    Rows rows;
    [[nodiscard]] double height() const {
        return items.empty() ? 0 : legend_row * static_cast<double>(rows.items.size());
    }
};

Legend make_legend(std::vector<LegendItem> items, double page_width) {
    Legend l;
    l.items = std::move(items);
    std::vector<double> widths;
    for (auto& it : l.items) {
        it.name = truncate(it.name, legend_chars);
        widths.push_back(legend_sample + legend_gap + text_width(it.name, legend_font));
    }
    l.rows = wrap_rows(widths, legend_spacing, page_width - 40);
    return l;
}

/// The legend's rows, centred, the first row's centre line at `y`.
void draw_legend(Writer& svg, const Legend& l, double page_width, double y) {
    if (l.items.empty()) return;
    svg.raw("<g class=\"legend\">\n");
    for (size_t r = 0; r < l.rows.items.size(); ++r) {
        double x = (page_width - l.rows.widths[r]) / 2;
        const double cy = y + static_cast<double>(r) * legend_row;
        for (const size_t i : l.rows.items[r]) {
            const auto& it = l.items[i];
            const std::string color = it.color;
            if (it.line) {
                svg.line(x, cy, x + legend_sample, cy,
                         "stroke=\"" + color + "\" stroke-width=\"2\"" +
                             (it.dashed ? " stroke-dasharray=\"6 4\"" : ""));
                svg.raw("<circle cx=\"" + num(x + legend_sample / 2) + "\" cy=\"" + num(cy) +
                        "\" r=\"3.5\" fill=\"" + (it.dashed ? std::string("#ffffff") : color) +
                        "\" stroke=\"" + color + "\" stroke-width=\"1.5\"/>\n");
            } else {
                svg.raw("<rect class=\"swatch\" x=\"" + num(x + legend_sample / 2 - 6) + "\" y=\"" +
                        num(cy - 6) + "\" width=\"12\" height=\"12\" fill=\"" + color + "\"/>\n");
            }
            svg.text(x + legend_sample + legend_gap, cy + 4, it.name,
                     "font-size=\"" + num(legend_font) + "\" fill=\"" + text_color + "\"");
            x += legend_sample + legend_gap + text_width(it.name, legend_font) + legend_spacing;
        }
    }
    svg.raw("</g>\n");
}

/// The visible title, cut to the page's width.
std::string visible_title(const std::string& title, double page_width) {
    return truncate(title, static_cast<size_t>((page_width - 40) / (title_font * char_width)));
}

/// The title band's height (the title's baseline is at 30).
double title_band(const std::string& title) { return title.empty() ? 14 : 48; }

void draw_title(Writer& svg, const std::string& title, double page_width) {
    if (title.empty()) return;
    svg.text(page_width / 2, 30, visible_title(title, page_width),
             "class=\"title\" text-anchor=\"middle\" font-size=\"" + num(title_font) +
                 "\" font-weight=\"bold\" fill=\"" + text_color + "\"");
}

/// A valid document with the title and "no data" in an empty frame.
std::string empty_document(const std::string& title, std::string_view fallback_title) {
    constexpr double width = 640, height = 360;
    Writer svg;
    svg.begin(width, height, title.empty() ? fallback_title : std::string_view(title));
    draw_title(svg, title, width);
    const double top = title_band(title);
    svg.raw("<rect class=\"frame\" x=\"40\" y=\"" + num(top) + "\" width=\"" + num(width - 80) +
            "\" height=\"" + num(height - top - 40) + "\" fill=\"none\" stroke=\"" + frame_color + "\"/>\n");
    svg.text(width / 2, (top + height - 40) / 2 + 5, "no data",
             "class=\"no-data\" text-anchor=\"middle\" font-size=\"14\" fill=\"" + std::string(muted_color) +
                 "\"");
    svg.raw("</svg>\n");
    return std::move(svg.out);
}

/// A <text> with a <title> tooltip (the full text of a shortened label).
void text_with_tooltip(Writer& svg, double x, double y, std::string_view content, const std::string& attrs,
                       std::string_view tooltip) {
    svg.raw("<text x=\"" + num(x) + "\" y=\"" + num(y) + "\" " + attrs + ">" + xml_escape(content) +
            "<title>" + xml_escape(tooltip) + "</title></text>\n");
}

// ---- the bar chart ----

double bar_value(const BarSeries& s, size_t category) {
    return category < s.values.size() ? s.values[category] : nan_value;
}

/// How the category labels are written under the groups.
enum class LabelMode { horizontal, slanted, vertical };

constexpr size_t max_category_chars = 28;

}  // namespace

std::string bar_chart_svg(const BarChart& chart) {
    const size_t n_cat = chart.categories.size(), n_ser = chart.series.size();
    bool any = false;
    double lo = 0, hi = 0;  // the plottable values, with zero
    double min_positive = std::numeric_limits<double>::infinity(), max_positive = 0;
    for (const auto& s : chart.series) {
        for (size_t c = 0; c < n_cat; ++c) {
            const double v = bar_value(s, c);
            if (std::isnan(v)) continue;
            any = true;
            if (!plottable(v)) continue;
            lo = std::min(lo, v), hi = std::max(hi, v);
            if (v > 0) min_positive = std::min(min_positive, v), max_positive = std::max(max_positive, v);
        }
    }
    if (n_cat == 0 || n_ser == 0 || !any) return empty_document(chart.title, "bar chart");

    // The value axis (its ticks decide the left margin).
    ValueAxis axis;
    if (chart.log_scale) {
        if (max_positive == 0) min_positive = 1, max_positive = 10;
        axis = log_axis(min_positive, max_positive, bar_plot_height, 0.3);
    } else {
        if (hi == lo) hi = 1;
        axis = linear_axis(lo, hi, bar_plot_height);
    }
    bool negatives = false;  // labels go under negative bars: room below the plot
    for (const auto& s : chart.series)
        for (size_t c = 0; c < n_cat; ++c) negatives |= !chart.log_scale && bar_value(s, c) < 0;

    // The page's width: at least enough for narrow bars; the groups share the plot's width.
    const double right = 20;
    double left = left_margin(axis, !chart.y_label.empty());
    const double page_width = std::clamp(left + right + static_cast<double>(n_cat * (n_ser * 10 + 8)),
                                         min_page_width, max_page_width);

    // Category labels: level when they fit their group, else slanted or upright and shortened; the
    // slanted first label may need more room on the left.
    std::vector<std::string> cat_labels(n_cat);
    double group = 0;
    LabelMode mode = LabelMode::horizontal;
    size_t label_every = 1;
    for (int pass = 0; pass < 3; ++pass) {
        group = (page_width - left - right) / static_cast<double>(n_cat);
        double widest = 0;
        for (const auto& c : chart.categories) widest = std::max(widest, text_width(c, category_font));
        mode = widest <= group - 6 ? LabelMode::horizontal
               : group >= 16       ? LabelMode::slanted
                                   : LabelMode::vertical;
        label_every = mode == LabelMode::vertical ? static_cast<size_t>(std::ceil(14 / group)) : 1;
        for (size_t c = 0; c < n_cat; ++c)
            cat_labels[c] = mode == LabelMode::horizontal ? chart.categories[c]
                                                          : truncate(chart.categories[c], max_category_chars);
        if (mode != LabelMode::slanted) break;
        const double need = text_width(cat_labels[0], category_font) * 0.71 - group / 2 + 8;
        if (need <= left) break;
        left = need;
    }
    group = (page_width - left - right) / static_cast<double>(n_cat);
    double label_depth = 0;  // how far the category labels reach below their top
    for (size_t c = 0; c < n_cat; c += label_every) {
        const double w = text_width(cat_labels[c], category_font);
        label_depth = std::max(label_depth, mode == LabelMode::horizontal ? category_font + 4
                                            : mode == LabelMode::slanted  ? w * 0.71 + category_font
                                                                          : w + 6);
    }

    // Bars: 80 % of each group, a small gap between the bars of a group.
    const double bar_slot = group * 0.8 / static_cast<double>(n_ser);
    const double bar_gap = n_ser > 1 ? std::min(2.0, bar_slot * 0.15) : 0;
    const double bar_width = bar_slot - bar_gap;

    // Value labels: level when every label fits its bar's slot, upright when the bars are wide
    // enough for a line of text, else none (the tooltips still say).
    struct Bar {
        size_t series, category;
        double value;
        std::string label;
    };
    std::vector<Bar> bars;
    double widest_value = 0;
    for (size_t c = 0; c < n_cat; ++c) {
        for (size_t s = 0; s < n_ser; ++s) {
            const double v = bar_value(chart.series[s], c);
            if (std::isnan(v)) continue;
            bars.push_back({s, c, v, compact(v)});
            widest_value = std::max(widest_value, text_width(bars.back().label, value_font));
        }
    }
    const bool level_values = widest_value <= bar_slot - 1;
    const bool upright_values = !level_values && bar_slot >= value_font + 1;
    const double value_band = level_values ? value_font + 6 : upright_values ? widest_value + 8 : 4;

    // The rows from the top: title, legend, value band, plot, (value band), category labels.
    std::vector<LegendItem> items;
    for (size_t s = 0; s < n_ser; ++s) items.push_back({chart.series[s].name, colour(s)});
    const Legend legend = make_legend(std::move(items), page_width);
    const double legend_top = title_band(chart.title);
    axis.top = legend_top + legend.height() + 4 + value_band;
    axis.bottom = axis.top + bar_plot_height;
    const double labels_top = axis.bottom + (negatives ? value_band : 0) + 6;
    const double page_height = labels_top + label_depth + 14;
    const double plot_right = page_width - right;

    Writer svg;
    svg.begin(page_width, page_height,
              chart.title.empty() ? std::string_view("bar chart") : std::string_view(chart.title));
    draw_title(svg, chart.title, page_width);
    draw_legend(svg, legend, page_width, legend_top + legend_row / 2);
    draw_value_axis(svg, axis, left, plot_right, chart.y_label);

    // The bars, each with its exact value in a tooltip and its compact value above it.
    svg.raw("<g class=\"bars\">\n");
    const double zero_y = chart.log_scale ? axis.bottom : axis.clamped(0);
    for (const auto& b : bars) {
        const double x = left + group * (static_cast<double>(b.category) + 0.1) +
                         bar_slot * static_cast<double>(b.series) + bar_gap / 2;
        const double cx = x + bar_width / 2;
        const double v = b.value;
        std::string cls = "bar";
        double y_top = 0, y_bottom = 0;  // the rectangle
        bool below = false;              // the label goes under the bar (negative values)
        if (chart.log_scale && v <= 0) {
            cls += " floor";  // cannot be drawn on a log axis: a marker on the floor
            y_top = axis.bottom - 2, y_bottom = axis.bottom;
        } else if (!plottable(v)) {
            cls += " overflow";  // an infinity (or beyond any axis): to the plot's edge
            if (v > 0)
                y_top = axis.top, y_bottom = zero_y;
            else
                y_top = zero_y, y_bottom = axis.bottom, below = true;
        } else if (chart.log_scale) {
            y_top = std::min(axis.clamped(v), axis.bottom - 2), y_bottom = axis.bottom;
        } else {
            const double y = axis.clamped(v);
            y_top = std::min(y, zero_y), y_bottom = std::max(y, zero_y);
            below = v < 0;
        }
        const auto& series = chart.series[b.series];
        const std::string& category = chart.categories[b.category];
        std::string attrs = "class=\"" + cls + "\" data-series=\"" + xml_escape(series.name) +
                            "\" data-category=\"" + xml_escape(category) + "\" data-value=\"" +
                            exact_number(v) + "\" x=\"" + num(x) + "\" y=\"" + num(y_top) + "\" width=\"" +
                            num(bar_width) + "\" height=\"" + num(y_bottom - y_top) + "\" fill=\"" +
                            colour(b.series) + "\"";
        if (cls != "bar") attrs += " fill-opacity=\"0.55\" stroke=\"" + std::string(colour(b.series)) + "\"";
        svg.element("rect", attrs,
                    "series: " + series.name + "\ncategory: " + category + "\nvalue: " + exact_text(v));
        if (!level_values && !upright_values) continue;
        const std::string label_attrs = "class=\"value\" font-size=\"" + num(value_font) + "\" fill=\"" +
                                        std::string(text_color) +
                                        "\" stroke=\"#ffffff\" stroke-width=\"3\" paint-order=\"stroke\"";
        if (level_values) {
            svg.text(cx, below ? y_bottom + value_font + 2 : y_top - 4, b.label,
                     "text-anchor=\"middle\" " + label_attrs);
        } else {
            const double tx = cx + value_font * 0.35, ty = below ? y_bottom + 4 : y_top - 4;
            svg.text(tx, ty, b.label,
                     std::string("text-anchor=\"") + (below ? "end" : "start") +
                         "\" transform=\"rotate(-90 " + num(tx) + " " + num(ty) + ")\" " + label_attrs);
        }
    }
    svg.raw("</g>\n");
    if (!chart.log_scale)  // the zero line, over the bars
        svg.line(left, zero_y, plot_right, zero_y,
                 std::string("class=\"baseline\" stroke=\"") + axis_color + "\" stroke-width=\"1\"");
    else
        svg.line(left, axis.bottom, plot_right, axis.bottom,
                 std::string("class=\"baseline\" stroke=\"") + axis_color + "\" stroke-width=\"1\"");

    // Category labels under their groups (every label_every-th when upright and crowded).
    svg.raw("<g class=\"x-axis\">\n");
    const std::string cat_attrs =
        "font-size=\"" + num(category_font) + "\" fill=\"" + std::string(text_color) + "\"";
    for (size_t c = 0; c < n_cat; c += label_every) {
        const double cx = left + group * (static_cast<double>(c) + 0.5);
        const std::string& full = chart.categories[c];
        const std::string attrs = "class=\"category\" data-category=\"" + xml_escape(full) + "\" ";
        double x = cx, y = labels_top + category_font + 2;
        std::string placement = "text-anchor=\"middle\" ";
        if (mode == LabelMode::slanted) {
            x = cx + 3, y = labels_top + 6;
            placement = "text-anchor=\"end\" transform=\"rotate(-45 " + num(x) + " " + num(y) + ")\" ";
        } else if (mode == LabelMode::vertical) {
            x = cx + category_font * 0.35, y = labels_top + 2;
            placement = "text-anchor=\"end\" transform=\"rotate(-90 " + num(x) + " " + num(y) + ")\" ";
        }
        if (cat_labels[c] == full)
            svg.text(x, y, full, attrs + placement + cat_attrs);
        else
            text_with_tooltip(svg, x, y, cat_labels[c], attrs + placement + cat_attrs, full);
    }
    svg.raw("</g>\n");
    svg.raw("</svg>\n");
    return std::move(svg.out);
}

std::string line_chart_svg(const LineChart& chart) {
    auto drawable = [&](const std::pair<double, double>& p) {
        return plottable(p.first) && plottable(p.second) && (!chart.log_y || p.second > 0);
    };
    bool any = false;
    size_t skipped = 0, most_points = 1;
    double x_lo = std::numeric_limits<double>::infinity(), x_hi = -x_lo, y_lo = x_lo, y_hi = -x_lo;
    for (const auto& s : chart.series) {
        most_points = std::max(most_points, s.points.size());
        for (const auto& p : s.points) {
            if (!drawable(p)) {
                ++skipped;
                continue;
            }
            any = true;
            x_lo = std::min(x_lo, p.first), x_hi = std::max(x_hi, p.first);
            y_lo = std::min(y_lo, p.second), y_hi = std::max(y_hi, p.second);
        }
    }
    if (!any) return empty_document(chart.title, "line chart");

    // The y axis: log decades, or linear, from zero when zero is not far from the data.
    ValueAxis axis;
    if (chart.log_y) {
        axis = log_axis(y_lo, y_hi, line_plot_height, 0);
    } else {
        if (y_lo > 0 && y_lo <= y_hi / 2) y_lo = 0;
        if (y_hi < 0 && y_hi >= y_lo / 2) y_hi = 0;
        axis = linear_axis(y_lo, y_hi, line_plot_height);
    }
    const double page_width = min_page_width;
    const double left = left_margin(axis, !chart.y_label.empty());

    // The x axis: fewer ticks until their labels do not touch.
    double x_min = 0, x_max = 1, x_step = 1;
    std::vector<std::string> x_labels;
    std::vector<double> x_ticks;
    double right = 24;
    for (double target = 10; target >= 1; target = std::floor(target / 1.5)) {
        fit(x_lo, x_hi, target, x_min, x_max, x_step);
        x_ticks = ticks(x_min, x_max, x_step);
        double largest = 0;
        for (const double v : x_ticks) largest = std::max(largest, std::abs(v));
        x_labels.clear();
        double widest = 0;
        for (const double v : x_ticks) {
            x_labels.push_back(tick_label(v, x_step, largest));
            widest = std::max(widest, text_width(x_labels.back(), tick_font));
        }
        right = std::max(24.0, text_width(x_labels.back(), tick_font) / 2 + 8);
        const double spacing =
            (page_width - left - right) / std::max<double>(1, static_cast<double>(x_ticks.size()) - 1);
        if (widest + 10 <= spacing) break;
    }
    const PlotAxis x_axis{x_min, x_max, left, page_width - right};

    std::vector<LegendItem> items;
    for (size_t s = 0; s < chart.series.size(); ++s)
        items.push_back({chart.series[s].name, colour(s), true, chart.series[s].dashed});
    const Legend legend = make_legend(std::move(items), page_width);
    const double legend_top = title_band(chart.title);
    axis.top = legend_top + legend.height() + 14;
    axis.bottom = axis.top + line_plot_height;
    const double ticks_y = axis.bottom + tick_font + 8;
    const double caption_y = ticks_y + (chart.x_label.empty() ? 0 : caption_font + 10);
    const double note_y = caption_y + (skipped ? 18 : 0);
    const double page_height = note_y + 16;

    Writer svg;
    svg.begin(page_width, page_height,
              chart.title.empty() ? std::string_view("line chart") : std::string_view(chart.title));
    draw_title(svg, chart.title, page_width);
    draw_legend(svg, legend, page_width, legend_top + legend_row / 2);

    // The x axis: grid lines, ticks, labels, caption; then the y axis over it.
    svg.raw("<g class=\"x-axis\">\n");
    for (size_t i = 0; i < x_ticks.size(); ++i) {
        const double x = x_axis.map(x_ticks[i]);
        svg.line(x, axis.top, x, axis.bottom,
                 std::string("stroke=\"") + grid_color + "\" stroke-width=\"1\"");
        svg.line(x, axis.bottom, x, axis.bottom + 4,
                 std::string("stroke=\"") + axis_color + "\" stroke-width=\"1\"");
        svg.text(x, ticks_y, x_labels[i],
                 "class=\"tick\" text-anchor=\"middle\" font-size=\"" + num(tick_font) + "\" fill=\"" +
                     std::string(muted_color) + "\"");
    }
    svg.line(left, axis.bottom, page_width - right, axis.bottom,
             std::string("stroke=\"") + axis_color + "\" stroke-width=\"1\"");
    if (!chart.x_label.empty())
        svg.text((left + page_width - right) / 2, caption_y,
                 truncate(chart.x_label,
                          static_cast<size_t>((page_width - left - right) / (caption_font * char_width))),
                 "class=\"x-label\" text-anchor=\"middle\" font-size=\"" + num(caption_font) + "\" fill=\"" +
                     std::string(text_color) + "\"");
    svg.raw("</g>\n");
    draw_value_axis(svg, axis, left, page_width - right, chart.y_label);

    // The series: a polyline per run of drawable points, then the points with their tooltips.
    const double spacing = (page_width - left - right) / static_cast<double>(most_points);
    const bool dense = spacing < 6;  // markers would bead the lines: invisible tooltips instead
    const double radius = dense ? 3 : std::clamp(spacing / 3, 1.5, 3.5);
    svg.raw("<g class=\"lines\">\n");
    for (size_t s = 0; s < chart.series.size(); ++s) {
        const auto& series = chart.series[s];
        const std::string name = xml_escape(series.name);
        const std::string color = colour(s);
        // Runs of consecutive drawable points; each run of two or more is a polyline.
        std::vector<std::vector<size_t>> runs(1);
        for (size_t i = 0; i < series.points.size(); ++i) {
            if (drawable(series.points[i]))
                runs.back().push_back(i);
            else if (!runs.back().empty())
                runs.emplace_back();
        }
        auto at = [&](size_t i) {
            return std::pair(x_axis.map(series.points[i].first), axis.clamped(series.points[i].second));
        };
        for (const auto& run : runs) {
            if (run.size() < 2) continue;
            std::string pts;
            for (const size_t i : run)
                pts += (pts.empty() ? "" : " ") + num(at(i).first) + "," + num(at(i).second);
            svg.raw("<polyline class=\"series\" data-series=\"" + name + "\" points=\"" + pts +
                    "\" fill=\"none\" stroke=\"" + color + "\" stroke-width=\"2\" stroke-linejoin=\"round\"" +
                    (series.dashed ? " stroke-dasharray=\"6 4\"" : "") + "/>\n");
        }
        for (const auto& run : runs) {
            for (const size_t i : run) {
                const auto [x, y] = at(i);
                const std::string style =
                    dense && run.size() > 1 ? "fill=\"" + color + "\" fill-opacity=\"0\""
                    : series.dashed         ? "fill=\"#ffffff\" stroke=\"" + color + "\" stroke-width=\"1.5\""
                                    : "fill=\"" + color + "\" stroke=\"#ffffff\" stroke-width=\"0.8\"";
                svg.element("circle",
                            "class=\"point\" data-series=\"" + name + "\" cx=\"" + num(x) + "\" cy=\"" +
                                num(y) + "\" r=\"" + num(radius) + "\" " + style,
                            series.name + "\nx: " + exact_text(series.points[i].first) +
                                "\ny: " + exact_text(series.points[i].second));
            }
        }
    }
    svg.raw("</g>\n");
    if (skipped)
        svg.text(left, note_y,
                 std::to_string(skipped) + (skipped == 1 ? " point" : " points") +
                     (chart.log_y ? " not drawn (not finite, or not above zero on the log axis)"
                                  : " not drawn (not finite)"),
                 "class=\"note\" font-size=\"10\" font-style=\"italic\" fill=\"" + std::string(muted_color) +
                     "\"");
    svg.raw("</svg>\n");
    return std::move(svg.out);
}

}  // namespace trainchain::reports
