// cli/script.hpp - the scenario engine of `trainchain exec --script` (docs/scripting.md): a script
// read and checked into values, run on one in-memory state, each step's result and unmet
// expectations returned as values (the CLI prints them; the tests drive this directly).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "trainchain/vm/state.hpp"

namespace trainchain::cli::script {

/// A bad script or source: the message names the file and, when there is one, the step
/// (`script.json: step 3: unknown account '@carol'`). The CLI exits 2 on it.
struct ScriptError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// One step as the script wrote it, its fields' shapes checked; values that name accounts or
/// contracts (`@name`) are resolved when the step runs.
struct Step {
    enum class Kind { Deploy, Call };
    Kind kind = Kind::Deploy;
    size_t index = 0;                   ///< 1-based, as messages and the output number steps
    std::string target;                 ///< Deploy: the contract's name; Call: `@name` or an address
    std::string as;                     ///< Deploy: the name later steps give it ("" for none)
    std::string from;                   ///< "" for the first account
    vm::uint256 value;                  ///< wei sent
    int64_t gas = 30'000'000;           ///< the transaction's gas limit
    std::string function;               ///< Call: a signature or a bare name ("" with calldata)
    nlohmann::ordered_json args;        ///< an array (empty when absent)
    std::optional<vm::bytes> calldata;  ///< Call: raw calldata instead of function/args
    nlohmann::ordered_json block;       ///< block fields set from this step on (null: none)
    nlohmann::ordered_json expect;      ///< the expectations (an object; empty: success only)
    nlohmann::ordered_json reference;   ///< reported beside the result, never checked (null: none)
};

/// A named externally owned account.
struct Account {
    std::string name;
    vm::address addr;
    vm::uint256 balance;
};

/// A script read from its file: every field's shape checked.
struct Script {
    std::filesystem::path file;              ///< as given: messages name it
    std::vector<std::string> sources;        ///< relative to the script's folder
    std::optional<std::string> base_path;    ///< relative to the script's folder
    std::vector<std::string> include_paths;  ///< relative to the script's folder
    std::string fork;                        ///< "" for the default (Cancun)
    std::vector<Account> accounts;           ///< in the script's order
    nlohmann::ordered_json block;            ///< the first block's fields (null: the defaults)
    std::vector<Step> steps;
};

/// Reads a script's text; `file` names it in messages and anchors its relative paths. ScriptError
/// for malformed JSON, a field of the wrong type, an unknown field or account, a duplicate name.
Script parse_script(const std::string& text, const std::filesystem::path& file);

/// Reads and parses the script at `file` (ScriptError when it cannot be read).
Script load_script(const std::filesystem::path& file);

/// How a script is run; the command line's options, which override or extend the script's.
struct RunOptions {
    std::string fork;                        ///< "" keeps the script's (Cancun when it has none)
    bool optimize = true;                    ///< -O1; false for -O0
    std::optional<std::string> base_path;    ///< replaces the script's (relative to the working directory)
    std::vector<std::string> include_paths;  ///< after the script's (relative to the working directory)
};

/// One unmet expectation: what was checked (`returns`, `events[0]`, `balances.@bob`, ...), and the
/// expected and actual values, decoded where the ABI allows.
struct Mismatch {
    std::string what;
    std::string expected;
    std::string got;
};

/// What one step did and which of its expectations failed.
struct StepResult {
    size_t index = 0;                    ///< 1-based
    std::string what;                    ///< `deploy Token as token`, `call @token transfer(address,uint256)`
    std::string status;                  ///< success, revert, a halt (out_of_gas, ...), or invalid
    int64_t gas_used = 0;                ///< as a receipt: intrinsic gas included, after the refund
    std::optional<vm::address> created;  ///< a successful deployment's address
    std::optional<size_t> code_size;     ///< a successful deployment's runtime code size (bytes)
    vm::bytes output;                    ///< return or revert data
    std::vector<vm::LogRecord> logs;     ///< the step's logs
    std::string invalid;                 ///< why the transaction was rejected (status "invalid")
    std::string decoded;                 ///< the returns or the revert decoded ("" when the ABI does not say)
    nlohmann::ordered_json reference;    ///< the script's reference for the step, as written
    std::vector<Mismatch> mismatches;    ///< empty when every expectation holds
};

/// Compiles the script's sources and runs its steps in order on one fresh state. ScriptError for a
/// bad script or source (a compile error's diagnostics in the message); unmet expectations are in
/// the results.
std::vector<StepResult> run_script(const Script& script, const RunOptions& options);

/// The results as `exec --script --json` prints them: an array of step objects.
nlohmann::ordered_json results_json(const std::vector<StepResult>& results);

}  // namespace trainchain::cli::script
