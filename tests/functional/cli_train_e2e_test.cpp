// tests/functional/cli_train_e2e_test.cpp - end-to-end tests of `trainchain train` on the real binary with
// sklearn's digits: each fault injected and rolled back by vote, reproducible checkpoints, replay
// verification (a forged epoch rejected before block creation, or caught later by
// `verify --replay`), resume, bad input and the rollback limit.
#include <doctest/doctest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "shared_support.hpp"

namespace fs = std::filesystem;
using nlohmann::json;
using trainchain::test::check_bad_input;
using trainchain::test::count_lines;
using trainchain::test::quote;
using trainchain::test::read_text;
using trainchain::test::Run;
using trainchain::test::TempDir;

namespace {

const fs::path digits_csv = "/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz";

/// Whether sklearn's digits CSV is installed; every run here trains on it.
bool have_digits() {
    if (fs::exists(digits_csv)) return true;
    MESSAGE("skipped: " << digits_csv.string() << " is not installed (python3-sklearn)");
    return false;
}

/// Small and fast: few nodes, easy proof of work, one mining thread.
const std::string fast = " --nodes 5 --difficulty 4 --mining-threads 1";

Run cli(const std::string& args) { return trainchain::test::run_binary(TRAINCHAIN_BIN, args); }

void write_text(const fs::path& p, const std::string& text) {
    std::ofstream f(p, std::ios::binary | std::ios::trunc);
    f << text;
    REQUIRE(f.good());
}

/// Events as text, one per line, for failure messages.
std::string dump(const std::vector<json>& events) {
    std::string out;
    for (const auto& e : events) out += e.dump() + "\n";
    return out;
}

/// A `train --json` run: its events by kind, in order.
struct Events {
    std::vector<json> all, epochs, rollbacks;
    std::optional<json> started, summary;
};

Events parse_events(const Run& r) {
    Events ev;
    std::istringstream in(r.out);
    std::string line;
    while (std::getline(in, line)) {
        INFO("line: " << line);
        json j;
        REQUIRE_NOTHROW(j = json::parse(line));
        REQUIRE(j.is_object());
        REQUIRE(j.contains("event"));
        const std::string kind = j["event"];
        if (kind == "started") {
            CHECK(!ev.started);
            CHECK(ev.all.empty());
            ev.started = j;
        } else if (kind == "epoch") {
            ev.epochs.push_back(j);
        } else if (kind == "rollback") {
            ev.rollbacks.push_back(j);
        } else if (kind == "summary") {
            CHECK(!ev.summary);
            ev.summary = j;
        } else {
            FAIL("unknown event " << kind);
        }
        ev.all.push_back(j);
    }
    return ev;
}

/// `train DIR --json ARGS`: the run must exit with `want_exit` and print a summary last.
Events train(const fs::path& dir, const std::string& args, int want_exit = 0) {
    const Run r = cli("train -d " + quote(dir) + " --json" + fast + " " + args);
    INFO("stderr: " << r.err);
    INFO("stdout: " << r.out);
    REQUIRE(r.exit_code == want_exit);
    Events ev = parse_events(r);
    REQUIRE(ev.started.has_value());
    REQUIRE(ev.summary.has_value());
    CHECK(ev.all.back() == *ev.summary);
    return ev;
}

json history(const fs::path& dir) {
    const Run r = cli("history " + quote(dir) + " --json");
    INFO("stderr: " << r.err);
    REQUIRE(r.exit_code == 0);
    return json::parse(r.out);
}

/// Epoch number -> checkpoint digest of the blocks on the run's final path (the last epoch block
/// recorded for each epoch: a rolled-back epoch is recorded again later).
std::map<uint64_t, std::string> epoch_checkpoints(const json& h) {
    std::map<uint64_t, std::string> out;
    for (const auto& b : h)
        if (b["kind"] == "epoch") out[b["epoch"].get<uint64_t>()] = b["checkpoint"].get<std::string>();
    return out;
}

/// All epoch blocks as (height, epoch, checkpoint digest), in chain order.
std::vector<std::string> epoch_blocks(const json& h) {
    std::vector<std::string> out;
    for (const auto& b : h)
        if (b["kind"] == "epoch")
            out.push_back(std::to_string(b["height"].get<uint64_t>()) + " " +
                          std::to_string(b["epoch"].get<uint64_t>()) + " " +
                          b["checkpoint"].get<std::string>());
    return out;
}

/// `verify DIR` (and `--replay`): exit 0 with the chain's summary line.
void check_verifies(const fs::path& dir, bool replay_too = true) {
    Run r = cli("verify " + quote(dir));
    INFO("verify stderr: " << r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("blocks verified") != std::string::npos);
    if (!replay_too) return;
    r = cli("verify " + quote(dir) + " --replay");
    INFO("verify --replay stdout: " << r.out);
    INFO("verify --replay stderr: " << r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.err.empty());
    CHECK(r.out.find("DIFFERS") == std::string::npos);
    CHECK(r.out.find("every checkpoint reproduced exactly") != std::string::npos);
    // One "matches" line per epoch block.
    const auto blocks = epoch_blocks(history(dir));
    size_t matches = 0;
    for (size_t at = 0; (at = r.out.find(": replay matches", at)) != std::string::npos; ++at) ++matches;
    CHECK(matches == blocks.size());
    for (const auto& b : blocks)
        CHECK(r.out.find("block " + b.substr(0, b.find(' ')) + ": replay matches") != std::string::npos);
}

}  // namespace

