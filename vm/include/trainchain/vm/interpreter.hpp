// vm/include/trainchain/vm/interpreter.hpp - the bytecode interpreter's entry point.
#pragma once

#include "trainchain/vm/fork.hpp"
#include "trainchain/vm/host.hpp"

namespace trainchain::vm {

/// The deepest call nesting allowed (a frame at this depth cannot call further).
inline constexpr int32_t max_call_depth = 1024;
/// The deepest operand stack.
inline constexpr int max_stack_height = 1024;

/// Executes `code` for `msg` under `fork`'s rules, talking to `host`. Every outcome, including
/// exceptional halts, comes back as a value; the function never throws. `code` is only read before
/// the first instruction runs: the frame executes a copy (its analysis, which the thread caches
/// for later calls of the same code, except for init code).
Result execute(Host& host, Fork fork, const Message& msg, bytes_view code) noexcept;

}  // namespace trainchain::vm
