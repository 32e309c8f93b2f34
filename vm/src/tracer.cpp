// vm/src/tracer.cpp - the exclusive gas attribution of GasProfile.
#include "trainchain/vm/tracer.hpp"

namespace trainchain::vm {

int64_t GasProfile::total() const noexcept {
    int64_t sum = code_deposit.gas + other.gas;
    for (const auto& u : opcodes) sum += u.gas;
    for (const auto& [n, u] : precompiles) sum += u.gas;
    return sum;
}

void GasProfile::clear() noexcept {
    opcodes = {};
    precompiles.clear();
    code_deposit = {};
    other = {};
    frames_.clear();
}

GasProfile& GasProfile::operator+=(const GasProfile& o) noexcept {
    for (size_t i = 0; i < opcodes.size(); ++i) opcodes[i] += o.opcodes[i];
    for (const auto& [n, u] : o.precompiles) precompiles[n] += u;
    code_deposit += o.code_deposit;
    other += o.other;
    return *this;
}

void GasProfile::on_frame_enter(const Message& msg, uint8_t precompile) noexcept {
    Frame f;
    f.msg_gas = msg.gas;
    f.precompile = precompile;
    frames_.push_back(f);
}

void GasProfile::close_instruction(Frame& f, int64_t gas_left) noexcept {
    opcodes[static_cast<size_t>(f.op)].gas += f.gas_at_op - gas_left - f.callee_used;
    f.callee_used = 0;
}

void GasProfile::on_instruction(uint8_t opcode, int64_t gas_left) noexcept {
    if (frames_.empty()) return;  // a frame the host did not announce (a bare interpreter call)
    Frame& f = frames_.back();
    if (f.op >= 0) close_instruction(f, gas_left);
    f.op = opcode;
    f.gas_at_op = gas_left;
    opcodes[opcode].count += 1;
}

void GasProfile::on_code_deposit(int64_t gas) noexcept {
    if (!frames_.empty()) frames_.back().deposit += gas;
}

void GasProfile::on_frame_exit(const Result& result) noexcept {
    if (frames_.empty()) return;
    Frame f = frames_.back();
    frames_.pop_back();
    const int64_t used = f.msg_gas - result.gas_left;
    if (f.op >= 0) {
        close_instruction(f, result.gas_left + f.deposit);
    } else if (f.precompile != 0) {
        auto& u = precompiles[f.precompile];
        u.count += 1;
        u.gas += used;
    } else {
        other.count += 1;
        other.gas += used - f.deposit;
    }
    if (f.deposit != 0) {
        code_deposit.count += 1;
        code_deposit.gas += f.deposit;
    }
    if (!frames_.empty()) frames_.back().callee_used += used;
}

}  // namespace trainchain::vm
