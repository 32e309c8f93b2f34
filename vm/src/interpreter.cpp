// vm/src/interpreter.cpp - code analysis and the dispatch loop.
//
// The loop is generated from the opcode list: for each byte it checks the fork defines the
// opcode, charges the base gas from the fork's table, checks the stack height against the
// opcode's inputs and outputs, and calls the instruction body through `invoke`, which adapts the
// body's shape (see instructions.hpp).
#include "trainchain/vm/interpreter.hpp"

#include <memory>

#include "instructions.hpp"

namespace trainchain::vm {
namespace detail {

CodeAnalysis analyze(bytes_view code) {
    CodeAnalysis a;
    a.code_size = code.size();
    a.padded.assign(code.begin(), code.end());
    a.padded.resize(code.size() + 33, 0);
    a.jumpdest.assign(code.size(), false);
    for (size_t i = 0; i < code.size(); ++i) {
        const uint8_t op = code[i];
        if (op == static_cast<uint8_t>(Opcode::JUMPDEST))
            a.jumpdest[i] = true;
        else if (op >= static_cast<uint8_t>(Opcode::PUSH1) && op <= static_cast<uint8_t>(Opcode::PUSH32))
            i += static_cast<size_t>(op - static_cast<uint8_t>(Opcode::PUSH1) + 1);
    }
    return a;
}

namespace {

/// Per-opcode stack requirements, from the opcode list.
struct StackLimits {
    std::array<int8_t, 256> required{};  ///< minimum height before the opcode
    std::array<int8_t, 256> change{};    ///< net height change
};

constexpr StackLimits stack_limits = [] {
    StackLimits l{};
#define TRAINCHAIN_X(byte, name, imm, in, out, since) \
    l.required[byte] = in;                            \
    l.change[byte] = static_cast<int8_t>(out - in);
    TRAINCHAIN_OPCODES(TRAINCHAIN_X)
#undef TRAINCHAIN_X
    return l;
}();

// ---- invoke: adapt each instruction shape to "next pc or nullptr" -----------------------------

inline code_iterator invoke(void (*f)(StackTop) noexcept, StackTop s, code_iterator pc, int64_t&,
                            ExecutionState&) noexcept {
    f(s);
    return pc + 1;
}
inline code_iterator invoke(void (*f)(StackTop, ExecutionState&) noexcept, StackTop s, code_iterator pc,
                            int64_t&, ExecutionState& state) noexcept {
    f(s, state);
    return pc + 1;
}
inline code_iterator invoke(InstrResult (*f)(StackTop, int64_t, ExecutionState&) noexcept, StackTop s,
                            code_iterator pc, int64_t& gas, ExecutionState& state) noexcept {
    const auto r = f(s, gas, state);
    gas = r.gas_left;
    if (r.status != Status::Success) {
        state.status = r.status;
        return nullptr;
    }
    return pc + 1;
}
inline code_iterator invoke(code_iterator (*f)(StackTop, ExecutionState&, code_iterator) noexcept,
                            StackTop s, code_iterator pc, int64_t&, ExecutionState& state) noexcept {
    return f(s, state, pc);
}
inline code_iterator invoke(Terminate (*f)(StackTop, int64_t, ExecutionState&) noexcept, StackTop s,
                            code_iterator, int64_t& gas, ExecutionState& state) noexcept {
    const auto r = f(s, gas, state);
    gas = r.gas_left;
    state.status = r.status;
    return nullptr;
}

/// The dispatch loop. Returns the gas left; the outcome is in state.status.
int64_t run(ExecutionState& state, int64_t gas) noexcept {
    const GasTable& costs = gas_table(state.fork);
    // Slot 0 sits below the stack's bottom so that the empty stack's top pointer stays in bounds.
    auto stack_space = std::make_unique<uint256[]>(max_stack_height + 1);
    uint256* const bottom = stack_space.get();
    uint256* sp = bottom;
    code_iterator pc = state.analysis.padded.data();

    for (;;) {
        const uint8_t op = *pc;
        const int16_t cost = costs[op];
        if (cost < 0) {
            state.status = Status::UndefinedInstruction;
            break;
        }
        if ((gas -= cost) < 0) {
            state.status = Status::OutOfGas;
            break;
        }
        const auto height = sp - bottom;
        if (height < stack_limits.required[op]) {
            state.status = Status::StackUnderflow;
            break;
        }
        if (height + stack_limits.change[op] > max_stack_height) {
            state.status = Status::StackOverflow;
            break;
        }
        switch (op) {
#define TRAINCHAIN_X(byte, name, imm, in, out, since)               \
    case byte:                                                      \
        pc = invoke(op_##name, StackTop{sp}, pc, gas, state);       \
        break;
            TRAINCHAIN_OPCODES(TRAINCHAIN_X)
#undef TRAINCHAIN_X
        default:
            __builtin_unreachable();  // every undefined byte has a negative cost
        }
        if (pc == nullptr) break;
        sp += stack_limits.change[op];
    }
    return gas;
}

}  // namespace
}  // namespace detail

Result execute(Host& host, Fork fork, const Message& msg, bytes_view code) noexcept {
    if (fork > latest_supported_fork) return {Status::UnsupportedFork, 0, 0, {}, {}};
    const detail::CodeAnalysis analysis = detail::analyze(code);
    detail::ExecutionState state{host, fork, gas_params(fork), msg, code, analysis, {}, {}, {},
                                 Status::Success, 0, std::nullopt};
    const int64_t gas_left = detail::run(state, msg.gas);

    Result r;
    r.status = state.status;
    switch (state.status) {
    case Status::Success:
        r.gas_left = gas_left;
        r.gas_refund = state.gas_refund;
        r.output = std::move(state.output);
        break;
    case Status::Revert:
        r.gas_left = gas_left;
        r.output = std::move(state.output);
        break;
    default:
        break;  // exceptional halt: all gas consumed, no output, no refund
    }
    return r;
}

}  // namespace trainchain::vm
