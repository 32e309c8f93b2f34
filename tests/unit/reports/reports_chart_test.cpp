// tests/unit/reports/reports_chart_test.cpp - the generic SVG charts (bar_chart_svg, line_chart_svg), checked
// with the tests' XML parser (shared_support.hpp): well-formed standalone documents, one bar per value with
// its exact value, bar heights against the values (linear and log), labels, escaping, NaN and infinities,
// determinism and empty charts. With TRAINCHAIN_CHART_DEMO=DIR set, the demo case also writes
// DIR/chart_demo_bar.svg and DIR/chart_demo_line.svg to look at.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

#include "shared_support.hpp"
#include "trainchain/reports/chart.hpp"

using namespace trainchain::reports;
using namespace trainchain::test;  // the XML parser

namespace {

constexpr double nan_value = std::numeric_limits<double>::quiet_NaN();
constexpr double inf_value = std::numeric_limits<double>::infinity();

/// What `trainchain report gas` will draw: the per-block gas of each component, as printed in
/// the paper and as measured.
BarChart gas_chart() {
    BarChart c;
    c.title = "Gas per block by component";
    c.y_label = "gas per block";
    c.categories = {"block creation", "consensus vote", "result record", "rollback", "node registration"};
    c.series = {{"paper (printed)", {52429701, 320000000, 198, nan_value, 21000}},
                {"measured", {48912344, 301234567, 224, 1250000, 23110}}};
    return c;
}

LineChart cost_chart() {
    LineChart c;
    c.title = "Cumulative gas over training cycles";
    c.x_label = "training cycle";
    c.y_label = "cumulative gas";
    LineSeries paper{"paper (printed)", {}, true}, measured{"measured", {}, false};
    for (int i = 0; i <= 20; ++i) {
        paper.points.emplace_back(i, 372429899.0 * i);
        measured.points.emplace_back(i, 350147245.0 * i + 1250000.0 * (i / 5));
    }
    c.series = {paper, measured};
    return c;
}

size_t count_values(const BarChart& c) {
    size_t n = 0;
    for (const auto& s : c.series)
        for (size_t i = 0; i < c.categories.size() && i < s.values.size(); ++i) n += !std::isnan(s.values[i]);
    return n;
}

/// Parses `svg` and checks what every chart must be: the declaration, one <svg> root with its
/// namespace and a size matching its viewBox, a <title> first, nothing external, finite numbers.
std::vector<Element> parse_chart(const std::string& svg) {
    CHECK(svg.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg ", 0) == 0);
    auto doc = parse_xml(svg);
    REQUIRE(doc[0].name == "svg");
    CHECK(doc[0].attrs.at("xmlns") == "http://www.w3.org/2000/svg");
    CHECK(doc[0].attrs.at("viewBox") == "0 0 " + doc[0].attrs.at("width") + " " + doc[0].attrs.at("height"));
    REQUIRE(!doc[0].children.empty());
    CHECK(doc[static_cast<size_t>(doc[0].children[0])].name == "title");
    check_self_contained(doc);
    check_numeric_attributes(doc);
    return doc;
}

const Element& bar(const std::vector<Element>& doc, const std::string& series, const std::string& category) {
    std::vector<const Element*> found;
    for (const auto* e : find_elements(doc, "rect", "bar", "data-series", series))
        if (e->attrs.at("data-category") == category) found.push_back(e);
    REQUIRE_MESSAGE(found.size() == 1, series << " / " << category);
    return *found[0];
}

double height(const Element& e) { return number(e, "height"); }

std::vector<std::string> texts(const std::vector<Element>& doc, const std::string& cls) {
    std::vector<std::string> out;
    for (const auto* e : find_elements(doc, "text", cls)) out.push_back(e->text);
    return out;
}

/// Code points in UTF-8 text.
double glyphs(const std::string& s) {
    return static_cast<double>(std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xc0) != 0x80; }));
}

bool contains(const std::vector<std::string>& v, const std::string& s) {
    return std::find(v.begin(), v.end(), s) != v.end();
}

}  // namespace