TEST_CASE("train: each fault is detected, rolled back to the best earlier epoch by vote, and verified") {
    if (!have_digits()) return;
    for (const std::string kind : {"nan", "lr-spike", "label-noise"}) {
        CAPTURE(kind);
        TempDir d;
        const fs::path dir = d / "run";
        const Events ev = train(dir, "--epochs 5 --inject " + kind + "@3");
        INFO("events:\n" << dump(ev.all));

        // The first epoch 3 is the injected one and fails a detection rule.
        const auto bad =
            std::find_if(ev.epochs.begin(), ev.epochs.end(), [](const json& e) { return e["epoch"] == 3; });
        REQUIRE(bad != ev.epochs.end());
        CHECK((*bad)["inject"] == kind + "@3");
        REQUIRE(bad->contains("error"));
        CHECK(!(*bad)["error"].get<std::string>().empty());
        if (kind == "nan") CHECK((*bad)["train_loss"] == "nan");
        CHECK(bad->contains("block"));

        // The epochs before it are clean, and the best of them is where the vote goes back to (the
        // nodes break a tie in accuracy towards the later block).
        const json* best = nullptr;
        for (auto it = ev.epochs.begin(); it != bad; ++it) {
            CHECK(!it->contains("error"));
            CHECK(!it->contains("inject"));
            if (!best || (*it)["accuracy"].get<double>() >= (*best)["accuracy"].get<double>()) best = &*it;
        }
        REQUIRE(best != nullptr);
        REQUIRE(ev.rollbacks.size() == 1);
        const json& rb = ev.rollbacks[0];
        // The rollback event comes right after the failing epoch's event.
        const auto bad_at = std::find(ev.all.begin(), ev.all.end(), *bad);
        REQUIRE(bad_at + 1 != ev.all.end());
        CHECK(*(bad_at + 1) == rb);
        CHECK(rb["target"] == (*best)["block"]);
        CHECK(rb["restored_epoch"] == (*best)["epoch"]);
        CHECK(rb["restored_accuracy"].get<double>() == (*best)["accuracy"].get<double>());
        CHECK(rb["block"].get<uint64_t>() == (*bad)["block"].get<uint64_t>() + 1);
        CHECK(rb["next_lr"].get<double>() == (*bad)["lr"].get<double>() * 0.5);
        CHECK(rb["reason"] == (*bad)["error"]);

        // Training continues from the restored epoch at the lower rate, without the fault again.
        std::vector<uint64_t> after;
        for (auto it = bad + 1; it != ev.epochs.end(); ++it) {
            after.push_back((*it)["epoch"].get<uint64_t>());
            CHECK(!it->contains("error"));
            CHECK(!it->contains("inject"));
            CHECK((*it)["rollbacks"] == 1);
            CHECK((*it)["lr"].get<double>() == rb["next_lr"].get<double>());
        }
        std::vector<uint64_t> want;
        for (uint64_t e = (*best)["epoch"].get<uint64_t>() + 1; e <= 5; ++e) want.push_back(e);
        CHECK(after == want);

        const json& s = *ev.summary;
        CHECK(s["status"] == "finished");
        CHECK(s["finished"] == true);
        CHECK(s["rollbacks"] == 1);
        CHECK(s["rejected"] == 0);
        CHECK(s["final_epoch"] == 5);
        CHECK(s["final_accuracy"] == ev.epochs.back()["accuracy"]);
        CHECK(s["state_block"] == ev.epochs.back()["block"]);
        CHECK(s["blocks"] == ev.epochs.back()["block"].get<uint64_t>() + 1);

        // The chain records the rollback block with its target.
        const json h = history(dir);
        REQUIRE(h.size() == s["blocks"].get<size_t>());
        CHECK(h[rb["block"].get<size_t>()]["kind"] == "rollback");
        CHECK(h[rb["block"].get<size_t>()]["target"] == rb["target"]);
        CHECK(h[(*bad)["block"].get<size_t>()]["epoch"] == 3);

        check_verifies(dir);
    }
}

