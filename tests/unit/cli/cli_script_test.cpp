// tests/unit/cli/cli_script_test.cpp - the scenario engine of `exec --script` (cli/script.hpp)
// driven in process: parse_script's checks, run_script's step results and mismatches as values,
// CREATE addresses from the sender's nonce, and the command line's options over the script's.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "script.hpp"

namespace fs = std::filesystem;
using namespace trainchain::cli::script;

namespace {

/// A folder with one contract, removed at the end.
struct Folder {
    fs::path path;
    Folder() {
        char tmpl[] = "/tmp/trainchain-script-unit-XXXXXX";
        path = mkdtemp(tmpl);
        std::ofstream(path / "Counter.sol") << R"js(
contract Counter {
    uint256 public count;
    event Bumped(address indexed by, uint256 count);
    function bump(uint256 by) public returns (uint256) {
        require(by > 0, "zero");
        count += by;
        emit Bumped(msg.sender, count);
        return count;
    }
}
)js";
    }
    ~Folder() { fs::remove_all(path); }
    Script parse(const std::string& steps, const std::string& extra = "") const {
        return parse_script(R"js({"sources": ["Counter.sol"], "accounts": {"alice": {}, "bob": {}}, )js" +
                                extra + R"js("steps": )js" + steps + "}",
                            path / "s.json");
    }
};

}  // namespace

TEST_CASE("run_script returns each step's status, gas, address and unmet expectations") {
    Folder f;
    const auto script = f.parse(R"js([
        {"deploy": "Counter", "as": "c"},
        {"call": "@c", "function": "bump", "args": [2], "from": "@bob",
         "expect": {"returns": [2], "events": [{"address": "@c", "event": "Bumped(address indexed,uint256)",
                                                "args": ["@bob", 2]
}]
}
},
        {"call": "@c", "function": "bump(uint256)", "args": [0], "expect": {"revert": {"reason": "zero"}}},
        {"call": "@c", "function": "bump", "args": [1], "expect": {"returns": [4]}},
        {"deploy": "Counter", "as": "d"}
    ])js");
    const auto results = run_script(script, {});
    REQUIRE(results.size() == 5);
    CHECK(results[0].status == "success");
    REQUIRE(results[0].created);
    // alice's nonce 0, then (after steps 3 and 4 from her) 3.
    CHECK(*results[0].created == trainchain::vm::InMemoryHost::create_address(script.accounts[0].addr, 0));
    CHECK(*results[4].created == trainchain::vm::InMemoryHost::create_address(script.accounts[0].addr, 3));
    CHECK(results[1].mismatches.empty());
    CHECK(results[1].decoded == "[2]");
    CHECK(results[1].gas_used > 21000);
    CHECK(results[2].status == "revert");
    CHECK(results[2].decoded == "Error(\"zero\")");
    CHECK(results[2].mismatches.empty());
    REQUIRE(results[3].mismatches.size() == 1);
    CHECK(results[3].mismatches[0].what == "returns");
    CHECK(results[3].mismatches[0].expected == "[4]");
    CHECK(results[3].mismatches[0].got == "[3]");
    const auto j = results_json(results);
    CHECK(j[3]["ok"] == false);
    CHECK(j[3]["failures"][0]["got"] == "[3]");
}

TEST_CASE("accounts: the default address is keccak256(\"trainchain/account/\" + name)[12:]") {
    Folder f;
    const auto script = f.parse("[]");
    // keccak256("trainchain/account/alice")[12:], computed with ethers' keccak256.
    CHECK(script.accounts[0].addr.to_hex() == "0xa482b6367872fdca5a6f1ee9f1267b0fc7f40626");
    CHECK(script.accounts[0].balance.to_dec() == "1000000000000000000000000");
}

TEST_CASE("parse_script and run_script: bad scripts throw ScriptError naming the file and the step") {
    Folder f;
    const std::string file = (f.path / "s.json").string();
    auto message = [&](const std::string& steps, const std::string& extra = "") {
        try {
            run_script(f.parse(steps, extra), {});
        } catch (const ScriptError& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    CHECK(message(R"js([{"deploy": "Counter", "from": "@carol"}])js") ==
          file + ": step 1: unknown account '@carol' in 'from' (an account of 'accounts', as @name)");
    CHECK(
        message(
            R"js([{"deploy": "Counter", "as": "c"}, {"call": "@c", "function": "bump", "args": ["@carol"]}])js") ==
        file + ": step 2: args: argument 1 (uint256): '@carol' is not an integer");
    CHECK(message(R"js([{"deploy": "Nope"}])js") ==
          file + ": step 1: unknown contract 'Nope' (the sources define: Counter)");
    CHECK(message("[]", R"js("fork": "Nope", )js") == file + ": unknown fork 'Nope'");
    CHECK_THROWS_AS(parse_script("{", file), ScriptError);
    RunOptions bad_fork;
    bad_fork.fork = "Nope";
    CHECK_THROWS_WITH_AS(run_script(f.parse("[]"), bad_fork), "--fork: unknown fork 'Nope'", ScriptError);
}
