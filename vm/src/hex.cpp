// vm/src/hex.cpp - hex decoding with positions, hex encoding.
#include "trainchain/vm/hex.hpp"

namespace trainchain::vm {
namespace {

int hex_value(char c) noexcept {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

bool is_space(char c) noexcept { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

/// A character as a diagnostic shows it: printable as itself, anything else as \xNN.
std::string shown(char c) {
    if (c >= 0x20 && c < 0x7f) return std::string(1, c);
    static constexpr char digits[] = "0123456789abcdef";
    const auto u = static_cast<unsigned char>(c);
    return std::string("\\x") + digits[u >> 4] + digits[u & 0xf];
}

}  // namespace

ParseResult<bytes> from_hex(std::string_view text) {
    size_t begin = 0;
    while (begin < text.size() && is_space(text[begin])) ++begin;
    if (text.size() - begin >= 2 && text[begin] == '0' && (text[begin + 1] == 'x' || text[begin + 1] == 'X'))
        begin += 2;
    // Line and column of a position in `text`.
    auto at = [&](size_t pos, std::string msg) {
        Diagnostic d;
        for (size_t i = 0; i < pos; ++i) {
            if (text[i] == '\n') {
                ++d.line;
                d.column = 1;
            } else {
                ++d.column;
            }
        }
        d.message = std::move(msg);
        return ParseResult<bytes>{std::nullopt, std::move(d)};
    };
    bytes out;
    out.reserve((text.size() - begin) / 2);
    size_t digits = 0;
    int high = -1;        // pending high nibble
    size_t high_pos = 0;  // where it stands
    for (size_t i = begin; i < text.size(); ++i) {
        const char c = text[i];
        if (is_space(c)) {  // whitespace may separate bytes, not split one
            if (high >= 0) {
                size_t end = i;
                while (end < text.size() && is_space(text[end])) ++end;
                if (end < text.size()) return at(i, "whitespace inside a byte");
            }
            continue;
        }
        const int v = hex_value(c);
        if (v < 0) return at(i, "invalid hex digit '" + shown(c) + "'");
        ++digits;
        if (high < 0) {
            high = v;
            high_pos = i;
        } else {
            out.push_back(static_cast<uint8_t>(high << 4 | v));
            high = -1;
        }
    }
    if (high >= 0) return at(high_pos, "odd number of hex digits (" + std::to_string(digits) + ")");
    return {std::move(out), {}};
}

std::string to_hex(bytes_view data) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string s;
    s.reserve(data.size() * 2);
    for (const uint8_t b : data) {
        s.push_back(digits[b >> 4]);
        s.push_back(digits[b & 0xf]);
    }
    return s;
}

std::string to_hex0x(bytes_view data) { return "0x" + to_hex(data); }

std::optional<bytes> parse_hex_digits(std::string_view text) {
    if (text.size() % 2) return std::nullopt;
    bytes out(text.size() / 2);
    for (size_t i = 0; i < out.size(); ++i) {
        const int high = hex_value(text[2 * i]), low = hex_value(text[2 * i + 1]);
        if (high < 0 || low < 0) return std::nullopt;
        out[i] = static_cast<uint8_t>(high << 4 | low);
    }
    return out;
}

}  // namespace trainchain::vm