TEST_CASE("train: two runs with the same flags record the same checkpoints") {
    if (!have_digits()) return;
    TempDir d;
    const std::string args = "--epochs 3 --seed 11 --inject nan@2";
    const Events a = train(d / "a", args);
    const Events b = train(d / "b", args);
    const json ha = history(d / "a"), hb = history(d / "b");
    const auto ea = epoch_blocks(ha), eb = epoch_blocks(hb);
    CHECK(ea.size() == 4);  // epochs 1, 2 (NaN), 2 again, 3
    CHECK(ea == eb);
    REQUIRE(a.epochs.size() == b.epochs.size());
    for (size_t i = 0; i < a.epochs.size(); ++i) {
        CAPTURE(i);
        CHECK(a.epochs[i]["accuracy"] == b.epochs[i]["accuracy"]);
        CHECK(a.epochs[i]["train_loss"] == b.epochs[i]["train_loss"]);
        CHECK(a.epochs[i]["test_loss"] == b.epochs[i]["test_loss"]);
    }
    // Block hashes include timestamps, but the checkpoints are the same bytes: the digests and
    // sizes match block by block.
    REQUIRE(ha.size() == hb.size());
    for (size_t i = 0; i < ha.size(); ++i) {
        CAPTURE(i);
        if (ha[i]["kind"] != "epoch") continue;
        CHECK(ha[i]["checkpoint_size"] == hb[i]["checkpoint_size"]);
        CHECK(ha[i]["accuracy"] == hb[i]["accuracy"]);
    }

    // Another seed: other checkpoints.
    train(d / "c", "--epochs 3 --seed 12 --inject nan@2");
    const auto ec = epoch_checkpoints(history(d / "c"));
    const auto ea_map = epoch_checkpoints(ha);
    for (uint64_t e = 1; e <= 3; ++e) CHECK(ec.at(e) != ea_map.at(e));
}

TEST_CASE(
    "train: sampled replay vetoes a forged epoch, names the segment, and verify --replay --sample repeats "
    "the draw") {
    if (!have_digits()) return;
    TempDir d;
    SUBCASE("weights altered after training: the last committed state is not the checkpoint") {
        const fs::path dir = d / "forged";
        const Events ev = train(dir, "--epochs 3 --replay-nodes 2 --forge-epoch 2");
        INFO("events:\n" << dump(ev.all));
        CHECK((*ev.summary)["rejected"] == 1);
        CHECK((*ev.summary)["status"] == "finished");
        REQUIRE(ev.epochs.size() == 4);
        const json& rejected = ev.epochs[1];
        CHECK(rejected["epoch"] == 2);
        CHECK(rejected["replay_ok"] == false);
        CHECK(!rejected.contains("block"));
        const std::string why = rejected["error"];
        CHECK(why.find("bad-segment-commitment") != std::string::npos);
        CHECK(why.find("last state") != std::string::npos);
        CHECK(ev.epochs[2]["replay_ok"] == true);
        CHECK(ev.epochs[2]["accuracy"] == rejected["accuracy"]);
        for (const auto& e : ev.epochs) CHECK(e["replay_ms"].get<double>() > 0);
        check_verifies(dir);
    }
    SUBCASE("a skipped step, sampled (Q = n): a reject vote naming the segment, then the epoch retrained") {
        const fs::path dir = d / "skipped";
        // digits: 1,437 training rows in batches of 64 -> 23 steps; s = 4 -> 6 segments; Q = 6 samples all.
        const Events ev = train(dir,
                                "--epochs 3 --replay-nodes 1 --segment-steps 4 --sample-segments 6 "
                                "--forge-segment 2:5:1:skip --keep-segments all");
        INFO("events:\n" << dump(ev.all));
        CHECK((*ev.summary)["rejected"] == 1);
        REQUIRE(ev.epochs.size() == 4);
        const std::string why = ev.epochs[1]["error"];
        CHECK(why.find("segment 1 (steps 4..8) does not replay") != std::string::npos);
        CHECK(why.find("bad-segment-replay") != std::string::npos);
        check_verifies(dir);
        // Offline: every replaying node's draw repeated from its stored vote; and an auditor's own.
        Run r = cli("verify " + quote(dir) + " --replay --sample 6");
        INFO("stdout: " << r.out << "\nstderr: " << r.err);
        CHECK(r.exit_code == 0);
        CHECK(r.out.find("3 epochs checked by sampled replay: 18 segments (69 steps)") != std::string::npos);
        r = cli("verify " + quote(dir) + " --replay --sample 2 --salt audit-1");
        CHECK(r.exit_code == 0);
        CHECK(r.out.find("6 segments") != std::string::npos);
        // The full replay agrees.
        r = cli("verify " + quote(dir) + " --replay");
        CHECK(r.exit_code == 0);
        // Bad flags.
        CHECK(cli("verify " + quote(dir) + " --sample 2").exit_code == 2);
        CHECK(cli("verify " + quote(dir) + " --replay --salt x").exit_code == 2);
        CHECK(cli("verify " + quote(dir) + " --replay --sample 0").exit_code == 2);
    }
    SUBCASE("an honest run keeps only the states its checks opened") {
        const fs::path dir = d / "honest";
        const Events ev = train(dir, "--epochs 2 --replay-nodes 1 --segment-steps 4 --sample-segments 1");
        CHECK((*ev.summary)["rejected"] == 0);
        size_t kept = 0;
        for (const auto& f : fs::directory_iterator(dir / "segments")) {
            kept += f.path().extension() == ".zst";
            CHECK((fs::status(f).permissions() & fs::perms::group_all) == fs::perms::none);
        }
        // Per epoch: the first and last states, the evaluation record, and the sampled segment's two
        // ends (which may be the first or last).
        CHECK(kept >= 6);
        CHECK(kept <= 10);
        CHECK(cli("verify " + quote(dir) + " --replay --sample 1").exit_code == 0);
    }
    SUBCASE("bad --forge-segment") {
        for (const char* bad : {"2", "2:1:1", "0:1:1:skip", "2:1:0:skip", "2:1:1:copy", "x:1:1:skip"}) {
            CAPTURE(bad);
            CHECK(cli("train -d " + quote(d / "bad") + fast + " --forge-segment " + bad).exit_code == 2);
        }
    }
}