TEST_CASE("chart: a bar chart is a well-formed standalone document with one rect.bar per value") {
    const auto chart = gas_chart();
    const auto doc = parse_chart(bar_chart_svg(chart));
    CHECK(doc[static_cast<size_t>(doc[0].children[0])].text == chart.title);
    const auto bars = find_elements(doc, "rect", "bar");
    CHECK(bars.size() == count_values(chart));
    CHECK(bars.size() == 9);
    CHECK(find_elements(doc, "rect", "bar", "data-category", "rollback").size() == 1);  // the NaN has no bar

    // Every bar: its series, category and exact value, and a tooltip saying the same.
    for (const auto& s : chart.series) {
        for (size_t c = 0; c < chart.categories.size(); ++c) {
            if (std::isnan(s.values[c])) continue;
            const auto& b = bar(doc, s.name, chart.categories[c]);
            char* end = nullptr;
            const std::string& text = b.attrs.at("data-value");
            CHECK(std::strtod(text.c_str(), &end) == s.values[c]);
            CHECK(*end == '\0');
            const auto* tip = child(doc, b, "title");
            REQUIRE(tip != nullptr);
            CHECK(tip->text.find(s.name) != std::string::npos);
            CHECK(tip->text.find(chart.categories[c]) != std::string::npos);
        }
    }
    CHECK(bar(doc, "paper (printed)", "block creation").attrs.at("data-value") == "52429701");
    CHECK(child(doc, bar(doc, "paper (printed)", "block creation"), "title")->text ==
          "series: paper (printed)\ncategory: block creation\nvalue: 52,429,701");
    CHECK(bar(doc, "measured", "consensus vote").attrs.at("data-value") == "301234567");

    // One colour per series, a legend entry per series, a label per category.
    CHECK(bar(doc, "measured", "rollback").attrs.at("fill") ==
          bar(doc, "measured", "result record").attrs.at("fill"));
    CHECK(bar(doc, "measured", "rollback").attrs.at("fill") !=
          bar(doc, "paper (printed)", "result record").attrs.at("fill"));
    const auto legend = find_elements(doc, "g", "legend");
    REQUIRE(legend.size() == 1);
    std::vector<std::string> names;
    for (const int i : legend[0]->children)
        if (doc[static_cast<size_t>(i)].name == "text") names.push_back(doc[static_cast<size_t>(i)].text);
    CHECK(names == std::vector<std::string>{"paper (printed)", "measured"});
    CHECK(texts(doc, "category") == chart.categories);
    CHECK(texts(doc, "title") == std::vector<std::string>{chart.title});
    CHECK(texts(doc, "y-label") == std::vector<std::string>{chart.y_label});

    // Values that round-trip only in their shortest form, and missing values (NaN).
    BarChart odd;
    odd.categories = {"a", "b", "c", "d"};
    odd.series = {{"s", {0.1, 1.0 / 3, -2.5e-7, 1e20}}, {"short", {7}}};
    const auto odd_doc = parse_chart(bar_chart_svg(odd));
    CHECK(find_elements(odd_doc, "rect", "bar").size() == 5);
    for (size_t i = 0; i < 4; ++i)
        CHECK(std::strtod(bar(odd_doc, "s", odd.categories[i]).attrs.at("data-value").c_str(), nullptr) ==
              odd.series[0].values[i]);
}

