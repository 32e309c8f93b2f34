// cli/torch_handoff.cpp - `trainchain`'s side of the commands that run libtorch: each hands the
// process over to the companion `trainchain-torch` with the same command line (execv), so that
// only these commands load libtorch (torch_commands.hpp says why).
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include <fmt/core.h>

#include "torch_commands.hpp"

namespace trainchain::cli {
namespace {

char** kept_argv = nullptr;

/// The companion: TRAINCHAIN_TORCH_RELPATH (set by cli/CMakeLists.txt, the same in the build
/// tree and in an installed tree) from the directory of this executable.
std::filesystem::path companion_path() {
    std::error_code ec;
    const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (ec)
        throw std::runtime_error(
            fmt::format("/proc/self/exe: error: cannot find this program: {}", ec.message()));
    return (self.parent_path() / TRAINCHAIN_TORCH_RELPATH).lexically_normal();
}

/// Replaces this process with the companion; returns only by throwing.
[[noreturn]] void hand_over(const char* command) {
    const auto path = companion_path();
    if (kept_argv == nullptr) throw std::logic_error("torch_handoff: keep_command_line was not called");
    std::fflush(stdout);
    std::fflush(stderr);
    ::execv(path.c_str(), kept_argv);
    throw std::runtime_error(fmt::format("{}: error: cannot start the training module, which `{}` needs: {}",
                                         path.string(), command, std::strerror(errno)));
}

}  // namespace

int run_train(const TrainFlags&) { hand_over("train"); }

int run_verify_replay(const ReplayFlags&) { hand_over("verify --replay"); }

int run_recovery(const RecoveryFlags&) { hand_over("report recovery"); }

int run_forgery(const ForgeryFlags&) { hand_over("report forgery"); }

void make_replaying_node(nats::NodeOptions&, const ReplayNodeFlags&) { hand_over("node run --replay"); }

void keep_command_line(int argc, char** argv) { kept_argv = argc > 0 ? argv : nullptr; }

}  // namespace trainchain::cli