TEST_CASE("train: a forged epoch is rejected by replay nodes, or found later by verify --replay") {
    if (!have_digits()) return;
    TempDir d;
    SUBCASE("replay nodes reject it before block creation") {
        const fs::path dir = d / "rejected";
        const Events ev = train(dir, "--epochs 4 --replay full --replay-nodes 1 --forge-epoch 2");
        INFO("events:\n" << dump(ev.all));
        CHECK((*ev.summary)["rejected"] == 1);
        CHECK((*ev.summary)["status"] == "finished");
        CHECK((*ev.summary)["rollbacks"] == 0);
        // Epoch 2 twice: first rejected (no block), then trained again and recorded.
        REQUIRE(ev.epochs.size() == 5);
        const json& rejected = ev.epochs[1];
        CHECK(rejected["epoch"] == 2);
        CHECK(rejected["replay_ok"] == false);
        CHECK(!rejected.contains("block"));
        const std::string why = rejected["error"];
        CHECK(why.find("replay verification") != std::string::npos);
        CHECK(why.find("failed") != std::string::npos);
        CHECK(ev.epochs[2]["epoch"] == 2);
        CHECK(ev.epochs[2]["replay_ok"] == true);
        CHECK(!ev.epochs[2].contains("error"));
        // The retrained epoch 2 is the honest one: the same accuracy the forged run measured
        // before the weights were altered, since the plan is the same.
        CHECK(ev.epochs[2]["accuracy"] == rejected["accuracy"]);
        CHECK(ev.rollbacks.empty());
        check_verifies(dir);

        // The recorded epochs are those of an honest run.
        const fs::path honest = d / "honest";
        train(honest, "--epochs 4 --replay full --replay-nodes 1");
        CHECK(epoch_blocks(history(dir)) == epoch_blocks(history(honest)));
    }
    SUBCASE("without replay nodes it is recorded, and verify --replay names its block") {
        const fs::path dir = d / "forged";
        const Events ev = train(dir, "--epochs 4 --replay-nodes 0 --forge-epoch 2");
        CHECK((*ev.summary)["rejected"] == 0);
        CHECK((*ev.summary)["status"] == "finished");
        REQUIRE(ev.epochs.size() == 4);
        const uint64_t forged = ev.epochs[1]["block"].get<uint64_t>();
        CHECK(ev.epochs[1]["epoch"] == 2);
        for (const auto& e : ev.epochs) CHECK(e["replay_ms"] == 0);

        // The chain itself is sound: the forged checkpoint is what the block records.
        check_verifies(dir, false);

        Run r = cli("verify " + quote(dir) + " --replay");
        INFO("stdout: " << r.out);
        INFO("stderr: " << r.err);
        CHECK(r.exit_code == 1);
        CHECK(r.err.find("block " + std::to_string(forged) + ":") != std::string::npos);
        CHECK(count_lines(r.err) == 1);
        CHECK(r.out.find("block " + std::to_string(forged) + ": replay DIFFERS") != std::string::npos);
        // Blocks before it match; replay stops at the first bad block.
        CHECK(r.out.find("block " + std::to_string(ev.epochs[0]["block"].get<uint64_t>()) +
                         ": replay matches") != std::string::npos);
        CHECK(r.out.find("block " + std::to_string(ev.epochs[2]["block"].get<uint64_t>()) + ":") ==
              std::string::npos);

        // --from / --to choose the blocks replayed: around the forged block everything matches
        // (epoch 3 follows from the forged state it was trained from).
        r = cli("verify " + quote(dir) + " --replay --from " + std::to_string(forged + 1));
        CHECK(r.exit_code == 0);
        CHECK(r.out.find("block " + std::to_string(forged) + ":") == std::string::npos);
        CHECK(r.out.find("block " + std::to_string(ev.epochs[3]["block"].get<uint64_t>()) +
                         ": replay matches") != std::string::npos);
        CHECK(r.out.find("2 epochs replayed") != std::string::npos);
        r = cli("verify " + quote(dir) + " --replay --to " + std::to_string(forged - 1));
        CHECK(r.exit_code == 0);
        CHECK(r.out.find("1 epochs replayed") != std::string::npos);
        r = cli("verify " + quote(dir) + " --replay --from " + std::to_string(forged) + " --to " +
                std::to_string(forged));
        CHECK(r.exit_code == 1);
        CHECK(r.err.find("block " + std::to_string(forged) + ":") != std::string::npos);
    }
}

