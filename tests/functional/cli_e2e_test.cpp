// tests/functional/cli_e2e_test.cpp - end-to-end tests that run the real `trainchain` binary.
#include <doctest/doctest.h>

#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>

namespace fs = std::filesystem;

namespace {

struct Run {
    int exit_code;
    std::string out;  // stdout and stderr together
};

/// Runs the CLI with `args` (shell-quoted by the caller) and captures its output and exit code.
Run trainchain(const std::string& args) {
    const std::string cmd = std::string(TRAINCHAIN_BIN) + " " + args + " 2>&1";
    FILE* p = popen(cmd.c_str(), "r");
    REQUIRE(p != nullptr);
    std::string out;
    char buf[4096];
    while (const size_t n = fread(buf, 1, sizeof buf, p)) out.append(buf, n);
    const int status = pclose(p);
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

/// A fresh temporary directory, removed at the end of the test.
struct TempDir {
    fs::path path;
    TempDir() {
        char tmpl[] = "/tmp/trainchain-e2e-XXXXXX";
        path = mkdtemp(tmpl);
    }
    ~TempDir() { fs::remove_all(path); }
    fs::path write(const std::string& name, const std::string& content) const {
        std::ofstream(path / name) << content;
        return path / name;
    }
};

int count_lines(const std::string& s) { return static_cast<int>(std::count(s.begin(), s.end(), '\n')); }

}  // namespace

TEST_CASE("exec runs bytecode and reports status, gas, output and storage") {
    // PUSH1 2 PUSH1 3 ADD PUSH1 0 SSTORE PUSH1 7 PUSH1 0 MSTORE PUSH1 32 PUSH1 0 RETURN
    const auto r = trainchain("exec --code 6002600301600055600760005260206000f3 --gas 100000 --json");
    REQUIRE(r.exit_code == 0);
    const auto j = nlohmann::json::parse(r.out);
    CHECK(j["status"] == "success");
    // 3+3+3 + 3+20000 (SSTORE set) + 3+3+3+3 (MSTORE, memory 1 word) + 3+3+0 = 20030
    CHECK(j["gas_used"] == 20030);
    CHECK(j["gas_left"] == 100000 - 20030);
    CHECK(j["output"] == "0x" + std::string(62, '0') + "07");
    CHECK(j["storage"]["0x0"] == "0x5");
    CHECK(j["logs"].empty());
}

TEST_CASE("exec reports logs and exceptional halts") {
    // PUSH1 0xaa PUSH1 0 MSTORE8 PUSH1 0x42 PUSH1 1 PUSH1 0 LOG1
    auto r = trainchain("exec --code 60aa600053604260016000a1 --json");
    REQUIRE(r.exit_code == 0);
    auto j = nlohmann::json::parse(r.out);
    REQUIRE(j["logs"].size() == 1);
    CHECK(j["logs"][0]["data"] == "0xaa");
    CHECK(j["logs"][0]["topics"][0] == "0x" + std::string(62, '0') + "42");

    // PUSH1 1 PUSH1 0 SSTORE PUSH1 0 JUMP: the write is undone by the bad jump.
    r = trainchain("exec --code 6001600055600056 --gas 30000 --json");
    CHECK(r.exit_code == 1);
    j = nlohmann::json::parse(r.out);
    CHECK(j["status"] == "bad_jump_destination");
    CHECK(j["storage"].empty());

    r = trainchain("exec --code 600056 --gas 1000 --json");  // PUSH1 0 JUMP: bad jump
    CHECK(r.exit_code == 1);
    j = nlohmann::json::parse(r.out);
    CHECK(j["status"] == "bad_jump_destination");
    CHECK(j["gas_left"] == 0);
    CHECK(j["gas_used"] == 1000);
}

TEST_CASE("exec takes calldata and an assembly file") {
    TempDir d;
    const auto src = d.write("echo.asm", "PUSH1 0 CALLDATALOAD PUSH1 0 MSTORE PUSH1 32 PUSH1 0 RETURN\n");
    const auto r =
        trainchain("exec --code " + src.string() + " --calldata 0x" + std::string(63, '0') + "9 --json");
    REQUIRE(r.exit_code == 0);
    CHECK(nlohmann::json::parse(r.out)["output"] == "0x" + std::string(63, '0') + "9");
}

TEST_CASE("exec --value sends value with the call") {
    // ADDRESS BALANCE PUSH1 0 MSTORE PUSH1 32 PUSH1 0 RETURN
    const auto r = trainchain("exec --code 303160005260206000f3 --value 0x2a --json");
    REQUIRE(r.exit_code == 0);
    CHECK(nlohmann::json::parse(r.out)["output"] == "0x" + std::string(62, '0') + "2a");
}

TEST_CASE("disasm reads hex with one instruction per line") {
    TempDir d;
    const auto r = trainchain("disasm " + d.write("nl.hex", "0x6001\n6002\n01\n").string());
    REQUIRE(r.exit_code == 0);
    CHECK(r.out == "PUSH1 0x01\nPUSH1 0x02\nADD\n");
    CHECK(trainchain("disasm " + d.write("split.hex", "6 001").string()).out ==
          (d.path / "split.hex").string() + ":1:2: error: whitespace inside a byte\n");
}

TEST_CASE(
    "exec --fork: BALANCE costs 20, 400 in Petersburg, 700 in Istanbul, 2600 cold / 100 warm from Berlin") {
    // PUSH20 0xbeef BALANCE POP, once and twice: 3 + BALANCE + 2 per round.
    const std::string once = "73000000000000000000000000000000000000beef3150";
    const std::pair<const char*, std::pair<int, int>> expected[] = {
        {"Frontier", {25, 50}},    {"TangerineWhistle", {405, 810}}, {"Petersburg", {405, 810}},
        {"Istanbul", {705, 1410}}, {"Berlin", {2605, 2710}},         {"London", {2605, 2710}},
        {"Cancun", {2605, 2710}},
    };
    for (const auto& [fork, gas] : expected) {
        INFO(fork);
        auto r = trainchain("exec --fork " + std::string(fork) + " --json --code " + once);
        REQUIRE(r.exit_code == 0);
        CHECK(nlohmann::json::parse(r.out)["gas_used"] == gas.first);
        r = trainchain("exec --fork " + std::string(fork) + " --json --code " + once + once);
        REQUIRE(r.exit_code == 0);
        CHECK(nlohmann::json::parse(r.out)["gas_used"] == gas.second);
    }
}

TEST_CASE("exec --tx adds the intrinsic gas and caps the refund; --create deploys") {
    // SSTORE(0, 1) then SSTORE(0, 0) in London: 21000 + 6 + 2100 + 20000 + 6 + 100 = 43212 before
    // the refund of 19900, capped at 43212 / 5 = 8642.
    auto r = trainchain("exec --fork London --tx --json --code 6001600055600060005500");
    REQUIRE(r.exit_code == 0);
    auto j = nlohmann::json::parse(r.out);
    CHECK(j["intrinsic_gas"] == 21000);
    CHECK(j["gas_refund"] == 8642);
    CHECK(j["gas_used"] == 43212 - 8642);

    // Init code copying 10 bytes of runtime code (PUSH1 42 PUSH1 0 MSTORE PUSH1 32 PUSH1 0 RETURN).
    r = trainchain(
        "exec --fork Shanghai --create --json --code 600a600c600039600a6000f3602a60005260206000f3");
    REQUIRE(r.exit_code == 0);
    j = nlohmann::json::parse(r.out);
    CHECK(j["intrinsic_gas"] == 53306);             // 53000 + 4 zero bytes * 4 + 18 others * 16 + 1 word * 2
    CHECK(j["gas_used"] == 53306 + 24 + 10 * 200);  // init code 24, deposit 200 per byte
    CHECK(j["created"] == "0x6fb1a2dee3e106113f85d408d80b69afe447b26e");

    r = trainchain("exec --fork London --tx --gas 20000 --code 00");
    CHECK(r.exit_code == 2);
    CHECK(r.out == "--tx: error: invalid transaction: gas limit 20000 is below the intrinsic gas 21000\n");
}

TEST_CASE("asm and disasm round-trip through files") {
    TempDir d;
    const auto src = d.write("p.asm", "loop: JUMPDEST\n  PUSH1 1 PUSH @loop JUMPI\n  STOP\n");
    const auto a = trainchain("asm " + src.string());
    REQUIRE(a.exit_code == 0);
    CHECK(a.out ==
          "5b600161000057"
          "00\n");
    const auto hex = d.write("p.hex", a.out);
    const auto dis = trainchain("disasm " + hex.string());
    REQUIRE(dis.exit_code == 0);
    CHECK(dis.out == "JUMPDEST\nPUSH1 0x01\nPUSH2 0x0000\nJUMPI\nSTOP\n");
    const auto again = trainchain("asm " + d.write("q.asm", dis.out).string());
    CHECK(again.out == a.out);
}

TEST_CASE("bad input: one line naming what and where, exit code 2") {
    TempDir d;
    auto r = trainchain("exec --code 0x123");
    CHECK(r.exit_code == 2);
    CHECK(r.out == "--code:1:5: error: odd number of hex digits (3)\n");  // points at the lone digit

    r = trainchain("exec --code 60zz");
    CHECK(r.exit_code == 2);
    CHECK(r.out == "--code:1:3: error: invalid hex digit 'z'\n");

    const auto bad_asm = d.write("bad.asm", "PUSH1 1\n  BOGUS\n");
    r = trainchain("asm " + bad_asm.string());
    CHECK(r.exit_code == 2);
    CHECK(r.out == bad_asm.string() + ":2:3: error: unknown mnemonic 'BOGUS'\n");

    const auto trunc = d.write("trunc.asm", "PUSH1 1 PUSH2");
    r = trainchain("asm " + trunc.string());
    CHECK(r.exit_code == 2);
    CHECK(r.out == trunc.string() + ":1:9: error: 'PUSH2' needs an immediate value\n");

    const auto wide = d.write("wide.asm", "PUSH2 0x010203");
    r = trainchain("exec --code " + wide.string());
    CHECK(r.exit_code == 2);
    CHECK(r.out == wide.string() + ":1:7: error: immediate 0x010203 does not fit in PUSH2 (2 bytes)\n");

    r = trainchain("disasm " + (d.path / "missing.hex").string());
    CHECK(r.exit_code == 2);
    CHECK(r.out ==
          (d.path / "missing.hex").string() + ": error: cannot read file: No such file or directory\n");

    const auto odd = d.write("odd.hex", "600\n");
    r = trainchain("disasm " + odd.string());
    CHECK(r.exit_code == 2);
    CHECK(r.out == odd.string() + ":1:3: error: odd number of hex digits (3)\n");

    const auto bad_json = d.write("bad.json", "{\"t\": {\"env\": [1, 2}");
    r = trainchain("vmtest " + bad_json.string());
    CHECK(r.exit_code == 2);
    CHECK(r.out.find(bad_json.string() +
                     ":1:20: error: malformed JSON: syntax error while parsing array - unexpected '}'; "
                     "expected ']'\n") == 0);
    CHECK(r.out.find("0 passed, 0 failed\n") != std::string::npos);

    const auto huge = d.write("huge.json", "{\"t\": {\"gas\": 1e999}}");
    r = trainchain("vmtest " + huge.string());
    CHECK(r.exit_code == 2);
    CHECK(r.out.find(huge.string() + ": error: malformed JSON: number overflow parsing '1e999'\n") == 0);

    const auto missing = d.write("missing.json", "{\"t\": {\"gas\": \"0x1\"}, \"u\": 5}");
    r = trainchain("vmtest " + missing.string());
    CHECK(r.exit_code == 2);
    CHECK(r.out.find(missing.string() + ": error: test 't': malformed test: key 'env' not found\n") !=
          std::string::npos);
    CHECK(r.out.find(missing.string() + ": error: test 'u': malformed test: is not a JSON object\n") !=
          std::string::npos);

    fs::create_directory(d.path / "empty");
    fs::create_symlink("self.json", d.path / "empty" / "self.json");  // a link to itself
    r = trainchain("vmtest " + (d.path / "empty").string());
    CHECK(r.exit_code == 2);
    CHECK(r.out.find((d.path / "empty").string() + ": error: no .json test files in this directory\n") == 0);

    const auto ctl = d.write("ctl.hex", std::string("60\x01") + "01");
    r = trainchain("disasm " + ctl.string());
    CHECK(r.exit_code == 2);
    CHECK(r.out == ctl.string() + ":1:3: error: invalid hex digit '\\x01'\n");

    r = trainchain("exec --code 00 --gas 99999999999999999999");
    CHECK(r.exit_code == 2);
    CHECK(r.out == "--gas: error: '99999999999999999999' is not a gas amount (0 to 9223372036854775807)\n");

    r = trainchain("exec --code 00 --fork Atlantis");  // every real fork is accepted now
    CHECK(r.exit_code == 2);
    CHECK(r.out == "--fork: error: unknown fork 'Atlantis'\n");

    r = trainchain("exec --code 00 --gas lots");
    CHECK(r.exit_code == 2);
    CHECK(count_lines(r.out) == 1);

    r = trainchain("frobnicate");
    CHECK(r.exit_code == 2);
    CHECK(count_lines(r.out) == 1);
}

TEST_CASE("vmtest runs a conformance file and reports a wrong expectation") {
    const fs::path add0 =
        fs::path(TRAINCHAIN_SOURCE_DIR) / "../shared/conformance/vmtests/vmArithmeticTest/add0.json";
    if (!fs::exists(add0)) return;  // conformance data not beside the repository
    auto r = trainchain("vmtest " + add0.string());
    CHECK(r.exit_code == 0);
    CHECK(r.out == "1 passed, 0 failed\n");

    // Same test with the expected gas changed by one: the runner must notice.
    auto j = nlohmann::json::parse(std::ifstream(add0));
    j["add0"]["gas"] = "0x013873";
    TempDir d;
    const auto broken = d.write("add0.json", j.dump());
    r = trainchain("vmtest " + broken.string());
    CHECK(r.exit_code == 1);
    CHECK(r.out.find("FAIL " + broken.string() + " [add0]: gas left 79988, expected 79987\n") == 0);
    CHECK(r.out.find("0 passed, 1 failed\n") != std::string::npos);

    // A changed post-state storage value too.
    j = nlohmann::json::parse(std::ifstream(add0));
    j["add0"]["post"]["0x0f572e5295c57f15886f9b263e2f6d2d6c7b5ec6"]["storage"]["0x00"] = "0x01";
    r = trainchain("vmtest " + d.write("add0s.json", j.dump()).string());
    CHECK(r.exit_code == 1);
    CHECK(r.out.find(
              "storage[0x0] of 0x0f572e5295c57f15886f9b263e2f6d2d6c7b5ec6 is 0xfffffffffffffffffffffffffffff"
              "ffffffffffffffffffffffffffffffffffe, expected 0x1") != std::string::npos);
}

TEST_CASE("statetest runs a GeneralStateTest, reports a wrong root, and refuses malformed tests") {
    const fs::path add11 =
        fs::path(TRAINCHAIN_SOURCE_DIR) / "../shared/conformance/statetests/stExample/add11.json";
    if (!fs::exists(add11)) return;  // conformance data not beside the repository
    auto r = trainchain("statetest " + add11.string());
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("Berlin                    1        0        0\n") != std::string::npos);
    CHECK(r.out.find("\n5 passed, 0 failed\n") != std::string::npos);

