// reports/src/plot.cpp - the monitoring plot: test accuracy and losses by block height, with the
// rollbacks marked, as a standalone SVG document built by hand (no libraries, no scripts).
#include "trainchain/reports/plot.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>
#include <set>

#include <nlohmann/json.hpp>

#include "svg_util.hpp"
#include "trainchain/runtime/epoch_note.hpp"

namespace trainchain::reports {

// The reports read the chain: its blocks, store and ledger.
using namespace runtime;
namespace {

using namespace svg;  // num(), ticks(), text_width(), the Writer, the shared colours

// The page: fixed size, the panels between a title band and the axis rows and legend.
constexpr double page_width = 900, page_height = 560;
constexpr double plot_left = 76, plot_right = 872;
constexpr double title_y = 30;
constexpr double band_top = 44;  // the rollback labels' rows start here
constexpr double label_row = 14;
constexpr size_t max_label_rows = 4;  // more labels than fit in these rows may overlap
constexpr double panel_gap = 30;
constexpr double loss_bottom = 474;
constexpr double block_row_y = 490, epoch_row_y = 505, legend_y = 538;

constexpr const char* accuracy_color = "#1f77b4";
constexpr const char* loss_color = "#e6550d";
constexpr const char* test_loss_color = "#6a51a3";
constexpr const char* rollback_color = "#c0392b";
constexpr const char* nonfinite_color = "#d62728";

constexpr double nan_value = std::numeric_limits<double>::quiet_NaN();

/// A tick label: as many decimals as the step needs, or scientific notation for extreme scales.
std::string tick_text(double v, double step, double largest) {
    char buf[64];
    if (std::abs(v) < step * 1e-9) v = 0;
    if (largest >= 1e6 || step < 1e-4) {
        const auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific, 2);
        std::string s(buf, r.ptr);
        // 2.50e+06 -> 2.5e+06, 1.00e+06 -> 1e+06
        const auto e = s.find('e');
        std::string mantissa = s.substr(0, e);
        while (mantissa.find('.') != std::string::npos && mantissa.back() == '0') mantissa.pop_back();
        if (mantissa.back() == '.') mantissa.pop_back();
        return mantissa + s.substr(e);
    }
    const int decimals = std::clamp(static_cast<int>(-std::floor(std::log10(step) + 1e-9)), 0, 6);
    const auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, decimals);
    return {buf, r.ptr};
}

/// The values of one epoch block, as plotted.
struct Epoch {
    const Block* block = nullptr;
    double x = 0;
    double accuracy = 0, loss = 0;
    std::optional<double> test_loss;
    EpochNote note;
    bool abandoned = false;  ///< a later rollback went back past it
    size_t segment = 0;      ///< epochs between the same two rollbacks share a segment
};

struct RollbackMark {
    const Block* block = nullptr;
    double x = 0;
    std::string label;
    size_t row = 0;
    double label_x = 0;
};

/// Everything plot_svg needs, computed once.
struct Geometry {
    PlotLayout layout;
    double accuracy_step = 0.1, loss_step = 0.1, x_step = 1;
    double accuracy_top = 0, accuracy_bottom = 0, loss_top = 0;
    std::vector<Epoch> epochs;
    std::vector<RollbackMark> rollbacks;
    size_t label_rows = 0;
    bool any_test_loss = false, any_nonfinite = false, any_abandoned = false;
};

