// compiler/src/abi.cpp - ABI type names, signatures, selectors, and text <-> ABI encoding.
#include "trainchain/compiler/abi.hpp"

#include <boost/multiprecision/cpp_int.hpp>
#include <cctype>

#include "trainchain/vm/hex.hpp"
#include "trainchain/vm/keccak.hpp"

namespace trainchain::compiler::abi {
namespace {

using boost::multiprecision::cpp_int;

std::string trim(std::string_view s) {
    size_t b = 0, e = s.size();
    while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
    while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
    return std::string(s.substr(b, e - b));
}

/// Parses the decimal digits of `s` (1..maxv); nullopt when not a plain number in range.
std::optional<unsigned> small_number(std::string_view s, unsigned maxv) {
    if (s.empty() || s.size() > 5 || s[0] == '0') return std::nullopt;
    unsigned v = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return std::nullopt;
        v = v * 10 + static_cast<unsigned>(c - '0');
    }
    if (v == 0 || v > maxv) return std::nullopt;
    return v;
}

std::optional<Type> elementary(std::string_view s) {
    Type t;
    auto sized = [&](std::string_view prefix, Type::Kind kind) -> std::optional<Type> {
        if (s.substr(0, prefix.size()) != prefix) return std::nullopt;
        const auto rest = s.substr(prefix.size());
        t.kind = kind;
        if (rest.empty()) {
            t.bits = 256;
            return t;
        }
        const auto n = small_number(rest, 256);
        if (!n || *n % 8 != 0) return std::nullopt;
        t.bits = *n;
        return t;
    };
    if (s == "address") return Type{Type::Kind::Address, 160, {}, {}, {}};
    if (s == "bool") return Type{Type::Kind::Bool, 8, {}, {}, {}};
    if (s == "string") return Type{Type::Kind::String, 0, {}, {}, {}};
    if (s == "bytes") return Type{Type::Kind::Bytes, 0, {}, {}, {}};
    if (s.substr(0, 5) == "bytes") {
        const auto n = small_number(s.substr(5), 32);
        if (!n) return std::nullopt;
        return Type{Type::Kind::FixedBytes, *n * 8, {}, {}, {}};
    }
    if (auto u = sized("uint", Type::Kind::Uint)) return u;
    if (auto i = sized("int", Type::Kind::Int)) return i;
    return std::nullopt;
}

}  // namespace

std::string Type::canonical() const {
    switch (kind) {
        case Kind::Uint:
            return "uint" + std::to_string(bits);
        case Kind::Int:
            return "int" + std::to_string(bits);
        case Kind::Address:
            return "address";
        case Kind::Bool:
            return "bool";
        case Kind::FixedBytes:
            return "bytes" + std::to_string(bits / 8);
        case Kind::Bytes:
            return "bytes";
        case Kind::String:
            return "string";
        case Kind::Array:
            return element->canonical() + "[" + (length ? std::to_string(*length) : std::string{}) + "]";
        case Kind::Tuple: {
            std::string out = "(";
            for (size_t i = 0; i < components.size(); ++i) out += (i ? "," : "") + components[i].canonical();
            return out + ")";
        }
    }
    return "?";
}

bool Type::dynamic() const {
    if (kind == Kind::Bytes || kind == Kind::String) return true;
    if (kind == Kind::Array) return !length || element->dynamic();
    if (kind == Kind::Tuple)
        for (const auto& c : components)
            if (c.dynamic()) return true;
    return false;
}

size_t Type::head_size() const {
    if (kind == Kind::Array && length && !element->dynamic()) return *length * element->head_size();
    if (kind == Kind::Tuple && !dynamic()) {
        size_t n = 0;
        for (const auto& c : components) n += c.head_size();
        return n;
    }
    return 32;
}

/// Splits a comma-separated list at its top level (commas inside parentheses stay).
std::vector<std::string_view> split_top_level(std::string_view s) {
    std::vector<std::string_view> out;
    int depth = 0;
    size_t start = 0;
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '(') ++depth;
        if (s[i] == ')') --depth;
        if (s[i] == ',' && depth == 0) {
            out.push_back(s.substr(start, i - start));
            start = i + 1;
        }
    }
    out.push_back(s.substr(start));
    return out;
}

