// reports/include/trainchain/reports/chart.hpp - generic charts as standalone SVG documents: a
// grouped bar chart (e.g. the per-block gas cost by component, printed in the paper vs measured)
// and a line chart (e.g. the cumulative cost over training cycles), for the reports.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace trainchain::reports {

/// One series of a grouped bar chart: one value per category (NaN = no bar). Missing values
/// (fewer values than categories) are NaN; extra values are ignored.
struct BarSeries {
    std::string name;            ///< the legend entry (escaped when drawn)
    std::vector<double> values;  ///< values[i] belongs to categories[i]
};

/// A grouped bar chart: for each category one bar per series, side by side.
struct BarChart {
    std::string title;                    ///< shown at the top (escaped); also the document's <title>
    std::string y_label;                  ///< the value axis caption (escaped); empty: none
    std::vector<std::string> categories;  ///< the x-axis groups, in order
    std::vector<BarSeries> series;        ///< the bars of each group and the legend entries, in order
    /// A log10 value axis; values <= 0 (and -Inf) are then drawn as a marker at the axis floor,
    /// labelled with the value.
    bool log_scale = false;
};

/// The chart as a standalone SVG 1.1 document (no scripts, no external resources; the same chart
/// always gives the same bytes). Each bar is `<rect class="bar" data-series data-category
/// data-value>` (data-value the exact value, round-trip) with a `<title>` giving the series, the
/// category and the exact value, and a compact value label above it ("52.4M"). Infinite values are
/// bars to the plot's edge labelled "+Inf"/"-Inf"; NaN gives no bar. A chart without categories,
/// series or any value is a valid document saying "no data".
std::string bar_chart_svg(const BarChart& chart);

/// One series of a line chart: points joined in the given order.
struct LineSeries {
    std::string name;                               ///< the legend entry (escaped when drawn)
    std::vector<std::pair<double, double>> points;  ///< (x, y); non-finite ones are skipped
    bool dashed = false;                            ///< a dashed line (e.g. a prediction)
};

/// A line chart: linear x axis, linear or log10 y axis.
struct LineChart {
    std::string title;               ///< shown at the top (escaped); also the document's <title>
    std::string x_label, y_label;    ///< the axis captions (escaped); empty: none
    std::vector<LineSeries> series;  ///< the legend entries, in order
    bool log_y = false;              ///< a log10 y axis; points with y <= 0 are then skipped
};

/// The chart as a standalone SVG 1.1 document, like bar_chart_svg. Each run of two or more
/// consecutive drawable points of a series is `<polyline class="series" data-series>` (a skipped
/// point breaks the line), and each drawable point a `<circle class="point" data-series>` with a
/// `<title>` giving the series and both exact coordinates (transparent when the points are too
/// dense to mark). A note under the plot counts the skipped points. A chart without any drawable
/// point is a valid document saying "no data".
std::string line_chart_svg(const LineChart& chart);

}  // namespace trainchain::reports
