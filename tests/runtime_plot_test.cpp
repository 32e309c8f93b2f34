// tests/runtime_plot_test.cpp - the monitoring plot: plot_svg on blocks built in memory, checked
// with a small XML parser (well-formed, markers, coordinates, escaping, determinism), and the
// epoch note reader.
#include <doctest/doctest.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "trainchain/runtime/plot.hpp"

using namespace trainchain::runtime;

namespace {

constexpr double nan_value = std::numeric_limits<double>::quiet_NaN();
constexpr double inf_value = std::numeric_limits<double>::infinity();

// ---- a minimal XML parser: enough to prove the document well-formed and to query it ----

struct Element {
    std::string name;
    std::map<std::string, std::string> attrs;  ///< values with entities resolved
    std::string text;                          ///< direct character data, entities resolved
    int parent = -1;
    std::vector<int> children;
};

struct XmlError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// Character data or an attribute value with its entity references resolved; throws on a bare
/// '&', an unknown entity or a '<'.
std::string unescape(const std::string& s) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '<') throw XmlError("'<' in text or attribute value");
        if (s[i] != '&') {
            out += s[i];
            continue;
        }
        const auto semi = s.find(';', i);
        if (semi == std::string::npos) throw XmlError("unterminated entity");
        const std::string name = s.substr(i + 1, semi - i - 1);
        static const std::map<std::string, std::string> named = {
            {"amp", "&"}, {"lt", "<"}, {"gt", ">"}, {"quot", "\""}, {"apos", "'"}};
        if (const auto it = named.find(name); it != named.end()) {
            out += it->second;
        } else if (name.size() > 1 && name[0] == '#') {
            const bool hex = name[1] == 'x';
            char* end = nullptr;
            const unsigned long cp = std::strtoul(name.c_str() + (hex ? 2 : 1), &end, hex ? 16 : 10);
            if (*end != '\0' || cp == 0 || cp > 0x10ffff) throw XmlError("bad character reference " + name);
            out += "?";  // the tests do not need the character itself
        } else {
            throw XmlError("unknown entity &" + name + ";");
        }
        i = semi;
    }
    return out;
}

bool name_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == ':' || c == '.';
}

/// Every element of the document, in document order (the root first). Throws XmlError when the
/// document is not well-formed: unbalanced or mismatched tags, bad attributes, bad entities,
/// text outside the root, control characters.
std::vector<Element> parse_xml(const std::string& doc) {
    for (const char c : doc) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 && c != '\n' && c != '\r' && c != '\t') throw XmlError("control character in document");
    }
    std::vector<Element> out;
    std::vector<int> open;
    size_t i = 0;
    if (doc.rfind("<?xml", 0) == 0) {
        i = doc.find("?>");
        if (i == std::string::npos) throw XmlError("unterminated XML declaration");
        i += 2;
    }
    auto skip_ws = [&] {
        while (i < doc.size() && std::isspace(static_cast<unsigned char>(doc[i]))) ++i;
    };
    auto read_name = [&] {
        const size_t start = i;
        while (i < doc.size() && name_char(doc[i])) ++i;
        if (i == start) throw XmlError("expected a name at offset " + std::to_string(start));
        return doc.substr(start, i - start);
    };
    bool root_done = false;
    while (i < doc.size()) {
        if (doc[i] != '<') {
            const size_t lt = doc.find('<', i);
            const std::string text = doc.substr(i, lt == std::string::npos ? std::string::npos : lt - i);
            if (open.empty()) {
                if (text.find_first_not_of(" \t\r\n") != std::string::npos)
                    throw XmlError("text outside the root");
            } else {
                if (text.find("]]>") != std::string::npos) throw XmlError("']]>' in text");
                out[static_cast<size_t>(open.back())].text += unescape(text);
            }
            if (lt == std::string::npos) break;
            i = lt;
            continue;
        }
        if (doc.compare(i, 4, "<!--") == 0) {
            const auto end = doc.find("-->", i + 4);
            if (end == std::string::npos) throw XmlError("unterminated comment");
            i = end + 3;
            continue;
        }
        if (doc.compare(i, 2, "</") == 0) {
            i += 2;
            const std::string name = read_name();
            skip_ws();
            if (i >= doc.size() || doc[i] != '>') throw XmlError("bad end tag </" + name);
            ++i;
            if (open.empty() || out[static_cast<size_t>(open.back())].name != name)
                throw XmlError("end tag </" + name + "> does not match");
            open.pop_back();
            if (open.empty()) root_done = true;
            continue;
        }
        ++i;
        if (root_done) throw XmlError("a second root element");
        Element e;
        e.name = read_name();
        e.parent = open.empty() ? -1 : open.back();
        bool self_closing = false;
        for (;;) {
            const size_t before = i;
            skip_ws();
            if (i >= doc.size()) throw XmlError("unterminated tag <" + e.name);
            if (doc[i] == '>') {
                ++i;
                break;
            }
            if (doc.compare(i, 2, "/>") == 0) {
                i += 2;
                self_closing = true;
                break;
            }
            if (i == before) throw XmlError("no space before an attribute of <" + e.name);
            const std::string attr = read_name();
            skip_ws();
            if (i >= doc.size() || doc[i] != '=') throw XmlError("attribute " + attr + " without '='");
            ++i;
            skip_ws();
            if (i >= doc.size() || (doc[i] != '"' && doc[i] != '\''))
                throw XmlError("unquoted attribute " + attr);
            const char q = doc[i++];
            const auto end = doc.find(q, i);
            if (end == std::string::npos) throw XmlError("unterminated attribute " + attr);
            if (!e.attrs.emplace(attr, unescape(doc.substr(i, end - i))).second)
                throw XmlError("duplicate attribute " + attr);
            i = end + 1;
        }
        const int index = static_cast<int>(out.size());
        if (e.parent >= 0) out[static_cast<size_t>(e.parent)].children.push_back(index);
        out.push_back(std::move(e));
        if (self_closing) {
            if (open.empty()) root_done = true;
        } else {
            open.push_back(index);
        }
    }
    if (!open.empty()) throw XmlError("unclosed <" + out[static_cast<size_t>(open.back())].name + ">");
    if (out.empty()) throw XmlError("no root element");
    return out;
}

