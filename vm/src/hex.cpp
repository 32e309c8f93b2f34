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

}  // namespace

ParseResult<bytes> from_hex(std::string_view text) {
    size_t begin = 0, end = text.size();
    while (begin < end && is_space(text[begin])) ++begin;
    while (end > begin && is_space(text[end - 1])) --end;
    if (end - begin >= 2 && text[begin] == '0' && (text[begin + 1] == 'x' || text[begin + 1] == 'X'))
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
    out.reserve((end - begin) / 2);
    for (size_t i = begin; i < end; i += 2) {
        const int hi = hex_value(text[i]);
        if (hi < 0) return at(i, "invalid hex digit '" + std::string(1, text[i]) + "'");
        if (i + 1 == end)
            return at(i, "odd number of hex digits (" + std::to_string(end - begin) + ")");
        const int lo = hex_value(text[i + 1]);
        if (lo < 0) return at(i + 1, "invalid hex digit '" + std::string(1, text[i + 1]) + "'");
        out.push_back(static_cast<uint8_t>(hi << 4 | lo));
    }
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

}  // namespace trainchain::vm
