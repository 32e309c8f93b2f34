// tests/support/shared_support.hpp - what the runtime, training and CLI tests share: temporary directories,
// running the real `trainchain` binary with its output and exit code captured, and a minimal XML
// parser for checking the SVG documents.
#pragma once

#include <doctest/doctest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace trainchain::test {

/// A fresh temporary directory, removed with everything in it at the end of the scope.
struct TempDir {
    std::filesystem::path path;
    explicit TempDir(const std::filesystem::path& root = std::filesystem::temp_directory_path()) {
        std::string tmpl = (root / "trainchain-test-XXXXXX").string();
        const char* made = mkdtemp(tmpl.data());
        REQUIRE(made != nullptr);
        path = made;
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    std::filesystem::path operator/(const std::string& name) const { return path / name; }
};

/// What a run of the CLI printed and how it exited.
struct Run {
    int exit_code;
    std::string out, err;
};

/// Runs `bin args` (args shell-quoted by the caller); captures stdout, stderr and the exit code
/// (-1 when it did not exit normally, e.g. killed by a signal).
inline Run run_binary(const std::string& bin, const std::string& args) {
    char tmpl[] = "/tmp/trainchain-err-XXXXXX";
    const int fd = mkstemp(tmpl);
    REQUIRE(fd >= 0);
    close(fd);
    const std::string cmd = bin + " " + args + " 2>" + tmpl;
    FILE* p = popen(cmd.c_str(), "r");
    REQUIRE(p != nullptr);
    Run r{-1, {}, {}};
    char buf[4096];
    while (const size_t n = fread(buf, 1, sizeof buf, p)) r.out.append(buf, n);
    const int status = pclose(p);
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    std::ifstream e(tmpl);
    r.err.assign(std::istreambuf_iterator<char>(e), {});
    std::filesystem::remove(tmpl);
    return r;
}

/// `s` in single quotes for the shell (the tests' own paths and arguments hold no quote).
inline std::string quote(const std::string& s) { return "'" + s + "'"; }
inline std::string quote(const char* s) { return quote(std::string(s)); }
inline std::string quote(const std::filesystem::path& p) { return quote(p.string()); }

inline int count_lines(const std::string& s) {
    return static_cast<int>(std::count(s.begin(), s.end(), '\n'));
}

/// Bad input as the CLI reports it: exit code 2, nothing on stdout, one line on stderr that
/// contains `needle`.
inline void check_bad_input(const Run& r, const std::string& needle) {
    INFO("stdout: " << r.out);
    INFO("stderr: " << r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
    CHECK(count_lines(r.err) == 1);
    CHECK(r.err.find(needle) != std::string::npos);
}

/// The whole file as text (empty when it cannot be read).
inline std::string read_text(const std::filesystem::path& p) {
    std::ifstream f(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(f), {}};
}

// ---- a minimal XML parser: enough to prove an SVG document well-formed and to query it ----

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
inline std::string unescape(const std::string& s) {
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

inline bool name_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == ':' || c == '.';
}

/// Every element of the document, in document order (the root first). Throws XmlError when the
/// document is not well-formed: unbalanced or mismatched tags, bad attributes, bad entities,
/// text outside the root, control characters.
inline std::vector<Element> parse_xml(const std::string& doc) {
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

inline std::vector<std::string> classes(const Element& e) {
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

inline bool has_class(const Element& e, const std::string& c) {
    const auto cs = classes(e);
    return std::find(cs.begin(), cs.end(), c) != cs.end();
}

/// Elements named `name` (any, when empty) with class `cls` (any, when empty), in document order;
/// only those whose attribute `attr` is `value` when `attr` is given.
inline std::vector<const Element*> find_elements(const std::vector<Element>& doc, const std::string& name,
                                                 const std::string& cls, const std::string& attr = {},
                                                 const std::string& value = {}) {
    std::vector<const Element*> out;
    for (const auto& e : doc) {
        if (!name.empty() && e.name != name) continue;
        if (!cls.empty() && !has_class(e, cls)) continue;
        if (!attr.empty()) {
            const auto it = e.attrs.find(attr);
            if (it == e.attrs.end() || it->second != value) continue;
        }
        out.push_back(&e);
    }
    return out;
}

/// The first child of `e` named `name`, or nullptr.
inline const Element* child(const std::vector<Element>& doc, const Element& e, const std::string& name) {
    for (const int i : e.children)
        if (doc[static_cast<size_t>(i)].name == name) return &doc[static_cast<size_t>(i)];
    return nullptr;
}

inline double number(const Element& e, const std::string& attr) {
    const auto it = e.attrs.find(attr);
    REQUIRE_MESSAGE(it != e.attrs.end(), "<" << e.name << "> has no " << attr);
    char* end = nullptr;
    const double v = std::strtod(it->second.c_str(), &end);
    REQUIRE_MESSAGE(*end == '\0', attr << "=\"" << it->second << "\" is not a number");
    return v;
}

/// No scripts, images, foreign objects, event handlers or links: a document that needs nothing else.
inline void check_self_contained(const std::vector<Element>& doc) {
    for (const auto& e : doc) {
        CHECK(e.name != "script");
        CHECK(e.name != "image");
        CHECK(e.name != "foreignObject");
        for (const auto& [k, v] : e.attrs) {
            CHECK(k.rfind("on", 0) != 0);  // no event handlers
            CHECK(k.find("href") == std::string::npos);
        }
    }
}

/// The attributes that hold numbers or lists of numbers; each must be finite numbers only.
inline void check_numeric_attributes(const std::vector<Element>& doc) {
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
                                                  "fill-opacity",
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

}  // namespace trainchain::test
