// tests/unit/reports/reports_gas_report_test.cpp - the gas report's parts: the paper's printed figures
// checked exactly, its model per fork, the opcode classes, the gas profiles the chain stores (exact against
// the receipts and surviving a reopen), the measured run and the proof of work mined on-chain.
#include <doctest/doctest.h>
#include <sqlite3.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "runtime_support.hpp"
#include "trainchain/reports/gas_report.hpp"
#include "trainchain/runtime/pow.hpp"
#include "trainchain/vm/gas.hpp"
#include "trainchain/vm/opcodes.hpp"

using namespace trainchain::runtime;
using namespace trainchain::reports;
using trainchain::test::epoch_result;
using trainchain::test::small_config;
using trainchain::test::TempDir;

namespace {

const PrintedFigure& figure(const std::vector<PrintedFigure>& f, const std::string& item,
                            const std::string& printed) {
    const auto it = std::find_if(
        f.begin(), f.end(), [&](const PrintedFigure& p) { return p.item == item && p.printed == printed; });
    REQUIRE_MESSAGE(it != f.end(), item << " / " << printed);
    return *it;
}

int64_t model_unit(const CostModel& m, const std::string& item) {
    return std::find_if(m.rows.begin(), m.rows.end(), [&](const ModelRow& r) { return r.item == item; })
        ->unit_gas;
}

}  // namespace

