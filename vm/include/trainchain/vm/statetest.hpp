// vm/include/trainchain/vm/statetest.hpp - runs Ethereum's GeneralStateTests (filled JSON state
// tests) against the VM: whole transactions under a fork's rules, checked by the post-state root.
#pragma once

#include <array>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "trainchain/vm/fork.hpp"
#include "trainchain/vm/vmtest.hpp"

namespace trainchain::vm {

/// Which cases a state-test run takes.
struct StateTestOptions {
    std::optional<Fork> fork;  ///< only this fork's cases; all forks when empty
    size_t sample = 1;         ///< run every `sample`-th file only (1: every file)
};

/// One case (a fork and one choice of data, gas and value) that failed or was skipped.
struct StateTestCase {
    std::string file;    ///< the JSON file
    std::string test;    ///< the test's name in the file
    Fork fork{};         ///< the fork whose post entry this is
    size_t index = 0;    ///< position in the fork's post list
    int data = 0;        ///< transaction data index
    int gas = 0;         ///< gas limit index
    int value = 0;       ///< value index
    std::string reason;  ///< the first difference, or why it was skipped
    std::string post;    ///< the post-state the VM produced (JSON), for a failure
};

/// Cases per fork.
struct StateTestTally {
    size_t passed = 0;   ///< post root and logs hash as expected
    size_t failed = 0;   ///< a difference
    size_t skipped = 0;  ///< not decidable by this VM (see StateTestCase::reason)
    /// Adds another tally.
    StateTestTally& operator+=(const StateTestTally& o) noexcept;
};

/// The outcome of a run.
struct StateTestReport {
    std::array<StateTestTally, num_forks> forks{};  ///< by Fork
    std::vector<StateTestCase> failures;            ///< in run order
    std::vector<StateTestCase> skipped;             ///< in run order
    std::vector<VmTestFailure> errors;              ///< files or tests that could not be read
    size_t files = 0;                               ///< files run

    /// The sum over all forks.
    [[nodiscard]] StateTestTally total() const noexcept;
};

/// Runs the state tests in the given files and folders (folders searched recursively for *.json,
/// in sorted order). For each post case: builds the pre-state, applies the transaction chosen by
/// the case's indexes under the fork's rules (apply_transaction), touches the coinbase, and
/// compares the state root and the logs hash; a case with `expectException` passes when the
/// transaction is rejected and the state root is unchanged.
StateTestReport run_statetests(const std::vector<std::filesystem::path>& paths,
                               const StateTestOptions& options);

}  // namespace trainchain::vm
