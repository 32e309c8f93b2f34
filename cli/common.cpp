// cli/common.cpp - what every subcommand shares: reading input files, turning exceptions into
// one-line messages and exit codes, the key options and the stop signals of long-running commands.
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <pthread.h>
#include <unistd.h>

#include <fmt/core.h>

#include "commands.hpp"
#include "trainchain/runtime/chain.hpp"

namespace trainchain::cli {

std::string read_text(const std::string& path) {
    if (path == "-") return {std::istreambuf_iterator<char>(std::cin), {}};
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec))
        throw InputError(fmt::format("{}: error: is a directory", path));
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError(fmt::format("{}: error: cannot read file: {}", path, std::strerror(errno)));
    return {std::istreambuf_iterator<char>(in), {}};
}

void write_text_file(const std::filesystem::path& path, const std::string& text) {
    runtime::write_file_atomically(path, {reinterpret_cast<const uint8_t*>(text.data()), text.size()});
}

std::filesystem::path scratch_dir(const std::string& name) {
    const auto dir = std::filesystem::temp_directory_path() /
                     fmt::format("trainchain-{}-{}", name, static_cast<long>(::getpid()));
    std::filesystem::remove_all(dir);
    return dir;
}

CLI::Validator utf8_text() {
    return CLI::Validator(
        [](const std::string& text) {
            return runtime::valid_utf8(text) ? std::string() : std::string("not valid UTF-8 text");
        },
        "", "UTF-8");
}

std::function<void()> guarded(int& exit_code, std::function<int()> body, int other_exit,
                              std::function<bool(const std::exception&)> is_bad_input) {
    return [&exit_code, body = std::move(body), other_exit, is_bad_input = std::move(is_bad_input)] {
        try {
            exit_code = body();
        } catch (const InputError& e) {
            fmt::print(stderr, "{}\n", e.what());
            exit_code = exit_bad_input;
        } catch (const runtime::KeyFileError& e) {
            // A key file missing, malformed, open to others or not the run's: bad input everywhere.
            fmt::print(stderr, "{}\n", e.what());
            exit_code = exit_bad_input;
        } catch (const runtime::ChainBusy& e) {
            fmt::print(stderr, "{}\n", e.what());
            exit_code = exit_chain_busy;
        } catch (const std::exception& e) {
            if (is_bad_input && is_bad_input(e)) {
                fmt::print(stderr, "{}\n", e.what());
                exit_code = exit_bad_input;
                return;
            }
            fmt::print(stderr, "trainchain: error: {}\n", e.what());
            exit_code = other_exit;
        }
    };
}

void add_key_options(CLI::App* cmd, KeyFlags& flags, bool creates, const std::string& what) {
    cmd->add_option("--server-key", flags.server_key,
                    creates ? "the server's private key file (default: server.key in the key directory; "
                              "created, mode 0600, when absent)"
                            : "the server's private key file the run was made with (default: server.key "
                              "in the key directory)");
    cmd->add_option("--key-dir", flags.key_dir,
                    "where the run's private keys live, apart from its data (default: " + what +
                        "): server.key and the in-process nodes' keys");
}

void apply_key_options(const KeyFlags& flags, const std::filesystem::path& run_dir,
                       runtime::ChainOptions& options) {
    const auto paths =
        flags.key_dir.empty() ? runtime::default_key_paths(run_dir) : runtime::key_paths_in(flags.key_dir);
    options.server_key_file =
        flags.server_key.empty() ? paths.server : std::filesystem::path(flags.server_key);
    options.node_key_file = paths.nodes;
}

std::string created_server_key_line(const std::filesystem::path& file, const runtime::PublicKey& key) {
    return fmt::format("created the server key {} (mode 0600, kept apart from the runs); public key {}",
                       file.string(), runtime::hex(key));
}

std::string prepare_server_key(const std::filesystem::path& file) {
    bool created = false;
    const auto key = runtime::read_or_generate_key_file(file, &created);
    return created ? created_server_key_line(file, key.public_key()) : std::string();
}

namespace {
sigset_t stop_signal_set() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    return set;
}
}  // namespace

StopSignals::StopSignals(std::function<void(int)> on_stop, bool second_kills) {
    const sigset_t set = stop_signal_set();
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    waiter_ = std::thread([this, set, on_stop = std::move(on_stop), second_kills] {
        int sig = 0;
        sigwait(&set, &sig);
        if (done_) return;  // the destructor's wake-up
        received_ = sig;
        on_stop(sig);
        if (!second_kills) return;
        sigwait(&set, &sig);
        if (done_) return;
        std::_Exit(128 + sig);
    });
}

StopSignals::~StopSignals() {
    done_ = true;
    pthread_kill(waiter_.native_handle(), SIGTERM);
    waiter_.join();
}

}  // namespace trainchain::cli
