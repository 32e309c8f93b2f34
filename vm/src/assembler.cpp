// vm/src/assembler.cpp - the assembler (two passes: emit, then patch label references) and the
// disassembler, both driven by the opcode table.
#include "trainchain/vm/assembler.hpp"

#include <map>
#include <vector>

#include "trainchain/vm/opcodes.hpp"

namespace trainchain::vm {
namespace {

struct Token {
    std::string_view text;
    size_t line;
    size_t column;
};

/// Splits source into tokens, dropping comments.
std::vector<Token> tokenize(std::string_view src) {
    std::vector<Token> tokens;
    size_t line = 1, col = 1;
    size_t i = 0;
    while (i < src.size()) {
        const char c = src[i];
        if (c == '\n') {
            ++line, col = 1, ++i;
        } else if (c == ' ' || c == '\t' || c == '\r' || c == ',') {
            ++col, ++i;
        } else if (c == ';' || (c == '/' && i + 1 < src.size() && src[i + 1] == '/')) {
            while (i < src.size() && src[i] != '\n') ++i;
        } else {
            const size_t start = i, start_col = col;
            while (i < src.size() && src[i] != ' ' && src[i] != '\t' && src[i] != '\n' && src[i] != '\r' &&
                   src[i] != ';' && src[i] != ',')
                ++i, ++col;
            tokens.push_back({src.substr(start, i - start), line, start_col});
        }
    }
    return tokens;
}

ParseResult<bytes> fail(const Token& t, std::string message) {
    return {std::nullopt, {t.line, t.column, std::move(message)}};
}

struct Fixup {
    size_t position;  // where the immediate starts
    size_t width;     // immediate bytes
    Token label;
};

}  // namespace

ParseResult<bytes> assemble(std::string_view source) {
    const auto tokens = tokenize(source);
    bytes code;
    std::map<std::string, size_t, std::less<>> labels;
    std::vector<Fixup> fixups;

    for (size_t i = 0; i < tokens.size(); ++i) {
        const Token& t = tokens[i];
        if (t.text.size() > 1 && t.text.back() == ':') {
            const std::string name(t.text.substr(0, t.text.size() - 1));
            if (!labels.emplace(name, code.size()).second)
                return fail(t, "label '" + name + "' defined twice");
            continue;
        }
        if (t.text == ".bytes") {
            if (i + 1 == tokens.size()) return fail(t, "'.bytes' needs hex data");
            const Token& d = tokens[++i];
            const auto data = from_hex(d.text);
            if (!data) return fail({d.text, d.line, d.column + data.error.column - 1}, data.error.message);
            code.insert(code.end(), data.value->begin(), data.value->end());
            continue;
        }
        const bool auto_push = t.text == "PUSH" || t.text == "push";
        const auto op = auto_push ? std::optional<uint8_t>{0x60} : find_opcode(t.text);
        if (!op) return fail(t, "unknown mnemonic '" + std::string(t.text) + "'");
        size_t width = opcode_infos[*op].immediate_size;
        if (width == 0 && !auto_push) {
            code.push_back(*op);
            continue;
        }
        if (i + 1 == tokens.size()) return fail(t, "'" + std::string(t.text) + "' needs an immediate value");
        const Token& imm = tokens[++i];
        if (imm.text.starts_with('@')) {
            if (auto_push) width = 2;
            code.push_back(static_cast<uint8_t>(0x60 + width - 1));
            fixups.push_back({code.size(), width, {imm.text.substr(1), imm.line, imm.column}});
            code.resize(code.size() + width, 0);
            continue;
        }
        const auto value = uint256::parse(imm.text);
        if (!value) return fail(imm, "invalid immediate '" + std::string(imm.text) + "'");
        const size_t needed = std::max<size_t>(1, significant_bytes(*value));
        if (auto_push) width = needed;
        // Leading zeros do not widen PUSH: `PUSH 0x0001` is PUSH1; `PUSH2 0x0001` keeps 2 bytes.
        if (needed > width)
            return fail(imm, "immediate " + std::string(imm.text) + " does not fit in " +
                                 std::string(opcode_infos[*op].name) + " (" + std::to_string(width) +
                                 " bytes)");
        code.push_back(static_cast<uint8_t>(0x60 + width - 1));
        uint8_t be[32];
        value->to_be(be);
        code.insert(code.end(), be + 32 - width, be + 32);
    }
    for (const auto& f : fixups) {
        const auto it = labels.find(f.label.text);
        if (it == labels.end()) return fail(f.label, "undefined label '" + std::string(f.label.text) + "'");
        const uint256 pos{it->second};
        if (significant_bytes(pos) > f.width)
            return fail(f.label, "label offset does not fit in " + std::to_string(f.width) + " bytes");
        uint8_t be[32];
        pos.to_be(be);
        std::copy(be + 32 - f.width, be + 32, code.begin() + static_cast<std::ptrdiff_t>(f.position));
    }
    return {std::move(code), {}};
}

std::string disassemble(bytes_view code) {
    std::string out;
    for (size_t pc = 0; pc < code.size();) {
        const uint8_t op = code[pc];
        const auto& info = opcode_infos[op];
        if (!info.defined()) {
            out += ".bytes 0x" + to_hex(code.subspan(pc, 1)) + "\n";
            ++pc;
            continue;
        }
        const size_t imm = info.immediate_size;
        if (pc + 1 + imm > code.size()) {  // truncated PUSH at the end of the code
            out += ".bytes 0x" + to_hex(code.subspan(pc)) + "  ; truncated " + std::string(info.name) + ": " +
                   std::to_string(code.size() - pc - 1) + " of " + std::to_string(imm) + " immediate bytes\n";
            break;
        }
        out += info.name;
        if (imm != 0) out += " 0x" + to_hex(code.subspan(pc + 1, imm));
        out += "\n";
        pc += 1 + imm;
    }
    return out;
}

}  // namespace trainchain::vm