    r = trainchain("statetest --fork Merge " + add11.string());  // the files' own fork names
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("Paris                     1        0        0\n1 passed, 0 failed\n") !=
          std::string::npos);

    const auto original = nlohmann::json::parse(std::ifstream(add11));
    TempDir d;
    // The expected root changed by one digit: the runner names both roots.
    auto j = original;
    auto& london = j["add11"]["post"]["London"][0];
    std::string want = london["hash"];
    want.back() = want.back() == '0' ? '1' : '0';
    london["hash"] = want;
    r = trainchain("statetest --fork London " + d.write("root.json", j.dump()).string());
    CHECK(r.exit_code == 1);
    CHECK(r.out.find("[add11] London #0 (d0 g0 v0): state root 0x") != std::string::npos);
    CHECK(r.out.find(", expected " + want + "\n") != std::string::npos);
    CHECK(r.out.find("0 passed, 1 failed\n") != std::string::npos);

    // A case that expects a rejection of a valid transaction fails; --dump shows the post-state.
    j = original;
    j["add11"]["post"]["London"][0]["expectException"] = "TR_NoFunds";
    r = trainchain("statetest --dump --fork London " + d.write("exc.json", j.dump()).string());
    CHECK(r.exit_code == 1);
    CHECK(r.out.find("expected the transaction to be rejected (\"TR_NoFunds\"), it ran") !=
          std::string::npos);
    CHECK(r.out.find("  post-state: {\"0x095e7baea6a6c7c4c2dfeb977efac326af552d87\"") != std::string::npos);

    // An unaffordable transaction is rejected, and the root stays the pre-state's.
    j = original;
    j["add11"]["transaction"]["value"][0] = "0x0de0b6b3a7640000";  // all the sender has, and gas too
    r = trainchain("statetest --json --fork Cancun " + d.write("funds.json", j.dump()).string());
    CHECK(r.exit_code == 1);
    const auto report = nlohmann::json::parse(r.out);
    CHECK(report["failed"] == 1);
    CHECK(
        report["failures"][0]["reason"] ==
        "transaction rejected: insufficient-funds: the sender cannot pay gas limit times fee cap plus value");

    // Malformed tests are errors (exit 2) naming the file and test; the others still run.
    j = original;
    j["bad_fork"] = original["add11"];
    j["bad_fork"]["post"]["Atlantis"] = j["bad_fork"]["post"]["London"];
    j["bad_index"] = original["add11"];
    j["bad_index"]["post"]["London"][0]["indexes"]["data"] = 7;
    j["neg_index"] = original["add11"];
    j["neg_index"]["post"]["London"][0]["indexes"]["gas"] = -1;
    j["no_tx"] = original["add11"];
    j["no_tx"].erase("transaction");
    j["bad_hash"] = original["add11"];
    j["bad_hash"]["post"]["London"][0]["hash"] = "0x1234";
    const auto bad = d.write("bad.json", j.dump());
    r = trainchain("statetest --fork London " + bad.string());
    CHECK(r.exit_code == 2);
    CHECK(r.out.find(bad.string() +
                     ": error: test 'bad_fork': malformed test: unknown fork 'Atlantis' in post\n") !=
          std::string::npos);
    CHECK(
        r.out.find(bad.string() + ": error: test 'bad_index': malformed test: index 7 is outside 'data'\n") !=
        std::string::npos);
    CHECK(r.out.find(bad.string() +
                     ": error: test 'neg_index': malformed test: index 'gas' is not a non-negative "
                     "integer\n") != std::string::npos);
    CHECK(r.out.find(bad.string() + ": error: test 'no_tx': malformed test: key 'transaction' not found\n") !=
          std::string::npos);
    CHECK(r.out.find(bad.string() +
                     ": error: test 'bad_hash': malformed test: field 'hash' is not 32 bytes\n") !=
          std::string::npos);
    CHECK(r.out.find("1 passed, 0 failed\n") != std::string::npos);

    const auto broken = d.write("broken.json", "{\"t\": {\"env\": [1, 2}");
    r = trainchain("statetest " + broken.string());
    CHECK(r.exit_code == 2);
    CHECK(r.out.find(broken.string() + ":1:20: error: malformed JSON: syntax error") == 0);

    r = trainchain("statetest --sample 0 " + add11.string());
    CHECK(r.exit_code == 2);
    r = trainchain("statetest --fork Atlantis " + add11.string());
    CHECK(r.exit_code == 2);
    CHECK(r.out == "--fork: error: unknown fork 'Atlantis'\n");
}