Geometry measure(const std::vector<Block>& blocks, const PlotOptions& options) {
    Geometry g;
    g.layout.width = page_width;
    g.layout.height = page_height;

    // The x range: the epoch and rollback blocks (else every block), half a block of margin.
    std::optional<uint64_t> lo_h, hi_h;
    for (const auto& b : blocks) {
        if (b.payload.kind != BlockKind::Epoch && b.payload.kind != BlockKind::Rollback) continue;
        lo_h = std::min(lo_h.value_or(b.header.height), b.header.height);
        hi_h = std::max(hi_h.value_or(b.header.height), b.header.height);
    }
    if (!lo_h) {
        for (const auto& b : blocks) {
            lo_h = std::min(lo_h.value_or(b.header.height), b.header.height);
            hi_h = std::max(hi_h.value_or(b.header.height), b.header.height);
        }
    }
    const double x_lo = static_cast<double>(lo_h.value_or(0)), x_hi = static_cast<double>(hi_h.value_or(1));
    g.layout.x = {x_lo - 0.5, x_hi + 0.5, plot_left, plot_right};
    g.x_step = std::max(1.0, nice_step(std::max(1.0, x_hi - x_lo), 12));

    // Epochs, their segments, and the rollbacks.
    size_t segment = 0;
    std::vector<std::pair<uint64_t, uint64_t>> discarded;  // (target, rollback height)
    for (const auto& b : blocks) {
        if (b.payload.kind == BlockKind::Rollback) {
            ++segment;
            RollbackMark m;
            m.block = &b;
            m.x = g.layout.x.map(static_cast<double>(b.header.height));
            m.label = "rollback -> #" + std::to_string(b.payload.target_height);
            g.rollbacks.push_back(m);
            discarded.emplace_back(b.payload.target_height, b.header.height);
            continue;
        }
        if (b.payload.kind != BlockKind::Epoch) continue;
        Epoch e;
        e.block = &b;
        e.x = g.layout.x.map(static_cast<double>(b.header.height));
        e.accuracy = b.payload.accuracy;
        e.loss = b.payload.loss;
        e.note = parse_epoch_note(b.payload.note);
        e.test_loss = e.note.test_loss;
        e.segment = segment;
        g.epochs.push_back(e);
    }
    for (auto& e : g.epochs) {
        const uint64_t h = e.block->header.height;
        for (const auto& [target, at] : discarded)
            if (h > target && h < at) e.abandoned = true;
        g.any_abandoned |= e.abandoned;
        g.any_test_loss |= e.test_loss.has_value();
        g.any_nonfinite |=
            !plottable(e.accuracy) || !plottable(e.loss) || (e.test_loss && !plottable(*e.test_loss));
    }

    // Rollback labels: centred on their line, in the first row where they do not overlap.
    std::vector<double> row_end;
    for (auto& m : g.rollbacks) {
        const double w = text_width(m.label, 11);
        m.label_x = std::clamp(m.x, plot_left + w / 2, plot_right - w / 2);
        const double start = m.label_x - w / 2;
        size_t row = 0;
        while (row < row_end.size() && row_end[row] + 8 > start) ++row;
        if (row == max_label_rows)
            row = static_cast<size_t>(std::min_element(row_end.begin(), row_end.end()) - row_end.begin());
        if (row == row_end.size()) row_end.push_back(0);
        row_end[row] = m.label_x + w / 2;
        m.row = row;
    }
    g.label_rows = row_end.size();

    // The panels share the space left between the labels and the axis rows.
    g.accuracy_top = band_top + static_cast<double>(g.label_rows) * label_row + 8;
    const double panel_height = (loss_bottom - g.accuracy_top - panel_gap) / 2;
    g.accuracy_bottom = g.accuracy_top + panel_height;
    g.loss_top = g.accuracy_bottom + panel_gap;

    double acc_lo = 0, acc_hi = 1;
    g.accuracy_step = 0.2;
    if (options.auto_accuracy_range) {
        std::optional<double> lo, hi;
        for (const auto& e : g.epochs) {
            if (!plottable(e.accuracy)) continue;
            lo = std::min(lo.value_or(e.accuracy), e.accuracy);
            hi = std::max(hi.value_or(e.accuracy), e.accuracy);
        }
        if (lo) {
            const double pad = (*hi - *lo) * 0.05;
            fit(*lo - pad, *hi + pad, 5, acc_lo, acc_hi, g.accuracy_step);
        }
    }
    g.layout.accuracy = {acc_lo, acc_hi, g.accuracy_bottom, g.accuracy_top};

    double loss_lo = 0, loss_hi = 0;
    for (const auto& e : g.epochs) {
        for (const auto v : {std::optional<double>(e.loss), e.test_loss}) {
            if (!v || !plottable(*v)) continue;
            loss_lo = std::min(loss_lo, *v);
            loss_hi = std::max(loss_hi, *v);
        }
    }
    if (loss_hi - loss_lo <= 0) loss_hi = loss_lo + 1;
    fit(loss_lo, loss_hi, 5, loss_lo, loss_hi, g.loss_step);
    g.layout.loss = {loss_lo, loss_hi, loss_bottom, g.loss_top};
    return g;
}

