// tests/cli_report_e2e_test.cpp - `trainchain report gas` on the real binary: with the defaults
// (the paper's printed values exactly, their disagreements named, and the measured run), every
// output file (Markdown, CSV, JSON, two SVGs that parse as XML), --chain on an existing run, and
// bad input.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>

#include "shared_support.hpp"

namespace fs = std::filesystem;
using nlohmann::json;
using namespace trainchain::test;

namespace {

Run cli(const std::string& args) { return run_binary(TRAINCHAIN_BIN, args); }

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("report gas with the defaults: the printed values exactly, the disagreements named, measured") {
    const Run r = cli("report gas -q");
    INFO("stderr: " << r.err);
    REQUIRE(r.exit_code == 0);
    const std::string& md = r.out;
    // As printed, each next to what its arithmetic and counts give.
    CHECK(contains(md,
                   "| Table 5: CREATE (100 x 32,000) | 320M | 3,200,000.00 | 3,200,000.00 | gas | **no** |"));
    CHECK(contains(md,
                   "| text: gas per block | about 525,000 | 52,429,701.00 | 52,429,701.00 | gas | **no** |"));
    CHECK(contains(
        md, "| eq. (1): network creation | 9,600,000 KRW | 9,600,000.00 | 96,000.00 | KRW | **no** |"));
    CHECK(
        contains(md, "| eq. (2): per block | 1,575,500 KRW | 1,575,000.00 | 1,572,891.03 | KRW | **no** |"));
    CHECK(contains(
        md, "| total: setup + 10 cycles | 25,355,000 KRW | 25,355,000.00 | 15,824,910.30 | KRW | **no** |"));
    CHECK(contains(md, "7 of 18 printed figures disagree"));
    CHECK(contains(md, "TangerineWhistle, SpuriousDragon, Byzantium, Constantinople, Petersburg"));
    // The model at the defaults, and the measured run of 100 nodes and 10 epoch blocks.
    CHECK(contains(md, "## The paper's model, recomputed (N = 100, C = 10, Petersburg)"));
    CHECK(contains(md, "- per block: 52,429,701 gas = 0.524297 ETH = 1,572,891.03 KRW"));
    CHECK(contains(
        md, "100 nodes, proof of work at 16 bits, fork Petersburg; blocks: 2 setup, 10 epoch, 1 rollback."));
    CHECK(contains(md, "| setup (all) | NodeRegistry.register | 100 |"));
    CHECK(contains(md, "| BALANCE | 1 | 1.0 | 400 | 400.0 |"));
    CHECK(contains(md, "In setup, CREATE ran 100 times (3,200,000 gas"));
    CHECK(contains(md, "At 16 bits a block needs 2^16 = 65,536 attempts"));
    CHECK(contains(md,
                   "| printed (Table 5, eq. 1-2, at the paper's prices) | 320,000,000 | 52,500,000 |  | "
                   "845,000,000 | 8.45 | 25,355,000.00 |"));
    CHECK(contains(md, "Measured costs: network creation "));
}

TEST_CASE("report gas: every output file, and --chain measuring the run it wrote gives the same figures") {
    TempDir d;
    const fs::path out = d / "gas";
    const Run r =
        cli("report gas -q --nodes 8 --cycles 3 --difficulty 8 --pow-samples 2 --fork Istanbul "
            "--krw-per-eth 4000000 --gas-per-eth 50000000 --format json -o " +
            quote(out));
    INFO("stderr: " << r.err);
    REQUIRE(r.exit_code == 0);
    json j;
    REQUIRE_NOTHROW(j = json::parse(r.out));
    CHECK(j["model"]["nodes"] == 8);
    CHECK(j["model"]["cycles"] == 3);
    CHECK(j["model"]["fork"] == "Istanbul");
    CHECK(j["model"]["rows"][1]["item"] == "BALANCE");
    CHECK(j["model"]["rows"][1]["unit_gas"] == 700);
    CHECK(j["paper_model"]["block_gas"] == 52'429'701);
    CHECK(j["prices"]["krw_per_eth"] == 4'000'000.0);
    const auto& m = j["measured"];
    CHECK(m["nodes"] == 8);
    CHECK(m["fork"] == "Istanbul");
    CHECK(m["epoch"]["blocks"] == 3);
    CHECK(m["rollback"]["blocks"] == 1);
    CHECK(m["epoch"]["opcodes"]["BALANCE"]["count"] == 3);
    CHECK(m["epoch"]["opcodes"]["BALANCE"]["gas"] == 3 * 700);
    CHECK(m["setup"]["opcodes"]["CREATE"]["count"] == 8);
    CHECK(m["pow_on_chain"]["samples"].size() == 2);
    CHECK(m["costs"]["per_epoch_block"]["gas"] == m["mean_block_gas"]);
    CHECK(m["costs"]["per_epoch_block"]["krw"].get<double>() ==
          doctest::Approx(m["mean_block_gas"].get<double>() / 5e7 * 4e6));
    int64_t blocks = 0;
    for (const auto& b : m["epoch_blocks"]) blocks += b["gas"].get<int64_t>();
    CHECK(blocks == m["epoch"]["gas_used"].get<int64_t>());

    // The files: Markdown as printed, CSV in one shape, JSON equal to what was printed.
    CHECK(json::parse(read_text(out / "gas.json")) == j);
    const std::string md = read_text(out / "gas.md");
    CHECK(contains(md, "1 ETH = 50,000,000 gas, 1 ETH = 4,000,000 KRW."));
    const std::string csv = read_text(out / "gas.csv");
    CHECK(csv.rfind("section,item,quantity,value,unit,note\n", 0) == 0);
    CHECK(contains(csv, "printed,\"Table 5: CREATE (100 x 32,000)\",printed,320000000,gas,\"320M\""));
    CHECK(contains(csv, "measured epoch block,\"BlockCreation.create\",calls,3,,\"\""));

    // Both SVGs are well-formed and hold the expected elements.
    const auto bars = parse_xml(read_text(out / "gas-blocks.svg"));
    check_self_contained(bars);
    CHECK(find_elements(bars, "rect", "bar", "data-series", "measured (proof of work: mined on-chain)")
              .size() == 9);
    CHECK(find_elements(bars, "rect", "bar", "data-category", "total").size() == 3);
    CHECK(find_elements(bars, "rect", "bar", "data-category", "BALANCE").size() == 3);
    const auto lines = parse_xml(read_text(out / "gas-cycles.svg"));
    check_self_contained(lines);
    CHECK(find_elements(lines, "polyline", "series").size() == 4);
    CHECK(find_elements(lines, "circle", "point").size() == 4 * 4);  // cycles 0..3

    // The chain it wrote verifies, and measuring it again through --chain gives the same figures.
    CHECK(cli("verify " + quote(out / "chain")).exit_code == 0);
    const Run again =
        cli("report gas -q --pow-samples 2 --format json --krw-per-eth 4000000 --gas-per-eth 50000000 "
            "--chain " +
            quote(out / "chain"));
    REQUIRE(again.exit_code == 0);
    const json k = json::parse(again.out);
    CHECK(k["measured"]["epoch"] == m["epoch"]);
    CHECK(k["measured"]["setup"] == m["setup"]);
    CHECK(k["measured"]["rollback"] == m["rollback"]);
    CHECK(k["measured"]["pow_on_chain"] == m["pow_on_chain"]);
    CHECK(k["model"] == j["model"]);
}

TEST_CASE("report gas --model-only: any fork and any size, nothing measured") {
    const Run r =
        cli("report gas -q --model-only --fork Frontier --nodes 10000 --cycles 100000 --format json");
    INFO("stderr: " << r.err);
    REQUIRE(r.exit_code == 0);
    const json j = json::parse(r.out);
    CHECK(j["measured"].is_null());
    CHECK(j["model"]["rows"][1]["unit_gas"] == 20);  // BALANCE before Tangerine Whistle
    CHECK(j["model"]["setup_gas"] == 320'000'000);   // 10,000 CREATEs: the printed 320M
    CHECK(j["model"]["block_gas"] == 20 + 10'001 * 3 + 9'999 * 2 + int64_t{10'000} * 65'536 * 8);
    const Run md = cli("report gas -q --model-only");
    CHECK(contains(md.out, "Not measured (`--model-only`)."));
    CHECK(!contains(md.out, "| measured |"));
}

TEST_CASE("report gas: bad options and a missing chain are one line and exit code 2") {
    TempDir d;
    check_bad_input(cli("report gas --fork Byzantium"), "Constantinople");
    check_bad_input(cli("report gas --nodes 5000"), "--nodes");
    check_bad_input(cli("report gas --difficulty 30"), "--difficulty");
    check_bad_input(cli("report gas --model-only --chain " + quote(d / "none")), "--chain");
    // A failed report leaves no output directory behind.
    check_bad_input(cli("report gas --fork Byzantium -o " + quote(d / "out")), "Constantinople");
    CHECK(!fs::exists(d / "out"));
    check_bad_input(cli("report gas --fork Nope"), "Nope");
    check_bad_input(cli("report gas --nodes 0"), "--nodes");
    check_bad_input(cli("report gas --gas-per-eth 0"), "--gas-per-eth");
    check_bad_input(cli("report gas --format xml"), "--format");
    check_bad_input(cli("report gas --chain " + quote(d / "none")), "no chain here");
    check_bad_input(cli("report gas --chain " + quote(d / "none") + " --nodes 5"), "--nodes");
    fs::create_directories(d / "exists");
    check_bad_input(cli("report gas -o " + quote(d / "exists")), "already exists");
}