// ---- the compiler through the CLI ---------------------------------------------------------------

namespace {

const char* counter_source = R"(// SPDX-License-Identifier: MIT
pragma solidity ^0.8.0;
contract Counter {
    uint256 public count;
    event Added(address indexed by, uint256 amount);
    constructor(uint256 start) { count = start; }
    function add(uint256 amount) public returns (uint256) {
        count += amount;
        emit Added(msg.sender, amount);
        return count;
    }
    function limited(uint256 x) public pure returns (uint256) {
        require(x < 10, "too big");
        return x * 2;
    }
}
)";

}  // namespace

TEST_CASE("compile writes init code, runtime code, ABI and listing; -O0 gives larger code") {
    TempDir dir;
    const auto src = dir.write("Counter.sol", counter_source);
    const auto out = dir.path / "out";
    auto r = trainchain("compile " + src.string() + " -o " + out.string() + " --asm");
    REQUIRE(r.exit_code == 0);
    for (const char* ext : {".bin", ".bin-runtime", ".abi", ".asm"})
        CHECK(fs::exists(out / (std::string("Counter") + ext)));
    const auto abi = nlohmann::json::parse(std::ifstream(out / "Counter.abi"));
    bool has_add = false;
    for (const auto& e : abi)
        if (e.value("name", "") == "add") has_add = e["inputs"][0]["type"] == "uint256";
    CHECK(has_add);
    std::ifstream listing_file(out / "Counter.asm");
    const std::string listing((std::istreambuf_iterator<char>(listing_file)), {});
    CHECK(listing.find("Counter.sol:") != std::string::npos);  // source positions

    const auto o1 = trainchain("compile " + src.string());
    const auto o0 = trainchain("compile -O0 " + src.string());
    REQUIRE(o1.exit_code == 0);
    REQUIRE(o0.exit_code == 0);
    CHECK(o0.out.size() > o1.out.size());
}

