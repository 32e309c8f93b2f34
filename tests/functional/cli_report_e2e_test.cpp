// tests/functional/cli_report_e2e_test.cpp - `trainchain report gas` on the real binary: with the defaults
// (the paper's printed values exactly, their disagreements named, and the measured run), every
// output file (Markdown, CSV, JSON, two SVGs that parse as XML), --chain on an existing run, and
// bad input; the demo's gas step (scripts/demo-gas-summary.sh) on a small real chain; and
// `report recovery`, whose chain-side restores are voted rollbacks (a tampered checkpoint fails).
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "shared_support.hpp"

namespace fs = std::filesystem;
using nlohmann::json;
using namespace trainchain::test;

namespace {

Run cli(const std::string& args) { return run_binary(TRAINCHAIN_BIN, args); }

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

/// 1234567.4 -> "1,234,567" (or with `decimals`: "1,234,567.40"), as the report prints figures.
std::string grouped(double v, int decimals = 0) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    const std::string s = buf;
    const size_t int_end = std::min(s.find('.'), s.size());
    std::string out;
    for (size_t i = 0; i < int_end; ++i) {
        if (i != 0 && (int_end - i) % 3 == 0) out += ',';
        out += s[i];
    }
    return out + s.substr(int_end);
}

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

TEST_CASE("the demo's gas step prints the measured per-block gas beside the paper's 25,355,000 KRW") {
    // A small real chain as `make demo` leaves one: epoch blocks through proof of work and
    // consensus, then a voted rollback; 4 nodes at 4 bits keep it fast.
    TempDir d;
    const fs::path run = d / "run", ckpt = d / "ckpt.bin";
    REQUIRE(cli("chain init " + quote(run) + " --nodes 4 --difficulty 4").exit_code == 0);
    for (int e = 1; e <= 3; ++e) {
        std::ofstream(ckpt, std::ios::binary) << "weights of epoch " << e;
        const Run a = cli("chain append " + quote(run) + " --checkpoint " + quote(ckpt) + " --epoch " +
                          std::to_string(e) + " --accuracy 0." + std::to_string(e + 5) + " --loss 0." +
                          std::to_string(9 - e));
        INFO("stderr: " << a.err);
        REQUIRE(a.exit_code == 0);
    }
    REQUIRE(cli("rollback " + quote(run) + " --to 3 --reason 'demo test'").exit_code == 0);

    // The per-block gas, from the chain's own record (history), independent of the report.
    const json history = json::parse(cli("history --json " + quote(run)).out);
    double epoch_gas = 0;
    int epoch_blocks = 0;
    for (const auto& b : history)
        if (b["kind"] == "epoch") {
            epoch_gas += b["gas"].get<double>();
            ++epoch_blocks;
        }
    REQUIRE(epoch_blocks == 3);
    const std::string per_block = grouped(epoch_gas / epoch_blocks);

    // The step exactly as the demo runs it.
    const Run r = run_binary("TRAINCHAIN=" + quote(TRAINCHAIN_BIN) + " " +
                                 quote(std::string(TRAINCHAIN_SOURCE_DIR) + "/scripts/demo-gas-summary.sh"),
                             quote(run) + " " + quote(d / "gas"));
    INFO("stdout: " << r.out);
    INFO("stderr: " << r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.rfind("## Totals\n", 0) == 0);
    CHECK(contains(r.out, "| measured | "));
    CHECK(contains(r.out, "an epoch block " + per_block + " gas = "));
    CHECK(contains(r.out, "| printed (Table 5, eq. 1-2, at the paper's prices) |"));
    const json gas = json::parse(read_text(d / "gas" / "gas.json"));
    const auto& costs = gas["measured"]["costs"];
    CHECK(costs["per_epoch_block"]["gas"].get<double>() == doctest::Approx(epoch_gas / epoch_blocks));
    const double krw_10 = (costs["network_creation"]["gas"].get<double>() +
                           10 * costs["per_epoch_block"]["gas"].get<double>()) /
                          100'000'000 * 3'000'000;
    CHECK(contains(r.out,
                   "At the paper's own 10 cycles and prices (1 ETH = 100,000,000 gas = 3,000,000 KRW): "
                   "printed 25,355,000 KRW; measured (setup + 10 x an epoch block) " +
                       grouped(krw_10, 2) + " KRW."));
    CHECK(contains(r.out, "## Findings"));
    CHECK(fs::exists(d / "gas" / "gas.md"));
}

