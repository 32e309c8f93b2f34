// cli/common.cpp - what every subcommand shares: reading input files and turning exceptions into
// one-line messages and exit codes.
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>

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

}  // namespace trainchain::cli