TEST_CASE("exec --deploy --call deploys a source file and calls a function by signature") {
    TempDir dir;
    const auto src = dir.write("Counter.sol", counter_source);
    auto r = trainchain("exec --deploy " + src.string() + " --ctor-args 40 --call 'add(uint256)' 2");
    REQUIRE(r.exit_code == 0);
    const auto j = nlohmann::json::parse(r.out);
    CHECK(j["deploy"]["status"] == "success");
    CHECK(j["call"]["status"] == "success");
    CHECK(j["call"]["returns"][0] == "42");
    REQUIRE(j["call"]["logs"].size() == 1);
    CHECK(j["call"]["logs"][0]["topics"].size() == 2);

    r = trainchain("exec --deploy " + src.string() + " --ctor-args 0 --call 'limited(uint256)' 11");
    CHECK(r.exit_code == 1);
    CHECK(nlohmann::json::parse(r.out)["call"]["revert"] == "Error(\"too big\")");
}

TEST_CASE("compile: bad source gives file:line:col diagnostics with a caret and exit code 2") {
    TempDir dir;
    const auto src = dir.write("bad.sol", "contract C {\n    function f() public { x = 1; }\n}\n");
    const auto r = trainchain("compile " + src.string());
    CHECK(r.exit_code == 2);
    CHECK(r.out.find("bad.sol:2:27: error: undeclared identifier 'x'") != std::string::npos);
    CHECK(r.out.find("                          ^") != std::string::npos);
    CHECK(trainchain("compile " + (dir.path / "missing.sol").string()).exit_code == 2);
    CHECK(trainchain("exec --deploy " + src.string() + " --call 'f()'").exit_code == 2);
    const auto good = dir.write("Counter.sol", counter_source);
    CHECK(trainchain("exec --deploy " + good.string() + " --ctor-args 1 --call 'nope()'").exit_code == 2);
    CHECK(
        trainchain("exec --deploy " + good.string() + " --ctor-args 1 --call 'add(uint256)' xyz").exit_code ==
        2);
}