Result<Type> parse_type_at(std::string_view text, int depth);

/// `(T1,T2,...)`: the part of `s` before its array suffixes.
Result<Type> parse_tuple(const std::string& s, size_t close, int depth) {
    Type t;
    t.kind = Type::Kind::Tuple;
    const auto inner = std::string_view(s).substr(1, close - 1);
    if (trim(inner).empty()) return {std::nullopt, "empty tuple type in '" + s + "'"};
    for (const auto piece : split_top_level(inner)) {
        auto c = parse_type_at(piece, depth + 1);
        if (!c) return c;
        t.components.push_back(*c.value);
    }
    return {t, {}};
}

Result<Type> parse_type(std::string_view text) { return parse_type_at(text, 0); }

Result<Type> parse_type_at(std::string_view text, int depth) {
    const std::string s = trim(text);
    if (depth > 32) return {std::nullopt, "ABI type nested too deep: '" + s + "'"};
    // Array suffixes apply left to right: uint8[2][] is a dynamic array of uint8[2].
    size_t bracket = s.find('[');
    Type t;
    if (!s.empty() && s[0] == '(') {
        int level = 0;
        size_t close = std::string::npos;
        for (size_t i = 0; i < s.size(); ++i) {
            if (s[i] == '(') ++level;
            if (s[i] == ')' && --level == 0) {
                close = i;
                break;
            }
        }
        if (close == std::string::npos) return {std::nullopt, "malformed tuple type '" + s + "'"};
        auto tuple = parse_tuple(s, close, depth);
        if (!tuple) return tuple;
        t = *tuple.value;
        bracket = close + 1 < s.size() ? close + 1 : std::string::npos;
    } else {
        auto base = elementary(std::string_view(s).substr(0, bracket));
        if (!base) return {std::nullopt, "unknown ABI type '" + s + "'"};
        t = *base;
    }
    size_t pos = bracket;
    while (pos != std::string::npos && pos < s.size()) {
        const size_t close = s.find(']', pos);
        if (s[pos] != '[' || close == std::string::npos)
            return {std::nullopt, "malformed array type '" + s + "'"};
        Type arr;
        arr.kind = Type::Kind::Array;
        arr.element = std::make_shared<const Type>(t);
        const auto inner = std::string_view(s).substr(pos + 1, close - pos - 1);
        if (!inner.empty()) {
            const auto n = small_number(inner, 65535);
            if (!n) return {std::nullopt, "bad array length in '" + s + "'"};
            arr.length = *n;
        }
        t = arr;
        pos = close + 1;
    }
    return {t, {}};
}

std::string Signature::canonical() const {
    std::string out = name + "(";
    for (size_t i = 0; i < params.size(); ++i) out += (i ? "," : "") + params[i].canonical();
    return out + ")";
}

std::array<uint8_t, 4> selector(std::string_view canonical_signature) {
    const auto h = vm::keccak256(
        {reinterpret_cast<const uint8_t*>(canonical_signature.data()), canonical_signature.size()});
    return {h.bytes[0], h.bytes[1], h.bytes[2], h.bytes[3]};
}

std::array<uint8_t, 4> Signature::selector() const { return abi::selector(canonical()); }

Result<Signature> parse_signature(std::string_view text) {
    const std::string s = trim(text);
    const size_t open = s.find('(');
    if (open == std::string::npos || s.back() != ')')
        return {std::nullopt, "signature '" + s + "' must look like name(type1,type2)"};
    Signature sig;
    sig.name = trim(std::string_view(s).substr(0, open));
    if (sig.name.empty() || !(std::isalpha(static_cast<unsigned char>(sig.name[0])) || sig.name[0] == '_'))
        return {std::nullopt, "signature '" + s + "' has no valid function name"};
    for (char c : sig.name)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$'))
            return {std::nullopt, "signature '" + s + "' has no valid function name"};
    const auto inner = std::string_view(s).substr(open + 1, s.size() - open - 2);
    if (!trim(inner).empty()) {
        for (const auto piece : split_top_level(inner)) {
            auto t = parse_type(piece);
            if (!t) return {std::nullopt, t.error};
            sig.params.push_back(*t.value);
        }
    }
    return {sig, {}};
}

