// vm/include/trainchain/vm/vmtest.hpp - runs the Ethereum legacy VMTests (JSON files with
// env/exec/pre/post/gas/logs/out) against the interpreter.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "trainchain/vm/fork.hpp"

namespace trainchain::vm {

/// One test that did not pass, or one file that could not be loaded.
struct VmTestFailure {
    std::string file;      ///< path of the JSON file
    std::string test;      ///< test name inside the file (empty for an error about the whole file)
    std::string location;  ///< "line:col" inside the file, where known
    std::string reason;    ///< what differed, e.g. "gas left 79988, expected 79987"
};

/// The outcome of a run.
struct VmTestReport {
    size_t passed = 0;                    ///< tests whose every check held
    size_t failed = 0;                    ///< tests with at least one mismatch
    std::vector<VmTestFailure> failures;  ///< the failing tests, in run order
    std::vector<VmTestFailure> errors;    ///< files that could not be read or parsed, malformed tests
};

/// Runs every test in the given files and folders (searched recursively for *.json, in sorted
/// order). Checks gas left, output, the logs hash and the post-state (storage, balance, nonce,
/// code, and no unexpected account); a test without `post` must end in an exceptional halt. A test
/// whose fields are missing or malformed is an error, not a failure.
VmTestReport run_vmtests(const std::vector<std::filesystem::path>& paths, Fork fork = Fork::Frontier);

}  // namespace trainchain::vm