TEST_CASE("train: --resume continues a run to the same checkpoints as a straight run") {
    if (!have_digits()) return;
    TempDir d;
    const fs::path split = d / "split", straight = d / "straight";
    const Events first = train(split, "--epochs 3");
    CHECK((*first.summary)["final_epoch"] == 3);

    const Run r = cli("train --resume " + quote(split) + " --epochs 5 --json --mining-threads 1");
    INFO("stderr: " << r.err);
    REQUIRE(r.exit_code == 0);
    const Events resumed = parse_events(r);
    REQUIRE(resumed.summary.has_value());
    CHECK((*resumed.summary)["status"] == "finished");
    CHECK((*resumed.summary)["epochs_trained"] == 2);
    CHECK((*resumed.summary)["final_epoch"] == 5);
    REQUIRE(resumed.epochs.size() == 2);
    CHECK(resumed.epochs[0]["epoch"] == 4);
    CHECK(resumed.epochs[1]["epoch"] == 5);

    const Events whole = train(straight, "--epochs 5");
    const auto a = epoch_checkpoints(history(split)), b = epoch_checkpoints(history(straight));
    REQUIRE(a.size() == 5);
    REQUIRE(b.size() == 5);
    for (uint64_t e = 1; e <= 5; ++e) {
        CAPTURE(e);
        CHECK(a.at(e) == b.at(e));
    }
    CHECK(resumed.epochs[1]["accuracy"] == whole.epochs[4]["accuracy"]);
    check_verifies(split);

    // run.toml is not part of the chain. Editing a setting that does not change what an epoch
    // computes (the epoch count) is harmless; editing one that does (the learning rate) makes
    // every recorded checkpoint disagree with it: replay names the first epoch block, and a
    // resume refuses to continue.
    const fs::path toml = split / "run.toml";
    const std::string original = read_text(toml);
    REQUIRE(original.find("epochs = 3\n") != std::string::npos);
    REQUIRE(original.find("lr = 0.001\n") != std::string::npos);
    write_text(toml, std::regex_replace(original, std::regex("epochs = 3\n"), "epochs = 9\n"));
    Run v = cli("verify " + quote(split) + " --replay");
    CHECK(v.exit_code == 0);
    write_text(toml, std::regex_replace(original, std::regex("lr = 0\\.001\n"), "lr = 0.002\n"));
    v = cli("verify " + quote(split) + " --replay");
    INFO("verify --replay stderr: " << v.err);
    CHECK(v.exit_code == 1);
    CHECK(count_lines(v.err) == 1);
    CHECK(v.err.find("block " + std::to_string(first.epochs[0]["block"].get<uint64_t>()) + ":") !=
          std::string::npos);
    CHECK(v.err.find("run.toml") != std::string::npos);
    const Run refused = cli("train --resume " + quote(split) + " --epochs 6 --mining-threads 1");
    check_bad_input(refused, "does not match");
    write_text(toml, original);
    CHECK(cli("verify " + quote(split) + " --replay").exit_code == 0);

    // Resuming a finished run trains nothing more.
    const Run again = cli("train --resume " + quote(split) + " --epochs 5 --json --mining-threads 1");
    INFO("stderr: " << again.err);
    CHECK(again.exit_code == 0);
    const Events none = parse_events(again);
    CHECK(none.epochs.empty());
    REQUIRE(none.summary.has_value());
    CHECK((*none.summary)["epochs_trained"] == 0);
    CHECK((*none.summary)["final_epoch"] == 5);
}