// ---- encoding ----------------------------------------------------------------------------------

namespace {

using Word = std::array<uint8_t, 32>;

Word word_of(const cpp_int& v) {  // v in [0, 2^256)
    Word w{};
    cpp_int x = v;
    for (int i = 31; i >= 0 && x != 0; --i) {
        w[static_cast<size_t>(i)] = static_cast<uint8_t>(static_cast<unsigned>(x & 0xff));
        x >>= 8;
    }
    return w;
}

/// Parses an integer written in decimal or 0x-hex, with an optional leading minus.
std::optional<cpp_int> parse_integer(std::string_view s) {
    bool negative = false;
    if (!s.empty() && s[0] == '-') {
        negative = true;
        s.remove_prefix(1);
    }
    if (s.empty()) return std::nullopt;
    cpp_int v = 0;
    if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        for (char c : s.substr(2)) {
            int d = std::isdigit(static_cast<unsigned char>(c)) ? c - '0'
                    : (c >= 'a' && c <= 'f')                    ? c - 'a' + 10
                    : (c >= 'A' && c <= 'F')                    ? c - 'A' + 10
                                                                : -1;
            if (d < 0) return std::nullopt;
            v = v * 16 + d;
        }
    } else {
        for (char c : s) {
            if (c == '_') continue;
            if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
            v = v * 10 + (c - '0');
        }
    }
    return negative ? cpp_int(-v) : v;
}

/// Splits `[a,b,[c,d]]` into its top-level elements.
std::optional<std::vector<std::string>> split_array(std::string_view s) {
    const std::string t = trim(s);
    if (t.size() < 2 || t.front() != '[' || t.back() != ']') return std::nullopt;
    std::vector<std::string> out;
    const std::string_view inner = std::string_view(t).substr(1, t.size() - 2);
    if (trim(inner).empty()) return out;
    int depth = 0;
    bool quoted = false;
    size_t start = 0;
    for (size_t i = 0; i < inner.size(); ++i) {
        const char c = inner[i];
        if (c == '"' && (i == 0 || inner[i - 1] != '\\')) quoted = !quoted;
        if (quoted) continue;
        if (c == '[') ++depth;
        if (c == ']') --depth;
        if (c == ',' && depth == 0) {
            out.push_back(trim(inner.substr(start, i - start)));
            start = i + 1;
        }
    }
    out.push_back(trim(inner.substr(start)));
    return out;
}

struct Encoder {
    std::string error;

