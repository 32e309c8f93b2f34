// tests/unit/reports/reports_plot_test.cpp - the monitoring plot: plot_svg on blocks built in memory, checked
// with the tests' small XML parser (shared_support.hpp: well-formed, markers, coordinates,
// escaping, determinism), and the epoch note reader.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "shared_support.hpp"
#include "trainchain/reports/plot.hpp"
#include "trainchain/runtime/epoch_note.hpp"

using namespace trainchain::runtime;
using namespace trainchain::reports;
using namespace trainchain::test;  // the XML parser

namespace {

constexpr double nan_value = std::numeric_limits<double>::quiet_NaN();
constexpr double inf_value = std::numeric_limits<double>::infinity();

/// Elements named `name` (any, when empty) with class `cls`, and data-height `height` when given.
std::vector<const Element*> find(const std::vector<Element>& doc, const std::string& name,
                                 const std::string& cls, std::optional<uint64_t> height = std::nullopt) {
    return height ? find_elements(doc, name, cls, "data-height", std::to_string(*height))
                  : find_elements(doc, name, cls);
}

// ---- blocks in memory ----

Block epoch_block(uint64_t height, uint64_t epoch, double accuracy, double loss, std::string note = {}) {
    Block b;
    b.header.height = height;
    b.payload.kind = BlockKind::Epoch;
    b.payload.epoch = epoch;
    b.payload.accuracy = accuracy;
    b.payload.loss = loss;
    b.payload.note = std::move(note);
    return b;
}

Block rollback_block(uint64_t height, uint64_t target, uint64_t epoch, std::string reason) {
    Block b;
    b.header.height = height;
    b.payload.kind = BlockKind::Rollback;
    b.payload.target_height = target;
    b.payload.epoch = epoch;
    b.payload.note = std::move(reason);
    return b;
}

/// Genesis and registration, five epochs of rising accuracy (the third with a NaN loss), a
/// rollback at height 7 to block 5, and one more epoch.
std::vector<Block> sample_history() {
    std::vector<Block> blocks(2);
    blocks[0].payload.kind = BlockKind::Genesis;
    blocks[1].header.height = 1;
    blocks[1].payload.kind = BlockKind::Registration;
    blocks.push_back(epoch_block(2, 1, 0.5, 1.0, R"({"test_loss":1.1,"lr":0.001})"));
    blocks.push_back(epoch_block(3, 2, 0.6, 0.8, R"({"test_loss":0.9,"lr":0.001})"));
    blocks.push_back(epoch_block(4, 3, 0.7, nan_value, R"({"test_loss":null,"inject":"nan"})"));
    blocks.push_back(epoch_block(5, 4, 0.8, 0.5, "free text from chain append"));
    blocks.push_back(epoch_block(6, 5, 0.9, 0.4, R"({"test_loss":0.45,"rollbacks":0})"));
    blocks.push_back(rollback_block(7, 5, 4, "loss diverged"));
    blocks.push_back(epoch_block(8, 5, 0.85, 0.45, R"({"test_loss":0.5,"rollbacks":1})"));
    return blocks;
}

const Element& panel_frame(const std::vector<Element>& doc, const std::string& panel) {
    const auto g = find(doc, "g", panel);
    REQUIRE(g.size() == 1);
    REQUIRE(has_class(*g[0], "panel"));
    REQUIRE(!g[0]->children.empty());
    const auto& rect = doc[static_cast<size_t>(g[0]->children.front())];
    REQUIRE(rect.name == "rect");
    return rect;
}

}  // namespace