TEST_CASE("train: SIGTERM ends the run after the block in flight; --resume goes on from there") {
    if (!have_digits()) return;
    TempDir d;
    const fs::path dir = d / "run", out = d / "events";
    // The run is started in the background, signalled once its first epoch is in, and waited for
    // (SIGKILL after 120 s, so that a run that ignored the signal fails the test and does not hang it).
    const std::string script = std::string(TRAINCHAIN_BIN) + " train -d " + dir.string() + " --json" + fast +
                               " --epochs 40 > " + out.string() +
                               " & p=$!; n=0; until grep -q '\"event\":\"epoch\"' " + out.string() +
                               "; do n=$((n + 1)); if [ $n -gt 1200 ]; then kill -9 $p; exit 90; fi; sleep "
                               "0.1; done; kill -TERM $p; "
                               "n=0; while kill -0 $p 2>/dev/null; do n=$((n + 1)); if [ $n -gt 1200 ]; then "
                               "kill -9 $p; fi; sleep 0.1; "
                               "done; wait $p; echo $?";
    write_text(d / "stop.sh", script);
    const Run r = trainchain::test::run_binary("/bin/sh", quote(d / "stop.sh"));
    INFO("stderr: " << r.err);
    REQUIRE(r.out == "143\n");  // 128 + SIGTERM: stopped on request
    CHECK(r.err.find("stopping after the epoch in flight") != std::string::npos);
    Run events{0, read_text(out), {}};
    const Events ev = parse_events(events);
    REQUIRE(ev.summary.has_value());
    const auto stopped_at = (*ev.summary)["final_epoch"].get<uint64_t>();
    CHECK((*ev.summary)["status"] == "stopped on request after epoch " + std::to_string(stopped_at));
    CHECK(stopped_at >= 1);
    CHECK(stopped_at < 40);
    // Every epoch trained has its block: the one in flight was finished, not cut off.
    const auto recorded = epoch_checkpoints(history(dir));
    CHECK(recorded.size() == stopped_at);
    CHECK(ev.epochs.size() == stopped_at);
    check_verifies(dir, false);

    const Run resumed = cli("train --resume " + quote(dir) + " --epochs " + std::to_string(stopped_at + 1) +
                            " --json --mining-threads 1");
    INFO("resume stderr: " << resumed.err);
    CHECK(resumed.exit_code == 0);
    CHECK(epoch_checkpoints(history(dir)).size() == stopped_at + 1);
}

