// tests/functional/compiler_diagnostics_test.cpp - golden diagnostics: runs the real `trainchain compile` on
// every tests/golden/diagnostics/NAME.sol (from the repository root, so messages name
// tests/golden/diagnostics/NAME.sol) and compares its exit code and its standard error, byte for byte, with
// NAME.expect (first line `exit: N`, then the expected standard error). One subcase per file; see
// tests/golden/diagnostics/README.md.
#include <doctest/doctest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

const fs::path source_dir = TRAINCHAIN_SOURCE_DIR;
const fs::path cases_dir = source_dir / "tests" / "golden" / "diagnostics";

struct Run {
    int exit_code;
    std::string err;  // standard error only
};

/// `text` as one shell word.
std::string quoted(const std::string& text) {
    std::string out = "'";
    for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

/// Runs `trainchain compile RELATIVE` from the repository root; keeps standard error, drops standard output.
Run compile(const std::string& relative) {
    const std::string cmd = "cd " + quoted(source_dir.string()) + " && " + quoted(TRAINCHAIN_BIN) +
                            " compile " + quoted(relative) + " 2>&1 1>/dev/null";
    FILE* p = popen(cmd.c_str(), "r");
    REQUIRE(p != nullptr);
    std::string err;
    char buf[4096];
    while (const size_t n = fread(buf, 1, sizeof buf, p)) err.append(buf, n);
    const int status = pclose(p);
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, err};
}

std::string read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    REQUIRE_MESSAGE(in.good(), "cannot read " << path.string());
    return {std::istreambuf_iterator<char>(in), {}};
}

/// A .expect file: `exit: N` on the first line, then the expected standard error.
struct Expectation {
    int exit_code = -1;
    std::string err;
};

Expectation parse_expect(const fs::path& path) {
    const std::string text = read_file(path);
    const size_t eol = text.find('\n');
    const std::string first = text.substr(0, eol);
    const std::string prefix = "exit: ";
    REQUIRE_MESSAGE(first.rfind(prefix, 0) == 0, path.string() << ": the first line must be `exit: N`");
    Expectation e;
    e.exit_code = std::stoi(first.substr(prefix.size()));
    e.err = eol == std::string::npos ? std::string() : text.substr(eol + 1);
    return e;
}

/// The case names (NAME of NAME.sol), sorted.
std::vector<std::string> case_names() {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(cases_dir))
        if (entry.path().extension() == ".sol") names.push_back(entry.path().stem().string());
    std::sort(names.begin(), names.end());
    return names;
}

}  // namespace

TEST_CASE("every diagnostics case has its source and its expectation") {
    const auto names = case_names();
    CHECK(names.size() >= 30);
    for (const auto& name : names) CHECK_MESSAGE(fs::exists(cases_dir / (name + ".expect")), name);
    for (const auto& entry : fs::directory_iterator(cases_dir))
        if (entry.path().extension() == ".expect")
            CHECK_MESSAGE(fs::exists(cases_dir / (entry.path().stem().string() + ".sol")),
                          entry.path().string());
}

TEST_CASE("the compiler's diagnostics match tests/golden/diagnostics/*.expect") {
    for (const auto& name : case_names()) {
        SUBCASE(name.c_str()) {
            const fs::path expect_path = cases_dir / (name + ".expect");
            REQUIRE_MESSAGE(fs::exists(expect_path), name);
            const Expectation expected = parse_expect(expect_path);
            const Run actual = compile("tests/golden/diagnostics/" + name + ".sol");
            INFO("case: tests/golden/diagnostics/" << name << ".sol");
            CHECK(actual.exit_code == expected.exit_code);
            CHECK(actual.err == expected.err);
        }
    }
}

TEST_CASE("the CLI refuses a flat chain of 40,000 terms with a diagnostic, without crashing") {
    // `trainchain compile` on a generated file (too big to keep as a golden case): exit 2 and one
    // `file:line:col: error:` line, not a signal (see also compiler_limits_test).
    const fs::path dir = fs::temp_directory_path() / ("trainchain_long_chain_" + std::to_string(::getpid()));
    fs::create_directories(dir);
    const fs::path file = dir / "long.sol";
    {
        std::ofstream out(file, std::ios::binary);
        out << "pragma solidity ^0.8.0;\ncontract C {\n    function f(uint256 x) public pure returns "
               "(uint256) {\n"
               "        return x";
        for (int i = 1; i < 40'000; ++i) out << " ** x";
        out << ";\n    }\n}\n";
    }
    const Run run = compile(file.string());
    fs::remove_all(dir);
    CHECK(run.exit_code == 2);
    CHECK(run.err.find("long.sol:4:16: error: expression too long: more than 1000 levels") !=
          std::string::npos);
    CHECK(run.err.find("long.sol: 1 error") != std::string::npos);
}