/// The <title> tooltip of an epoch point.
std::string epoch_tooltip(const Epoch& e) {
    std::string t = "block " + std::to_string(e.block->header.height) + ", epoch " +
                    std::to_string(e.block->payload.epoch) + "\naccuracy " + value_text(e.accuracy) +
                    "\ntraining loss " + value_text(e.loss);
    if (e.test_loss) t += "\ntest loss " + value_text(*e.test_loss);
    if (e.note.lr) t += "\nlearning rate " + value_text(*e.note.lr);
    if (e.note.inject) t += "\ninjected: " + *e.note.inject;
    if (e.note.rollbacks) t += "\nrollbacks so far: " + std::to_string(*e.note.rollbacks);
    if (!e.note.json && !e.block->payload.note.empty()) t += "\nnote: " + e.block->payload.note;
    if (e.abandoned) t += "\n(rolled back)";
    return t;
}

/// One series' points and lines in a panel: `value` picks the value of an epoch (nullopt: none).
struct Series {
    const char* name;  ///< the class of its elements
    const char* color;
    const char* marker;  ///< "circle", "square" or "ring"
    const char* dash;    ///< stroke-dasharray of its line, or nullptr
    std::optional<double> (*value)(const Epoch&);
};

void draw_series(svg::Writer& svg, const Geometry& g, const PlotAxis& axis, double top, const Series& s,
                 double marker_size) {
    // Lines: between consecutive plotted epochs of the same segment; faded where an end was
    // rolled back. Runs of the same style become one polyline.
    struct Run {
        bool faded;
        std::vector<const Epoch*> points;
    };
    std::vector<Run> runs;
    const Epoch* prev = nullptr;
    for (const auto& e : g.epochs) {
        const auto v = s.value(e);
        if (!v) continue;
        if (!plottable(*v)) {
            prev = nullptr;
            continue;
        }
        if (prev && prev->segment == e.segment) {
            const bool faded = prev->abandoned || e.abandoned;
            if (runs.empty() || runs.back().faded != faded || runs.back().points.back() != prev)
                runs.push_back({faded, {prev}});
            runs.back().points.push_back(&e);
        }
        prev = &e;
    }
    for (const auto& r : runs) {
        std::string pts;
        for (const auto* e : r.points) {
            if (!pts.empty()) pts += ' ';
            pts += num(e->x) + "," + num(std::clamp(axis.map(*s.value(*e)), top, axis.pixel_lo));
        }
        std::string attrs = "class=\"" + std::string(s.name) + "-line\" points=\"" + pts +
                            "\" fill=\"none\" stroke=\"" + s.color + "\" stroke-width=\"" +
                            (r.faded ? "1.2" : "1.8") + "\" stroke-linejoin=\"round\"";
        if (s.dash) attrs += " stroke-dasharray=\"" + std::string(s.dash) + "\"";
        if (r.faded) attrs += " stroke-opacity=\"0.35\"";
        svg.element("polyline", attrs, {});
    }

    // Where training resumed: a dotted line from each rollback's target to the first epoch after
    // the rollback (when both can be drawn and no other rollback came between).
    for (size_t i = 0; i < g.rollbacks.size(); ++i) {
        const auto& rb = *g.rollbacks[i].block;
        const Epoch* from = nullptr;
        const Epoch* to = nullptr;
        for (const auto& e : g.epochs) {
            const auto v = s.value(e);
            if (!v || !plottable(*v)) continue;
            if (e.block->header.height == rb.payload.target_height) from = &e;
            if (!to && e.block->header.height > rb.header.height) to = &e;
        }
        if (!from || !to || to->segment != i + 1) continue;
        const auto y = [&](const Epoch& e) { return std::clamp(axis.map(*s.value(e)), top, axis.pixel_lo); };
        svg.line(from->x, y(*from), to->x, y(*to),
                 "class=\"" + std::string(s.name) + "-resume\" data-height=\"" +
                     std::to_string(rb.header.height) + "\" stroke=\"" + s.color +
                     "\" stroke-width=\"1.2\" stroke-dasharray=\"1.5 3\" stroke-opacity=\"0.7\"");
    }

    // Points, and triangles on the top edge for values that cannot be drawn.
    for (const auto& e : g.epochs) {
        const auto v = s.value(e);
        if (!v) continue;
        const std::string height = std::to_string(e.block->header.height);
        const std::string opacity = e.abandoned ? " opacity=\"0.4\"" : "";
        if (!plottable(*v)) {
            const double y = top + 1;
            svg.element("path",
                        "class=\"nonfinite " + std::string(s.name) + "\" data-height=\"" + height +
                            "\" d=\"M" + num(e.x) + " " + num(y) + " L" + num(e.x + 5.5) + " " + num(y + 10) +
                            " L" + num(e.x - 5.5) + " " + num(y + 10) + " Z\" fill=\"" + nonfinite_color +
                            "\" stroke=\"" + s.color + "\" stroke-width=\"1.5\"" + opacity,
                        epoch_tooltip(e));
            svg.text(e.x, y + 20, value_text(*v),
                     "class=\"nonfinite-label\" text-anchor=\"middle\" font-size=\"9\" fill=\"" +
                         std::string(nonfinite_color) + "\"" + opacity);
            continue;
        }
        const double x = e.x, y = std::clamp(axis.map(*v), top, axis.pixel_lo);
        std::string common = "class=\"" + std::string(s.name) + "\" data-height=\"" + height + "\"" + opacity;
        const std::string r = num(marker_size);
        if (std::string_view(s.marker) == "square") {
            svg.element("rect",
                        common + " x=\"" + num(x - marker_size) + "\" y=\"" + num(y - marker_size) +
                            "\" width=\"" + num(2 * marker_size) + "\" height=\"" + num(2 * marker_size) +
                            "\" fill=\"" + s.color + "\" stroke=\"#ffffff\" stroke-width=\"0.8\"",
                        epoch_tooltip(e));
        } else if (std::string_view(s.marker) == "ring") {
            svg.element("circle",
                        common + " cx=\"" + num(x) + "\" cy=\"" + num(y) + "\" r=\"" + r +
                            "\" fill=\"#ffffff\" stroke=\"" + s.color + "\" stroke-width=\"1.5\"",
                        epoch_tooltip(e));
        } else {
            svg.element("circle",
                        common + " cx=\"" + num(x) + "\" cy=\"" + num(y) + "\" r=\"" + r + "\" fill=\"" +
                            s.color + "\" stroke=\"#ffffff\" stroke-width=\"0.8\"",
                        epoch_tooltip(e));
        }
    }
}

