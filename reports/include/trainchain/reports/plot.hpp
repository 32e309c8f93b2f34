// reports/include/trainchain/reports/plot.hpp - the monitoring plot: a chain's training history
// (test accuracy, training and test loss, rollbacks) drawn as one standalone SVG document.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "trainchain/runtime/block.hpp"

namespace trainchain::reports {

/// What to draw besides the blocks.
struct PlotOptions {
    std::string title = "training history";  ///< shown at the top (escaped); empty: no title
    bool auto_accuracy_range = false;        ///< fit the accuracy axis to the data instead of 0..1
};

/// `text` made safe for XML character data and attribute values: & < > " ' as entities, control
/// characters XML 1.0 forbids and invalid UTF-8 as U+FFFD.
std::string xml_escape(std::string_view text);

/// A linear mapping of a data range onto a pixel range (pixel_lo is where `lo` is drawn; for
/// vertical axes pixel_lo is the larger y, since SVG's y grows downwards).
struct PlotAxis {
    double lo = 0, hi = 1;
    double pixel_lo = 0, pixel_hi = 1;
    /// The pixel coordinate of `value` (not clamped).
    [[nodiscard]] double map(double value) const noexcept {
        return pixel_lo + (value - lo) / (hi - lo) * (pixel_hi - pixel_lo);
    }
};

/// Where plot_svg puts things for these blocks: the document size and the three value mappings.
/// Coordinates in the SVG are these values rounded to two decimals.
struct PlotLayout {
    double width = 900, height = 560;
    PlotAxis x;         ///< block height -> x, shared by both panels
    PlotAxis accuracy;  ///< test accuracy -> y in the upper panel (0..1 unless auto range)
    PlotAxis loss;      ///< training and test loss -> y in the lower panel (includes 0)
};

/// The layout plot_svg uses for `blocks` and `options`.
PlotLayout plot_layout(const std::vector<runtime::Block>& blocks, const PlotOptions& options);

/// The whole history as a standalone SVG document (no scripts, no external resources), 900x560:
/// x is the block height, so epochs that were later rolled back stay visible (faded). The upper
/// panel shows test accuracy, the lower one training loss and, when epoch notes carry it, test
/// loss. Each rollback block is a dashed vertical line labelled "rollback -> #H" with its target
/// block ringed; NaN or infinite values are triangles on the panel's top edge. Elements carry
/// `class` and `data-height` attributes (e.g. circle.accuracy, line.rollback with data-target).
/// The same blocks and options always give the same bytes.
std::string plot_svg(const std::vector<runtime::Block>& blocks, const PlotOptions& options);

}  // namespace trainchain::reports