    /// Encodes one value; static types produce their head, dynamic ones their tail.
    std::optional<vm::bytes> value(const Type& t, const std::string& text) {
        const std::string s = trim(text);
        vm::bytes out;
        auto put = [&](const Word& w) { out.insert(out.end(), w.begin(), w.end()); };
        switch (t.kind) {
            case Type::Kind::Uint:
            case Type::Kind::Int: {
                auto v = parse_integer(s);
                if (!v) return fail("'" + s + "' is not an integer");
                const cpp_int one = 1;
                if (t.kind == Type::Kind::Uint) {
                    if (*v < 0 || *v >= (one << t.bits))
                        return fail("'" + s + "' does not fit in " + t.canonical());
                } else {
                    if (*v < -(one << (t.bits - 1)) || *v >= (one << (t.bits - 1)))
                        return fail("'" + s + "' does not fit in " + t.canonical());
                    if (*v < 0) *v += one << 256;
                }
                put(word_of(*v));
                return out;
            }
            case Type::Kind::Bool:
                if (s != "true" && s != "false") return fail("'" + s + "' is not true or false");
                put(word_of(s == "true" ? 1 : 0));
                return out;
            case Type::Kind::Address: {
                if (s.size() != 42 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
                    return fail("'" + s + "' is not an address (0x and 40 hex digits)");
                auto v = parse_integer(s);
                if (!v) return fail("'" + s + "' is not an address (0x and 40 hex digits)");
                put(word_of(*v));
                return out;
            }
            case Type::Kind::FixedBytes:
            case Type::Kind::Bytes: {
                auto b = vm::from_hex(s);
                if (!b || s.size() < 2 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
                    return fail("'" + s + "' is not 0x-prefixed hex");
                const auto& data = *b.value;
                if (t.kind == Type::Kind::FixedBytes) {
                    if (data.size() > t.bits / 8) return fail("'" + s + "' is longer than " + t.canonical());
                    Word w{};
                    std::copy(data.begin(), data.end(), w.begin());
                    put(w);
                    return out;
                }
                return bytes_tail(data);
            }
            case Type::Kind::String: {
                std::string v = s;
                if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
                return bytes_tail(vm::bytes(v.begin(), v.end()));
            }
            case Type::Kind::Array: {
                auto items = split_array(s);
                if (!items) return fail("'" + s + "' is not an array ([v1,v2,...])");
                if (t.length && items->size() != *t.length)
                    return fail("'" + s + "' has " + std::to_string(items->size()) + " elements, " +
                                t.canonical() + " needs " + std::to_string(*t.length));
                std::vector<Type> types(items->size(), *t.element);
                auto body = tuple(types, *items);
                if (!body) return std::nullopt;
                if (!t.length) put(word_of(items->size()));
                out.insert(out.end(), body->begin(), body->end());
                return out;
            }
            case Type::Kind::Tuple: {
                auto items = split_array(s);
                if (!items) return fail("'" + s + "' is not a tuple ([v1,v2,...])");
                if (items->size() != t.components.size())
                    return fail("'" + s + "' has " + std::to_string(items->size()) + " components, " +
                                t.canonical() + " needs " + std::to_string(t.components.size()));
                return tuple(t.components, *items);
            }
        }
        return fail("unsupported type");
    }

    std::optional<vm::bytes> bytes_tail(const vm::bytes& data) {
        vm::bytes out;
        const auto len = word_of(data.size());
        out.insert(out.end(), len.begin(), len.end());
        out.insert(out.end(), data.begin(), data.end());
        out.resize(32 + (data.size() + 31) / 32 * 32, 0);
        return out;
    }

    /// Head/tail encoding of a sequence of values.
    std::optional<vm::bytes> tuple(const std::vector<Type>& types, const std::vector<std::string>& values) {
        size_t head = 0;
        for (const auto& t : types) head += t.head_size();
        vm::bytes heads, tails;
        for (size_t i = 0; i < types.size(); ++i) {
            auto v = value(types[i], values[i]);
            if (!v) return std::nullopt;
            if (types[i].dynamic()) {
                const auto off = word_of(head + tails.size());
                heads.insert(heads.end(), off.begin(), off.end());
                tails.insert(tails.end(), v->begin(), v->end());
            } else {
                heads.insert(heads.end(), v->begin(), v->end());
            }
        }
        heads.insert(heads.end(), tails.begin(), tails.end());
        return heads;
    }

    std::nullopt_t fail(std::string message) {
        if (error.empty()) error = std::move(message);
        return std::nullopt;
    }
};

// ---- decoding ----------------------------------------------------------------------------------

struct Decoder {
    vm::bytes_view data;
    std::string error;

    std::optional<cpp_int> word(size_t at) {
        if (at + 32 > data.size() || at + 32 < at)
            return fail_int("data too short at byte " + std::to_string(at));
        cpp_int v = 0;
        for (size_t i = 0; i < 32; ++i) v = (v << 8) | data[at + i];
        return v;
    }

    std::optional<size_t> offset(size_t at) {
        auto w = word(at);
        if (!w) return std::nullopt;
        if (*w > data.size()) {
            error = "offset at byte " + std::to_string(at) + " points outside the data";
            return std::nullopt;
        }
        return static_cast<size_t>(*w);
    }

    /// Decodes the value whose head starts at `at`; `base` is where the enclosing tuple starts.
    std::optional<std::string> value(const Type& t, size_t base, size_t at) {
        if (t.dynamic()) {
            auto off = offset(at);
            if (!off) return std::nullopt;
            return tail(t, base + *off);
        }
        return fixed(t, at);
    }

    std::optional<std::string> fixed(const Type& t, size_t at) {
        if (t.kind == Type::Kind::Array) {
            std::vector<Type> types(*t.length, *t.element);
            return list(types, at);
        }
        if (t.kind == Type::Kind::Tuple) return list(t.components, at);
        auto w = word(at);
        if (!w) return std::nullopt;
        const cpp_int one = 1;
        switch (t.kind) {
            case Type::Kind::Uint:
                return w->str();
            case Type::Kind::Int:
                return (*w >= (one << 255) ? cpp_int(*w - (one << 256)) : *w).str();
            case Type::Kind::Bool:
                return std::string(*w != 0 ? "true" : "false");
            case Type::Kind::Address: {
                std::string hex = vm::to_hex(data.subspan(at + 12, 20));
                return "0x" + hex;
            }
            case Type::Kind::FixedBytes:
                return "0x" + vm::to_hex(data.subspan(at, t.bits / 8));
            default:
                return std::nullopt;
        }
    }

    std::optional<std::string> tail(const Type& t, size_t at) {
        if (t.kind == Type::Kind::Array && t.length) {  // a fixed-size array of dynamic elements
            std::vector<Type> types(*t.length, *t.element);
            return list(types, at);
        }
        if (t.kind == Type::Kind::Tuple) return list(t.components, at);
        auto n = word(at);
        if (!n) return std::nullopt;
        if (*n > data.size()) return fail_str("length at byte " + std::to_string(at) + " exceeds the data");
        const auto len = static_cast<size_t>(*n);
        if (t.kind == Type::Kind::Array) {
            std::vector<Type> types(len, *t.element);
            return list(types, at + 32);
        }
        if (at + 32 + len > data.size())
            return fail_str("data too short for the bytes at " + std::to_string(at));
        const auto body = data.subspan(at + 32, len);
        if (t.kind == Type::Kind::Bytes) return "0x" + vm::to_hex(body);
        std::string s = "\"";
        for (uint8_t c : body) {
            if (c == '"' || c == '\\') s += '\\';
            if (c < 0x20) {
                static constexpr char digits[] = "0123456789abcdef";
                s += "\\u00";
                s += digits[c >> 4];
                s += digits[c & 15];
            } else {
                s += static_cast<char>(c);
            }
        }
        return s + "\"";
    }

    std::optional<std::string> list(const std::vector<Type>& types, size_t base) {
        std::string out = "[";
        size_t at = base;
        for (size_t i = 0; i < types.size(); ++i) {
            auto v = value(types[i], base, at);
            if (!v) return std::nullopt;
            out += (i ? "," : "") + *v;
            at += types[i].head_size();
        }
        return out + "]";
    }

    std::optional<cpp_int> fail_int(std::string message) {
        if (error.empty()) error = std::move(message);
        return std::nullopt;
    }
    std::optional<std::string> fail_str(std::string message) {
        if (error.empty()) error = std::move(message);
        return std::nullopt;
    }
};

}  // namespace

Result<vm::bytes> encode(const std::vector<Type>& types, const std::vector<std::string>& values) {
    if (types.size() != values.size())
        return {std::nullopt, "expected " + std::to_string(types.size()) + " argument(s), got " +
                                  std::to_string(values.size())};
    Encoder e;
    for (size_t i = 0; i < types.size(); ++i) {
        e.error.clear();
        if (!e.value(types[i], values[i]))
            return {std::nullopt,
                    "argument " + std::to_string(i + 1) + " (" + types[i].canonical() + "): " + e.error};
    }
    e.error.clear();
    auto out = e.tuple(types, values);
    if (!out) return {std::nullopt, e.error};
    return {std::move(*out), {}};
}

Result<std::vector<std::string>> decode(const std::vector<Type>& types, vm::bytes_view data) {
    Decoder d{data, {}};
    std::vector<std::string> out;
    size_t at = 0;
    for (const auto& t : types) {
        auto v = d.value(t, 0, at);
        if (!v) return {std::nullopt, d.error.empty() ? "malformed data" : d.error};
        out.push_back(std::move(*v));
        at += t.head_size();
    }
    return {std::move(out), {}};
}

}  // namespace trainchain::compiler::abi