/// Horizontal grid lines, tick labels and the frame of one panel.
void draw_panel(svg::Writer& svg, const Geometry& g, const PlotAxis& axis, double step, double top,
                double bottom, std::string_view caption, std::string_view name) {
    svg.raw("<g class=\"panel " + std::string(name) + "\">\n");
    svg.raw("<rect x=\"" + num(plot_left) + "\" y=\"" + num(top) + "\" width=\"" +
            num(plot_right - plot_left) + "\" height=\"" + num(bottom - top) + "\" fill=\"#fcfcfc\"/>\n");
    const auto ys = ticks(axis.lo, axis.hi, step);
    double largest = 0;
    for (const double v : ys) largest = std::max(largest, std::abs(v));
    for (const double v : ys) {
        const double y = axis.map(v);
        svg.line(plot_left, y, plot_right, y,
                 std::string("stroke=\"") + grid_color + "\" stroke-width=\"1\"");
        svg.line(plot_left - 4, y, plot_left, y,
                 std::string("stroke=\"") + frame_color + "\" stroke-width=\"1\"");
        svg.text(plot_left - 7, y + 4, tick_text(v, step, largest),
                 std::string("text-anchor=\"end\" font-size=\"11\" fill=\"") + muted_color + "\"");
    }
    for (const double h : ticks(std::ceil(g.layout.x.lo), std::floor(g.layout.x.hi), g.x_step)) {
        const double x = g.layout.x.map(h);
        svg.line(x, top, x, bottom, std::string("stroke=\"") + grid_color + "\" stroke-width=\"1\"");
    }
    svg.raw("<rect x=\"" + num(plot_left) + "\" y=\"" + num(top) + "\" width=\"" +
            num(plot_right - plot_left) + "\" height=\"" + num(bottom - top) + "\" fill=\"none\" stroke=\"" +
            frame_color + "\"/>\n");
    const double mid = (top + bottom) / 2;
    svg.text(20, mid, caption,
             "transform=\"rotate(-90 20 " + num(mid) + ")\" text-anchor=\"middle\" font-size=\"12\" fill=\"" +
                 std::string(text_color) + "\"");
    svg.raw("</g>\n");
}