TEST_CASE("chart: bar heights follow the values, on a linear and on a log axis") {
    BarChart c;
    c.categories = {"one", "ten", "hundred", "thousand", "zero"};
    c.series = {{"v", {1, 10, 100, 1000, 0}}};
    const auto linear = parse_chart(bar_chart_svg(c));
    const double h1 = height(bar(linear, "v", "one")), h10 = height(bar(linear, "v", "ten")),
                 h100 = height(bar(linear, "v", "hundred")), h1000 = height(bar(linear, "v", "thousand"));
    CHECK(height(bar(linear, "v", "zero")) == 0);
    CHECK(h1 < h10);
    CHECK(h10 < h100);
    CHECK(h100 < h1000);
    CHECK(h100 == doctest::Approx(h1000 / 10).epsilon(0.01));
    // All bars stand on the same baseline: y + height is the zero line.
    const double base = number(bar(linear, "v", "one"), "y") + h1;
    CHECK(number(bar(linear, "v", "thousand"), "y") + h1000 == doctest::Approx(base).epsilon(1e-4));

    c.log_scale = true;
    const auto log = parse_chart(bar_chart_svg(c));
    const double l1 = height(bar(log, "v", "one")), l10 = height(bar(log, "v", "ten")),
                 l100 = height(bar(log, "v", "hundred")), l1000 = height(bar(log, "v", "thousand"));
    CHECK(l1 > 0);  // the floor is below the smallest value: its bar is seen
    CHECK(l1 < l10);
    CHECK(l10 < l100);
    CHECK(l100 < l1000);
    CHECK(l10 - l1 == doctest::Approx(l100 - l10).epsilon(0.01));  // equal ratios, equal steps
    CHECK(l100 - l10 == doctest::Approx(l1000 - l100).epsilon(0.01));
    // Zero cannot be drawn on a log axis: a marker on the floor, labelled with its value.
    const auto& zero = bar(log, "v", "zero");
    CHECK(zero.attrs.at("class") == "bar floor");
    CHECK(height(zero) > 0);
    CHECK(height(zero) < l1);
    CHECK(number(zero, "y") + height(zero) == doctest::Approx(number(bar(log, "v", "one"), "y") + l1));
    const auto log_labels = texts(log, "value");
    CHECK(std::count(log_labels.begin(), log_labels.end(), "0") == 1);

    // Negative values hang below the zero line.
    BarChart neg;
    neg.categories = {"up", "down"};
    neg.series = {{"v", {5, -3}}};
    const auto nd = parse_chart(bar_chart_svg(neg));
    const auto& up = bar(nd, "v", "up");
    const auto& down = bar(nd, "v", "down");
    CHECK(number(down, "y") == doctest::Approx(number(up, "y") + height(up)).epsilon(1e-4));
    CHECK(height(down) == doctest::Approx(height(up) * 3 / 5).epsilon(0.01));
}

TEST_CASE("chart: value labels are compact and sit above their bars; ticks read well") {
    const auto chart = gas_chart();
    const auto doc = parse_chart(bar_chart_svg(chart));
    const auto values = find_elements(doc, "text", "value");
    REQUIRE(values.size() == count_values(chart));
    const auto labels = texts(doc, "value");
    for (const char* expected : {"52.4M", "320M", "198", "21k", "48.9M", "301M", "224", "1.25M", "23.1k"})
        CHECK_MESSAGE(contains(labels, expected), expected);
    for (const auto* v : values) {
        // Each label is centred on a bar and above it.
        bool found = false;
        for (const auto* b : find_elements(doc, "rect", "bar")) {
            const double cx = number(*b, "x") + number(*b, "width") / 2;
            if (std::abs(cx - number(*v, "x")) < 0.02 && number(*v, "y") < number(*b, "y")) found = true;
        }
        CHECK_MESSAGE(found, v->text);
    }
    // The tick labels: SI suffixes, never a long run of digits; 0 and 350M at the ends.
    const auto ticks = texts(doc, "tick");
    REQUIRE(!ticks.empty());
    CHECK(ticks.front() == "0");
    CHECK(ticks.back() == "350M");
    for (const auto& t : ticks) {
        INFO(t);
        CHECK(t.size() <= 5);
        CHECK((t == "0" || t.back() == 'M'));
    }
    // Smaller numbers are grouped by thousands; fractions get the decimals the step needs.
    BarChart small;
    small.categories = {"a", "b"};
    small.series = {{"s", {5000, 1200}}};
    CHECK(contains(texts(parse_chart(bar_chart_svg(small)), "tick"), "5,000"));
    small.series = {{"s", {0.25, 0.8}}};
    const auto fractions = texts(parse_chart(bar_chart_svg(small)), "tick");
    CHECK(contains(fractions, "0.2"));
    CHECK(contains(fractions, "0.8"));
    CHECK(contains(texts(parse_chart(bar_chart_svg(small)), "value"), "0.25"));
}

TEST_CASE("chart: log axes are labelled by decades, with 2 and 5 only when there is room") {
    BarChart c;
    c.log_scale = true;
    c.categories = {"a", "b"};
    c.series = {{"s", {3, 900}}};  // decades 1..1000: tall enough for minor labels
    const auto roomy = texts(parse_chart(bar_chart_svg(c)), "tick");
    for (const char* t : {"1", "10", "100", "1k", "2", "5", "20", "50", "200", "500"})
        CHECK_MESSAGE(contains(roomy, t), t);
    c.series = {{"s", {3, 9e11}}};  // 12 decades: no room for 2 and 5
    const auto tight = texts(parse_chart(bar_chart_svg(c)), "tick");
    for (const char* t : {"1", "1k", "1M", "1G", "1T"}) CHECK_MESSAGE(contains(tight, t), t);
    CHECK_FALSE(contains(tight, "2"));
    CHECK_FALSE(contains(tight, "50"));
    // Labels never closer than a line of text.
    const auto doc = parse_chart(bar_chart_svg(c));
    std::vector<double> ys;
    for (const auto* t : find_elements(doc, "text", "tick")) ys.push_back(number(*t, "y"));
    std::sort(ys.begin(), ys.end());
    for (size_t i = 1; i < ys.size(); ++i) CHECK(ys[i] - ys[i - 1] >= 12);
}

