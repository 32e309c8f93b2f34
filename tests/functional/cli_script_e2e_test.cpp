// tests/functional/cli_script_e2e_test.cpp - `trainchain exec --script` on the real binary: the
// hand-written scenarios of tests/golden/scripts/cli/ (every step field and expectation form), a
// failing expectation (exit 1, saying what differed), and bad scripts (exit 2, naming the file and
// the step, never a crash).
#include <doctest/doctest.h>

#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "shared_support.hpp"

namespace fs = std::filesystem;

namespace {

using trainchain::test::Run;

/// Runs the CLI with `args` (shell-quoted by the caller): its exit code, and in `out` its standard
/// output followed by its standard error.
Run run_cli(const std::string& args) {
    Run r = trainchain::test::run_binary(TRAINCHAIN_BIN, args);
    r.out += r.err;
    return r;
}

const fs::path golden = fs::path(TRAINCHAIN_SOURCE_DIR) / "tests/golden/scripts/cli";

/// A temporary directory with a copy of Bank.sol, removed at the end of the test.
struct TempDir {
    fs::path path;
    TempDir() {
        char tmpl[] = "/tmp/trainchain-script-XXXXXX";
        path = mkdtemp(tmpl);
        fs::copy_file(golden / "Bank.sol", path / "Bank.sol");
    }
    ~TempDir() { fs::remove_all(path); }
    std::string write(const std::string& name, const std::string& content) const {
        std::ofstream(path / name) << content;
        return (path / name).string();
    }
};

/// A script around `steps` (a JSON array's text) on Bank.sol with accounts alice and bob.
std::string bank_script(const std::string& steps) {
    return R"js({"sources": ["Bank.sol"], "accounts": {"alice": {}, "bob": {}}, "steps": )js" + steps + "}";
}

const std::string deploy = R"js({"deploy": "Bank", "as": "bank", "args": ["@alice", 1000]})js";

}  // namespace

TEST_CASE("exec --script runs the hand-written Bank scenario at -O0 and -O1: every expectation met") {
    for (const char* level : {"-O0", "-O1"}) {
        CAPTURE(level);
        const auto r = run_cli("exec --script " + (golden / "bank.json").string() + " " + level);
        INFO(r.out);
        CHECK(r.exit_code == 0);
        CHECK(r.out.find("18 steps: every expectation met") != std::string::npos);
        CHECK(r.out.find("FAILED") == std::string::npos);
    }
    const auto r = run_cli("exec --script " + (golden / "bank.json").string() + " --json");
    REQUIRE(r.exit_code == 0);
    const auto j = nlohmann::json::parse(r.out);
    REQUIRE(j.size() == 18);
    for (const auto& step : j) CHECK(step["ok"] == true);
    CHECK(j[0]["step"] == 1);
    CHECK(j[0]["what"] == "deploy Bank as bank");
    CHECK(j[0]["address"] == "0xf55c93e4abbcb2c7a0b5806dc081c0b56e34d598");
    CHECK(j[1]["decoded"] == "[true]");
    CHECK(j[3]["status"] == "revert");
    CHECK(j[3]["decoded"] == "InsufficientBalance(@carol,0,1)");
    CHECK(j[5]["decoded"] == "Panic(18)");
    CHECK(j[13]["gas_used"] == 21000);
    CHECK(j[14]["status"] == "out_of_gas");
}

TEST_CASE("exec --script: a failing expectation exits 1 and says what was expected and what came") {
    const auto r = run_cli("exec --script " + (golden / "bank_mismatch.fail.json").string());
    INFO(r.out);
    CHECK(r.exit_code == 1);
    CHECK(r.out.find("returns: expected [false] got [true]") != std::string::npos);
    CHECK(
        r.out.find(
            "events[0]: expected Transfer(@alice,@bob,11) at @bank got Transfer(@alice,@bob,10) at @bank") !=
        std::string::npos);
    CHECK(r.out.find("revert: expected Error(\"too small\") got Error(\"too big\")") != std::string::npos);
    CHECK(r.out.find("status: expected revert got success") != std::string::npos);
    CHECK(r.out.find("gas_used: expected 21001 got 21000") != std::string::npos);
    CHECK(r.out.find("balances.@bob: expected 6 got 5") != std::string::npos);
    CHECK(r.out.find("6 steps: 4 failed") != std::string::npos);

    const auto j = run_cli("exec --script " + (golden / "bank_mismatch.fail.json").string() + " --json");
    CHECK(j.exit_code == 1);
    const auto results = nlohmann::json::parse(j.out);
    CHECK(results[0]["ok"] == true);
    CHECK(results[1]["ok"] == false);
    CHECK(results[1]["failures"].size() == 2);
    CHECK(results[5]["ok"] == true);
}