/// The legend, one row centred at the bottom: a sample of each thing drawn, then its name.
void draw_legend(svg::Writer& svg, const Geometry& g) {
    struct Item {
        std::string kind, label;
    };
    std::vector<Item> items = {{"accuracy", "test accuracy"}, {"loss", "training loss"}};
    if (g.any_test_loss) items.push_back({"test-loss", "test loss"});
    if (g.any_nonfinite) items.push_back({"nonfinite", "NaN / Inf"});
    if (!g.rollbacks.empty()) {
        items.push_back({"rollback", "rollback"});
        items.push_back({"target", "restored block"});
    }
    if (g.any_abandoned) items.push_back({"abandoned", "rolled back"});
    if (!g.rollbacks.empty()) items.push_back({"resume", "resumed from target"});
    constexpr double sample = 24, gap = 6, spacing = 18, font = 11, row_height = 16;
    // Rows of items, each at most the page's width less a margin, each centred.
    std::vector<double> item_widths;
    for (const auto& it : items) item_widths.push_back(sample + gap + text_width(it.label, font));
    const auto [rows, widths] = wrap_rows(item_widths, spacing, page_width - 40);
    svg.raw("<g class=\"legend\">\n");
    for (size_t r = 0; r < rows.size(); ++r) {
        double x = (page_width - widths[r]) / 2;
        const double y =
            legend_y + (static_cast<double>(r) - static_cast<double>(rows.size() - 1) / 2) * row_height;
        for (const size_t i : rows[r]) {
            const auto& it = items[i];
            const double cx = x + sample / 2;
            if (it.kind == "accuracy" || it.kind == "abandoned") {
                const bool faded = it.kind == "abandoned";
                svg.line(x, y, x + sample, y,
                         std::string("stroke=\"") + accuracy_color + "\" stroke-width=\"1.8\"" +
                             (faded ? " stroke-opacity=\"0.35\"" : ""));
                svg.raw("<circle cx=\"" + num(cx) + "\" cy=\"" + num(y) + "\" r=\"3.5\" fill=\"" +
                        accuracy_color + "\" stroke=\"#ffffff\" stroke-width=\"0.8\"" +
                        (faded ? " opacity=\"0.4\"" : "") + "/>\n");
            } else if (it.kind == "loss") {
                svg.line(x, y, x + sample, y,
                         std::string("stroke=\"") + loss_color + "\" stroke-width=\"1.8\"");
                svg.raw("<rect x=\"" + num(cx - 3.5) + "\" y=\"" + num(y - 3.5) +
                        "\" width=\"7\" height=\"7\" fill=\"" + loss_color + "\"/>\n");
            } else if (it.kind == "test-loss") {
                svg.line(x, y, x + sample, y,
                         std::string("stroke=\"") + test_loss_color +
                             "\" stroke-width=\"1.8\" stroke-dasharray=\"5 3\"");
                svg.raw("<circle cx=\"" + num(cx) + "\" cy=\"" + num(y) +
                        "\" r=\"3.5\" fill=\"#ffffff\" stroke=\"" + test_loss_color +
                        "\" stroke-width=\"1.5\"/>\n");
            } else if (it.kind == "nonfinite") {
                svg.raw("<path d=\"M" + num(cx) + " " + num(y - 6) + " L" + num(cx + 5.5) + " " + num(y + 4) +
                        " L" + num(cx - 5.5) + " " + num(y + 4) + " Z\" fill=\"" + nonfinite_color +
                        "\"/>\n");
            } else if (it.kind == "rollback") {
                svg.line(cx, y - 8, cx, y + 6,
                         std::string("stroke=\"") + rollback_color +
                             "\" stroke-width=\"1.4\" stroke-dasharray=\"4 3\"");
            } else if (it.kind == "resume") {
                svg.line(x, y, x + sample, y,
                         std::string("stroke=\"") + accuracy_color +
                             "\" stroke-width=\"1.2\" stroke-dasharray=\"1.5 3\" stroke-opacity=\"0.7\"");
            } else if (it.kind == "target") {
                svg.raw("<circle cx=\"" + num(cx) + "\" cy=\"" + num(y) +
                        "\" r=\"6.5\" fill=\"none\" stroke=\"" + rollback_color +
                        "\" stroke-width=\"1.8\"/>\n");
            }
            svg.text(x + sample + gap, y + 4, it.label,
                     "font-size=\"" + num(font) + "\" fill=\"" + std::string(text_color) + "\"");
            x += sample + gap + text_width(it.label, font) + spacing;
        }
    }
    svg.raw("</g>\n");
}

}  // namespace