TEST_CASE("chart: names, titles and categories are XML-escaped") {
    const std::string nasty = "a<b & \"c\" 'd' </svg>";
    BarChart c;
    c.title = nasty;
    c.y_label = nasty;
    c.categories = {nasty, "plain"};
    c.series = {{nasty, {1, 2}}, {"other", {3, 4}}};
    const auto svg = bar_chart_svg(c);
    CHECK(svg.find("a<b") == std::string::npos);
    CHECK(svg.find("\"c\"") == std::string::npos);
    const auto doc = parse_chart(svg);
    CHECK(doc[static_cast<size_t>(doc[0].children[0])].text == nasty);
    CHECK(bar(doc, nasty, nasty).attrs.at("data-value") == "1");
    CHECK(child(doc, bar(doc, nasty, nasty), "title")->text.find("series: " + nasty) != std::string::npos);
    CHECK(texts(doc, "title") == std::vector<std::string>{nasty});
    CHECK(texts(doc, "category")[0] == nasty);

    LineChart l;
    l.title = l.x_label = l.y_label = nasty;
    l.series = {{nasty, {{1, 2}, {2, 3}}, false}};
    const auto line_svg = line_chart_svg(l);
    CHECK(line_svg.find("a<b") == std::string::npos);
    const auto ld = parse_chart(line_svg);
    CHECK(find_elements(ld, "polyline", "series", "data-series", nasty).size() == 1);
    CHECK(find_elements(ld, "circle", "point", "data-series", nasty).size() == 2);
    CHECK(texts(ld, "x-label") == std::vector<std::string>{nasty});
    // Bytes that are not UTF-8 and control characters do not break the document.
    c.series[1].name = "bad \xff\xfe bytes \x01";
    parse_chart(bar_chart_svg(c));
}

TEST_CASE("chart: NaN and infinities never become coordinates") {
    BarChart c;
    c.categories = {"nan", "inf", "-inf", "huge", "five", "zero"};
    c.series = {{"s", {nan_value, inf_value, -inf_value, 1e308, 5, 0}}, {"t", {nan_value, nan_value}}};
    for (const bool log : {false, true}) {
        INFO("log " << log);
        c.log_scale = log;
        const auto svg = bar_chart_svg(c);
        const auto doc = parse_chart(svg);  // checks every coordinate is a finite number
        CHECK(find_elements(doc, "rect", "bar").size() == 5);
        CHECK(bar(doc, "s", "inf").attrs.at("data-value") == "inf");
        CHECK(bar(doc, "s", "-inf").attrs.at("data-value") == "-inf");
        CHECK(bar(doc, "s", "huge").attrs.at("data-value") == "1e+308");
        CHECK(height(bar(doc, "s", "inf")) >= height(bar(doc, "s", "five")));
        const auto labels = texts(doc, "value");
        CHECK(contains(labels, "+Inf"));
        CHECK(contains(labels, "-Inf"));
        CHECK(contains(labels, "5"));
        // The axis ignores what it cannot show: 5 is a tall bar, not a sliver under 1e308.
        CHECK(height(bar(doc, "s", "five")) > 100);
    }

    LineChart l;
    l.log_y = true;
    l.series = {{"s",
                 {{0, 1}, {1, nan_value}, {2, 10}, {3, 100}, {inf_value, 5}, {5, -1}, {6, 0}, {7, 1000}},
                 false}};
    const auto doc = parse_chart(line_chart_svg(l));
    CHECK(find_elements(doc, "circle", "point").size() == 4);
    const auto lines = find_elements(doc, "polyline", "series");
    REQUIRE(lines.size() == 1);  // (0,1) alone, (2,10)-(3,100), (7,1000) alone
    CHECK(lines[0]->attrs.at("points").find(' ') != std::string::npos);
    const auto note = texts(doc, "note");
    REQUIRE(note.size() == 1);
    CHECK(note[0].rfind("4 points not drawn", 0) == 0);
}

