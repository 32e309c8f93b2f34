// compiler/src/analysis/view_pure.hpp - the view/pure pass (solc's ViewPureChecker): walks the
// checked tree of every function and modifier after typing and reports state reads in pure
// functions, state writes in view and pure functions, and msg.value outside payable functions.
#pragma once

#include "analysis/context.hpp"

namespace trainchain::compiler::analysis {

/// Checks every contract of the program: modifiers first (what they read and write decides what
/// the functions using them may be), then functions.
void check_view_pure(Context& cx);

}  // namespace trainchain::compiler::analysis
