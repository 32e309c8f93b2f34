// tests/shared_support.hpp - what the runtime, training and CLI tests share: temporary directories and
// running the real `trainchain` binary with its output and exit code captured.
#pragma once

#include <doctest/doctest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

namespace trainchain::test {

/// A fresh temporary directory, removed with everything in it at the end of the scope.
struct TempDir {
    std::filesystem::path path;
    explicit TempDir(const std::filesystem::path& root = std::filesystem::temp_directory_path()) {
        std::string tmpl = (root / "trainchain-test-XXXXXX").string();
        const char* made = mkdtemp(tmpl.data());
        REQUIRE(made != nullptr);
        path = made;
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    std::filesystem::path operator/(const std::string& name) const { return path / name; }
};

/// What a run of the CLI printed and how it exited.
struct Run {
    int exit_code;
    std::string out, err;
};

/// Runs `bin args` (args shell-quoted by the caller); captures stdout, stderr and the exit code
/// (-1 when it did not exit normally, e.g. killed by a signal).
inline Run run_binary(const std::string& bin, const std::string& args) {
    char tmpl[] = "/tmp/trainchain-err-XXXXXX";
    const int fd = mkstemp(tmpl);
    REQUIRE(fd >= 0);
    close(fd);
    const std::string cmd = bin + " " + args + " 2>" + tmpl;
    FILE* p = popen(cmd.c_str(), "r");
    REQUIRE(p != nullptr);
    Run r{-1, {}, {}};
    char buf[4096];
    while (const size_t n = fread(buf, 1, sizeof buf, p)) r.out.append(buf, n);
    const int status = pclose(p);
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    std::ifstream e(tmpl);
    r.err.assign(std::istreambuf_iterator<char>(e), {});
    std::filesystem::remove(tmpl);
    return r;
}

/// `s` in single quotes for the shell (the tests' own paths and arguments hold no quote).
inline std::string quote(const std::string& s) { return "'" + s + "'"; }
inline std::string quote(const char* s) { return quote(std::string(s)); }
inline std::string quote(const std::filesystem::path& p) { return quote(p.string()); }

inline int count_lines(const std::string& s) {
    return static_cast<int>(std::count(s.begin(), s.end(), '\n'));
}

}  // namespace trainchain::test