TEST_CASE("chart: line charts put the points where their values are") {
    const auto chart = cost_chart();
    const auto doc = parse_chart(line_chart_svg(chart));
    CHECK(find_elements(doc, "polyline", "series").size() == 2);
    const auto paper = find_elements(doc, "circle", "point", "data-series", "paper (printed)");
    const auto measured = find_elements(doc, "circle", "point", "data-series", "measured");
    REQUIRE(paper.size() == 21);
    REQUIRE(measured.size() == 21);
    // x grows to the right, y (cumulative cost) upwards, evenly for the linear series.
    for (size_t i = 1; i < paper.size(); ++i) {
        CHECK(number(*paper[i], "cx") > number(*paper[i - 1], "cx"));
        CHECK(number(*paper[i], "cy") < number(*paper[i - 1], "cy"));
        const double dy = number(*paper[i], "cy") - number(*paper[i - 1], "cy");
        CHECK(dy == doctest::Approx(number(*paper[1], "cy") - number(*paper[0], "cy")).epsilon(0.02));
    }
    CHECK(number(*paper[20], "cx") == doctest::Approx(number(*measured[20], "cx")));
    CHECK(number(*paper[20], "cy") < number(*measured[20], "cy"));  // the paper's cost is higher
    const auto* tip = child(doc, *paper[20], "title");
    REQUIRE(tip != nullptr);
    CHECK(tip->text == "paper (printed)\nx: 20\ny: 7,448,597,980");
    // The dashed series is dashed, in the legend too; the y ticks use SI suffixes.
    const auto dashed = find_elements(doc, "polyline", "series", "data-series", "paper (printed)");
    REQUIRE(dashed.size() == 1);
    CHECK(dashed[0]->attrs.count("stroke-dasharray") == 1);
    CHECK(find_elements(doc, "polyline", "series", "data-series", "measured")[0]->attrs.count(
              "stroke-dasharray") == 0);
    const auto ticks = texts(doc, "tick");
    CHECK(contains(ticks, "0"));
    CHECK(contains(ticks, "8G"));
    CHECK(contains(ticks, "20"));  // the x axis

    // A log y axis: equal ratios, equal steps.
    LineChart g;
    g.log_y = true;
    g.series = {{"s", {{1, 10}, {2, 100}, {3, 1000}}, false}};
    const auto gd = parse_chart(line_chart_svg(g));
    const auto pts = find_elements(gd, "circle", "point");
    REQUIRE(pts.size() == 3);
    CHECK(number(*pts[0], "cy") - number(*pts[1], "cy") ==
          doctest::Approx(number(*pts[1], "cy") - number(*pts[2], "cy")).epsilon(0.01));
}

TEST_CASE("chart: category labels never overlap; long ones are slanted and shortened") {
    BarChart c;
    c.series = {{"s", {}}};
    for (int i = 0; i < 12; ++i) {
        c.categories.push_back("a rather long category name number " + std::to_string(i));
        c.series[0].values.push_back(i + 1);
    }
    const auto doc = parse_chart(bar_chart_svg(c));
    const auto labels = find_elements(doc, "text", "category");
    REQUIRE(labels.size() == 12);
    for (const auto* l : labels) {
        CHECK(l->attrs.at("transform").rfind("rotate(-45 ", 0) == 0);
        CHECK(l->text.size() < c.categories[0].size());  // shortened, with the full name as tooltip
        REQUIRE(child(doc, *l, "title") != nullptr);
        CHECK(child(doc, *l, "title")->text == l->attrs.at("data-category"));
        const double reach = glyphs(l->text) * 11 * 0.62 * 0.71;  // down and to the left
        CHECK(number(*l, "x") - reach > 0);                       // not cut at the left edge
        CHECK(number(*l, "y") + reach < number(doc[0], "height"));
    }
    // Slanted labels one line of text apart at least.
    for (size_t i = 1; i < labels.size(); ++i)
        CHECK(number(*labels[i], "x") - number(*labels[i - 1], "x") >= 16);

    // Short labels stay level, centred under their groups, with room between them.
    const auto level_doc = parse_chart(bar_chart_svg(gas_chart()));
    const auto level = find_elements(level_doc, "text", "category");
    for (size_t i = 0; i < level.size(); ++i) {
        CHECK(level[i]->attrs.count("transform") == 0);
        if (i == 0) continue;
        const double half = (glyphs(level[i]->text) + glyphs(level[i - 1]->text)) * 11 * 0.62 / 2;
        CHECK(number(*level[i], "x") - number(*level[i - 1], "x") > half);
    }
}

