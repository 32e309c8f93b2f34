// compiler/src/analysis/control_flow.hpp - the control-flow pass (solc's ControlFlowAnalyzer):
// unreachable code, break/continue outside loops, placeholders outside modifiers and modifiers
// without one, and contracts that create themselves.
#pragma once

#include "analysis/context.hpp"

namespace trainchain::compiler::analysis {

/// Checks the checked bodies of every contract, then the creation graph.
void check_control_flow(Context& cx);

}  // namespace trainchain::compiler::analysis