TEST_CASE("train: bad input is one line on stderr and exit code 2, never a crash") {
    TempDir d;
    SUBCASE("a configuration file with a TOML syntax error") {
        const fs::path config = d / "bad.toml";
        std::ofstream(config) << "seed = 3\nepochs = = 4\n";
        const Run r = cli("train " + quote(config) + " -d " + quote(d / "run"));
        check_bad_input(r, "error:");
        CHECK(r.err.rfind(config.string() + ":2:", 0) == 0);
        CHECK(std::regex_search(r.err, std::regex(":2:[0-9]+: error: ")));
        CHECK(!fs::exists(d / "run"));
    }
    SUBCASE("an unknown injection") {
        const Run r = cli("train -d " + quote(d / "run") + " --inject bogus@2" + fast);
        check_bad_input(r, "bogus");
        CHECK(!fs::exists(d / "run"));
    }
    SUBCASE("an injection without an epoch") {
        const Run r = cli("train -d " + quote(d / "run") + " --inject nan" + fast);
        check_bad_input(r, "nan");
        CHECK(!fs::exists(d / "run"));
    }
    SUBCASE("--dir naming an existing directory") {
        const fs::path dir = d / "existing";
        fs::create_directory(dir);
        std::ofstream(dir / "keep.txt") << "mine\n";
        const Run r = cli("train -d " + quote(dir) + " --epochs 1" + fast);
        check_bad_input(r, "already exists");
        CHECK(r.err.find(dir.string()) != std::string::npos);
        // Left exactly as it was.
        CHECK(std::distance(fs::directory_iterator(dir), fs::directory_iterator()) == 1);
    }
    SUBCASE("--resume of a directory that is not a run") {
        const fs::path dir = d / "notarun";
        fs::create_directory(dir);
        std::ofstream(dir / "notes.txt") << "hello\n";
        Run r = cli("train --resume " + quote(dir) + " --epochs 2" + fast);
        INFO("stderr: " << r.err);
        CHECK((r.exit_code == 1 || r.exit_code == 2));
        CHECK(count_lines(r.err) == 1);
        CHECK(r.err.find("error") != std::string::npos);
        CHECK(r.out.empty());
        CHECK(std::distance(fs::directory_iterator(dir), fs::directory_iterator()) == 1);
        // A directory that does not exist at all.
        r = cli("train --resume " + quote(d / "missing") + " --epochs 2" + fast);
        CHECK((r.exit_code == 1 || r.exit_code == 2));
        CHECK(count_lines(r.err) == 1);
        CHECK(!fs::exists(d / "missing"));
    }
    SUBCASE("--resume of a chain that has no run.toml") {
        const fs::path dir = d / "chain";
        Run r = cli("chain init " + quote(dir) + " --nodes 5 --difficulty 4 --threads 1");
        REQUIRE(r.exit_code == 0);
        r = cli("train --resume " + quote(dir) + " --epochs 2" + fast);
        INFO("stderr: " << r.err);
        CHECK((r.exit_code == 1 || r.exit_code == 2));
        CHECK(count_lines(r.err) == 1);
    }
    SUBCASE("data that fails to load: no chain directory is left behind") {
        const fs::path config = d / "csv.toml";
        const fs::path csv = d / "data.csv";
        std::ofstream(csv) << "label,a,b\n1,0.5,0.25\n2,oops,0.5\n";
        std::ofstream(config) << "epochs = 1\n[data]\nsource = \"csv\"\npath = " << json(csv.string()).dump()
                              << "\n";
        const Run r = cli("train " + quote(config) + " -d " + quote(d / "run") + fast);
        check_bad_input(r, csv.string() + ":2:");
        CHECK(!fs::exists(d / "run"));
    }
    SUBCASE("neither --dir nor --resume, or both") {
        check_bad_input(cli("train --epochs 1" + fast), "--dir");
        check_bad_input(
            cli("train -d " + quote(d / "a") + " --resume " + quote(d / "b") + " --epochs 1" + fast),
            "--dir");
        CHECK(!fs::exists(d / "a"));
    }
}

TEST_CASE("train: the run stops after --max-rollbacks rollbacks") {
    if (!have_digits()) return;
    TempDir d;
    const Events ev = train(d / "run", "--epochs 5 --inject nan@2 --inject lr-spike@3 --max-rollbacks 1", 1);
    INFO("events:\n" << dump(ev.all));
    const json& s = *ev.summary;
    CHECK(s["status"].get<std::string>().rfind("stopped", 0) == 0);
    CHECK(s["finished"] == false);
    CHECK(s["rollbacks"] == 1);
    REQUIRE(ev.rollbacks.size() == 1);
    // nan@2 was rolled back; lr-spike@3 failed and the limit stopped the run there.
    REQUIRE(!ev.epochs.empty());
    const json& last = ev.epochs.back();
    CHECK(last["epoch"] == 3);
    CHECK(last["inject"] == "lr-spike@3");
    CHECK(last.contains("error"));
    CHECK(s["final_epoch"] == 3);
    check_verifies(d / "run");
}

TEST_CASE("train: over-training rolls back along the line of training, never to the failing epoch") {
    if (!have_digits()) return;
    TempDir d;
    // A high learning rate and patience 1 make the test loss rise often (seed 1: ten rollbacks).
    const fs::path config = d / "overtrain.toml";
    write_text(config,
               "epochs = 12\nseed = 1\n[optimizer]\nlr = 0.01\n[detection]\npatience = 1\n"
               "[recovery]\nmax_rollbacks = 10\n");
    const Run r = cli("train " + quote(config) + " -d " + quote(d / "run") + " --json" + fast);
    INFO("stderr: " << r.err);
    REQUIRE((r.exit_code == 0 || r.exit_code == 1));
    const Events ev = parse_events(r);
    INFO("events:\n" << dump(ev.all));
    REQUIRE(ev.summary.has_value());
    REQUIRE(!ev.rollbacks.empty());
    // Replay the events: the line of training is a stack of (block, accuracy, failed) entries.
    struct Entry {
        uint64_t block;
        double accuracy;
    };
    std::vector<Entry> line;
    size_t next_rollback = 0;
    for (const json& e : ev.all) {
        if (e["event"] == "epoch") {
            line.push_back({e["block"].get<uint64_t>(), e["accuracy"].get<double>()});
            if (!e.contains("error")) continue;
            CHECK(std::string(e["error"]).find("over-training") != std::string::npos);
        } else if (e["event"] == "rollback") {
            REQUIRE(line.size() >= 2);
            const uint64_t failing = line.back().block;
            line.pop_back();
            // The target: the best accuracy among the epochs before the failing one on its line
            // (ties: the later block).
            const auto best = std::max_element(line.begin(), line.end(), [](const Entry& a, const Entry& b) {
                return a.accuracy < b.accuracy || (a.accuracy == b.accuracy && a.block < b.block);
            });
            CHECK(e["target"].get<uint64_t>() != failing);
            CHECK(e["target"].get<uint64_t>() == best->block);
            CHECK(e["restored_accuracy"].get<double>() == best->accuracy);
            line.erase(best + 1, line.end());
            ++next_rollback;
        }
    }
    CHECK(next_rollback == ev.rollbacks.size());
    const std::string status = (*ev.summary)["status"];
    CHECK(status.find("no earlier") == std::string::npos);
    check_verifies(d / "run", false);
}