TEST_CASE("chart: the same chart gives the same bytes") {
    const auto first = bar_chart_svg(gas_chart());
    CHECK(bar_chart_svg(gas_chart()) == first);
    auto changed = gas_chart();
    changed.series[1].values[2] = 225;
    CHECK(bar_chart_svg(changed) != first);
    const auto line = line_chart_svg(cost_chart());
    CHECK(line_chart_svg(cost_chart()) == line);
    auto log = cost_chart();
    log.log_y = true;
    CHECK(line_chart_svg(log) != line);
}

TEST_CASE("chart: empty charts are valid documents saying so") {
    BarChart no_categories;
    no_categories.series = {{"s", {1, 2}}};
    BarChart no_series;
    no_series.title = "nothing yet";
    no_series.categories = {"a"};
    BarChart all_nan;
    all_nan.categories = {"a", "b"};
    all_nan.series = {{"s", {nan_value, nan_value}}};
    all_nan.log_scale = true;
    for (const auto& c : {BarChart{}, no_categories, no_series, all_nan}) {
        const auto doc = parse_chart(bar_chart_svg(c));
        CHECK(texts(doc, "no-data") == std::vector<std::string>{"no data"});
        CHECK(find_elements(doc, "rect", "bar").empty());
    }
    CHECK(parse_chart(bar_chart_svg(no_series))[1].text == "nothing yet");

    LineChart no_points;
    no_points.series = {{"s", {}, false}};
    LineChart unplottable;
    unplottable.log_y = true;
    unplottable.series = {{"s", {{nan_value, 1}, {1, 0}, {2, -5}}, false}};
    for (const auto& c : {LineChart{}, no_points, unplottable}) {
        const auto doc = parse_chart(line_chart_svg(c));
        CHECK(texts(doc, "no-data") == std::vector<std::string>{"no data"});
        CHECK(find_elements(doc, "polyline", "series").empty());
    }
    // One point or one value: an axis around it, not a division by zero.
    LineChart one;
    one.series = {{"s", {{3, 7}}, false}};
    const auto od = parse_chart(line_chart_svg(one));
    CHECK(find_elements(od, "circle", "point").size() == 1);
    CHECK(find_elements(od, "polyline", "series").empty());
    BarChart zero;
    zero.categories = {"a"};
    zero.series = {{"s", {0}}};
    CHECK(find_elements(parse_chart(bar_chart_svg(zero)), "rect", "bar").size() == 1);
}

TEST_CASE("chart: demo files (written only with TRAINCHAIN_CHART_DEMO=DIR)") {
    const char* dir = std::getenv("TRAINCHAIN_CHART_DEMO");
    if (dir == nullptr || *dir == '\0') return;
    const std::filesystem::path out(dir);
    auto bars = gas_chart();
    std::ofstream(out / "chart_demo_bar.svg") << bar_chart_svg(bars);
    bars.log_scale = true;
    bars.title += " (log scale)";
    bars.series[0].values[3] = 0;
    std::ofstream(out / "chart_demo_bar_log.svg") << bar_chart_svg(bars);
    BarChart crowded;
    crowded.title = "Crowded categories";
    crowded.y_label = "value";
    crowded.series = {{"first", {}}, {"second", {}}, {"third", {}}};
    for (int i = 0; i < 14; ++i) {
        crowded.categories.push_back("a rather long category name number " + std::to_string(i));
        for (auto& s : crowded.series) s.values.push_back((i + 1) * (i % 3 == 0 ? -1.5e4 : 2.2e4));
    }
    std::ofstream(out / "chart_demo_bar_crowded.svg") << bar_chart_svg(crowded);
    std::ofstream(out / "chart_demo_line.svg") << line_chart_svg(cost_chart());
    auto log = cost_chart();
    log.log_y = true;
    log.title += " (log scale)";
    std::ofstream(out / "chart_demo_line_log.svg") << line_chart_svg(log);
    std::ofstream(out / "chart_demo_empty.svg") << bar_chart_svg(BarChart{});
}
