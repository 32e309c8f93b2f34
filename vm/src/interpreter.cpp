// vm/src/interpreter.cpp - code analysis and the dispatch loop.
//
// The loop is generated from the opcode list: for each opcode a block charges the base gas from
// the fork's table, checks the stack height against the opcode's inputs and outputs, and calls the
// instruction body through `invoke`, which adapts the body's shape (see instructions.hpp).
#include "trainchain/vm/interpreter.hpp"

#include <pthread.h>

#include <atomic>
#include <memory>

#include "instructions.hpp"

namespace trainchain::vm {
namespace detail {

CodeAnalysis analyze(bytes_view code) {
    CodeAnalysis a;
    a.padded.assign(CodeAnalysis::front_padding, 0);
    a.padded.insert(a.padded.end(), code.begin(), code.end());
    a.padded.resize(CodeAnalysis::front_padding + code.size() + 33, 0);
    a.jumpdest.assign(code.size(), 0);
    for (size_t i = 0; i < code.size(); ++i) {
        const uint8_t op = code[i];
        if (op == static_cast<uint8_t>(Opcode::JUMPDEST))
            a.jumpdest[i] = 1;
        else if (op >= static_cast<uint8_t>(Opcode::PUSH1) && op <= static_cast<uint8_t>(Opcode::PUSH32))
            i += static_cast<size_t>(op - static_cast<uint8_t>(Opcode::PUSH1) + 1);
    }
    return a;
}

namespace {

/// The base cost of an opcode when every fork that defines it charges the same (ADD, PUSH, DUP,
/// JUMP, ...): a constant in the dispatch block instead of a table load. -1 when it varies.
constexpr int16_t fork_invariant_cost(uint8_t op) noexcept {
    int16_t cost = -1;
    for (const auto& table : gas_tables) {
        if (table[op] < 0) continue;
        if (cost >= 0 && table[op] != cost) return -1;
        cost = table[op];
    }
    return cost;
}
static_assert(fork_invariant_cost(0x01) == 3 && fork_invariant_cost(0x31) == -1);

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
inline code_iterator invoke(code_iterator (*f)(StackTop, ExecutionState&, code_iterator) noexcept, StackTop s,
                            code_iterator pc, int64_t&, ExecutionState& state) noexcept {
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
///
/// Dispatch is threaded (GCC's computed goto): every opcode's block ends in its own indirect
/// jump to the next opcode, which the branch predictor learns far better than one shared switch.
/// Each block's stack checks use the opcode's constant inputs and outputs; the base gas comes from
/// the fork's table, and opcodes the fork lacks jump straight to the undefined-instruction exit.
/// `Traced` adds one call to the host's tracer per instruction, before its charge; the untraced
/// instantiation is the plain loop.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpedantic"
template <bool Traced>
int64_t run(ExecutionState& state, int64_t gas) noexcept {
    const GasTable& costs = gas_table(state.fork);
    // Slot 0 sits below the stack's bottom so that the empty stack's top pointer stays in bounds.
    // Uninitialised storage: every slot is written by a push before it is read.
    struct StackSpace {
        alignas(32) unsigned char bytes[(max_stack_height + 1) * sizeof(uint256)];
    };
    const auto stack_space = std::make_unique_for_overwrite<StackSpace>();
    uint256* const bottom = reinterpret_cast<uint256*>(stack_space->bytes);
    uint256* sp = bottom;
    code_iterator pc = state.code_begin;

    // Jump targets by opcode byte; bytes that no fork defines go to the undefined-instruction
    // exit, and the blocks of opcodes newer than Frontier check the fork's table before running.
    // Label addresses only exist inside this function, so the table is filled on first use;
    // relaxed atomics make concurrent first uses (identical stores) well-defined and cost
    // nothing on x86. Static, so a deep call chain does not pay for the table per frame.
    static std::atomic<void*> targets[256];
    static std::atomic<bool> targets_ready{false};
    if (!targets_ready.load(std::memory_order_acquire)) {
        for (auto& t : targets) t.store(&&undefined_byte, std::memory_order_relaxed);
#define TRAINCHAIN_X(byte, name, imm, in, out, since, group) \
    targets[byte].store(&&op_##name, std::memory_order_relaxed);
        TRAINCHAIN_OPCODES(TRAINCHAIN_X)
#undef TRAINCHAIN_X
        targets_ready.store(true, std::memory_order_release);
    }
#define TRAINCHAIN_DISPATCH() goto* targets[*pc].load(std::memory_order_relaxed)

    TRAINCHAIN_DISPATCH();

#define TRAINCHAIN_X(byte, name, imm, in, out, since, group)                            \
    op_##name : {                                                                       \
        if constexpr (Traced) state.tracer->on_instruction(byte, gas);                  \
        if constexpr (Fork::since != Fork::Frontier)                                    \
            if (costs[byte] < 0) goto undefined;                                        \
        if constexpr (fork_invariant_cost(byte) >= 0)                                   \
            gas -= fork_invariant_cost(byte);                                           \
        else                                                                            \
            gas -= costs[byte];                                                         \
        if (gas < 0) goto out_of_gas;                                                   \
        if constexpr ((in) > 0)                                                         \
            if (sp < bottom + (in)) goto stack_underflow;                               \
        if constexpr ((out) > (in))                                                     \
            if (sp > bottom + (max_stack_height - ((out) - (in)))) goto stack_overflow; \
        pc = invoke(op_##name, StackTop{sp}, pc, gas, state);                           \
        if (pc == nullptr) return gas;                                                  \
        sp += (out) - (in);                                                             \
        TRAINCHAIN_DISPATCH();                                                          \
    }
    TRAINCHAIN_OPCODES(TRAINCHAIN_X)
#undef TRAINCHAIN_X

undefined_byte:  // a byte no fork defines: no opcode block reported it
    if constexpr (Traced) state.tracer->on_instruction(*pc, gas);
undefined:
    state.status = Status::UndefinedInstruction;
    return gas;
out_of_gas:
    state.status = Status::OutOfGas;
    return gas;
stack_underflow:
    state.status = Status::StackUnderflow;
    return gas;
stack_overflow:
    state.status = Status::StackOverflow;
    return gas;
#undef TRAINCHAIN_DISPATCH
}
#pragma GCC diagnostic pop

}  // namespace
}  // namespace detail

namespace {

Result execute_here(Host& host, Fork fork, const Message& msg, bytes_view code) noexcept {
    const detail::CodeAnalysis analysis = detail::analyze(code);
    detail::ExecutionState state{host, fork, msg, code, analysis};
    // The traced loop is a separate instantiation, so the untraced one has no tracer checks.
    const int64_t gas_left =
        state.tracer != nullptr ? detail::run<true>(state, msg.gas) : detail::run<false>(state, msg.gas);

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

/// Nested frames recurse on the native stack (interpreter -> host -> interpreter). A chain of
/// 1024 frames needs a few MB (tens of MB under AddressSanitizer), more than a thread may have,
/// so every `frames_per_stack` levels the chain continues on a fresh thread with its own large
/// stack (virtual memory, committed only as used) while the caller waits. Ordinary contracts never
/// get that deep and never pay for it.
constexpr int32_t frames_per_stack = 128;
constexpr size_t segment_stack_bytes = size_t{64} << 20;

struct Segment {
    Host& host;
    Fork fork;
    const Message& msg;
    bytes_view code;
    Result result;
};

void* run_segment(void* arg) noexcept {
    auto* s = static_cast<Segment*>(arg);
    s->result = execute_here(s->host, s->fork, s->msg, s->code);
    return nullptr;
}

Result execute_on_new_stack(Host& host, Fork fork, const Message& msg, bytes_view code) noexcept {
    Segment segment{host, fork, msg, code, {}};
    pthread_attr_t attr;
    if (pthread_attr_init(&attr) != 0) return {Status::Failure, 0, 0, {}, {}};
    pthread_t thread;
    const bool started = pthread_attr_setstacksize(&attr, segment_stack_bytes) == 0 &&
                         pthread_create(&thread, &attr, run_segment, &segment) == 0;
    pthread_attr_destroy(&attr);
    // Without a thread (resources exhausted) the frame fails like any other exceptional halt.
    if (!started || pthread_join(thread, nullptr) != 0) return {Status::Failure, 0, 0, {}, {}};
    return std::move(segment.result);
}

}  // namespace

Result execute(Host& host, Fork fork, const Message& msg, bytes_view code) noexcept {
    if (static_cast<int>(fork) >= num_forks) return {Status::Failure, 0, 0, {}, {}};  // not a Fork value
    if (msg.depth > 0 && msg.depth % frames_per_stack == 0)
        return execute_on_new_stack(host, fork, msg, code);
    return execute_here(host, fork, msg, code);
}

}  // namespace trainchain::vm