TEST_CASE(
    "report recovery: with defaults the keep-5 manager restores 10 % at n = 50, the chain 100 % at every n") {
    if (!have_digits()) return;
    TempDir d;
    const fs::path out = d / "rec";
    const Run r = cli("report recovery -q --format json -o " + quote(out));
    INFO("stderr: " << r.err);
    REQUIRE(r.exit_code == 0);
    json j;
    REQUIRE_NOTHROW(j = json::parse(r.out));
    CHECK(j["max_epochs"] == 50);
    CHECK(j["keep"] == 5);
    CHECK(j["nodes"] == 10);  // each chain-side restore is a voted rollback: 1,275 of them
    const auto& points = j["points"];
    REQUIRE(points.size() == 50);
    for (size_t i = 0; i < points.size(); ++i) {
        const auto& p = points[i];
        const uint32_t n = static_cast<uint32_t>(i + 1);
        INFO("n = " << n);
        CHECK(p["n"] == n);
        CHECK(p["attempted"] == n);
        CHECK(p["chain_restored"] == n);
        CHECK(p["chain_rate"] == 1.0);
        CHECK(p["manager_restored"] == std::min<uint32_t>(n, 5));
    }
    CHECK(points[49]["manager_rate"] == doctest::Approx(0.10));
    CHECK(points[49]["paper_stated_rate"] == doctest::Approx(0.10));
    CHECK(points[49]["paper_inequality_rate"] == doctest::Approx(0.12));
    // The manager's directory holds exactly the last five checkpoints and its index.
    size_t kept = 0;
    for (const auto& e : fs::directory_iterator(out / "keep-last")) {
        const std::string name = e.path().filename().string();
        if (name == "checkpoint") continue;
        ++kept;
        CHECK(std::regex_match(name, std::regex("ckpt-(46|47|48|49|50)")));
    }
    CHECK(kept == 5);
    CHECK(read_text(out / "keep-last" / "checkpoint").find("model_checkpoint_path: \"ckpt-50\"") !=
          std::string::npos);
    // The other forms: CSV rows, the Markdown findings, and an SVG that parses as XML.
    CHECK(count_lines(read_text(out / "recovery.csv")) == 51);
    const std::string md = read_text(out / "recovery.md");
    CHECK(md.find("| 50 | 5/50 = 10.0 % | 50/50 = 100.0 %") != std::string::npos);
    CHECK(md.find("D_target > D_end - 5") != std::string::npos);
    const std::string svg = read_text(out / "recovery.svg");
    std::vector<trainchain::test::Element> doc;
    REQUIRE_NOTHROW(doc = trainchain::test::parse_xml(svg));
    CHECK(doc[0].name == "svg");
    CHECK(doc[0].attrs["xmlns"] == "http://www.w3.org/2000/svg");
    trainchain::test::check_self_contained(doc);
    for (const char* cls : {"paper", "inequality", "manager", "chain"})
        CHECK_FALSE(trainchain::test::find_elements(doc, "polyline", cls).empty());
    // The chain it wrote verifies.
    CHECK(cli("verify " + quote(out / "chain")).exit_code == 0);
}

TEST_CASE("report recovery: bad options are one line and exit code 2") {
    TempDir d;
    check_bad_input(cli("report recovery --keep 0 -o " + quote(d / "a")), "--keep");
    check_bad_input(cli("report recovery --max-epochs 0 -o " + quote(d / "b")), "--max-epochs");
    check_bad_input(cli("report recovery --format xml"), "--format");
    fs::create_directories(d / "exists");
    check_bad_input(cli("report recovery -o " + quote(d / "exists")), "already exists");
}