namespace {

/// The blocks of `kind` in the chain in `dir`, from `history --json`.
std::vector<json> blocks_of_kind(const fs::path& dir, const std::string& kind) {
    const Run h = cli("history --json " + quote(dir));
    REQUIRE(h.exit_code == 0);
    std::vector<json> out;
    for (const auto& b : json::parse(h.out))
        if (b["kind"] == kind) out.push_back(b);
    return out;
}

const fs::path digits_csv = "/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz";

}  // namespace

TEST_CASE("report recovery: every chain-side restore is a voted rollback, hash-checked; the paper named") {
    if (!fs::exists(digits_csv)) {
        MESSAGE("skipped: " << digits_csv.string() << " is not installed (python3-sklearn)");
        return;
    }
    // 8 epochs, keep 3; 4 nodes at 4 bits keep the 36 voted rollbacks fast.
    TempDir d;
    const std::string small = " -q --max-epochs 8 --keep 3 --nodes 4 --difficulty 4 --format json -o ";
    const Run r = cli("report recovery" + small + quote(d / "rec"));
    INFO("stderr: " << r.err);
    REQUIRE(r.exit_code == 0);
    const json j = json::parse(r.out);
    CHECK(j["difficulty_bits"] == 4);
    CHECK(j["rollbacks"] == 36);  // 1 + 2 + ... + 8 targets
    CHECK(j["digest_failures"] == 0);
    CHECK(j["chain_blocks"] == 2 + 8 + 36);
    for (const auto& p : j["points"]) {
        CHECK(p["chain_restored"] == p["n"]);
        CHECK(p["manager_restored"] == std::min<int>(p["n"].get<int>(), 3));
    }
    // The chain holds the rollback blocks: after epoch n, one per target 1..n, oldest first.
    const auto epochs = blocks_of_kind(d / "rec" / "chain", "epoch");
    const auto rollbacks = blocks_of_kind(d / "rec" / "chain", "rollback");
    REQUIRE(epochs.size() == 8);
    REQUIRE(rollbacks.size() == 36);
    size_t i = 0;
    for (int n = 1; n <= 8; ++n)
        for (int target = 1; target <= n; ++target, ++i) {
            CAPTURE(n);
            CAPTURE(target);
            CHECK(rollbacks[i]["target"] == epochs[static_cast<size_t>(target - 1)]["height"]);
            CHECK(rollbacks[i]["checkpoint"] == epochs[static_cast<size_t>(target - 1)]["checkpoint"]);
            CHECK(rollbacks[i]["height"].get<int>() >
                  epochs[static_cast<size_t>(n - 1)]["height"].get<int>());
        }
    CHECK(cli("verify " + quote(d / "rec" / "chain")).exit_code == 0);

    // The report says how: the difficulty, the rollbacks; and names the paper's inconsistencies
    // with computed figures: (n-K)/n at n = 8 is 5/8, the share lost; the measured rate is 3/8.
    const std::string md = read_text(d / "rec" / "recovery.md");
    CHECK(contains(md, "(4 nodes, proof of work at 4 bits, 51 % consensus)"));
    CHECK(contains(md, "a rollback block is mined at 4 bits"));
    CHECK(contains(md,
                   "- The chain restored every target at every n, each through a voted rollback: 36 "
                   "rollbacks, 0 restores whose bytes did not hash"));
    CHECK(contains(md,
                   "- The paper's conclusion says the rate keeps falling by (n-5)/n, to 10 % at n = 50. "
                   "But (n-5)/n at n = 50 is 90.0 %: the share of targets lost, not the rate, which its "
                   "abstract and Fig. 7 give as 5/n = 10.0 %. Here, at n = 8, (n-3)/n is 62.5 % and 5 of "
                   "8 targets were lost; the rate measured 37.5 %."));
    CHECK(contains(md, "TensorFlow 1's default (`tf.train.Saver(max_to_keep=5)`)"));
    CHECK(contains(md, "`max_to_keep` is a required argument"));

    // A tampered checkpoint file (epoch 5's replaced by epoch 4's, a valid file with the wrong
    // bytes): every later restore of epoch 5 fails its digest check, and the chain's figure drops.
    const Run t = cli("report recovery --tamper-epoch 5" + small + quote(d / "tampered"));
    INFO("stderr: " << t.err);
    REQUIRE(t.exit_code == 0);
    const json k = json::parse(t.out);
    CHECK(k["rollbacks"] == 36);
    CHECK(k["digest_failures"] == 4);  // n = 5..8
    for (const auto& p : k["points"])
        CHECK(p["chain_restored"] == (p["n"].get<int>() >= 5 ? p["n"].get<int>() - 1 : p["n"].get<int>()));
    CHECK(contains(read_text(d / "tampered" / "recovery.md"), "- The chain restored NOT every target"));
    CHECK(cli("verify " + quote(d / "tampered" / "chain")).exit_code != 0);
    check_bad_input(cli("report recovery --tamper-epoch 1 -o " + quote(d / "bad")), "--tamper-epoch");
}