TEST_CASE("exec --script: --fork overrides the script's, -O0 and -O1 give the same results") {
    TempDir dir;
    const auto file =
        dir.write("s.json", bank_script("[" + deploy +
                                        R"js(, {"call": "@bank", "function": "small", "args": [3],
                                                            "expect": {"returns": [6]}}])js"));
    CHECK(run_cli("exec --script " + file + " --fork Shanghai").exit_code == 0);
    CHECK(run_cli("exec --script " + file + " --fork Shanghai --base-path " + dir.path.string() +
                  " --include-path /nonexistent --include-path " + dir.path.string())
              .exit_code == 0);
    const auto bad = run_cli("exec --script " + file + " --fork Nope");
    CHECK(bad.exit_code == 2);
    CHECK(bad.out.find("--fork: unknown fork 'Nope'") != std::string::npos);
    CHECK(run_cli("exec --script " + file + " -O2").exit_code == 2);
}

TEST_CASE("exec --script: bad scripts exit 2 with one message naming the file and the step") {
    TempDir dir;
    struct Case {
        const char* name;
        std::string script;
        std::string message;  // what the output must contain after "FILE: "
    };
    const std::string huge = "1" + std::string(80, '0');
    const Case cases[] = {
        {"malformed JSON", R"js({"sources": ["Bank.sol"], "steps": [)js", "malformed JSON: "},
        {"not an object", "[1, 2]", "a script is a JSON object, not array"},
        {"no sources", R"js({"steps": []})js", "'sources' is missing"},
        {"sources not strings", R"js({"sources": [1], "steps": []})js",
         "'sources' must be a string, not number 1"},
        {"missing source file", R"js({"sources": ["Nope.sol"], "accounts": {"a": {}}, "steps": []})js",
         "sources: cannot read"},
        {"unknown top-level field", R"js({"sources": ["Bank.sol"], "step": []})js",
         "unknown field 'step' in the script"},
        {"unknown fork", R"js({"sources": ["Bank.sol"], "fork": "Paris2", "steps": []})js",
         "unknown fork 'Paris2'"},
        {"account balance of the wrong type",
         R"js({"sources": ["Bank.sol"], "accounts": {"a": {"balance": true}}, "steps": []})js",
         "'accounts.a.balance' must be a number, not boolean true"},
        {"bad account address",
         R"js({"sources": ["Bank.sol"], "accounts": {"a": {"address": "0x12"}}, "steps": []})js",
         "account 'a': address must be 0x and 40 hex digits: 0x12"},
        {"no accounts", R"js({"sources": ["Bank.sol"], "steps": [{"deploy": "Bank"}]})js",
         "'accounts' names no account"},
        {"step not an object", bank_script("[42]"), "step 1: a step must be an object, not number 42"},
        {"neither deploy nor call", bank_script(R"js([{"as": "x"}])js"),
         "step 1: a step needs exactly one of 'deploy' or 'call'"},
        {"unknown step field", bank_script(R"js([{"deploy": "Bank", "expcet": {}}])js"),
         "step 1: unknown field 'expcet' in a deploy step"},
        {"gas of the wrong type", bank_script(R"js([{"deploy": "Bank", "gas": "lots"}])js"),
         "step 1: 'gas' is not a number below 2^256"},
        {"args not an array", bank_script(R"js([{"deploy": "Bank", "args": "@alice"}])js"),
         "step 1: 'args' must be an array"},
        {"unknown contract", bank_script(R"js([{"deploy": "Nope"}])js"),
         "step 1: unknown contract 'Nope' (the sources define: Bank)"},
        {"unknown account in from",
         bank_script("[" + deploy +
                     R"js(, {"call": "@bank", "function": "small", "args": [1], "from": "@carol"}])js"),
         "step 2: unknown account '@carol'"},
        {"unknown call target", bank_script(R"js([{"call": "@carol", "calldata": "0x"}])js"),
         "step 1: unknown account or contract '@carol'"},
        {"unknown account in args",
         bank_script("[" + deploy +
                     R"js(, {"call": "@bank", "function": "transfer", "args": ["@dave", 1]}])js"),
         "step 2: unknown account '@dave' in args[0]"},
        {"array for a number", bank_script(R"js([{"deploy": "Bank", "args": ["@alice", ["@dave"]]}])js"),
         "step 1: args[1]: array [\"@dave\"] is not a uint256 value"},
        {"unknown account in a nested array",
         bank_script(
             "[" + deploy +
             R"js(, {"call": "@bob", "function": "take(address[])", "args": [["@bob", "@dave"]]}])js"),
         "step 2: unknown account '@dave' in args[0][1]"},
        {"unknown function",
         bank_script("[" + deploy + R"js(, {"call": "@bank", "function": "mint(uint256)", "args": [1]}])js"),
         "step 2: unknown function 'mint(uint256)' of Bank (@bank)"},
        {"unknown bare function",
         bank_script("[" + deploy + R"js(, {"call": "@bank", "function": "mint"}])js"),
         "step 2: unknown function 'mint' of Bank"},
        {"too few args",
         bank_script("[" + deploy + R"js(, {"call": "@bank", "function": "small", "args": []}])js"),
         "step 2: args: 0 value(s) for 1 parameter(s) (uint256)"},
        {"negative for uint",
         bank_script("[" + deploy + R"js(, {"call": "@bank", "function": "small", "args": [-1]}])js"),
         "step 2: args: argument 1 (uint256): '-1' does not fit in uint256"},
        {"bool for uint",
         bank_script("[" + deploy + R"js(, {"call": "@bank", "function": "small", "args": [true]}])js"),
         "step 2: args[0]: boolean true is not a uint256 value"},
        {"huge number as a JSON number",
         bank_script("[" + deploy + R"js(, {"call": "@bank", "function": "small", "args": [)js" + huge +
                     "]}]"),
         "step 2: args[0]: 1e+80 is not an integer (write numbers beyond 2^64 as strings)"},
        {"huge number as a string",
         bank_script("[" + deploy + R"js(, {"call": "@bank", "function": "small", "args": [")js" + huge +
                     "0" + huge + R"js("]}])js"),
         "step 2: args: argument 1 (uint256): '" + huge + "0" + huge + "' does not fit in uint256"},
        {"huge value", bank_script(R"js([{"deploy": "Bank", "value": ")js" + huge + huge + R"js("}])js"),
         "step 1: 'value' is not a number below 2^256"},
        {"huge gas", bank_script(R"js([{"deploy": "Bank", "gas": "99999999999999999999"}])js"),
         "step 1: 'gas' is too large"},
        {"float value", bank_script(R"js([{"deploy": "Bank", "value": 1.5}])js"),
         "step 1: 'value' is not an integer: 1.5"},
        {"duplicate as", bank_script("[" + deploy + "," + deploy + "]"), "step 2: duplicate name 'bank'"},
        {"as an account's name",
         bank_script(R"js([{"deploy": "Bank", "as": "alice", "args": ["@alice", 1]}])js"),
         "step 1: duplicate name 'alice'"},
        {"bad status", bank_script(R"js([{"deploy": "Bank", "expect": {"status": "ok"}}])js"),
         "step 1: expect.status must be \"success\", \"revert\" or \"failure\", not \"ok\""},
        {"revert with two forms",
         bank_script(R"js([{"deploy": "Bank", "expect": {"revert": {"reason": "x", "panic": 1}}}])js"),
         "step 1: expect.revert needs exactly one of 'error', 'reason' or 'panic'"},
        {"returns of the wrong type",
         bank_script(
             "[" + deploy +
             R"js(, {"call": "@bank", "function": "small", "args": [1], "expect": {"returns": ["yes"]}}])js"),
         "step 2: expect.returns: argument 1 (uint256): 'yes' is not an integer"},
        {"returns without an ABI",
         bank_script(
             R"js([{"call": "0x00000000000000000000000000000000000000aa", "function": "f()", "expect": {
        "returns" : [1]}}])js"),
         "step 1: expect.returns needs the function's ABI"},
        {"bad event signature",
         bank_script(
             "[" + deploy +
             R"js(, {"call": "@bank", "function": "small", "args": [1], "expect": {"events": [{"event": "E(uint256 indexd x y)"}]
}
}])js"),
         "step 2: expect.events[0].event: parameter 1 'uint256 indexd x y'"},
        {"bad topic",
         bank_script(R"js([{"deploy": "Bank", "expect": {"events": [{"topics": ["0x12"]}]}}])js"),
         "step 1: expect.events[0].topics: each topic is 32 bytes"},
        {"bad calldata", bank_script(R"js([{"call": "@bob", "calldata": "0xzz"}])js"),
         "step 1: 'calldata' is not hex"},
        {"bad block field", bank_script(R"js([{"deploy": "Bank", "block": {"number": -1}}])js"),
         "step 1: 'block.number' must not be negative"},
        {"unknown block field", bank_script(R"js([{"deploy": "Bank", "block": {"height": 1}}])js"),
         "step 1: unknown field 'height' in 'block'"},
        {"bad source", R"js({"sources": ["Broken.sol"], "accounts": {"a": {}}, "steps": []})js",
         "sources: '"},
    };
    dir.write("Broken.sol", "contract Broken { function f() public { x = 1; } }\n");
    for (const auto& c : cases) {
        CAPTURE(c.name);
        const auto file = dir.write("bad.json", c.script);
        const auto r = run_cli("exec --script " + file);
        INFO(r.out);
        CHECK(r.exit_code == 2);
        CHECK(r.out.find(file + ": " + c.message) != std::string::npos);
        if (std::string(c.name) != "bad source") CHECK(std::count(r.out.begin(), r.out.end(), '\n') == 1);
    }
    const auto missing = run_cli("exec --script " + (dir.path / "none.json").string());
    CHECK(missing.exit_code == 2);
    CHECK(missing.out.find("none.json: cannot read the script") != std::string::npos);
    const auto mixed = run_cli("exec --script " + (golden / "bank.json").string() + " --code 00");
    CHECK(mixed.exit_code == 2);
    CHECK(mixed.out.find("--script: error: a script gives its own code") != std::string::npos);
}