TEST_CASE("plot: the SVG is well-formed, one standalone document") {
    const auto svg = plot_svg(sample_history(), {});
    CHECK(svg.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg ", 0) == 0);
    const auto doc = parse_xml(svg);
    REQUIRE(doc[0].name == "svg");
    CHECK(doc[0].attrs.at("xmlns") == "http://www.w3.org/2000/svg");
    CHECK(doc[0].attrs.at("width") == "900");
    CHECK(doc[0].attrs.at("height") == "560");
    CHECK(doc[0].attrs.at("viewBox") == "0 0 900 560");
    check_self_contained(doc);
    // The parser itself rejects what it should.
    CHECK_THROWS_AS(parse_xml("<a><b></a></b>"), XmlError);
    CHECK_THROWS_AS(parse_xml("<a>"), XmlError);
    CHECK_THROWS_AS(parse_xml("<a x=\"1\" x=\"2\"/>"), XmlError);
    CHECK_THROWS_AS(parse_xml("<a>&</a>"), XmlError);
    CHECK_THROWS_AS(parse_xml("<a t=\"<\"/>"), XmlError);
    CHECK_THROWS_AS(parse_xml("<a/><b/>"), XmlError);
    CHECK_NOTHROW(parse_xml("<?xml version=\"1.0\"?>\n<a k='v'><!-- c --><b/>x &amp; y</a>\n"));
}

TEST_CASE("plot: one dashed marker per rollback, labelled with its target, the target ringed") {
    const auto doc = parse_xml(plot_svg(sample_history(), {}));
    const auto lines = find(doc, "line", "rollback");
    REQUIRE(lines.size() == 1);
    CHECK(lines[0]->attrs.at("data-height") == "7");
    CHECK(lines[0]->attrs.at("data-target") == "5");
    CHECK(lines[0]->attrs.count("stroke-dasharray") == 1);
    CHECK(number(*lines[0], "x1") == number(*lines[0], "x2"));  // vertical
    const auto labels = find(doc, "text", "rollback-label");
    REQUIRE(labels.size() == 1);
    CHECK(labels[0]->text == "rollback -> #5");
    // The tooltip says why.
    REQUIRE(lines[0]->children.size() == 1);
    CHECK(doc[static_cast<size_t>(lines[0]->children[0])].text.find("reason: loss diverged") !=
          std::string::npos);
    // The restored block is ringed in both panels, at its points.
    const auto rings = find(doc, "circle", "rollback-target", 5);
    REQUIRE(rings.size() == 2);
    const auto acc5 = find(doc, "circle", "accuracy", 5);
    REQUIRE(acc5.size() == 1);
    CHECK(number(*rings[0], "cx") == number(*acc5[0], "cx"));
    CHECK(number(*rings[0], "cy") == number(*acc5[0], "cy"));

    // Two rollbacks, two markers; the epochs between a target and its rollback are faded.
    auto blocks = sample_history();
    blocks.push_back(epoch_block(9, 6, 0.4, 2.0));
    blocks.push_back(rollback_block(10, 8, 5, "again"));
    const auto doc2 = parse_xml(plot_svg(blocks, {}));
    const auto lines2 = find(doc2, "line", "rollback");
    REQUIRE(lines2.size() == 2);
    CHECK(lines2[1]->attrs.at("data-target") == "8");
    const auto labels2 = find(doc2, "text", "rollback-label");
    REQUIRE(labels2.size() == 2);
    CHECK(labels2[0]->text == "rollback -> #5");
    CHECK(labels2[1]->text == "rollback -> #8");
    CHECK(find(doc2, "circle", "accuracy", 6)[0]->attrs.count("opacity") == 1);  // 5 < 6 < 7
    CHECK(find(doc2, "circle", "accuracy", 9)[0]->attrs.count("opacity") == 1);  // 8 < 9 < 10
    CHECK(find(doc2, "circle", "accuracy", 5)[0]->attrs.count("opacity") == 0);
    CHECK(find(doc2, "circle", "accuracy", 8)[0]->attrs.count("opacity") == 0);
}

TEST_CASE("plot: rollback labels close together never overlap") {
    std::vector<Block> blocks;
    uint64_t h = 2;
    for (uint64_t e = 1; e <= 60; ++e)
        blocks.push_back(epoch_block(h++, e, 0.01 * static_cast<double>(e), 1.0));
    for (int k = 0; k < 4; ++k) blocks.push_back(rollback_block(h++, 10 + static_cast<uint64_t>(k), 9, "x"));
    const auto doc = parse_xml(plot_svg(blocks, {}));
    const auto labels = find(doc, "text", "rollback-label");
    REQUIRE(labels.size() == 4);
    for (size_t a = 0; a < labels.size(); ++a) {
        for (size_t b = a + 1; b < labels.size(); ++b) {
            if (number(*labels[a], "y") != number(*labels[b], "y")) continue;
            const double width = static_cast<double>(labels[a]->text.size()) * 11 * 0.6;
            CHECK(std::abs(number(*labels[a], "x") - number(*labels[b], "x")) >= width);
        }
    }
}

TEST_CASE("plot: NaN and infinite values are triangles on the top edge, never numbers") {
    auto blocks = sample_history();
    blocks.push_back(epoch_block(9, 6, nan_value, inf_value, R"({"test_loss":"inf"})"));
    blocks.push_back(epoch_block(10, 7, 0.9, -inf_value));
    blocks.push_back(epoch_block(11, 8, 0.9, 1e308));  // too large to share an axis: drawn as overflow
    const auto svg = plot_svg(blocks, {});
    const auto doc = parse_xml(svg);
    check_numeric_attributes(doc);

    const auto& loss_frame = panel_frame(doc, "loss");
    const double loss_top = number(loss_frame, "y");
    for (const uint64_t height : {4, 9, 10, 11}) {
        INFO("block " << height);
        CHECK(find(doc, "rect", "loss", height).empty());
        std::vector<const Element*> marker;
        for (const auto* e : find(doc, "path", "nonfinite", height))
            if (has_class(*e, "loss")) marker.push_back(e);
        REQUIRE(marker.size() == 1);
        // The apex sits on the panel's top edge: "M<x> <y> L...".
        const std::string& d = marker[0]->attrs.at("d");
        const auto space = d.find(' ');
        CHECK(std::strtod(d.c_str() + space + 1, nullptr) == doctest::Approx(loss_top + 1));
    }
    CHECK(find(doc, "path", "accuracy", 9).size() == 1);   // NaN accuracy too
    CHECK(find(doc, "path", "test-loss", 9).size() == 1);  // "inf" in the note
    CHECK(find(doc, "path", "test-loss", 4).size() == 1);  // null in the note
    // The loss axis ignores the values it cannot show: 0 to 1.2 is enough for the others.
    const auto loss_layout = plot_layout(blocks, {}).loss;
    CHECK(loss_layout.lo == 0);
    CHECK(loss_layout.hi == doctest::Approx(1.2));
}

TEST_CASE("plot: points sit where the layout's mapping says") {
    const auto blocks = sample_history();
    const auto doc = parse_xml(plot_svg(blocks, {}));
    const auto layout = plot_layout(blocks, {});

    // x: heights 2..8 with half a block of margin on each side, across the panel's frame.
    const auto& acc_frame = panel_frame(doc, "accuracy");
    const double left = number(acc_frame, "x"), width = number(acc_frame, "width");
    const double top = number(acc_frame, "y"), bottom = top + number(acc_frame, "height");
    CHECK(layout.x.lo == 1.5);
    CHECK(layout.x.hi == 8.5);
    CHECK(layout.x.pixel_lo == doctest::Approx(left));
    CHECK(layout.x.pixel_hi == doctest::Approx(left + width));

    // Accuracy 0.9 at height 6: 0..1 from the frame's bottom to its top.
    CHECK(layout.accuracy.lo == 0);
    CHECK(layout.accuracy.hi == 1);
    const auto acc = find(doc, "circle", "accuracy", 6);
    REQUIRE(acc.size() == 1);
    CHECK(number(*acc[0], "cx") == doctest::Approx(left + (6 - 1.5) / 7 * width).epsilon(1e-4));
    CHECK(number(*acc[0], "cy") == doctest::Approx(bottom - 0.9 * (bottom - top)).epsilon(1e-4));
    CHECK(number(*acc[0], "cy") == doctest::Approx(layout.accuracy.map(0.9)).epsilon(1e-4));

    // Training loss 0.4 at height 6: the loss axis is 0..1.2 here (the largest loss, a test loss
    // of 1.1, rounded up to the next tick).
    const auto& loss_frame = panel_frame(doc, "loss");
    const double ltop = number(loss_frame, "y"), lbottom = ltop + number(loss_frame, "height");
    CHECK(layout.loss.lo == 0);
    CHECK(layout.loss.hi == doctest::Approx(1.2));
    const auto loss = find(doc, "rect", "loss", 6);
    REQUIRE(loss.size() == 1);
    const double centre = number(*loss[0], "y") + number(*loss[0], "height") / 2;
    CHECK(centre == doctest::Approx(lbottom - 0.4 / 1.2 * (lbottom - ltop)).epsilon(1e-3));
    const auto test_loss = find(doc, "circle", "test-loss", 6);
    REQUIRE(test_loss.size() == 1);
    CHECK(number(*test_loss[0], "cy") == doctest::Approx(layout.loss.map(0.45)).epsilon(1e-4));

    // The accuracy polyline breaks at the rollback: blocks 2..6 faded from 5 on, then 8 alone.
    const auto polylines = find(doc, "polyline", "accuracy-line");
    REQUIRE(polylines.size() == 2);  // 2-3-4-5 solid, 5-6 faded; 8 has no neighbour in its segment
    CHECK(polylines[1]->attrs.count("stroke-opacity") == 1);

    // An auto range fits the data instead.
    PlotOptions fitted;
    fitted.auto_accuracy_range = true;
    const auto auto_layout = plot_layout(blocks, fitted);
    CHECK(auto_layout.accuracy.lo >= 0.4);
    CHECK(auto_layout.accuracy.lo <= 0.5);
    CHECK(auto_layout.accuracy.hi >= 0.9);
    CHECK(auto_layout.accuracy.hi <= 1.0);

    // Epoch numbers under the axis, one per epoch here.
    const auto epochs = find(doc, "text", "epoch-number");
    REQUIRE(epochs.size() == 6);
    CHECK(epochs[0]->text == "1");
    CHECK(epochs[5]->text == "5");
}

TEST_CASE("plot: text is XML-escaped") {
    auto blocks = sample_history();
    blocks.push_back(rollback_block(9, 3, 2, "<script>alert('x') & \"y\"</script>"));
    blocks.push_back(epoch_block(10, 3, 0.7, 0.5, "bad bytes \xff\xfe and \x01 control, \xc3\xa9 kept"));
    PlotOptions o;
    o.title = "<&> \"run\" 'one'";
    const auto svg = plot_svg(blocks, o);
    CHECK(svg.find("<&>") == std::string::npos);
    CHECK(svg.find("<script") == std::string::npos);
    CHECK(svg.find('\x01') == std::string::npos);
    CHECK(svg.find("\xff") == std::string::npos);
    const auto doc = parse_xml(svg);
    const auto titles = find(doc, "text", "title");
    REQUIRE(titles.size() == 1);
    CHECK(titles[0]->text == o.title);
    REQUIRE(doc[static_cast<size_t>(doc[0].children[0])].name == "title");
    CHECK(doc[static_cast<size_t>(doc[0].children[0])].text == o.title);
    const auto lines = find(doc, "line", "rollback", 9);
    REQUIRE(lines.size() == 1);
    CHECK(doc[static_cast<size_t>(lines[0]->children[0])].text.find("<script>alert('x') & \"y\"</script>") !=
          std::string::npos);
    const auto point = find(doc, "circle", "accuracy", 10);
    REQUIRE(point.size() == 1);
    const auto& tip = doc[static_cast<size_t>(point[0]->children[0])].text;
    CHECK(tip.find("note: bad bytes \xef\xbf\xbd\xef\xbf\xbd and \xef\xbf\xbd control, \xc3\xa9 kept") !=
          std::string::npos);

    CHECK(xml_escape("a<b>&\"c'") == "a&lt;b&gt;&amp;&quot;c&apos;");
    CHECK(xml_escape("tab\tnew\nline") == "tab\tnew\nline");
    CHECK(xml_escape("\xe2\x86\x92") == "\xe2\x86\x92");                          // U+2192 kept
    CHECK(xml_escape("\xc0\xaf") == "\xef\xbf\xbd\xef\xbf\xbd");                  // overlong
    CHECK(xml_escape("\xed\xa0\x80") == "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");  // surrogate
    CHECK(xml_escape("\xe2\x86") == "\xef\xbf\xbd\xef\xbf\xbd");                  // cut short
}

TEST_CASE("plot: the same blocks give the same bytes") {
    const auto a = sample_history();
    const auto b = sample_history();
    const auto first = plot_svg(a, {});
    CHECK(plot_svg(a, {}) == first);
    CHECK(plot_svg(b, {}) == first);
    PlotOptions o;
    o.title = "other";
    CHECK(plot_svg(a, o) != first);
}

TEST_CASE("plot: empty and degenerate histories still give a valid document") {
    for (const auto& blocks :
         {std::vector<Block>{}, std::vector<Block>(2), std::vector<Block>{epoch_block(2, 1, 0.5, 0)},
          std::vector<Block>{rollback_block(5, 3, 2, "")}}) {
        const auto svg = plot_svg(blocks, {});
        const auto doc = parse_xml(svg);
        check_numeric_attributes(doc);
        CHECK(doc[0].name == "svg");
    }
    CHECK(plot_svg({}, {}).find("no epoch blocks yet") != std::string::npos);
    PlotOptions untitled;
    untitled.title.clear();
    CHECK(find(parse_xml(plot_svg(sample_history(), untitled)), "text", "title").empty());
    PlotOptions long_title;
    long_title.title = std::string(500, 'x');
    const auto doc = parse_xml(plot_svg(sample_history(), long_title));
    CHECK(find(doc, "text", "title")[0]->text.size() < 200);
}

TEST_CASE("plot: epoch notes are read when they are JSON objects and tolerated otherwise") {
    const auto n = parse_epoch_note(R"({"test_loss":0.41,"lr":0.001,"inject":"nan","rollbacks":1})");
    CHECK(n.json);
    REQUIRE(n.test_loss);
    CHECK(*n.test_loss == 0.41);
    REQUIRE(n.lr);
    CHECK(*n.lr == 0.001);
    CHECK(n.inject == std::optional<std::string>("nan"));
    CHECK(n.rollbacks == std::optional<int64_t>(1));

    const auto partial = parse_epoch_note(R"({"lr":0.01})");
    CHECK(partial.json);
    CHECK_FALSE(partial.test_loss);
    CHECK_FALSE(partial.inject);
    CHECK_FALSE(partial.rollbacks);

    for (const char* text : {"", "loss diverged", "{not json", "[1,2]", "12", "\"s\"", "{\"a\":", "\xff{"}) {
        INFO(text);
        const auto e = parse_epoch_note(text);
        CHECK_FALSE(e.json);
        CHECK_FALSE(e.test_loss);
    }
    const auto nulls = parse_epoch_note(R"({"test_loss":null,"lr":"fast","rollbacks":"two","inject":3})");
    CHECK(nulls.json);
    REQUIRE(nulls.test_loss);
    CHECK(std::isnan(*nulls.test_loss));
    CHECK_FALSE(nulls.lr);         // wrong type: ignored
    CHECK_FALSE(nulls.rollbacks);  // wrong type: ignored
    CHECK(nulls.inject == std::optional<std::string>("3"));
    CHECK(std::isinf(*parse_epoch_note(R"({"test_loss":"-Inf"})").test_loss));
    CHECK(std::isnan(*parse_epoch_note(R"({"test_loss":"NaN"})").test_loss));
}