TEST_CASE("--version and -V print the version and exit 0") {
    // Before: "The following argument was not expected: --version", exit 2.
    for (const char* flag : {"--version", "-V"}) {
        INFO(flag);
        const auto r = trainchain(flag);
        CHECK(r.exit_code == 0);
        CHECK(std::regex_match(r.out, std::regex("trainchain [0-9]+\\.[0-9]+\\.[0-9]+\n")));
    }
}

namespace {

constexpr const char* arrays_source = R"(
contract Arrays {
    uint256 public base;
    constructor(uint256 b) { base = b; }
    function sum(uint256[] memory xs) public view returns (uint256) {
        uint256 s = base;
        for (uint256 i = 0; i < xs.length; i++) s += xs[i];
        return s;
    }
    function signed(int256[] memory xs) public pure returns (int256) {
        int256 s = 0;
        for (uint256 i = 0; i < xs.length; i++) s = s * 10 + xs[i];
        return s;
    }
    function echo(string memory s) public pure returns (string memory) { return s; }
    function two(string memory a, int256 b) public pure returns (string memory, int256) { return (a, b); }
    function notUtf8() public pure returns (string memory, string memory) {
        return (string(hex"62ff61"), "ok");
    }
}
)";

}  // namespace

TEST_CASE("exec --call: array arguments, arguments that start with '-', returned bytes that are not UTF-8") {
    // Before: '[1,2,3]' was split into three arguments, '[3]' was "not an array", '-x' needed a
    // '--' before it, and a returned string that was not UTF-8 made exec exit 2 (json type_error).
    TempDir dir;
    const auto src = dir.write("Arrays.sol", arrays_source);
    const std::string deploy = "exec --deploy " + src.string() + " --ctor-args 100 --call ";
    auto returns = [&](const std::string& call) {
        const auto r = trainchain(deploy + call);
        INFO(call << ": " << r.out);
        REQUIRE(r.exit_code == 0);
        return nlohmann::json::parse(r.out)["call"]["returns"];
    };
    // Arrays: several elements, one, none, spaces and hex, negative elements.
    CHECK(returns("'sum(uint256[])' '[1,2,3]'")[0] == "106");
    CHECK(returns("'sum(uint256[])' '[3]'")[0] == "103");
    CHECK(returns("'sum(uint256[])' '[]'")[0] == "100");
    CHECK(returns("'sum(uint256[])' '[ 1, 0x10 ]'")[0] == "117");
    CHECK(returns("'signed(int256[])' '[-4,-2]'")[0] == "-42");
    CHECK(returns("'signed(int256[])' '[-7]'")[0] == "-7");
    // Arguments that look like options are call arguments once they follow --call SIGNATURE.
    for (const char* s : {"-hello", "--json", "-h", "--call", "-V", "[x"}) {
        const auto j = returns("'echo(string)' " + std::string("'") + s + "'");
        CHECK(j[0] == std::string("\"") + s + "\"");
    }
    const auto two = returns("'two(string,int256)' --gas -5");
    CHECK(two[0] == "\"--gas\"");
    CHECK(two[1] == "-5");
    // An explicit '--' still works.
    CHECK(returns("'two(string,int256)' -- -x -7")[0] == "\"-x\"");
    // A returned string that is not UTF-8: its bytes in hex; the others as text.
    const auto bytes = returns("'notUtf8()'");
    CHECK(bytes[0] == "0x62ff61");
    CHECK(bytes[1] == "\"ok\"");
    // An argument that is not UTF-8 is bad input.
    const auto bad = trainchain(deploy + "'echo(string)' " + "'bad \xff'");
    CHECK(bad.exit_code == 2);
    CHECK(bad.out.find("not valid UTF-8") != std::string::npos);
    // Wrong shapes are still refused, naming the argument.
    const auto scalar = trainchain(deploy + "'sum(uint256[])' 3");
    CHECK(scalar.exit_code == 2);
    CHECK(scalar.out.find("not an array") != std::string::npos);
    const auto nested = trainchain(deploy + "'sum(uint256[])' '[[1]]'");
    CHECK(nested.exit_code == 2);
}

