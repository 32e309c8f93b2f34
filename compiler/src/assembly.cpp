// compiler/src/assembly.cpp - the peephole optimizer and the assembler.
#include "assembly.hpp"

#include <map>
#include <optional>

#include "trainchain/vm/hex.hpp"
#include "trainchain/vm/opcodes.hpp"

namespace trainchain::compiler {
namespace {

using vm::Opcode;
using vm::uint256;

constexpr uint8_t op(Opcode o) { return static_cast<uint8_t>(o); }

bool is_op(const AsmItem& i, Opcode o) { return i.kind == AsmItem::Kind::Op && i.opcode == op(o); }

bool terminates(const AsmItem& i) {
    return i.kind == AsmItem::Kind::Op &&
           (i.opcode == op(Opcode::JUMP) || i.opcode == op(Opcode::STOP) || i.opcode == op(Opcode::RETURN) ||
            i.opcode == op(Opcode::REVERT) || i.opcode == op(Opcode::INVALID) ||
            i.opcode == op(Opcode::SELFDESTRUCT));
}

/// Folds `PUSH a, PUSH b, OP` (b on top) into one PUSH, for side-effect-free arithmetic.
std::optional<uint256> fold(uint8_t o, const uint256& a, const uint256& b) {
    // The EVM's operand order: top of stack (b) is the first operand.
    switch (static_cast<Opcode>(o)) {
        case Opcode::ADD:
            return b + a;
        case Opcode::SUB:
            return b - a;
        case Opcode::MUL:
            return b * a;
        case Opcode::DIV:
            return a == uint256{} ? uint256{} : b / a;
        case Opcode::MOD:
            return a == uint256{} ? uint256{} : b % a;
        case Opcode::AND:
            return b & a;
        case Opcode::OR:
            return b | a;
        case Opcode::XOR:
            return b ^ a;
        case Opcode::EQ:
            return uint256{b == a ? 1u : 0u};
        case Opcode::LT:
            return uint256{b < a ? 1u : 0u};
        case Opcode::GT:
            return uint256{b > a ? 1u : 0u};
        case Opcode::SHL:
            return vm::shl(a, vm::shift_amount(b));
        case Opcode::SHR:
            return vm::shr(a, vm::shift_amount(b));
        case Opcode::EXP:
            return vm::exp(b, a);
        default:
            return std::nullopt;
    }
}

/// Bytes of `PUSHn v` (PUSH1 for 0).
unsigned push_bytes(const uint256& v) { return 1 + std::max(1u, vm::significant_bytes(v)); }

/// Rewrites long constants as shorter code that computes them, as solc's constant optimizer does
/// for 200 runs: `PUSH ~v NOT` (3 more gas) when it saves at least 3 bytes, `PUSH x PUSH k SHL`
/// (6 more gas) for v = x << k when it saves at least 5 (selectors of errors and panics).
void shorten_constants(std::vector<AsmItem>& items) {
    std::vector<AsmItem> out;
    out.reserve(items.size());
    for (const auto& it : items) {
        if (it.kind != AsmItem::Kind::Push) {
            out.push_back(it);
            continue;
        }
        const unsigned plain = push_bytes(it.value);
        const uint256 inverted = ~it.value;
        if (push_bytes(inverted) + 1 + 3 <= plain) {
            AsmItem p = it;
            p.value = inverted;
            out.push_back(p);
            AsmItem n = it;
            n.kind = AsmItem::Kind::Op;
            n.opcode = op(Opcode::NOT);
            out.push_back(n);
            continue;
        }
        unsigned k = 0;
        while (k < 248 && it.value != uint256{} && (it.value & uint256{0xff} << uint256{k}) == uint256{})
            k += 8;
        const uint256 x = it.value >> uint256{k};
        if (k > 0 && push_bytes(x) + 2 + 1 + 5 <= plain) {
            AsmItem p = it;
            p.value = x;
            out.push_back(p);
            p.value = uint256{k};
            out.push_back(p);
            AsmItem n = it;
            n.kind = AsmItem::Kind::Op;
            n.opcode = op(Opcode::SHL);
            out.push_back(n);
            continue;
        }
        out.push_back(it);
    }
    items = std::move(out);
}

}  // namespace

void optimize(Assembly& a) {
    auto& items = a.items;
    bool changed = true;
    for (int round = 0; changed && round < 50; ++round) {
        changed = false;
        // Where each label is, and what the first item after it is.
        std::map<size_t, size_t> label_at;
        for (size_t i = 0; i < items.size(); ++i)
            if (items[i].kind == AsmItem::Kind::Label) label_at[items[i].label] = i;
        std::map<size_t, size_t> uses;
        for (const auto& it : items)
            if (it.kind == AsmItem::Kind::PushLabel) ++uses[it.label];

        std::vector<AsmItem> out;
        out.reserve(items.size());
        for (size_t i = 0; i < items.size(); ++i) {
            AsmItem it = items[i];
            // Unused labels vanish (a JUMPDEST costs gas).
            if (it.kind == AsmItem::Kind::Label && uses[it.label] == 0) {
                changed = true;
                continue;
            }
            // Jump threading: a jump to a label whose code is `PUSH L2 JUMP` goes to L2.
            if (it.kind == AsmItem::Kind::PushLabel && i + 1 < items.size() &&
                (is_op(items[i + 1], Opcode::JUMP) || is_op(items[i + 1], Opcode::JUMPI))) {
                auto at = label_at.find(it.label);
                if (at != label_at.end() && at->second + 2 < items.size()) {
                    const auto& n1 = items[at->second + 1];
                    const auto& n2 = items[at->second + 2];
                    if (n1.kind == AsmItem::Kind::PushLabel && is_op(n2, Opcode::JUMP) &&
                        n1.label != it.label) {
                        it.label = n1.label;
                        changed = true;
                    }
                }
            }
            out.push_back(it);
            // Code after a terminator is unreachable until the next label.
            if (terminates(it)) {
                size_t j = i + 1;
                while (j < items.size() && items[j].kind != AsmItem::Kind::Label) ++j;
                if (j != i + 1) changed = true;
                i = j - 1;
            }
            // Peephole windows on the tail of the output.
            auto n = out.size();
            auto push_value = [&](size_t k) -> std::optional<uint256> {
                if (out[k].kind == AsmItem::Kind::Push) return out[k].value;
                return std::nullopt;
            };
            if (n >= 3 && out[n - 1].kind == AsmItem::Kind::Op) {
                auto x = push_value(n - 3), y = push_value(n - 2);
                if (x && y) {
                    if (auto r = fold(out[n - 1].opcode, *x, *y)) {
                        AsmItem p = out[n - 3];
                        p.value = *r;
                        out.resize(n - 3);
                        out.push_back(p);
                        changed = true;
                        continue;
                    }
                }
            }
            n = out.size();
            if (n >= 2 && is_op(out[n - 1], Opcode::ISZERO) && out[n - 2].kind == AsmItem::Kind::Push) {
                out[n - 2].value = uint256{out[n - 2].value == uint256{} ? 1u : 0u};
                out.pop_back();
                changed = true;
                continue;
            }
            if (n >= 2 && is_op(out[n - 1], Opcode::POP) &&
                (out[n - 2].kind == AsmItem::Kind::Push || out[n - 2].kind == AsmItem::Kind::PushLabel ||
                 (out[n - 2].kind == AsmItem::Kind::Op && out[n - 2].opcode >= op(Opcode::DUP1) &&
                  out[n - 2].opcode <= op(Opcode::DUP16)))) {
                out.resize(n - 2);
                changed = true;
                continue;
            }
            if (n >= 2 && out[n - 1].kind == AsmItem::Kind::Op && out[n - 2].kind == AsmItem::Kind::Op &&
                out[n - 1].opcode == out[n - 2].opcode && out[n - 1].opcode >= op(Opcode::SWAP1) &&
                out[n - 1].opcode <= op(Opcode::SWAP16)) {
                out.resize(n - 2);
                changed = true;
                continue;
            }
            // ISZERO ISZERO JUMPI: the double negation does not change the jump.
            if (n >= 4 && is_op(out[n - 1], Opcode::JUMPI) && out[n - 2].kind == AsmItem::Kind::PushLabel &&
                is_op(out[n - 3], Opcode::ISZERO) && is_op(out[n - 4], Opcode::ISZERO)) {
                out.erase(out.end() - 4, out.end() - 2);
                changed = true;
                continue;
            }
            // A conditional jump on a constant: always (drop the condition) or never (drop all).
            if (n >= 3 && is_op(out[n - 1], Opcode::JUMPI) && out[n - 2].kind == AsmItem::Kind::PushLabel &&
                out[n - 3].kind == AsmItem::Kind::Push) {
                const bool taken = out[n - 3].value != uint256{};
                AsmItem target = out[n - 2];
                out.resize(n - 3);
                if (taken) {
                    out.push_back(target);
                    AsmItem j = target;
                    j.kind = AsmItem::Kind::Op;
                    j.opcode = op(Opcode::JUMP);
                    out.push_back(j);
                }
                changed = true;
                continue;
            }
        }
        // A jump to the label right after it is no jump.
        std::vector<AsmItem> final_items;
        final_items.reserve(out.size());
        for (size_t i = 0; i < out.size(); ++i) {
            if (i + 2 < out.size() && out[i].kind == AsmItem::Kind::PushLabel &&
                is_op(out[i + 1], Opcode::JUMP) && out[i + 2].kind == AsmItem::Kind::Label &&
                out[i + 2].label == out[i].label) {
                ++i;
                changed = true;
                continue;
            }
            final_items.push_back(out[i]);
        }
        items = std::move(final_items);
    }
    shorten_constants(items);
}

bool assemble(const Assembly& a, size_t immutable_count, const std::string& file, Assembled& out,
              std::string& error) {
    auto push_size = [](const AsmItem& it) -> size_t {
        switch (it.kind) {
            case AsmItem::Kind::Op:
                return 1;
            case AsmItem::Kind::Label:
                return 1;
            case AsmItem::Kind::Push: {
                const unsigned n = vm::significant_bytes(it.value);
                return 1 + (n == 0
                                ? 1
                                : n);  // PUSH1 0 (Shanghai's PUSH0 would do; PUSH1 keeps older forks working)
            }
            case AsmItem::Kind::PushImmutable:
                return 33;
            default:
                return 3;
        }
    };
    // First pass: offsets.
    std::vector<size_t> label_offset(a.label_count, 0);
    size_t pc = 0;
    for (const auto& it : a.items) {
        if (it.kind == AsmItem::Kind::Label) label_offset[it.label] = pc;
        pc += push_size(it);
    }
    const size_t code_size = pc;
    std::vector<size_t> data_offset;
    for (const auto& d : a.data) {
        data_offset.push_back(pc);
        pc += d.size();
    }
    const size_t program_size = pc;
    if (program_size > 0xffff) {
        error = "program of " + std::to_string(program_size) + " bytes is too large (the limit is 65535)";
        return false;
    }
    out.code.clear();
    out.code.reserve(program_size);
    out.immutable_offsets.assign(immutable_count, {});
    std::string& listing = out.listing;
    Location last{0, 0};
    auto push2 = [&](size_t v) {
        out.code.push_back(op(Opcode::PUSH2));
        out.code.push_back(static_cast<uint8_t>(v >> 8));
        out.code.push_back(static_cast<uint8_t>(v));
    };
    auto hex = [](size_t v, int width) {
        static constexpr char digits[] = "0123456789abcdef";
        std::string s(static_cast<size_t>(width), '0');
        for (int i = width - 1; i >= 0; --i, v >>= 4) s[static_cast<size_t>(i)] = digits[v & 15];
        return s;
    };
    for (const auto& it : a.items) {
        const size_t at = out.code.size();
        std::string text;
        switch (it.kind) {
            case AsmItem::Kind::Op:
                out.code.push_back(it.opcode);
                text = std::string(vm::opcode_infos[it.opcode].name);
                break;
            case AsmItem::Kind::Label:
                out.code.push_back(op(Opcode::JUMPDEST));
                text = "tag_" + std::to_string(it.label) + ":  JUMPDEST";
                break;
            case AsmItem::Kind::Push: {
                const unsigned n = std::max(1u, vm::significant_bytes(it.value));
                out.code.push_back(static_cast<uint8_t>(op(Opcode::PUSH1) + n - 1));
                uint8_t word[32];
                it.value.to_be(word);
                out.code.insert(out.code.end(), word + 32 - n, word + 32);
                text = "PUSH" + std::to_string(n) + " 0x" + vm::to_hex(vm::bytes_view(word + 32 - n, n));
                break;
            }
            case AsmItem::Kind::PushLabel:
                push2(label_offset[it.label]);
                text = "PUSH2 tag_" + std::to_string(it.label);
                break;
            case AsmItem::Kind::PushData:
                push2(data_offset[it.label]);
                text = "PUSH2 data_" + std::to_string(it.label) + " (offset)";
                break;
            case AsmItem::Kind::PushDataSize:
                push2(a.data[it.label].size());
                text = "PUSH2 data_" + std::to_string(it.label) + " (size)";
                break;
            case AsmItem::Kind::PushProgramSize:
                push2(program_size);
                text = "PUSH2 program_size";
                break;
            case AsmItem::Kind::PushImmutable:
                out.code.push_back(op(Opcode::PUSH32));
                out.immutable_offsets[it.label].push_back(out.code.size());
                out.code.insert(out.code.end(), 32, 0);
                text = "PUSH32 immutable_" + std::to_string(it.label);
                break;
        }
        listing += "  " + hex(at, 4) + "  " + text;
        if (it.loc.line != last.line && it.loc.line != 0) {
            listing += std::string(text.size() < 40 ? 40 - text.size() : 1, ' ') + "; " + file + ":" +
                       std::to_string(it.loc.line) + ":" + std::to_string(it.loc.column);
            last = it.loc;
        }
        listing += "\n";
    }
    (void)code_size;
    for (size_t i = 0; i < a.data.size(); ++i) {
        listing += "  " + hex(out.code.size(), 4) + "  data_" + std::to_string(i) + ": " +
                   std::to_string(a.data[i].size()) + " bytes\n";
        out.code.insert(out.code.end(), a.data[i].begin(), a.data[i].end());
    }
    return true;
}

}  // namespace trainchain::compiler