std::vector<std::string> classes(const Element& e) {
    std::vector<std::string> out;
    const auto it = e.attrs.find("class");
    if (it == e.attrs.end()) return out;
    size_t start = 0;
    const std::string& s = it->second;
    while (start < s.size()) {
        auto end = s.find(' ', start);
        if (end == std::string::npos) end = s.size();
        if (end > start) out.push_back(s.substr(start, end - start));
        start = end + 1;
    }
    return out;
}

bool has_class(const Element& e, const std::string& c) {
    const auto cs = classes(e);
    return std::find(cs.begin(), cs.end(), c) != cs.end();
}

/// Elements named `name` (any, when empty) with class `cls`, and data-height `height` when given.
std::vector<const Element*> find(const std::vector<Element>& doc, const std::string& name,
                                 const std::string& cls, std::optional<uint64_t> height = std::nullopt) {
    std::vector<const Element*> out;
    for (const auto& e : doc) {
        if (!name.empty() && e.name != name) continue;
        if (!has_class(e, cls)) continue;
        if (height) {
            const auto it = e.attrs.find("data-height");
            if (it == e.attrs.end() || it->second != std::to_string(*height)) continue;
        }
        out.push_back(&e);
    }
    return out;
}

double number(const Element& e, const std::string& attr) {
    const auto it = e.attrs.find(attr);
    REQUIRE_MESSAGE(it != e.attrs.end(), "<" << e.name << "> has no " << attr);
    char* end = nullptr;
    const double v = std::strtod(it->second.c_str(), &end);
    REQUIRE_MESSAGE(*end == '\0', attr << "=\"" << it->second << "\" is not a number");
    return v;
}

/// The attributes that hold numbers or lists of numbers; each must be finite numbers only.
void check_numeric_attributes(const std::vector<Element>& doc) {
    static const std::set<std::string> numeric = {"x",
                                                  "y",
                                                  "x1",
                                                  "y1",
                                                  "x2",
                                                  "y2",
                                                  "cx",
                                                  "cy",
                                                  "r",
                                                  "width",
                                                  "height",
                                                  "points",
                                                  "d",
                                                  "transform",
                                                  "viewBox",
                                                  "stroke-width",
                                                  "font-size",
                                                  "opacity",
                                                  "stroke-opacity",
                                                  "stroke-dasharray"};
    for (const auto& e : doc) {
        for (const auto& [name, value] : e.attrs) {
            if (!numeric.count(name)) continue;
            INFO("<" << e.name << " " << name << "=\"" << value << "\">");
            std::string lower = value;
            for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            CHECK(lower.find("nan") == std::string::npos);
            CHECK(lower.find("inf") == std::string::npos);
            // Tokens: numbers, the path commands M L Z and rotate( ).
            std::string token;
            auto flush = [&] {
                if (token == "rotate" || token == "Z") token.clear();
                if (!token.empty() && (token[0] == 'M' || token[0] == 'L')) token.erase(0, 1);  // "M12.5"
                if (token.empty()) return;
                char* end = nullptr;
                const double v = std::strtod(token.c_str(), &end);
                CHECK_MESSAGE(*end == '\0', "'" << token << "' is not a number");
                CHECK(std::isfinite(v));
                token.clear();
            };
            for (const char c : value) {
                if (c == ' ' || c == ',' || c == '(' || c == ')')
                    flush();
                else
                    token += c;
            }
            flush();
        }
    }
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
    for (const auto& e : doc) {
        CHECK(e.name != "script");
        CHECK(e.name != "image");
        CHECK(e.name != "foreignObject");
        for (const auto& [k, v] : e.attrs) {
            CHECK(k.rfind("on", 0) != 0);  // no event handlers
            CHECK(k.find("href") == std::string::npos);
        }
    }
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
