// vm/src/instructions.hpp - one small function per opcode.
//
// The dispatcher has already checked that the opcode exists in the fork, charged its base gas and
// checked the stack height, so the bodies below only do the opcode's own work. Each has one of
// five shapes, which `invoke` in interpreter.cpp adapts:
//   void f(StackTop)                                   pure stack arithmetic
//   void f(StackTop, ExecutionState&)                  reads context, cannot fail
//   InstrResult f(StackTop, int64_t gas, ExecutionState&)   dynamic gas or may fail
//   const uint8_t* f(StackTop, ExecutionState&, const uint8_t* pc)   changes control flow
//   Terminate f(StackTop, int64_t gas, ExecutionState&)     ends the frame
#pragma once

#include <algorithm>
#include <cstring>

#include "execution_state.hpp"
#include "trainchain/vm/interpreter.hpp"
#include "trainchain/vm/keccak.hpp"

namespace trainchain::vm::detail {

/// The result of an instruction that ends the frame.
struct Terminate {
    Status status;
    int64_t gas_left;
};

using code_iterator = const uint8_t*;

// ---- arithmetic, comparison, bitwise ------------------------------------------------------------

inline void op_ADD(StackTop s) noexcept {
    const auto& a = s.pop();
    s.top() = a + s.top();
}
inline void op_MUL(StackTop s) noexcept {
    const auto& a = s.pop();
    s.top() = a * s.top();
}
inline void op_SUB(StackTop s) noexcept {
    const auto& a = s.pop();
    s.top() = a - s.top();
}
inline void op_DIV(StackTop s) noexcept {
    const auto& a = s.pop();
    s.top() = a / s.top();
}
inline void op_SDIV(StackTop s) noexcept {
    const auto& a = s.pop();
    s.top() = sdiv(a, s.top());
}
inline void op_MOD(StackTop s) noexcept {
    const auto& a = s.pop();
    s.top() = a % s.top();
}
inline void op_SMOD(StackTop s) noexcept {
    const auto& a = s.pop();
    s.top() = smod(a, s.top());
}
inline void op_ADDMOD(StackTop s) noexcept {
    const auto& a = s.pop();
    const auto& b = s.pop();
    s.top() = addmod(a, b, s.top());
}
inline void op_MULMOD(StackTop s) noexcept {
    const auto& a = s.pop();
    const auto& b = s.pop();
    s.top() = mulmod(a, b, s.top());
}
inline InstrResult op_EXP(StackTop s, int64_t gas, ExecutionState& state) noexcept {
    const auto& base = s.pop();
    auto& exponent = s.top();
    gas -= state.params.exp_byte * significant_bytes(exponent);
    if (gas < 0) return {Status::OutOfGas, gas};
    exponent = exp(base, exponent);
    return {Status::Success, gas};
}
inline void op_SIGNEXTEND(StackTop s) noexcept {
    const auto& b = s.pop();
    s.top() = signextend(b, s.top());
}

inline void op_LT(StackTop s) noexcept {
    const auto& a = s.pop();
    s.top() = uint256{a < s.top()};
}
inline void op_GT(StackTop s) noexcept {
    const auto& a = s.pop();
    s.top() = uint256{s.top() < a};
}
inline void op_SLT(StackTop s) noexcept {
    const auto& a = s.pop();
    s.top() = uint256{slt(a, s.top())};
}
inline void op_SGT(StackTop s) noexcept {
    const auto& a = s.pop();
    s.top() = uint256{slt(s.top(), a)};
}
inline void op_EQ(StackTop s) noexcept {
    const auto& a = s.pop();
    s.top() = uint256{a == s.top()};
}
inline void op_ISZERO(StackTop s) noexcept { s.top() = uint256{!s.top()}; }
inline void op_AND(StackTop s) noexcept {
    const auto& a = s.pop();
    s.top() = a & s.top();
}
inline void op_OR(StackTop s) noexcept {
    const auto& a = s.pop();
    s.top() = a | s.top();
}
inline void op_XOR(StackTop s) noexcept {
    const auto& a = s.pop();
    s.top() = a ^ s.top();
}
inline void op_NOT(StackTop s) noexcept { s.top() = ~s.top(); }
inline void op_BYTE(StackTop s) noexcept {
    const auto& i = s.pop();
    s.top() = byte(i, s.top());
}
inline void op_SHL(StackTop s) noexcept {
    const auto& n = s.pop();
    s.top() = s.top() << n;
}
inline void op_SHR(StackTop s) noexcept {
    const auto& n = s.pop();
    s.top() = s.top() >> n;
}
inline void op_SAR(StackTop s) noexcept {
    const auto& n = s.pop();
    s.top() = sar(s.top(), n);
}

inline InstrResult op_KECCAK256(StackTop s, int64_t gas, ExecutionState& state) noexcept {
    const auto& offset = s.pop();
    auto& size = s.top();
    if (!check_memory(state, gas, offset, size)) return {Status::OutOfGas, gas};
    gas -= state.params.keccak_word * num_words(size.w[0]);
    if (gas < 0) return {Status::OutOfGas, gas};
    const auto n = static_cast<size_t>(size.w[0]);
    const uint8_t* data = n != 0 ? state.memory.data() + offset.w[0] : nullptr;
    size = keccak256({data, n}).to_word();
    return {Status::Success, gas};
}

// ---- environment --------------------------------------------------------------------------------

inline void op_ADDRESS(StackTop s, ExecutionState& state) noexcept { s.push(state.msg.recipient.to_word()); }
/// EIP-2929: the surcharge for a cold account (the warm cost is the table's base cost).
/// Returns false when it cannot be paid.
inline bool charge_account_access(ExecutionState& state, int64_t& gas, const address& addr) noexcept {
    if (!state.params.access_lists || state.host.access_account(addr) == AccessStatus::Warm) return true;
    return (gas -= state.params.cold_account - state.params.warm_access) >= 0;
}

inline InstrResult op_BALANCE(StackTop s, int64_t gas, ExecutionState& state) noexcept {
    const auto addr = address::from_word(s.top());
    if (!charge_account_access(state, gas, addr)) return {Status::OutOfGas, gas};
    s.top() = state.host.get_balance(addr);
    return {Status::Success, gas};
}
inline void op_ORIGIN(StackTop s, ExecutionState& state) noexcept {
    s.push(state.tx_context().origin.to_word());
}
inline void op_CALLER(StackTop s, ExecutionState& state) noexcept { s.push(state.msg.sender.to_word()); }
inline void op_CALLVALUE(StackTop s, ExecutionState& state) noexcept { s.push(state.msg.value); }

/// Reads 32 bytes of `data` at a stack-supplied offset, zero-padded past the end.
inline uint256 load_word(bytes_view data, const uint256& offset) noexcept {
    if (!(offset < data.size())) return {};
    const auto off = static_cast<size_t>(offset.w[0]);
    uint8_t buf[32] = {};
    std::memcpy(buf, data.data() + off, std::min<size_t>(32, data.size() - off));
    return uint256::from_be(buf, 32);
}

inline void op_CALLDATALOAD(StackTop s, ExecutionState& state) noexcept {
    s.top() = load_word(state.msg.input, s.top());
}
inline void op_CALLDATASIZE(StackTop s, ExecutionState& state) noexcept { s.push(state.msg.input.size()); }

/// Shared body of the *COPY opcodes reading from a byte string: memory check, copy gas, copy with
/// zero fill past the end of the source.
inline InstrResult copy_to_memory(ExecutionState& state, int64_t gas, const uint256& mem_offset,
                                  const uint256& src_offset, const uint256& size, bytes_view src) noexcept {
    if (!check_memory(state, gas, mem_offset, size)) return {Status::OutOfGas, gas};
    gas -= state.params.copy_word * num_words(size.w[0]);
    if (gas < 0) return {Status::OutOfGas, gas};
    if (!size) return {Status::Success, gas};
    const auto n = static_cast<size_t>(size.w[0]);
    const size_t src_off = src_offset < src.size() ? static_cast<size_t>(src_offset.w[0]) : src.size();
    const size_t copied = std::min(n, src.size() - src_off);
    uint8_t* dst = state.memory.data() + mem_offset.w[0];
    if (copied != 0) std::memcpy(dst, src.data() + src_off, copied);
    if (n > copied) std::memset(dst + copied, 0, n - copied);
    return {Status::Success, gas};
}

inline InstrResult op_CALLDATACOPY(StackTop s, int64_t gas, ExecutionState& state) noexcept {
    const auto& mem = s.pop();
    const auto& src = s.pop();
    const auto& size = s.pop();
    return copy_to_memory(state, gas, mem, src, size, state.msg.input);
}
inline void op_CODESIZE(StackTop s, ExecutionState& state) noexcept { s.push(state.code.size()); }
inline InstrResult op_CODECOPY(StackTop s, int64_t gas, ExecutionState& state) noexcept {
    const auto& mem = s.pop();
    const auto& src = s.pop();
    const auto& size = s.pop();
    return copy_to_memory(state, gas, mem, src, size, state.code);
}
inline void op_GASPRICE(StackTop s, ExecutionState& state) noexcept { s.push(state.tx_context().gas_price); }
inline InstrResult op_EXTCODESIZE(StackTop s, int64_t gas, ExecutionState& state) noexcept {
    const auto addr = address::from_word(s.top());
    if (!charge_account_access(state, gas, addr)) return {Status::OutOfGas, gas};
    s.top() = state.host.get_code_size(addr);
    return {Status::Success, gas};
}
inline InstrResult op_EXTCODECOPY(StackTop s, int64_t gas, ExecutionState& state) noexcept {
    const auto addr = address::from_word(s.pop());
    const auto& mem = s.pop();
    const auto& src = s.pop();
    const auto& size = s.pop();
    if (!check_memory(state, gas, mem, size)) return {Status::OutOfGas, gas};
    gas -= state.params.copy_word * num_words(size.w[0]);
    if (gas < 0) return {Status::OutOfGas, gas};
    if (!charge_account_access(state, gas, addr)) return {Status::OutOfGas, gas};
    if (!size) return {Status::Success, gas};
    const auto n = static_cast<size_t>(size.w[0]);
    uint8_t* dst = state.memory.data() + mem.w[0];
    size_t copied = 0;
    if (src < max_buffer) copied = state.host.copy_code(addr, static_cast<size_t>(src.w[0]), {dst, n});
    if (n > copied) std::memset(dst + copied, 0, n - copied);
    return {Status::Success, gas};
}
inline void op_RETURNDATASIZE(StackTop s, ExecutionState& state) noexcept {
    s.push(state.return_data.size());
}
inline InstrResult op_RETURNDATACOPY(StackTop s, int64_t gas, ExecutionState& state) noexcept {
    const auto& mem = s.pop();
    const auto& src = s.pop();
    const auto& size = s.pop();
    if (!check_memory(state, gas, mem, size)) return {Status::OutOfGas, gas};
    const uint256 end = src + size;
    if (end < src || state.return_data.size() < end) return {Status::InvalidMemoryAccess, gas};
    gas -= state.params.copy_word * num_words(size.w[0]);
    if (gas < 0) return {Status::OutOfGas, gas};
    if (size)
        std::memcpy(state.memory.data() + mem.w[0], state.return_data.data() + src.w[0],
                    static_cast<size_t>(size.w[0]));
    return {Status::Success, gas};
}
inline InstrResult op_EXTCODEHASH(StackTop s, int64_t gas, ExecutionState& state) noexcept {
    const auto addr = address::from_word(s.top());
    if (!charge_account_access(state, gas, addr)) return {Status::OutOfGas, gas};
    s.top() = state.host.get_code_hash(addr).to_word();
    return {Status::Success, gas};
}

// ---- block --------------------------------------------------------------------------------------

inline void op_BLOCKHASH(StackTop s, ExecutionState& state) noexcept {
    const auto& n = s.top();
    const int64_t current = state.tx_context().number;
    const int64_t lowest = current > 256 ? current - 256 : 0;
    const bool in_range =
        n < uint256{static_cast<uint64_t>(current)} && !(n < uint256{static_cast<uint64_t>(lowest)});
    s.top() = in_range ? state.host.get_block_hash(static_cast<int64_t>(n.w[0])).to_word() : uint256{};
}
inline void op_COINBASE(StackTop s, ExecutionState& state) noexcept {
    s.push(state.tx_context().coinbase.to_word());
}
inline void op_TIMESTAMP(StackTop s, ExecutionState& state) noexcept {
    s.push(static_cast<uint64_t>(state.tx_context().timestamp));
}
inline void op_NUMBER(StackTop s, ExecutionState& state) noexcept {
    s.push(static_cast<uint64_t>(state.tx_context().number));
}
inline void op_PREVRANDAO(StackTop s, ExecutionState& state) noexcept {
    s.push(state.tx_context().prevrandao);
}
inline void op_GASLIMIT(StackTop s, ExecutionState& state) noexcept {
    s.push(static_cast<uint64_t>(state.tx_context().gas_limit));
}
inline void op_CHAINID(StackTop s, ExecutionState& state) noexcept { s.push(state.tx_context().chain_id); }
inline void op_SELFBALANCE(StackTop s, ExecutionState& state) noexcept {
    s.push(state.host.get_balance(state.msg.recipient));
}
inline void op_BASEFEE(StackTop s, ExecutionState& state) noexcept { s.push(state.tx_context().base_fee); }
inline void op_BLOBHASH(StackTop s, ExecutionState& state) noexcept {
    const auto& hashes = state.tx_context().blob_hashes;
    auto& i = s.top();
    i = i < hashes.size() ? hashes[static_cast<size_t>(i.w[0])].to_word() : uint256{};
}
inline void op_BLOBBASEFEE(StackTop s, ExecutionState& state) noexcept {
    s.push(state.tx_context().blob_base_fee);
}

// ---- stack, memory, storage, flow ---------------------------------------------------------------

inline void op_POP(StackTop s) noexcept { s.pop(); }
inline InstrResult op_MLOAD(StackTop s, int64_t gas, ExecutionState& state) noexcept {
    auto& offset = s.top();
    if (!check_memory(state, gas, offset, uint256{32})) return {Status::OutOfGas, gas};
    offset = uint256::from_be(state.memory.data() + offset.w[0], 32);
    return {Status::Success, gas};
}
inline InstrResult op_MSTORE(StackTop s, int64_t gas, ExecutionState& state) noexcept {
    const auto& offset = s.pop();
    const auto& value = s.pop();
    if (!check_memory(state, gas, offset, uint256{32})) return {Status::OutOfGas, gas};
    value.to_be(state.memory.data() + offset.w[0]);
    return {Status::Success, gas};
}
inline InstrResult op_MSTORE8(StackTop s, int64_t gas, ExecutionState& state) noexcept {
    const auto& offset = s.pop();
    const auto& value = s.pop();
    if (!check_memory(state, gas, offset, uint256{1})) return {Status::OutOfGas, gas};
    state.memory.data()[offset.w[0]] = static_cast<uint8_t>(value.w[0]);
    return {Status::Success, gas};
}
/// EIP-2929: true when the slot is cold (its first access in the transaction).
inline bool cold_slot(ExecutionState& state, const uint256& key) noexcept {
    return state.params.access_lists &&
           state.host.access_storage(state.msg.recipient, key) == AccessStatus::Cold;
}

inline InstrResult op_SLOAD(StackTop s, int64_t gas, ExecutionState& state) noexcept {
    auto& key = s.top();
    if (cold_slot(state, key) && (gas -= state.params.cold_sload - state.params.warm_access) < 0)
        return {Status::OutOfGas, gas};
    key = state.host.get_storage(state.msg.recipient, key);
    return {Status::Success, gas};
}

inline InstrResult op_SSTORE(StackTop s, int64_t gas, ExecutionState& state) noexcept {
    if (state.msg.is_static) return {Status::StaticModeViolation, gas};
    const GasParams& p = state.params;
    if (p.sstore_stipend_check && gas <= p.call_stipend) return {Status::OutOfGas, gas};  // EIP-2200
    const auto& key = s.pop();
    const auto& value = s.pop();
    int64_t cost = cold_slot(state, key) ? p.cold_sload : 0;

    if (p.sstore_rule == SstoreRule::Legacy) {
        // Priced on the previous value alone, and checked before the write, so an unpaid SSTORE
        // changes nothing even in an outermost frame.
        const uint256 current = state.host.get_storage(state.msg.recipient, key);
        cost += (!current && value) ? p.sstore_set : p.sstore_reset;
        if ((gas -= cost) < 0) return {Status::OutOfGas, gas};
        if (current && !value) state.gas_refund += p.sstore_clear_refund;
        state.host.set_storage(state.msg.recipient, key, value);
        return {Status::Success, gas};
    }

    // Net metering (EIP-1283 / EIP-2200, with EIP-2929's and EIP-3529's constants from the fork).
    // Needs the original value, which the write reports; if the gas then falls short the frame
    // fails and the host's journal undoes the write.
    const auto [original, current] = state.host.set_storage(state.msg.recipient, key, value);
    if (current == value) {
        cost += p.sstore_noop;
    } else if (original == current) {  // clean slot
        if (!original) {
            cost += p.sstore_set;
        } else {
            cost += p.sstore_reset;
            if (!value) state.gas_refund += p.sstore_clear_refund;
        }
    } else {  // dirty slot
        cost += p.sstore_noop;
        if (original) {
            if (!current) state.gas_refund -= p.sstore_clear_refund;
            if (!value) state.gas_refund += p.sstore_clear_refund;
        }
        if (original == value) state.gas_refund += (original ? p.sstore_reset : p.sstore_set) - p.sstore_noop;
    }
    if ((gas -= cost) < 0) return {Status::OutOfGas, gas};
    return {Status::Success, gas};
}
inline code_iterator op_JUMP(StackTop s, ExecutionState& state, code_iterator) noexcept {
    const auto& dest = s.pop();
    if (!(dest.fits_u64() && dest.w[0] < state.code.size()) || !state.jumpdest[dest.w[0]]) {
        state.status = Status::BadJumpDestination;
        return nullptr;
    }
    return state.code_begin + dest.w[0];
}
inline code_iterator op_JUMPI(StackTop s, ExecutionState& state, code_iterator pc) noexcept {
    if (!s[1]) return pc + 1;  // condition false
    return op_JUMP(s, state, pc);
}
inline code_iterator op_PC(StackTop s, ExecutionState& state, code_iterator pc) noexcept {
    s.push(static_cast<uint64_t>(pc - state.code_begin));
    return pc + 1;
}
inline void op_MSIZE(StackTop s, ExecutionState& state) noexcept { s.push(state.memory.size()); }
inline InstrResult op_GAS(StackTop s, int64_t gas, ExecutionState&) noexcept {
    s.push(static_cast<uint64_t>(gas));
    return {Status::Success, gas};
}
inline void op_JUMPDEST(StackTop) noexcept {}
inline void op_TLOAD(StackTop s, ExecutionState& state) noexcept {
    s.top() = state.host.get_transient_storage(state.msg.recipient, s.top());
}
inline InstrResult op_TSTORE(StackTop s, int64_t gas, ExecutionState& state) noexcept {
    if (state.msg.is_static) return {Status::StaticModeViolation, gas};
    const auto& key = s.pop();
    const auto& value = s.pop();
    state.host.set_transient_storage(state.msg.recipient, key, value);
    return {Status::Success, gas};
}
inline InstrResult op_MCOPY(StackTop s, int64_t gas, ExecutionState& state) noexcept {
    const auto& dst = s.pop();
    const auto& src = s.pop();
    const auto& size = s.pop();
    if (!check_memory(state, gas, dst < src ? src : dst, size)) return {Status::OutOfGas, gas};
    gas -= state.params.copy_word * num_words(size.w[0]);
    if (gas < 0) return {Status::OutOfGas, gas};
    if (size)
        std::memmove(state.memory.data() + dst.w[0], state.memory.data() + src.w[0],
                     static_cast<size_t>(size.w[0]));
    return {Status::Success, gas};
}

inline void op_PUSH0(StackTop s) noexcept { s.push({}); }

/// PUSHn: the immediate is read from the zero-padded code, so a truncated PUSH at the end of the
/// code reads zeros, as the EVM defines. Each limb is one unaligned 8-byte load ending at the
/// limb's last byte (the code has front padding), byte-swapped, and masked when the immediate
/// covers only part of it.
template <size_t N>
inline code_iterator push(StackTop s, ExecutionState&, code_iterator pc) noexcept {
    const uint8_t* const end = pc + 1 + N;  // one past the last immediate byte
    uint256 v;
    for (size_t i = 0; i < (N + 7) / 8; ++i) {
        uint64_t limb;
        std::memcpy(&limb, end - 8 * (i + 1), 8);
        limb = __builtin_bswap64(limb);
        const size_t valid = N - 8 * i;  // immediate bytes in this limb, if fewer than 8
        if (valid < 8) limb &= (uint64_t{1} << (8 * valid)) - 1;
        v.w[i] = limb;
    }
    s.push(v);
    return end;
}

template <int N>
inline void dup(StackTop s) noexcept {
    s.push(s[N - 1]);
}

/// SWAPn limb by limb: std::swap's temporary would be read back with 16-byte loads right after
/// 8-byte stores, which stalls on store forwarding.
template <int N>
inline void swap(StackTop s) noexcept {
    uint256& a = s.top();
    uint256& b = s[N];
    for (size_t i = 0; i < 4; ++i) {
        const uint64_t t = a.w[i];
        a.w[i] = b.w[i];
        b.w[i] = t;
    }
}

template <size_t NumTopics>
inline InstrResult log(StackTop s, int64_t gas, ExecutionState& state) noexcept {
    if (state.msg.is_static) return {Status::StaticModeViolation, gas};
    const auto& offset = s.pop();
    const auto& size = s.pop();
    if (!check_memory(state, gas, offset, size)) return {Status::OutOfGas, gas};
    gas -= state.params.log_data_byte * static_cast<int64_t>(size.w[0]);
    if (gas < 0) return {Status::OutOfGas, gas};
    std::array<bytes32, NumTopics> topics;
    for (auto& t : topics) t = bytes32::from_word(s.pop());
    const auto n = static_cast<size_t>(size.w[0]);
    const uint8_t* data = n != 0 ? state.memory.data() + offset.w[0] : nullptr;
    state.host.emit_log(state.msg.recipient, {data, n}, topics);
    return {Status::Success, gas};
}

// ---- system -------------------------------------------------------------------------------------

/// CREATE and CREATE2 (the latter only exists from Constantinople; its salt is accepted here, the
/// host derives the address).
template <bool Create2>
inline InstrResult create(StackTop s, int64_t gas, ExecutionState& state) noexcept {
    if (state.msg.is_static) return {Status::StaticModeViolation, gas};
    const uint256 value = s.pop();
    const uint256 offset = s.pop();
    const uint256 size = Create2 ? s.pop() : s.top();
    const uint256 salt = Create2 ? s.top() : uint256{};
    auto& result = s.top();  // the last input's slot receives the output
    result = {};
    state.return_data.clear();
    if (!check_memory(state, gas, offset, size)) return {Status::OutOfGas, gas};
    const GasParams& p = state.params;
    if (p.max_initcode_size != 0 && size > p.max_initcode_size) return {Status::OutOfGas, gas};  // EIP-3860
    const int64_t per_word = p.initcode_word + (Create2 ? p.create2_word : 0);
    if ((gas -= per_word * num_words(size.w[0])) < 0) return {Status::OutOfGas, gas};
    if (state.msg.depth >= max_call_depth) return {Status::Success, gas};
    if (value && state.host.get_balance(state.msg.recipient) < value) return {Status::Success, gas};

    Message msg;
    msg.kind = Create2 ? CallKind::Create2 : CallKind::Create;
    msg.salt = salt;
    msg.depth = state.msg.depth + 1;
    msg.gas = state.fork >= Fork::TangerineWhistle ? gas - gas / 64 : gas;
    msg.sender = state.msg.recipient;
    msg.value = value;
    const auto n = static_cast<size_t>(size.w[0]);
    msg.input = {n != 0 ? state.memory.data() + offset.w[0] : nullptr, n};
    const Result r = state.host.call(msg);
    gas -= msg.gas - r.gas_left;
    state.gas_refund += r.gas_refund;
    if (r.status == Status::Revert) state.return_data = r.output;
    if (r.status == Status::Success) result = r.create_address.to_word();
    return {Status::Success, gas};
}

/// CALL, CALLCODE, DELEGATECALL and STATICCALL.
template <Opcode Op>
inline InstrResult call(StackTop s, int64_t gas, ExecutionState& state) noexcept {
    constexpr bool has_value_arg = Op == Opcode::CALL || Op == Opcode::CALLCODE;
    const uint256 requested = s.pop();
    const auto dst = address::from_word(s.pop());
    const uint256 value = has_value_arg ? s.pop() : uint256{};
    const uint256 in_offset = s.pop();
    const uint256 in_size = s.pop();
    const uint256 out_offset = s.pop();
    const uint256 out_size = s.top();
    auto& result = s.top();  // the last input's slot receives the output
    result = {};
    state.return_data.clear();

    if (!charge_account_access(state, gas, dst)) return {Status::OutOfGas, gas};
    if (!check_memory(state, gas, in_offset, in_size)) return {Status::OutOfGas, gas};
    if (!check_memory(state, gas, out_offset, out_size)) return {Status::OutOfGas, gas};

    const bool has_value = has_value_arg && value;
    int64_t extra = has_value ? state.params.call_value : 0;
    if constexpr (Op == Opcode::CALL) {
        if (has_value && state.msg.is_static) return {Status::StaticModeViolation, gas};
        const bool charges_new = state.fork < Fork::SpuriousDragon || has_value;
        if (charges_new && !state.host.account_exists(dst)) extra += state.params.new_account;
    }
    if ((gas -= extra) < 0) return {Status::OutOfGas, gas};

    Message msg;
    msg.depth = state.msg.depth + 1;
    msg.is_static = state.msg.is_static || Op == Opcode::STATICCALL;
    msg.code_address = dst;
    const int64_t req = requested.fits_u64() && requested.w[0] <= uint64_t(INT64_MAX)
                            ? static_cast<int64_t>(requested.w[0])
                            : INT64_MAX;
    if (state.fork >= Fork::TangerineWhistle)
        msg.gas = std::min(req, gas - gas / 64);
    else if (req > gas)
        return {Status::OutOfGas, gas};
    else
        msg.gas = req;
    if (has_value) {
        msg.gas += state.params.call_stipend;
        gas += state.params.call_stipend;
    }
    if (state.msg.depth >= max_call_depth) return {Status::Success, gas};
    if (has_value && state.host.get_balance(state.msg.recipient) < value) return {Status::Success, gas};

    switch (Op) {
        case Opcode::CALL:
        case Opcode::STATICCALL:
            msg.kind = CallKind::Call;
            msg.recipient = dst;
            msg.sender = state.msg.recipient;
            msg.value = value;
            break;
        case Opcode::CALLCODE:
            msg.kind = CallKind::CallCode;
            msg.recipient = state.msg.recipient;
            msg.sender = state.msg.recipient;
            msg.value = value;
            break;
        default:  // DELEGATECALL
            msg.kind = CallKind::DelegateCall;
            msg.recipient = state.msg.recipient;
            msg.sender = state.msg.sender;
            msg.value = state.msg.value;
            break;
    }
    const auto n = static_cast<size_t>(in_size.w[0]);
    msg.input = {n != 0 ? state.memory.data() + in_offset.w[0] : nullptr, n};

    const Result r = state.host.call(msg);
    state.return_data = r.output;
    result = uint256{r.status == Status::Success};
    if (const size_t copy = std::min<size_t>(static_cast<size_t>(out_size.w[0]), r.output.size()); copy != 0)
        std::memcpy(state.memory.data() + out_offset.w[0], r.output.data(), copy);
    gas -= msg.gas - r.gas_left;
    state.gas_refund += r.gas_refund;
    return {Status::Success, gas};
}

inline Terminate op_STOP(StackTop, int64_t gas, ExecutionState&) noexcept { return {Status::Success, gas}; }

template <Status S>
inline Terminate return_impl(StackTop s, int64_t gas, ExecutionState& state) noexcept {
    const auto& offset = s[0];
    const auto& size = s[1];
    if (!check_memory(state, gas, offset, size)) return {Status::OutOfGas, gas};
    if (size) {
        const uint8_t* p = state.memory.data() + offset.w[0];
        state.output.assign(p, p + size.w[0]);
    }
    return {S, gas};
}

inline Terminate op_INVALID(StackTop, int64_t gas, ExecutionState&) noexcept {
    return {Status::InvalidInstruction, gas};
}

inline Terminate op_SELFDESTRUCT(StackTop s, int64_t gas, ExecutionState& state) noexcept {
    if (state.msg.is_static) return {Status::StaticModeViolation, gas};
    const auto beneficiary = address::from_word(s[0]);
    if (state.params.access_lists && state.host.access_account(beneficiary) == AccessStatus::Cold &&
        (gas -= state.params.cold_account) < 0)
        return {Status::OutOfGas, gas};
    if (state.fork >= Fork::TangerineWhistle) {
        const bool charged = state.fork < Fork::SpuriousDragon || state.host.get_balance(state.msg.recipient);
        if (charged && !state.host.account_exists(beneficiary)) gas -= state.params.new_account;
        if (gas < 0) return {Status::OutOfGas, gas};
    }
    if (state.host.selfdestruct(state.msg.recipient, beneficiary))
        state.gas_refund += state.params.selfdestruct_refund;
    return {Status::Success, gas};
}

// Names the dispatcher expects for the families above.
#define TRAINCHAIN_ALIAS(name, impl) inline constexpr auto op_##name = impl;
TRAINCHAIN_ALIAS(RETURN, return_impl<Status::Success>)
TRAINCHAIN_ALIAS(REVERT, return_impl<Status::Revert>)
TRAINCHAIN_ALIAS(CREATE, create<false>)
TRAINCHAIN_ALIAS(CREATE2, create<true>)
TRAINCHAIN_ALIAS(CALL, call<Opcode::CALL>)
TRAINCHAIN_ALIAS(CALLCODE, call<Opcode::CALLCODE>)
TRAINCHAIN_ALIAS(DELEGATECALL, call<Opcode::DELEGATECALL>)
TRAINCHAIN_ALIAS(STATICCALL, call<Opcode::STATICCALL>)
TRAINCHAIN_ALIAS(LOG0, log<0>)
TRAINCHAIN_ALIAS(LOG1, log<1>)
TRAINCHAIN_ALIAS(LOG2, log<2>)
TRAINCHAIN_ALIAS(LOG3, log<3>)
TRAINCHAIN_ALIAS(LOG4, log<4>)
#define TRAINCHAIN_PUSH_ALIAS(byte, name, imm, in, out, since, group) TRAINCHAIN_ALIAS(name, push<imm>)
TRAINCHAIN_OPCODES_PUSH(TRAINCHAIN_PUSH_ALIAS)
#undef TRAINCHAIN_PUSH_ALIAS
#define TRAINCHAIN_DUP_ALIAS(byte, name, imm, in, out, since, group) TRAINCHAIN_ALIAS(name, dup<in>)
TRAINCHAIN_OPCODES_DUP(TRAINCHAIN_DUP_ALIAS)
#undef TRAINCHAIN_DUP_ALIAS
#define TRAINCHAIN_SWAP_ALIAS(byte, name, imm, in, out, since, group) TRAINCHAIN_ALIAS(name, swap<in - 1>)
TRAINCHAIN_OPCODES_SWAP(TRAINCHAIN_SWAP_ALIAS)
#undef TRAINCHAIN_SWAP_ALIAS
#undef TRAINCHAIN_ALIAS

}  // namespace trainchain::vm::detail
