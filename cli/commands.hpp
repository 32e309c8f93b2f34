// cli/commands.hpp - registration of the CLI's subcommands, one function per area.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <atomic>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "trainchain/nats/nats.hpp"
#include "trainchain/runtime/chain.hpp"
#include "trainchain/runtime/node.hpp"
#include "trainchain/runtime/transport.hpp"

namespace trainchain::cli {

/// The exit code of bad input (source, bytecode, files, flags).
inline constexpr int exit_bad_input = 2;

/// The exit code when another writer holds the chain directory's lock (runtime::ChainBusy): nothing
/// was done, try again later (sysexits' EX_TEMPFAIL).
inline constexpr int exit_chain_busy = 75;

/// A CLI11 check for free-text options (a rollback reason, a title, call arguments): the text
/// must be valid UTF-8, since it may reach a block or JSON output.
CLI::Validator utf8_text();

/// Bad input: printed as one line (`WHERE: error: WHAT`), exit code 2.
struct InputError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// The text of a file, or of standard input for "-"; InputError when it cannot be read.
std::string read_text(const std::string& path);

/// Writes `text` to `path` atomically (runtime::write_file_atomically: mode 0600).
void write_text_file(const std::filesystem::path& path, const std::string& text);

/// A temporary directory for this process, `trainchain-NAME-PID` (removed first if an earlier
/// process left it; not created).
std::filesystem::path scratch_dir(const std::string& name);

/// A subcommand callback running `body` (which returns the exit code): InputError,
/// runtime::KeyFileError and the exceptions `is_bad_input` accepts become one line and exit code 2,
/// runtime::ChainBusy one line
/// and exit_chain_busy; any other exception one line and `other_exit`.
std::function<void()> guarded(int& exit_code, std::function<int()> body, int other_exit = exit_bad_input,
                              std::function<bool(const std::exception&)> is_bad_input = {});

/// Parses `--fault NODE=KIND` options; the node must exist (fewer than `nodes`). InputError
/// otherwise.
std::map<uint32_t, runtime::Fault> parse_faults(const std::vector<std::string>& specs, size_t nodes);

/// The command line as App::parse(std::vector<std::string>&) takes it (reversed, without the
/// program name). For `exec`: every argument after `--call SIGNATURE` is a call argument, whatever
/// it looks like (`-x`, `--json`), so a `--` goes in front of them; and a value written `[...]`
/// is marked so that CLI11 does not split it into several values (exec's options unmark it): ABI
/// arrays reach the encoder whole.
std::vector<std::string> command_line(int argc, char** argv);

/// Registers `asm`, `disasm`, `exec` and `vmtest`; the command's exit code goes to `exit_code`.
void add_vm_commands(CLI::App& app, int& exit_code);

/// Registers `chain init|append`, `history`, `verify`, `rollback` and `export`.
void add_chain_commands(CLI::App& app, int& exit_code);

/// `verify DIR`: every check of the chain (runtime::verify); prints the result, returns the exit
/// code (0 when every check passes, 1 otherwise).
int verify_chain(const std::string& dir);

/// Registers `chain rebuild` on `chain` (a lost server's run directory from the nodes' copies).
void add_rebuild_command(CLI::App* chain, int& exit_code);

/// Registers `report gas` and `report recovery`.
void add_report_commands(CLI::App& app, int& exit_code);

/// Registers `serve`.
void add_serve_commands(CLI::App& app, int& exit_code);

/// Registers `train`.
void add_train_commands(CLI::App& app, int& exit_code);

/// Registers `node keygen|public|run|verify`.
void add_node_commands(CLI::App& app, int& exit_code);

/// How a NATS run's streams are kept: `--replicas N`, `--checkpoint-max-age AGE` and
/// `--checkpoint-max-bytes SIZE`, on the commands that start runs with `--transport` (train, serve).
struct StreamFlags {
    std::optional<uint32_t> replicas;
    std::string checkpoint_max_age;    ///< "" (unset), or a number with s, m, h or d (0: keep all)
    std::string checkpoint_max_bytes;  ///< "" (unset), or a number with K, M, G or T (0: no limit)
};
/// Registers the three options on `cmd`.
void add_stream_options(CLI::App* cmd, StreamFlags& flags);
/// The settings the flags give, checked against runtime/limits.hpp; InputError (exit 2) when one is
/// malformed or out of range, or given without `--transport nats://` (`transport`).
nats::StreamSettings stream_settings(const StreamFlags& flags, const std::string& transport);

/// The transport a `--transport` option names: null for "" or "in-process", a NatsTransport
/// (connected, streams made as `streams` say) for nats://HOST:PORT[,HOST:PORT...]/RUN; InputError
/// when malformed.
/// `cancel`, when set later, makes a transport waiting for its nodes give up (NATS).
std::shared_ptr<runtime::Transport> make_transport(const std::string& url,
                                                   std::shared_ptr<std::atomic<bool>> cancel = nullptr,
                                                   const nats::StreamSettings& streams = {});

/// `--fault` makes in-process nodes faulty: with an external transport it is bad input (InputError).
void refuse_faults_with(const std::shared_ptr<runtime::Transport>& transport,
                        const std::map<uint32_t, runtime::Fault>& faults);

/// Reads a `--node-keys` file: one public key (64 hex digits) per line, '#' comments.
std::vector<runtime::PublicKey> read_node_keys(const std::string& path);

/// Where a command that writes a run finds its private keys: `--server-key FILE` and
/// `--key-dir DIR` (both optional; the defaults are beside the run, runtime::default_key_dir).
struct KeyFlags {
    std::string server_key, key_dir;
};

/// Adds `--server-key FILE` and `--key-dir DIR` to `cmd`; `creates` says whether the command makes
/// a new run (its server key is then created when absent), `what` names the key directory's
/// default in the help ("DIR.keys").
void add_key_options(CLI::App* cmd, KeyFlags& flags, bool creates, const std::string& what = "DIR.keys");

/// The key files `flags` name for the run at `run_dir` (for serve: the workspace), into `options`.
void apply_key_options(const KeyFlags& flags, const std::filesystem::path& run_dir,
                       runtime::ChainOptions& options);

/// The server key of a new run: read from `file`, or created there (mode 0600, its directory
/// 0700) when absent. Returns the line telling where a created key is and its public key, empty
/// when the key was there already. runtime::KeyFileError (exit code 2) when the file is malformed
/// or open to other users.
std::string prepare_server_key(const std::filesystem::path& file);

/// The line telling that the server key `file` was created, with its public key `key`.
std::string created_server_key_line(const std::filesystem::path& file, const runtime::PublicKey& key);

/// Registers `compile`.
void add_contract_commands(CLI::App& app, int& exit_code);

/// Registers `completion bash`, which prints bash_completion(app, "trainchain"); register it last.
void add_completion_commands(CLI::App& app, int& exit_code);

/// A bash completion script for `program` from `app`'s visible subcommands and options, at every
/// depth: subcommands and options by name, file names after options that take a value and for
/// positional arguments.
std::string bash_completion(const CLI::App& app, const std::string& program);

/// Where a compilation looks for imported sources: solc's `--base-path` and `--include-path`.
struct ImportPaths {
    std::string base_path;
    std::vector<std::string> include_paths;
};

/// `exec --deploy FILE.sol [--contract NAME] [--ctor-args V...] [--call SIG ARGS...]`.
struct DeployOptions {
    std::string source;
    std::string contract;
    std::vector<std::string> ctor_args;
    std::string call;
    std::vector<std::string> args;
    std::string fork = "Shanghai";
    std::string value = "0";
    int64_t gas = 30'000'000;
};

/// Deploys a compiled contract in a fresh in-memory state and calls it; prints a JSON report.
/// Throws std::runtime_error subclasses for bad input.
int run_deploy(const DeployOptions& options);

/// SIGINT and SIGTERM for a long-running command (`train`, `serve`, `node run`), in one place: while
/// an instance lives, the signals are blocked in every thread started after it (they inherit the
/// mask) and go to one waiting thread, which calls `on_stop` once. With `second_kills`, a second
/// signal ends the process at once (exit 128 + the signal), for a stop that must not wait. The
/// destructor wakes the waiter when no signal came and joins it.
class StopSignals {
public:
    explicit StopSignals(std::function<void(int signal)> on_stop, bool second_kills = false);
    ~StopSignals();
    StopSignals(const StopSignals&) = delete;
    StopSignals& operator=(const StopSignals&) = delete;
    /// The signal received (0: none yet).
    [[nodiscard]] int received() const { return received_.load(); }

private:
    std::atomic<int> received_{0};
    std::atomic<bool> done_{false};
    std::thread waiter_;
};

}  // namespace trainchain::cli