std::string xml_escape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    const auto* s = reinterpret_cast<const unsigned char*>(text.data());
    const size_t n = text.size();
    for (size_t i = 0; i < n;) {
        const unsigned char c = s[i];
        if (c < 0x80) {
            switch (c) {
                case '&':
                    out += "&amp;";
                    break;
                case '<':
                    out += "&lt;";
                    break;
                case '>':
                    out += "&gt;";
                    break;
                case '"':
                    out += "&quot;";
                    break;
                case '\'':
                    out += "&apos;";
                    break;
                case '\t':
                case '\n':
                case '\r':
                    out += static_cast<char>(c);
                    break;
                default:
                    if (c < 0x20 || c == 0x7f)
                        out += "\uFFFD";
                    else
                        out += static_cast<char>(c);
            }
            ++i;
            continue;
        }
        // A well-formed UTF-8 character other than U+FFFE and U+FFFF (not allowed in XML); else one
        // replacement character for the lead byte.
        uint32_t cp = 0;
        const size_t len = utf8_sequence(text, i, &cp);
        const bool ok = len != 0 && cp != 0xfffe && cp != 0xffff;
        if (ok) {
            out.append(text.substr(i, len));
            i += len;
        } else {
            out += "\uFFFD";
            ++i;
        }
    }
    return out;
}

PlotLayout plot_layout(const std::vector<Block>& blocks, const PlotOptions& options) {
    return measure(blocks, options).layout;
}