TEST_CASE("every command --help lists with --help works on its own (the command areas of main.cpp)") {
    // `trainchain CMD ...` registers only CMD's area; a command missing from the table, or in the
    // wrong area, would fail here with "not expected" or a help text without its options.
    const auto all = trainchain("--help");
    REQUIRE(all.exit_code == 0);
    const auto at = all.out.find("Subcommands:");
    REQUIRE(at != std::string::npos);
    const std::regex line("\n  ([a-z]+) +[A-Z]");
    int commands = 0;
    for (std::sregex_iterator it(all.out.begin() + static_cast<std::ptrdiff_t>(at), all.out.end(), line), end;
         it != end; ++it) {
        const std::string name = (*it)[1];
        INFO(name);
        const auto r = trainchain(name + " --help");
        CHECK(r.exit_code == 0);
        CHECK(r.out.find(name) != std::string::npos);
        CHECK(r.out.find("Options:") != std::string::npos);
        ++commands;
    }
    CHECK(commands >= 16);
}

TEST_CASE("trainchain links no libtorch; the commands that train hand over to trainchain-torch") {
    // What the binary needs, transitively: no libtorch, no c10.
    const std::string bin = TRAINCHAIN_BIN;
    FILE* p = popen(("ldd " + bin).c_str(), "r");
    REQUIRE(p != nullptr);
    std::string libs;
    char buf[4096];
    while (const size_t n = fread(buf, 1, sizeof buf, p)) libs.append(buf, n);
    REQUIRE(pclose(p) == 0);
    CHECK(libs.find("libc.so") != std::string::npos);
    CHECK(libs.find("libtorch") == std::string::npos);
    CHECK(libs.find("libc10") == std::string::npos);
    // verify --replay runs in the companion: its error is the replay's, with the usual exit code.
    TempDir dir;
    const auto r = trainchain("verify --replay " + (dir.path / "none").string());
    CHECK(r.exit_code == 2);
    CHECK(r.out.find("no chain here") != std::string::npos);
    // Without the companion, the command says so (a copy of the binary alone in a directory).
    fs::copy_file(bin, dir.path / "trainchain");
    Run alone;
    {
        const std::string cmd =
            (dir.path / "trainchain").string() + " train --dir " + (dir.path / "run").string() + " 2>&1";
        FILE* q = popen(cmd.c_str(), "r");
        REQUIRE(q != nullptr);
        while (const size_t n = fread(buf, 1, sizeof buf, q)) alone.out.append(buf, n);
        const int status = pclose(q);
        alone.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
    CHECK(alone.exit_code == 1);
    CHECK(alone.out.find("trainchain-torch: error: cannot start the training module, which `train` needs") !=
          std::string::npos);
    CHECK(!fs::exists(dir.path / "run"));
}