TEST_CASE("report forgery: honest epochs pass, wholly forged ones are always caught, the bound beside") {
    if (!fs::exists(digits_csv)) {
        MESSAGE("skipped: " << digits_csv.string() << " is not installed (python3-sklearn)");
        return;
    }
    TempDir d;
    const Run r = cli("report forgery -q --epochs 6 --format json -o " + quote(d / "forgery"));
    INFO("stderr: " << r.err);
    REQUIRE(r.exit_code == 0);
    const json j = json::parse(r.out);
    CHECK(j["steps"] == 180);
    CHECK(j["segment_steps"] == 6);
    CHECK(j["segments"] == 30);
    CHECK(j["sample"] == 3);
    REQUIRE(j["cells"].size() == 13);  // the honest control, then 3 kinds x 4 fractions
    CHECK(j["cells"][0]["kind"] == "honest");
    CHECK(j["cells"][0]["detected"] == 0);  // replay is exact: no honest epoch is rejected
    std::set<std::string> kinds;
    for (const auto& c : j["cells"]) {
        CHECK(c["epochs"] == 6);
        kinds.insert(c["kind"].get<std::string>());
        const double f = c["fraction"].get<double>();
        if (c["kind"] != "honest") {
            CHECK(c["bound"].get<double>() == doctest::Approx(1 - std::pow(1 - f, 3)));
            CHECK(c["forged_steps"].get<uint64_t>() >= 1);
        }
        if (f == 1.0) {
            CHECK(c["detected"] == 6);  // every segment forged: every draw finds one
            for (const auto& t : c["tokens"]) CHECK(t.get<std::string>().rfind("bad-segment", 0) == 0);
        }
    }
    CHECK(kinds == std::set<std::string>{"honest", "skip", "noise", "copy"});
    for (const char* f : {"forgery.md", "forgery.csv", "forgery.json"}) {
        CAPTURE(f);
        REQUIRE(fs::exists(d / "forgery" / f));
        CHECK((fs::status(d / "forgery" / f).permissions() & fs::perms::group_all) == fs::perms::none);
    }
    CHECK(json::parse(read_text(d / "forgery" / "forgery.json")) == j);
    CHECK(contains(read_text(d / "forgery" / "forgery.md"), "| honest |"));
    // An existing output directory and bad settings are refused.
    check_bad_input(cli("report forgery -q --epochs 1 -o " + quote(d / "forgery")), "already exists");
    check_bad_input(cli("report forgery --epochs 0"), "--epochs");
    check_bad_input(cli("report forgery --sample 0"), "--sample");
    check_bad_input(cli("report forgery --format xml"), "--format");
}
