// reports/src/svg_util.hpp - private helpers shared by the SVG documents the runtime draws by hand
// (plot.cpp, chart.cpp): coordinates, round axis steps, text width estimates, legend rows and a
// small document writer. Not installed: the public API is plot.hpp and chart.hpp.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace trainchain::reports::svg {

/// The average character width as a fraction of the font size, for DejaVu Sans/Helvetica-like fonts.
inline constexpr double char_width = 0.62;
inline constexpr const char* font_family = "DejaVu Sans, Helvetica, Arial, sans-serif";
inline constexpr const char* text_color = "#222222";
inline constexpr const char* muted_color = "#666666";
inline constexpr const char* frame_color = "#b8b8b8";
inline constexpr const char* grid_color = "#ececec";

/// Values beyond this are drawn like infinities: no axis can show them next to ordinary ones.
inline constexpr double max_plotted = 1e300;

/// Finite and at most max_plotted in magnitude.
bool plottable(double v);

/// A coordinate: two decimals, no trailing zeros, never "nan", "inf" or "-0".
std::string num(double v);

/// A data value for people: up to 6 significant digits, or NaN, +Inf, -Inf.
std::string value_text(double v);

/// A round step (1, 2 or 5 times a power of ten) giving about `target` intervals over `range`.
double nice_step(double range, double target);

/// The multiples of `step` within [lo, hi] (just {lo, hi} when there would be more than 101).
std::vector<double> ticks(double lo, double hi, double step);

/// A value axis fitted to [lo, hi] with round ends; `step` receives the tick step.
void fit(double lo, double hi, double target, double& axis_lo, double& axis_hi, double& step);

/// Code points in UTF-8 text (for width estimates).
size_t code_points(std::string_view s);

/// The estimated width of `s` in pixels at `font_size`.
double text_width(std::string_view s, double font_size);

/// At most `n` code points of `s`, with an ellipsis when cut.
std::string truncate(std::string_view s, size_t n);

/// Items of the given widths laid out in centred rows at most `widest` wide, `spacing` apart;
/// when more than one row is needed the rows are balanced (about the same width each).
struct Rows {
    std::vector<std::vector<size_t>> items;  ///< the item indices of each row, in order
    std::vector<double> widths;              ///< each row's width, spacing included
};
Rows wrap_rows(const std::vector<double>& widths, double spacing, double widest);

/// An SVG document under construction.
class Writer {
public:
    std::string out;

    /// The XML declaration, the <svg> element (width, height, viewBox, font family), a <title>
    /// when `title` is not empty, and a white background.
    void begin(double width, double height, std::string_view title);

    void raw(std::string_view s) { out += s; }

    /// A text element; `attrs` are extra attributes.
    void text(double x, double y, std::string_view content, std::string_view attrs = {});

    void line(double x1, double y1, double x2, double y2, std::string_view attrs);

    /// Opens `<tag attrs>`, then closes it with the tooltip (if any) inside.
    void element(std::string_view tag, const std::string& attrs, const std::string& tooltip);
};

}  // namespace trainchain::reports::svg