std::string plot_svg(const std::vector<Block>& blocks, const PlotOptions& options) {
    const Geometry g = measure(blocks, options);
    const auto& L = g.layout;
    const std::string title =
        truncate(options.title, static_cast<size_t>((plot_right - plot_left) / (16 * char_width)));
    svg::Writer svg;
    svg.begin(L.width, L.height, title);
    if (!title.empty())
        svg.text(page_width / 2, title_y, title,
                 "class=\"title\" text-anchor=\"middle\" font-size=\"16\" font-weight=\"bold\" fill=\"" +
                     std::string(text_color) + "\"");

    // The panels: frames, grids, ticks and captions.
    draw_panel(svg, g, L.accuracy, g.accuracy_step, g.accuracy_top, g.accuracy_bottom, "test accuracy",
               "accuracy");
    draw_panel(svg, g, L.loss, g.loss_step, g.loss_top, loss_bottom, "loss", "loss");

    // The x axis rows: block heights, then the epoch numbers (thinned out where they would touch).
    svg.raw("<g class=\"x-axis\">\n");
    const std::string small = std::string("font-size=\"10\" fill=\"") + muted_color + "\"";
    svg.text(plot_left - 7, block_row_y, "block", "text-anchor=\"end\" font-style=\"italic\" " + small);
    svg.text(plot_left - 7, epoch_row_y, "epoch", "text-anchor=\"end\" font-style=\"italic\" " + small);
    for (const double h : ticks(std::ceil(L.x.lo), std::floor(L.x.hi), g.x_step)) {
        const double x = L.x.map(h);
        svg.line(x, loss_bottom, x, loss_bottom + 4, std::string("stroke=\"") + frame_color + "\"");
        svg.text(x, block_row_y, tick_text(h, 1, 0), "text-anchor=\"middle\" " + small);
    }
    double last_end = -1e9;
    for (const auto& e : g.epochs) {
        const std::string label = std::to_string(e.block->payload.epoch);
        const double w = text_width(label, 10);
        if (e.x - w / 2 < last_end + 8) continue;
        last_end = e.x + w / 2;
        svg.text(e.x, epoch_row_y, label,
                 "class=\"epoch-number\" data-height=\"" + std::to_string(e.block->header.height) +
                     "\" text-anchor=\"middle\" font-size=\"10\" fill=\"" +
                     (e.abandoned ? "#aaaaaa" : text_color) + "\"");
    }
    svg.raw("</g>\n");

    if (g.epochs.empty())
        svg.text(page_width / 2, (g.accuracy_top + g.accuracy_bottom) / 2, "no epoch blocks yet",
                 "text-anchor=\"middle\" font-size=\"13\" fill=\"" + std::string(muted_color) + "\"");

    // Rollbacks: a dashed line through both panels from its label, and the restored block ringed.
    svg.raw("<g class=\"rollbacks\">\n");
    std::set<uint64_t> targets;
    for (const auto& m : g.rollbacks) {
        const auto& p = m.block->payload;
        const double label_y = band_top + 11 + static_cast<double>(m.row) * label_row;
        std::string tooltip = "block " + std::to_string(m.block->header.height) + ": rollback to block " +
                              std::to_string(p.target_height) + " (epoch " + std::to_string(p.epoch) + ")";
        if (!p.note.empty()) tooltip += "\nreason: " + parse_rollback_note(p.note).reason;
        svg.element("line",
                    "class=\"rollback\" data-height=\"" + std::to_string(m.block->header.height) +
                        "\" data-target=\"" + std::to_string(p.target_height) + "\" x1=\"" + num(m.x) +
                        "\" y1=\"" + num(label_y + 4) + "\" x2=\"" + num(m.x) + "\" y2=\"" +
                        num(loss_bottom) + "\" stroke=\"" + rollback_color +
                        "\" stroke-width=\"1.4\" stroke-dasharray=\"5 4\"",
                    tooltip);
        svg.raw("<text class=\"rollback-label\" data-height=\"" + std::to_string(m.block->header.height) +
                "\" x=\"" + num(m.label_x) + "\" y=\"" + num(label_y) +
                "\" text-anchor=\"middle\" font-size=\"11\" font-weight=\"bold\" fill=\"" + rollback_color +
                "\" stroke=\"#ffffff\" stroke-width=\"3\" paint-order=\"stroke\">" + xml_escape(m.label) +
                "<title>" + xml_escape(tooltip) + "</title></text>\n");
        targets.insert(p.target_height);
    }
    for (const auto& e : g.epochs) {
        if (!targets.count(e.block->header.height)) continue;
        const std::string common = "class=\"rollback-target\" data-height=\"" +
                                   std::to_string(e.block->header.height) + "\" fill=\"none\" stroke=\"" +
                                   rollback_color + "\" stroke-width=\"1.8\" r=\"7.5\" cx=\"" + num(e.x) +
                                   "\"";
        const double acc_y = plottable(e.accuracy)
                                 ? std::clamp(L.accuracy.map(e.accuracy), g.accuracy_top, g.accuracy_bottom)
                                 : g.accuracy_top + 7;
        const double loss_y =
            plottable(e.loss) ? std::clamp(L.loss.map(e.loss), g.loss_top, loss_bottom) : g.loss_top + 7;
        svg.raw("<circle " + common + " cy=\"" + num(acc_y) + "\"/>\n");
        svg.raw("<circle " + common + " cy=\"" + num(loss_y) + "\"/>\n");
    }
    svg.raw("</g>\n");

    // The series, over everything else.
    const double spacing = g.epochs.size() > 1 ? (plot_right - plot_left) / (L.x.hi - L.x.lo) : 100;
    const double marker = std::clamp(spacing / 3, 1.5, 3.5);
    svg.raw("<g class=\"series\">\n");
    draw_series(svg, g, L.accuracy, g.accuracy_top,
                {"accuracy", accuracy_color, "circle", nullptr,
                 [](const Epoch& e) { return std::optional<double>(e.accuracy); }},
                marker);
    if (g.any_test_loss)
        draw_series(svg, g, L.loss, g.loss_top,
                    {"test-loss", test_loss_color, "ring", "5 3", [](const Epoch& e) { return e.test_loss; }},
                    marker);
    draw_series(
        svg, g, L.loss, g.loss_top,
        {"loss", loss_color, "square", nullptr, [](const Epoch& e) { return std::optional<double>(e.loss); }},
        marker * 0.9);
    svg.raw("</g>\n");

    draw_legend(svg, g);
    svg.raw("</svg>\n");
    return std::move(svg.out);
}

}  // namespace trainchain::reports