TEST_CASE("the printed figures, each beside its own arithmetic and the stated counts") {
    const auto f = printed_figures();
    // Table 4 agrees with the Petersburg schedule.
    for (const auto& p : f)
        if (p.item.rfind("Table 4", 0) == 0) CHECK_MESSAGE(p.agrees, p.item);

    const auto& create = figure(f, "Table 5: CREATE (100 x 32,000)", "320M");
    CHECK(create.printed_value == 320e6);
    CHECK(create.from_counts == 3'200'000);
    CHECK_FALSE(create.agrees);
    CHECK(create.finding.find("10,000 CREATEs") != std::string::npos);

    const auto& text = figure(f, "text: gas per block", "about 525,000");
    CHECK(text.from_counts == 52'429'701);
    CHECK_FALSE(text.agrees);

    // Truncated to three digits in the table, which counts as agreeing.
    CHECK(figure(f, "Table 5: ADD (65,536 x 3 x 100)", "19.6M").from_counts == 19'660'800);
    CHECK(figure(f, "Table 5: ADD (65,536 x 3 x 100)", "19.6M").agrees);
    CHECK(figure(f, "Table 5: MUL (65,536 x 5 x 100)", "32.7M").from_counts == 32'768'000);
    CHECK(figure(f, "Table 5: MUL (65,536 x 5 x 100)", "32.7M").agrees);
    CHECK(figure(f, "Table 5: POP (99 x 2)", "198").agrees);
    CHECK(figure(f, "Table 5: PUSH (101 x 3)", "303").agrees);

    const auto& eq1 = figure(f, "eq. (1): network creation", "9,600,000 KRW");
    CHECK(eq1.own_arithmetic == 9'600'000);
    CHECK(eq1.from_counts == doctest::Approx(96'000));
    CHECK_FALSE(eq1.agrees);

    const auto& eq2 = figure(f, "eq. (2): per block", "1,575,500 KRW");
    CHECK(eq2.printed_value == 1'575'500);
    CHECK(eq2.own_arithmetic == 1'575'000);
    CHECK(eq2.from_counts == doctest::Approx(1'572'891.03));
    CHECK_FALSE(eq2.agrees);

    const auto& eth = figure(f, "eq. (2): per block", "0.525 ETH");
    CHECK(eth.own_arithmetic == doctest::Approx(0.00525));  // from the text's 525,000 gas
    CHECK(eth.from_counts == doctest::Approx(0.52429701));
    CHECK_FALSE(eth.agrees);

    const auto& total = figure(f, "total: setup + 10 cycles", "25,355,000 KRW");
    CHECK(total.own_arithmetic == 25'355'000);
    CHECK(total.from_counts == doctest::Approx(15'824'910.3));
    CHECK_FALSE(total.agrees);

    CHECK(std::count_if(f.begin(), f.end(), [](const PrintedFigure& p) { return !p.agrees; }) == 7);
    for (const auto& p : f) CHECK_MESSAGE(p.agrees == p.finding.empty(), p.item);
}

TEST_CASE("the paper's model recomputed: counts scale with N, unit costs follow the fork") {
    const CostModel m = paper_model(100, 10, "Petersburg");
    CHECK(m.setup_gas == 3'200'000);
    CHECK(m.block_gas == 52'429'701);
    CHECK(m.total_gas() == 3'200'000 + 10 * int64_t{52'429'701});

    CHECK(model_unit(paper_model(100, 10, "Frontier"), "BALANCE") == 20);
    CHECK(model_unit(paper_model(100, 10, "TangerineWhistle"), "BALANCE") == 400);
    CHECK(model_unit(paper_model(100, 10, "Istanbul"), "BALANCE") == 700);
    CHECK(model_unit(paper_model(100, 10, "Berlin"), "BALANCE") == 2600);  // cold
    CHECK(model_unit(paper_model(100, 10, "Cancun"), "BALANCE") == 2600);
    CHECK(paper_model(100, 10, "Istanbul").block_gas == 52'429'701 + 300);

    const CostModel one = paper_model(1, 3, "Petersburg");
    CHECK(one.setup_gas == 32'000);
    CHECK(one.block_gas == 400 + 2 * 3 + 0 * 2 + 65'536 * 8);
    CHECK_THROWS_AS(paper_model(1, 1, "Nope"), std::invalid_argument);
}

TEST_CASE("every defined opcode has a class from the list; the paper's instructions have their own") {
    const auto classes = opcode_classes();
    for (int op = 0; op < 256; ++op) {
        const std::string c = opcode_class(static_cast<uint8_t>(op));
        CHECK(std::find(classes.begin(), classes.end(), c) != classes.end());
        if (trainchain::vm::opcode_infos[static_cast<size_t>(op)].defined())
            CHECK_MESSAGE(c != "undefined", op);
    }
    CHECK(opcode_class(0x31) == "BALANCE");
    CHECK(opcode_class(0xf0) == "CREATE");
    CHECK(opcode_class(0x50) == "stack: POP");
    CHECK(opcode_class(0x60) == "stack: PUSH");
    CHECK(opcode_class(0x5f) == "stack: PUSH");  // PUSH0
    CHECK(opcode_class(0x01) == "arithmetic: ADD/SUB");
    CHECK(opcode_class(0x04) == "arithmetic: MUL/DIV");
    CHECK(opcode_class(0x0c) == "undefined");
}

TEST_CASE("stored gas profiles add up to the receipts, per block, and survive a reopen") {
    TempDir d;
    const auto dir = d / "chain";
    {
        auto c = Chain::init(dir, small_config(5, 4));
        for (uint64_t e = 1; e <= 3; ++e)
            REQUIRE(c->append_epoch(epoch_result(e, 0.5 + 0.1 * double(e))).accepted);
        c->rollback(std::nullopt, "test", c->blocks().back().header.height);
    }
    const auto store = Store::open(dir);
    const auto profiles = store->gas_profiles();
    const auto records = store->gas_records();
    REQUIRE_FALSE(profiles.empty());
    std::map<uint64_t, int64_t> by_profile, by_record;
    std::map<std::tuple<uint64_t, std::string, std::string>, uint64_t> calls;
    for (const auto& r : records) {
        by_record[r.height] += r.gas_used;
        calls[{r.height, r.contract, r.function}] += 1;
    }
    for (const auto& p : profiles) {
        INFO(p.height << " " << p.contract << "." << p.function);
        CHECK(p.gas_used == p.intrinsic + p.profile.total() - p.refund);
        CHECK(p.calls == calls[{p.height, p.contract, p.function}]);
        by_profile[p.height] += p.gas_used;
    }
    CHECK(by_profile == by_record);
    CHECK(by_record.size() == store->block_count());
    // Every epoch block checks the Results Queue with one BALANCE; the registration made 5 CREATEs.
    uint64_t balance = 0, creates = 0;
    for (const auto& p : profiles) {
        balance += p.profile.opcodes[0x31].count;
        creates += p.profile.opcodes[0xf0].count;
    }
    CHECK(balance == 3);
    CHECK(creates == 5);

    // The contracts overwrite their slots block after block (store format 3): once the
    // registration block filled each voter's slot and the first epoch block the latest candidate,
    // an epoch block sets no fresh slot, so each SSTORE costs the legacy reset price (Petersburg).
    const auto params = trainchain::vm::gas_params(*trainchain::vm::parse_fork("Petersburg"));
    for (uint64_t h : {3, 4}) {
        trainchain::vm::GasUse sstore;
        for (const auto& p : profiles)
            if (p.height == h) sstore += p.profile.opcodes[0x55];
        INFO("block " << h << ": " << sstore.count << " SSTORE, " << sstore.gas << " gas");
        CHECK(sstore.count > 0);
        CHECK(sstore.gas == static_cast<int64_t>(sstore.count) * params.sstore_reset);
    }
}

TEST_CASE("a malformed stored profile is an error naming the block, not a crash") {
    TempDir d;
    const auto dir = d / "chain";
    Chain::init(dir, small_config(3, 4));
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open((dir / "chain.db").c_str(), &db) == SQLITE_OK);
    for (const char* bad : {"not json", R"({"op":{"999":[1,2]},"pre":{},"deposit":[0,0],"other":[0,0]})",
                            R"({"op":{"1":[1]},"pre":{},"deposit":[0,0],"other":[0,0]})", "{}"}) {
        const std::string sql =
            std::string("UPDATE gas_profile SET profile = '") + bad + "' WHERE height = 1";
        REQUIRE(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK);
        try {
            (void)Store::open(dir)->gas_profiles();
            FAIL("no error for " << bad);
        } catch (const StoreError& e) {
            CHECK(std::string(e.what()).find("gas profile of block 1") != std::string::npos);
        }
    }
    sqlite3_close(db);
}

TEST_CASE("the measured report: phases, per-block gas, the proof of work mined on-chain; --chain agrees") {
    TempDir d;
    GasReportOptions o;
    o.nodes = 6;
    o.cycles = 3;
    o.difficulty_bits = 6;
    o.pow_samples = 2;
    o.work_dir = d / "chain";
    const GasReport r = make_gas_report(o);
    const auto& m = r.measured;
    CHECK(m.nodes == 6);
    CHECK(m.setup.blocks == 2);  // genesis and registration
    CHECK(m.epoch.blocks == 3);
    CHECK(m.rollback.blocks == 1);
    CHECK(r.model.nodes == 6);
    CHECK(r.model.cycles == 3);
    CHECK(r.paper.block_gas == 52'429'701);
    REQUIRE(m.epoch_block_gas.size() == 3);
    int64_t sum = 0;
    for (const auto& [h, g] : m.epoch_block_gas) sum += g;
    CHECK(sum == m.epoch.gas_used);
    CHECK(m.epoch.gas_used == m.epoch.intrinsic + m.epoch.profile.total() - m.epoch.refund);
    CHECK(m.epoch.profile.opcodes[0x31].count == 3);  // BALANCE once per block
    CHECK(gas_markdown(r).find("- Storage writes: ") != std::string::npos);
    CHECK(m.setup.profile.opcodes[0xf0].count == 6);  // CREATE once per node

    // On-chain mining: the first passing nonce from 0, so attempts = nonce + 1, and the header
    // with that nonce passes the runtime's own check.
    const auto blocks = Store::open(o.work_dir)->blocks();
    REQUIRE(m.pow.samples.size() == 2);
    for (const auto& s : m.pow.samples) {
        CHECK(s.attempts == s.nonce + 1);
        BlockHeader h = blocks.at(s.height).header;
        h.nonce = s.nonce;
        CHECK(check_proof_of_work(h.hash(), 6));
        for (uint64_t n = 0; n < s.nonce; ++n) {
            h.nonce = n;
            CHECK_FALSE(check_proof_of_work(h.hash(), 6));
        }
    }
    CHECK(m.pow.sha256_gas == 60 + 12 * 3);  // 92 bytes: three words
    CHECK(m.pow.gas_per_attempt > m.pow.sha256_gas);
    CHECK(m.pow.expected_block_gas() == 64.0 * static_cast<double>(m.pow.gas_per_attempt));

    // The same chain measured through --chain gives the same figures.
    GasReportOptions again;
    again.chain = o.work_dir;
    again.pow_samples = 2;
    const GasReport r2 = make_gas_report(again);
    CHECK(r2.measured.epoch.gas_used == m.epoch.gas_used);
    CHECK(r2.measured.setup.gas_used == m.setup.gas_used);
    CHECK(r2.measured.rollback.gas_used == m.rollback.gas_used);
    CHECK(r2.measured.pow.samples.size() == 2);
    CHECK(r2.measured.pow.samples[0].gas_used == m.pow.samples[0].gas_used);
    CHECK(r2.model.cycles == 3);
    CHECK(gas_json(r2).find("\"rollback\"") != std::string::npos);

    GasReportOptions bad = o;
    bad.fork = "Nope";
    CHECK_THROWS_AS(make_gas_report(bad), std::invalid_argument);
    bad.fork = "Byzantium";  // the contracts need SHR
    CHECK_THROWS_AS(make_gas_report(bad), std::invalid_argument);
}

TEST_CASE("the smallest run: one node, no on-chain samples") {
    TempDir d;
    GasReportOptions o;
    o.nodes = 1;
    o.cycles = 1;
    o.difficulty_bits = 2;
    o.pow_samples = 0;
    o.work_dir = d / "chain";
    const GasReport r = make_gas_report(o);
    CHECK(r.measured.present);
    CHECK(r.measured.epoch.blocks == 1);
    CHECK(r.measured.rollback.blocks == 0);  // no earlier epoch to roll back to
    CHECK(r.measured.pow.samples.empty());
    CHECK(r.measured.pow.gas_per_attempt > 0);
    CHECK(r.model.rows[3].count == 0);  // POP: N - 1 nodes read the result
    CHECK(gas_markdown(r).find("| measured |") != std::string::npos);
}

TEST_CASE("a chain begun before gas profiles is refused, naming the block, not counted as free") {
    TempDir d;
    const auto dir = d / "chain";
    {
        auto c = Chain::init(dir, small_config(3, 4));
        REQUIRE(c->append_epoch(epoch_result(1, 0.5)).accepted);
    }
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open((dir / "chain.db").c_str(), &db) == SQLITE_OK);
    REQUIRE(sqlite3_exec(db, "DELETE FROM gas_profile WHERE height <= 1", nullptr, nullptr, nullptr) ==
            SQLITE_OK);
    sqlite3_close(db);
    GasReportOptions o;
    o.chain = dir;
    o.pow_samples = 0;
    try {
        (void)make_gas_report(o);
        FAIL("no error");
    } catch (const StoreError& e) {
        CHECK(std::string(e.what()).find("block 0 has no gas profile") != std::string::npos);
    }
}

TEST_CASE("opening something that is not a chain does not write to it") {
    TempDir d;
    const auto dir = d / "notchain";
    std::filesystem::create_directories(dir);
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open((dir / "chain.db").c_str(), &db) == SQLITE_OK);
    REQUIRE(sqlite3_exec(db, "CREATE TABLE other (x INTEGER)", nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(db);
    CHECK_THROWS_AS(Store::open(dir), StoreError);
    REQUIRE(sqlite3_open((dir / "chain.db").c_str(), &db) == SQLITE_OK);
    int tables = 0;
    sqlite3_exec(
        db, "SELECT count(*) FROM sqlite_master WHERE type = 'table'",
        [](void* n, int, char** v, char**) {
            *static_cast<int*>(n) = std::atoi(v[0]);
            return 0;
        },
        &tables, nullptr);
    sqlite3_close(db);
    CHECK(tables == 1);
}

TEST_CASE("the report names that mining on-chain at 16 bits exceeds the ledger's own block gas limit") {
    TempDir d;
    GasReportOptions o;
    o.nodes = 4;
    o.cycles = 1;
    o.difficulty_bits = 16;  // the paper's run; the blocks are mined off-chain, none on-chain
    o.pow_samples = 0;
    o.work_dir = d / "chain";
    const GasReport r = make_gas_report(o);
    // The limit the ledger runs its blocks under, read from the ledger itself.
    Ledger ledger(trainchain::vm::Fork::Petersburg);
    ledger.set_block(0, 0);
    const auto limit = static_cast<double>(ledger.host().get_tx_context().gas_limit);
    CHECK(limit == 30'000'000);
    const double pow = r.measured.pow.expected_block_gas();
    CHECK(pow == 65'536.0 * static_cast<double>(r.measured.pow.gas_per_attempt));
    REQUIRE(pow > limit);
    const auto g = [](double v) {
        std::string digits = std::to_string(std::llround(v)), out;
        for (size_t i = 0; i < digits.size(); ++i) {
            if (i != 0 && (digits.size() - i) % 3 == 0) out += ',';
            out += digits[i];
        }
        return out;
    };
    const std::string md = gas_markdown(r);
    INFO(md);
    char ratio[32];
    std::snprintf(ratio, sizeof ratio, "%.1fx", pow / limit);
    CHECK(md.find("- On-chain mining could never run in one Ethereum block: at 16 bits a block's proof of "
                  "work is expected to cost " +
                  g(pow) + " gas, " + ratio + " the " + g(limit) + " gas block limit") != std::string::npos);
    CHECK(md.find("The paper's own count (52,429,701 gas per block at its N = 100) is 1.75x that limit.") !=
          std::string::npos);
    CHECK(gas_json(r).find("\"block_gas_limit\": 30000000") != std::string::npos);
}
