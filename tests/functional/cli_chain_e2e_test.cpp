// tests/functional/cli_chain_e2e_test.cpp - end-to-end tests of the chain commands on the real binary:
// chain init/append, history --json, verify (and a tampered checkpoint), rollback, export, plot,
// faults, bad input, and kill -9 at random moments during appends and rollbacks.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <regex>
#include <sstream>
#include <string>
#include <thread>

#include "runtime_support.hpp"
#include "trainchain/runtime/crypto.hpp"

namespace fs = std::filesystem;
using trainchain::runtime::Bytes;
using trainchain::test::check_bad_input;
using trainchain::test::count_lines;
using trainchain::test::quote;
using trainchain::test::Run;
using trainchain::test::TempDir;

namespace {

/// Waits (up to 10 s) until no live process of the process group `pgid` is left: after
/// `kill(-pgid, SIGKILL)` and reaping the group's leader, its other members (a `trainchain` the shell
/// started) may still be exiting, holding their files and locks for a moment. Zombies have released
/// theirs and do not count.
void wait_group_gone(pid_t pgid) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
        bool live = false;
        for (const auto& entry : fs::directory_iterator("/proc")) {
            std::ifstream stat(entry.path() / "stat");
            std::string line;
            if (!std::getline(stat, line)) continue;
            const size_t close = line.rfind(')');
            if (close == std::string::npos) continue;
            std::istringstream rest(line.substr(close + 2));
            char state = 0;
            long ppid = 0, pgrp = 0;
            rest >> state >> ppid >> pgrp;
            if (pgrp == pgid && state != 'Z') live = true;
        }
        if (!live) return;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    FAIL("processes of group " << pgid << " still alive 10 s after SIGKILL");
}

Run cli(const std::string& args) { return trainchain::test::run_binary(TRAINCHAIN_BIN, args); }

Bytes read_file(const fs::path& p) {
    std::ifstream f(p, std::ios::binary);
    return Bytes(std::istreambuf_iterator<char>(f), {});
}

void write_file(const fs::path& p, const Bytes& b) {
    std::ofstream f(p, std::ios::binary | std::ios::trunc);
    f.write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
}

/// Checkpoint bytes: random, with NULs and every byte value.
Bytes random_bytes(std::mt19937_64& rng, size_t n) {
    Bytes b(n);
    for (auto& x : b) x = static_cast<uint8_t>(rng());
    return b;
}

nlohmann::json history(const fs::path& dir) {
    const auto r = cli("history " + quote(dir.string()) + " --json");
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    return nlohmann::json::parse(r.out);
}

std::vector<std::string> hashes(const nlohmann::json& h) {
    std::vector<std::string> out;
    for (const auto& b : h) out.push_back(b["hash"].get<std::string>());
    return out;
}

/// The epoch the run expects next (runtime::next_epoch), from `history --json`: one more than
/// the epoch of the last epoch or rollback block.
int next_epoch(const nlohmann::json& h) {
    for (auto it = h.rbegin(); it != h.rend(); ++it)
        if ((*it)["kind"] == "epoch" || (*it)["kind"] == "rollback") return (*it)["epoch"].get<int>() + 1;
    return 1;
}

/// The names of the files in `dir`, sorted.
std::vector<std::string> file_names(const fs::path& dir) {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(dir))
        if (e.is_regular_file()) out.push_back(e.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
}

std::string append_args(const fs::path& dir, const fs::path& checkpoint, int epoch, double accuracy,
                        const std::string& extra = "") {
    return "chain append " + quote(dir.string()) + " --checkpoint " + quote(checkpoint.string()) +
           " --epoch " + std::to_string(epoch) + " --accuracy " + std::to_string(accuracy) +
           " --loss 0.25 --threads 2" + extra;
}

}  // namespace

TEST_CASE("chain: init, append, history --json, verify, rollback, export") {
    TempDir d;
    std::mt19937_64 rng(11);
    const fs::path dir = d.path / "run";
    auto r = cli("chain init " + quote(dir.string()) + " --nodes 7 --difficulty 8 --threads 2");
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find("created chain") == 0);
    CHECK(r.out.find("7 nodes, difficulty 8 bits, fork Petersburg, quorum 51 %; 2 blocks") !=
          std::string::npos);

    const double acc[] = {0.5, 0.9, 0.3, 0.7};
    std::vector<Bytes> checkpoints;
    for (int e = 1; e <= 4; ++e) {
        checkpoints.push_back(random_bytes(rng, 1000 + 500 * static_cast<size_t>(e)));
        const auto ck = d.path / ("ck" + std::to_string(e));
        write_file(ck, checkpoints.back());
        r = cli(append_args(dir, ck, e, acc[e - 1]));
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
        CHECK(r.out.find("appended block " + std::to_string(e + 1) + " (epoch) hash ") == 0);
        CHECK(r.err.empty());
    }

    // history --json: heights, kinds, links, winners, checkpoints, votes and gas.
    const auto h = history(dir);
    REQUIRE(h.size() == 6);
    for (size_t i = 0; i < h.size(); ++i) {
        INFO("block " << i);
        const auto& b = h[i];
        CHECK(b["height"] == i);
        CHECK(b["hash"].get<std::string>().size() == 64);
        CHECK(b["prev"] == (i == 0 ? std::string(64, '0') : h[i - 1]["hash"].get<std::string>()));
        CHECK(b["winner"] == b["nonce"].get<uint64_t>() % 7);
        CHECK(b["gas"].get<int64_t>() > 0);
        CHECK(b["timestamp_ms"].get<uint64_t>() >= (i ? h[i - 1]["timestamp_ms"].get<uint64_t>() : 0));
        if (i == 0) {
            CHECK(b["kind"] == "genesis");
            CHECK(b["votes"] == 0);
        } else {
            CHECK(b["votes"].get<int>() >= 4);  // 51 % of 7
        }
        if (i == 1) CHECK(b["kind"] == "registration");
        if (i >= 2) {
            CHECK(b["kind"] == "epoch");
            CHECK(b["epoch"] == i - 1);
            CHECK(b["accuracy"].get<double>() == acc[i - 2]);
            CHECK(b["loss"].get<double>() == 0.25);
            CHECK(b["checkpoint"] ==
                  trainchain::runtime::hex(trainchain::runtime::sha256(checkpoints[i - 2])));
            CHECK(b["checkpoint_size"] == checkpoints[i - 2].size());
        }
    }
    const auto text = cli("history " + quote(dir.string()));
    CHECK(text.exit_code == 0);
    CHECK(count_lines(text.out) == 7);

    r = cli("verify " + quote(dir.string()));
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("6 blocks verified") != std::string::npos);

    // rollback: the best epoch (height 3, accuracy 0.9) by every node.
    r = cli("rollback " + quote(dir.string()));
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find("rolled back to block 3 (epoch 2, accuracy 0.9000)") == 0);
    CHECK(r.out.find("7 node(s) proposed block 3") != std::string::npos);
    CHECK(r.out.find("appended block 6 (rollback)") != std::string::npos);
    r = cli("rollback " + quote(dir.string()) + " --to 4 --reason " + quote("try epoch 3"));
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find("rolled back to block 4") == 0);
    r = cli("rollback " + quote(dir.string()) + " --to best");
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find("rolled back to block 3") == 0);

    const auto after = history(dir);
    REQUIRE(after.size() == 9);
    for (size_t i = 0; i < h.size(); ++i) CHECK(after[i] == h[i]);  // nothing rewritten
    CHECK(after[6]["kind"] == "rollback");
    CHECK(after[6]["target"] == 3);
    CHECK(after[6]["note"] == "requested from the command line");
    CHECK(after[6]["checkpoint"] == h[3]["checkpoint"]);
    CHECK(after[7]["target"] == 4);
    CHECK(after[7]["note"] == "try epoch 3");
    CHECK(after[8]["target"] == 3);
    CHECK(cli("verify " + quote(dir.string())).exit_code == 0);

    // export: byte-identical, for epoch and rollback blocks.
    for (int block : {2, 3, 4, 5, 6, 7}) {
        INFO("block " << block);
        const auto out = d.path / ("export" + std::to_string(block));
        r = cli("export " + quote(dir.string()) + " --block " + std::to_string(block) + " -o " +
                quote(out.string()));
        REQUIRE(r.exit_code == 0);
        const size_t expected = block <= 5 ? static_cast<size_t>(block - 2) : block == 6 ? 1 : 2;
        CHECK(read_file(out) == checkpoints[expected]);
    }
    check_bad_input(cli("export " + quote(dir.string()) + " --block 0 -o " + quote((d.path / "x").string())),
                    "holds no checkpoint");
    check_bad_input(cli("export " + quote(dir.string()) + " --block 1 -o " + quote((d.path / "x").string())),
                    "holds no checkpoint");
    check_bad_input(cli("export " + quote(dir.string()) + " --block 99 -o " + quote((d.path / "x").string())),
                    "--block: error: the chain has blocks 0 to 8");
    CHECK_FALSE(fs::exists(d.path / "x"));
}

TEST_CASE("chain: faults from the command line") {
    TempDir d;
    std::mt19937_64 rng(12);
    const fs::path dir = d.path / "run";
    REQUIRE(cli("chain init " + quote(dir.string()) + " --nodes 7 --difficulty 8").exit_code == 0);
    const double acc[] = {0.5, 0.9, 0.3};
    for (int e = 1; e <= 3; ++e) {
        const auto ck = d.path / ("ck" + std::to_string(e));
        write_file(ck, random_bytes(rng, 700));
        REQUIRE(cli(append_args(dir, ck, e, acc[e - 1])).exit_code == 0);
    }
    const auto ck = d.path / "ck";
    write_file(ck, random_bytes(rng, 700));

    // Fewer than half faulty: accepted, with the faults visible in the report.
    auto r = cli(append_args(dir, ck, 4, 0.4, " --fault 0=crash --fault 1=wrong-vote --fault 2=forge-nonce"));
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find("1 forged claims") != std::string::npos);
    CHECK(r.out.find("1 reject") != std::string::npos);
    CHECK(std::regex_search(r.out, std::regex("votes [0-9]+ accept")));

    r = cli("rollback " + quote(dir.string()) +
            " --fault 0=wrong-restore-point --fault 1=tampered-replica --fault 2=wrong-restore-point");
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find("rolled back to block 3") == 0);  // the honest majority's point
    CHECK(r.out.find("4 node(s) proposed block 3") != std::string::npos);
    CHECK(cli("verify " + quote(dir.string())).exit_code == 0);

    // More than half crashed: not accepted, one line, nothing stored.
    const auto before = history(dir);
    r = cli(append_args(dir, ck, 3, 0.6, " --fault 0=crash --fault 1=crash --fault 2=crash --fault 3=crash"));
    CHECK(r.exit_code != 0);
    CHECK(count_lines(r.err) == 1);
    CHECK(r.err.find("not accepted") != std::string::npos);
    CHECK(r.err.find("quorum") != std::string::npos);
    CHECK(history(dir) == before);
    CHECK(cli("verify " + quote(dir.string())).exit_code == 0);
}

TEST_CASE("chain: verify names the block of a tampered checkpoint and exits 1") {
    TempDir d;
    std::mt19937_64 rng(13);
    const fs::path dir = d.path / "run";
    REQUIRE(cli("chain init " + quote(dir.string()) + " --nodes 5 --difficulty 8").exit_code == 0);
    for (int e = 1; e <= 3; ++e) {
        const auto ck = d.path / ("ck" + std::to_string(e));
        write_file(ck, random_bytes(rng, 2000));
        REQUIRE(cli(append_args(dir, ck, e, 0.1 * e)).exit_code == 0);
    }
    const auto h = history(dir);
    for (int block = 2; block <= 4; ++block) {
        INFO("block " << block);
        const fs::path copy = d.path / ("copy" + std::to_string(block));
        fs::copy(dir, copy, fs::copy_options::recursive);
        const auto file = copy / "checkpoints" / (h[block]["checkpoint"].get<std::string>() + ".zst");
        REQUIRE(fs::exists(file));
        Bytes b = read_file(file);
        b[b.size() / 2] ^= 0xff;
        write_file(file, b);
        const auto r = cli("verify " + quote(copy.string()));
        CHECK(r.exit_code == 1);
        CHECK(r.out.empty());
        CHECK(count_lines(r.err) == 1);
        CHECK(r.err.find(copy.string() + ": error: block " + std::to_string(block) + ":") == 0);
        // export refuses the corrupt checkpoint rather than writing wrong bytes.
        const auto e = cli("export " + quote(copy.string()) + " --block " + std::to_string(block) + " -o " +
                           quote((d.path / "out").string()));
        CHECK(e.exit_code != 0);
        CHECK(count_lines(e.err) == 1);

        fs::remove(file);
        const auto missing = cli("verify " + quote(copy.string()));
        CHECK(missing.exit_code == 1);
        CHECK(missing.err.find("block " + std::to_string(block) + ": checkpoint") != std::string::npos);
    }
    CHECK(cli("verify " + quote(dir.string())).exit_code == 0);
}

TEST_CASE("chain: bad input gives one line and exit code 2") {
    TempDir d;
    const fs::path dir = d.path / "run";
    const auto nodir = quote((d.path / "missing").string());
    REQUIRE(cli("chain init " + quote(dir.string()) + " --nodes 3 --difficulty 8").exit_code == 0);
    const auto ck = d.path / "ck";
    write_file(ck, Bytes(100, 7));
    const auto before = history(dir);

    check_bad_input(cli("verify " + nodir), "no chain here");
    check_bad_input(cli("history " + nodir), "no chain here");
    check_bad_input(cli("history " + nodir + " --json"), "no chain here");
    check_bad_input(cli("rollback " + nodir), "no chain here");
    check_bad_input(cli("export " + nodir + " --block 2 -o " + quote((d.path / "x").string())),
                    "no chain here");
    check_bad_input(cli(append_args(d.path / "missing", ck, 1, 0.5)), "no chain here");
    CHECK_FALSE(fs::exists(d.path / "missing"));

    check_bad_input(cli(append_args(dir, d.path / "nofile", 1, 0.5)),
                    "nofile: error: cannot read checkpoint");
    check_bad_input(cli(append_args(dir, ck, 1, 0.5, " --fault 0=byzantine")),
                    "--fault: error: '0=byzantine'");
    check_bad_input(cli(append_args(dir, ck, 1, 0.5, " --fault x=crash")), "--fault: error: 'x=crash'");
    check_bad_input(cli(append_args(dir, ck, 1, 0.5, " --fault crash")), "--fault: error: 'crash'");
    check_bad_input(cli("rollback " + quote(dir.string()) + " --fault 1=sleepy"), "--fault: error:");
    check_bad_input(cli("rollback " + quote(dir.string()) + " --to garbage"),
                    "--to: error: 'garbage' is neither 'best' nor a block height");
    check_bad_input(cli("rollback " + quote(dir.string()) + " --to 3x"), "--to: error: '3x'");
    check_bad_input(cli("rollback " + quote(dir.string()) + " --to ''"), "--to: error:");
    check_bad_input(cli("chain init " + quote(dir.string())), "already holds a chain");
    check_bad_input(cli("chain init " + quote((d.path / "e").string()) + " --fork Nope"),
                    "--fork: error: unknown fork 'Nope'");
    check_bad_input(cli("chain init " + quote((d.path / "e").string()) + " --nodes 0"), "--nodes");
    check_bad_input(cli("chain append " + quote(dir.string()) + " --checkpoint " + quote(ck.string()) +
                        " --epoch abc --accuracy 0.5 --loss 1"),
                    "--epoch");
    check_bad_input(cli("chain append " + quote(dir.string()) + " --epoch 1 --accuracy 0.5 --loss 1"),
                    "--checkpoint");
    CHECK_FALSE(fs::exists(d.path / "e" / "chain.db"));
    CHECK(history(dir) == before);  // nothing was appended by any of them
}

TEST_CASE("chain: rollback --to a height that holds no epoch block is bad input naming the height") {
    // Before 31a71f3: exit 1 with "no rollback: NoMajority(1, 0, 3)".
    TempDir d;
    const fs::path dir = d.path / "run";
    REQUIRE(cli("chain init " + quote(dir.string()) + " --nodes 3 --difficulty 8").exit_code == 0);
    const auto ck = d.path / "ck";
    write_file(ck, Bytes(100, 7));
    REQUIRE(cli(append_args(dir, ck, 1, 0.5)).exit_code == 0);
    const auto before = history(dir);
    for (const char* to : {"99", "1", "0", "-1"}) {
        const auto r = cli("rollback " + quote(dir.string()) + " --to " + to);
        INFO("--to " << std::string(to) << ": exit " << r.exit_code << ", stderr " << r.err);
        CHECK(count_lines(r.err) == 1);
        CHECK(r.exit_code == 2);
        CHECK(r.err.find("--to: error: ") == 0);
        CHECK(r.err.find(to) != std::string::npos);  // names the height
    }
    CHECK(history(dir) == before);
}

TEST_CASE("chain: plot draws the history with its rollback marker") {
    TempDir d;
    const fs::path dir = d.path / "run";
    REQUIRE(cli("chain init " + quote(dir.string()) + " --nodes 3 --difficulty 8").exit_code == 0);
    const auto ck = d.path / "ck";
    write_file(ck, Bytes(100, 7));
    const double acc[] = {0.5, 0.7, 0.6};
    for (int e = 1; e <= 3; ++e) REQUIRE(cli(append_args(dir, ck, e, acc[e - 1])).exit_code == 0);
    auto r = cli("chain append " + quote(dir.string()) + " --checkpoint " + quote(ck.string()) +
                 " --epoch 4 --accuracy 0.2 --loss nan --threads 2");
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    r = cli("rollback " + quote(dir.string()) + " --to 3 --reason " + quote("loss <nan> & diverged"));
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);

    const auto out = d.path / "plot.svg";
    r = cli("plot " + quote(dir.string()) + " -o " + quote(out.string()) + " --title " + quote("run <1>"));
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(r.err.empty());
    CHECK(r.out == out.string() + "\n");
    REQUIRE(fs::exists(out));
    const auto bytes = read_file(out);
    const std::string svg(bytes.begin(), bytes.end());
    CHECK(svg.rfind("<?xml", 0) == 0);
    CHECK(svg.size() > 1000);
    CHECK(svg.find("</svg>\n") == svg.size() - 7);
    CHECK(svg.find("class=\"rollback\" data-height=\"6\" data-target=\"3\"") != std::string::npos);
    CHECK(svg.find(">rollback -&gt; #3<") != std::string::npos);
    CHECK(svg.find("run &lt;1&gt;") != std::string::npos);
    CHECK(svg.find("loss &lt;nan&gt; &amp; diverged") != std::string::npos);
    CHECK(svg.find("class=\"nonfinite loss\" data-height=\"5\"") != std::string::npos);
    // Written through a temporary file that is gone now; the same chain gives the same bytes.
    size_t files = 0;
    for ([[maybe_unused]] const auto& entry : fs::directory_iterator(d.path)) ++files;
    CHECK(files == 4);  // run, run.keys (its private keys, apart from it), ck, plot.svg
    REQUIRE(cli("plot " + quote(dir.string()) + " -o " + quote(out.string()) + " --title " + quote("run <1>"))
                .exit_code == 0);
    CHECK(read_file(out) == bytes);
    // Without --title: the directory's name.
    const auto untitled = d.path / "untitled.svg";
    REQUIRE(cli("plot " + quote(dir.string() + "/") + " -o " + quote(untitled.string())).exit_code == 0);
    const auto u = read_file(untitled);
    CHECK(std::string(u.begin(), u.end()).find("training history: run<") != std::string::npos);

    // A directory without a chain, and an output that cannot be written: one line, exit 2.
    check_bad_input(cli("plot /nonexistent -o x.svg"), "/nonexistent");
    check_bad_input(cli("plot /nonexistent -o x.svg"), "no chain here");
    CHECK_FALSE(fs::exists("x.svg"));
    check_bad_input(cli("plot " + quote(d.path.string()) + " -o " + quote((d.path / "y.svg").string())),
                    "no chain here");
    check_bad_input(
        cli("plot " + quote(dir.string()) + " -o " + quote((d.path / "no" / "such.svg").string())),
        "such.svg: error: cannot write file");
    check_bad_input(cli("plot " + quote(dir.string()) + " -o " + quote(d.path.string())),
                    "cannot write file");
    check_bad_input(cli("plot " + quote(dir.string())), "--output");
}

TEST_CASE("chain: kill -9 at random moments loses no accepted block") {
    TempDir d;
    const fs::path dir = d.path / "run";
    REQUIRE(cli("chain init " + quote(dir.string()) + " --nodes 20 --difficulty 10").exit_code == 0);
    const auto seed = std::random_device{}();
    INFO("seed " << seed);
    std::mt19937_64 rng(seed);

    // Time one append, to spread the kills over the life of a process.
    const auto ck0 = d.path / "ck0";
    write_file(ck0, random_bytes(rng, 3000));
    const auto t0 = std::chrono::steady_clock::now();
    REQUIRE(cli(append_args(dir, ck0, 1, 0.5)).exit_code == 0);
    const auto one =
        std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0);

    int epoch = 2, interrupted = 0, accepted_while_killed = 0;
    for (int round = 0; round < 10; ++round) {
        INFO("round " << round);
        const auto before = hashes(history(dir));
        // A child shell in its own process group appends (and now and then rolls back) in a loop,
        // each time with a fresh checkpoint; it is killed with SIGKILL at a random moment.
        const auto log = d.path / ("log" + std::to_string(round));
        // Each append records the run's next epoch (e); a rollback sets it back to the restored
        // epoch's next.
        std::string script =
            "cd " + quote(d.path.string()) + " && i=" + std::to_string(epoch) +
            " && e=" + std::to_string(next_epoch(history(dir))) + " && while [ $i -lt " +
            std::to_string(epoch + 40) + " ]; do head -c 3000 /dev/urandom > ck$i && " +
            std::string(TRAINCHAIN_BIN) + " chain append " + quote(dir.string()) +
            " --checkpoint ck$i --epoch $e --accuracy 0.$i --loss 1 --threads 2 || exit 3; "
            "e=$((e + 1)); if [ $((i % 3)) -eq 0 ]; then out=$(" +
            std::string(TRAINCHAIN_BIN) + " rollback " + quote(dir.string()) +
            ") || exit 4; echo \"$out\"; e=$(echo \"$out\" | sed -n 's/^rolled back to block "
            "[0-9]* (epoch \\([0-9]*\\),.*/\\1/p'); [ -n \"$e\" ] || exit 5; e=$((e + 1)); "
            "fi; i=$((i + 1)); done";
        const pid_t pid = fork();
        REQUIRE(pid >= 0);
        if (pid == 0) {
            setpgid(0, 0);
            const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
            dup2(fd, 1);
            dup2(fd, 2);
            execl("/bin/sh", "sh", "-c", script.c_str(), static_cast<char*>(nullptr));
            _exit(127);
        }
        setpgid(pid, pid);  // either side may win the race; both set the same group
        const auto delay = std::chrono::microseconds(
            static_cast<int64_t>(rng() % static_cast<uint64_t>(3 * one.count() + 1)));
        std::this_thread::sleep_for(delay);
        REQUIRE(kill(-pid, SIGKILL) == 0);
        int status = 0;
        REQUIRE(waitpid(pid, &status, 0) == pid);
        wait_group_gone(pid);
        if (WIFSIGNALED(status)) ++interrupted;
        CHECK_MESSAGE(!(WIFEXITED(status) && WEXITSTATUS(status) > 2), "the loop failed before the kill");

        // The chain verifies, opens and keeps every block it had, and every block a killed process
        // reported as appended.
        const auto v = cli("verify " + quote(dir.string()));
        CHECK_MESSAGE(v.exit_code == 0, v.err);
        const auto after_json = history(dir);
        const auto after = hashes(after_json);
        REQUIRE(after.size() >= before.size());
        CHECK(std::equal(before.begin(), before.end(), after.begin()));
        std::ifstream in(log);
        const std::regex appended("appended block ([0-9]+) \\((epoch|rollback)\\) hash ([0-9a-f]{64})");
        for (std::string line; std::getline(in, line);) {
            std::smatch m;
            if (!std::regex_search(line, m, appended)) continue;
            const size_t height = std::stoul(m[1]);
            ++accepted_while_killed;
            REQUIRE(height < after.size());
            CHECK(after[height] == m[3].str());
        }

        // And it accepts another append.
        const auto ck = d.path / ("next" + std::to_string(round));
        write_file(ck, random_bytes(rng, 3000));
        const auto r = cli(append_args(dir, ck, next_epoch(after_json), 0.01));
        CHECK_MESSAGE(r.exit_code == 0, r.err);
        const auto grown = hashes(history(dir));
        CHECK(grown.size() == after.size() + 1);
        CHECK(std::equal(after.begin(), after.end(), grown.begin()));
        epoch += 40;
    }
    MESSAGE("one append took " << one.count() / 1000 << " ms; " << interrupted << " of 10 loops killed, "
                               << accepted_while_killed << " blocks appended by the killed processes");
    CHECK(interrupted >= 1);
    const auto v = cli("verify " + quote(dir.string()));
    CHECK_MESSAGE(v.exit_code == 0, v.err);
}

TEST_CASE("chain: kill -9 during chain init leaves no chain, or one that verifies and continues") {
    // Before 31a71f3 a chain killed between its genesis block and its registration block verified,
    // refused a new init, and its next append broke verification.
    TempDir d;
    const auto seed = std::random_device{}();
    INFO("seed " << seed);
    std::mt19937_64 rng(seed);
    const auto ck = d.path / "ck";
    write_file(ck, random_bytes(rng, 500));
    const auto t0 = std::chrono::steady_clock::now();
    REQUIRE(
        cli("chain init " + quote((d.path / "timed").string()) + " --nodes 100 --difficulty 12").exit_code ==
        0);
    const auto one =
        std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0);

    std::map<std::string, int> outcomes;
    for (int round = 0; round < 10; ++round) {
        const fs::path dir = d.path / ("run" + std::to_string(round));
        const pid_t pid = fork();
        REQUIRE(pid >= 0);
        if (pid == 0) {
            const int devnull = ::open("/dev/null", O_WRONLY);
            dup2(devnull, 1);
            dup2(devnull, 2);
            execl(TRAINCHAIN_BIN, TRAINCHAIN_BIN, "chain", "init", dir.c_str(), "--nodes", "100",
                  "--difficulty", "12", static_cast<char*>(nullptr));
            _exit(127);
        }
        std::this_thread::sleep_for(std::chrono::microseconds(
            static_cast<int64_t>(rng() % static_cast<uint64_t>(one.count() + one.count() / 10 + 1))));
        kill(pid, SIGKILL);
        int status = 0;
        REQUIRE(waitpid(pid, &status, 0) == pid);

        std::string outcome;
        if (!fs::exists(dir / "chain.db")) {
            outcome = "no chain";
        } else {
            const auto h = cli("history " + quote(dir.string()) + " --json");
            outcome = h.exit_code == 0 ? std::to_string(nlohmann::json::parse(h.out).size()) + " blocks"
                                       : "unreadable";
        }
        INFO("round " << round << ": " << outcome);
        // Either init can start over, or the chain verifies, appends and still verifies.
        const auto again = cli("chain init " + quote(dir.string()) + " --nodes 5 --difficulty 8");
        if (again.exit_code == 0) {
            outcome += ", init again";
        } else {
            const auto v = cli("verify " + quote(dir.string()));
            const auto a = cli(append_args(dir, ck, 1, 0.5));
            const auto v2 = cli("verify " + quote(dir.string()));
            outcome += ", verify " + std::to_string(v.exit_code) + ", append " + std::to_string(a.exit_code) +
                       ", verify after append " + std::to_string(v2.exit_code);
            INFO(outcome << "; " << v.err << a.err << v2.err);
            CHECK(v.exit_code == 0);
            CHECK(a.exit_code == 0);
            CHECK(v2.exit_code == 0);
        }
        ++outcomes[outcome];
    }
    std::ostringstream s;
    s << "init takes " << one.count() / 1000 << " ms; after kill -9:";
    for (const auto& [what, n] : outcomes) s << "\n  " << n << " x " << what;
    MESSAGE(s.str());
}

TEST_CASE("chain append: the run's next epoch and an accuracy in [0, 1], or exit 2 and nothing written") {
    // Before: --epoch 0, --accuracy 5, --accuracy -1 and a repeated epoch were recorded with exit
    // 0, and once accuracy 5.0 was on the chain, rollback picked it.
    TempDir d;
    const fs::path dir = d.path / "run";
    REQUIRE(cli("chain init " + quote(dir.string()) + " --nodes 3 --difficulty 8").exit_code == 0);
    const auto ck = d.path / "ck";
    write_file(ck, Bytes(100, 7));
    auto append = [&](const std::string& epoch, const std::string& accuracy,
                      const std::string& loss = "0.5") {
        return cli("chain append " + quote(dir.string()) + " --checkpoint " + quote(ck.string()) +
                   " --epoch " + epoch + " --accuracy " + accuracy + " --loss " + loss + " --threads 2");
    };
    auto refused = [&](const std::string& epoch, const std::string& accuracy, const std::string& needle) {
        INFO("--epoch " << epoch << " --accuracy " << accuracy);
        const auto before = history(dir);
        const auto files = file_names(dir / "checkpoints");
        const auto r = append(epoch, accuracy);
        check_bad_input(r, needle);
        CHECK(r.err.find(dir.string() + ": error: epoch ") == 0);  // where, then what
        CHECK(history(dir) == before);
        CHECK(file_names(dir / "checkpoints") == files);  // not even the checkpoint
    };
    refused("0", "0.5", "epochs are numbered from 1");
    refused("2", "0.5", "the run expects epoch 1, not 2");
    for (const char* bad : {"5", "-1", "1.0001", "-0.0001", "nan", "inf", "-inf", "1e308"})
        refused("1", bad, "the accuracy must be a number from 0 to 1");
    REQUIRE(append("1", "0").exit_code == 0);
    REQUIRE(append("2", "1").exit_code == 0);
    refused("2", "0.5", "the run expects epoch 3, not 2");  // repeated
    refused("1", "0.5", "the run expects epoch 3, not 1");  // out of order
    refused("4", "0.5", "the run expects epoch 3, not 4");  // skipped
    // A diverged epoch (its loss not a finite number) is recorded: that is what rollbacks are for.
    REQUIRE(append("3", "0.2", "nan").exit_code == 0);
    // After a rollback to epoch 2 (block 3), epoch 3 comes again.
    REQUIRE(cli("rollback " + quote(dir.string())).exit_code == 0);
    refused("4", "0.5", "the run expects epoch 3, not 4");
    REQUIRE(append("3", "0.7").exit_code == 0);
    CHECK(cli("verify " + quote(dir.string())).exit_code == 0);
}

namespace {

/// Whether process `pid` holds an flock on the file `path` (from /proc/locks, without touching
/// the lock itself).
bool holds_flock(pid_t pid, const fs::path& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return false;
    std::ifstream locks("/proc/locks");
    const std::string inode = ":" + std::to_string(st.st_ino);
    for (std::string line; std::getline(locks, line);) {
        std::istringstream in(line);
        std::string n, type, advisory, mode, lock_pid, dev;
        in >> n >> type >> advisory >> mode >> lock_pid >> dev;
        if (type == "FLOCK" && lock_pid == std::to_string(pid) && dev.size() > inode.size() &&
            dev.compare(dev.size() - inode.size(), inode.size(), inode) == 0)
            return true;
    }
    return false;
}

}  // namespace

TEST_CASE("chain: a second writer is told the chain is busy (exit 75) and leaves nothing behind") {
    // Before: two concurrent `chain append` on one directory: the loser exited 2 ("UNIQUE
    // constraint failed"), and left its checkpoint file behind.
    TempDir d;
    std::mt19937_64 rng(17);
    const fs::path dir = d.path / "run";
    REQUIRE(cli("chain init " + quote(dir.string()) + " --nodes 3 --difficulty 12 --threads 1").exit_code ==
            0);
    const auto ck = d.path / "ck";
    write_file(ck, random_bytes(rng, 2000));
    REQUIRE(cli(append_args(dir, ck, 1, 0.5)).exit_code == 0);
    CHECK((fs::status(dir / "chain.lock").permissions() & fs::perms::all) ==
          (fs::perms::owner_read | fs::perms::owner_write));

    auto check_busy = [&](const Run& r) {
        INFO("stdout: " << r.out << "stderr: " << r.err);
        CHECK(r.exit_code == 75);
        CHECK(r.out.empty());
        CHECK(count_lines(r.err) == 1);
        CHECK(r.err.find(dir.string() + ": error: the chain is busy") == 0);
    };
    const auto other = d.path / "other";
    write_file(other, random_bytes(rng, 2000));

    SUBCASE("another process holds the lock: every writer command waits for nothing and exits 75") {
        // A real second `chain append`, stopped while it holds the lock.
        pid_t holder = -1;
        // The history as the holder found it: it may be stopped after its block is stored (it
        // holds the lock until it exits), so the history read while it is stopped may hold it.
        decltype(history(dir)) before;
        for (int attempt = 0; attempt < 50 && holder < 0; ++attempt) {
            before = history(dir);
            const int epoch = next_epoch(before);
            const pid_t pid = fork();
            REQUIRE(pid >= 0);
            if (pid == 0) {
                const int null = ::open("/dev/null", O_WRONLY);
                dup2(null, 1);
                dup2(null, 2);
                const std::string e = std::to_string(epoch);
                execl(TRAINCHAIN_BIN, TRAINCHAIN_BIN, "chain", "append", dir.c_str(), "--checkpoint",
                      other.c_str(), "--epoch", e.c_str(), "--accuracy", "0.5", "--loss", "1", "--threads",
                      "1", static_cast<char*>(nullptr));
                _exit(127);
            }
            bool stopped = false;
            for (;;) {
                if (holds_flock(pid, dir / "chain.lock")) {
                    kill(pid, SIGSTOP);
                    stopped = true;
                    break;
                }
                int status = 0;
                if (waitpid(pid, &status, WNOHANG) == pid) break;  // done before we saw it
            }
            // Stopped inside SQLite's WAL recovery (it opens the database just after taking the
            // lock), it would also hold SQLite's own lock, which no running writer holds for more than a
            // moment: that is not the state under test, so it is let go and caught again.
            if (stopped && holds_flock(pid, dir / "chain.lock") &&
                cli("history " + quote(dir.string()) + " --json").exit_code == 0) {
                holder = pid;
            } else if (stopped) {
                kill(pid, SIGCONT);
                waitpid(pid, nullptr, 0);
            }
        }
        REQUIRE_MESSAGE(holder > 0, "never caught the first append holding the lock");
        const auto files = file_names(dir / "checkpoints");
        const int epoch = next_epoch(before);
        const auto third = d.path / "third";
        write_file(third, random_bytes(rng, 2000));
        check_busy(cli(append_args(dir, third, epoch, 0.6)));
        check_busy(cli("rollback " + quote(dir.string()) + " --to 2"));
        // Readers need no lock.
        CHECK(cli("history " + quote(dir.string()) + " --json").exit_code == 0);
        CHECK(cli("verify " + quote(dir.string())).exit_code == 0);
        CHECK(cli("export " + quote(dir.string()) + " --block 2 -o " + quote((d.path / "x").string()))
                  .exit_code == 0);
        CHECK(file_names(dir / "checkpoints").size() <= files.size() + 1);  // at most the holder's own
        for (const auto& f : file_names(dir / "checkpoints"))
            CHECK(f.find(trainchain::runtime::hex(trainchain::runtime::sha256(read_file(third)))) ==
                  std::string::npos);
        REQUIRE(kill(holder, SIGCONT) == 0);
        int status = 0;
        REQUIRE(waitpid(holder, &status, 0) == holder);
        CHECK(WIFEXITED(status));
        CHECK(WEXITSTATUS(status) == 0);
        const auto after = history(dir);
        CHECK(after.size() == before.size() + 1);
        // Now the third one goes through; the same epoch again is refused as bad input.
        CHECK(cli(append_args(dir, third, epoch + 1, 0.6)).exit_code == 0);
        check_bad_input(cli(append_args(dir, third, epoch + 1, 0.6)), "expects epoch");
    }

    SUBCASE("this process holds the lock (as serve or train would)") {
        auto chain = trainchain::runtime::Chain::open(dir);
        const auto before = history(dir);
        const auto files = file_names(dir / "checkpoints");
        check_busy(cli(append_args(dir, other, 2, 0.6)));
        check_busy(cli("rollback " + quote(dir.string())));
        CHECK(history(dir) == before);
        CHECK(file_names(dir / "checkpoints") == files);
        chain.reset();
        CHECK(cli(append_args(dir, other, 2, 0.6)).exit_code == 0);
    }

    SUBCASE("several appends of the same epoch at once: one is recorded, the others exit 75 or 2") {
        const int epoch = next_epoch(history(dir));
        const auto before = history(dir);
        std::vector<fs::path> cks;
        for (int i = 0; i < 4; ++i) {
            cks.push_back(d.path / ("c" + std::to_string(i)));
            write_file(cks.back(), random_bytes(rng, 2000));
        }
        std::vector<Run> runs(cks.size());
        std::vector<std::thread> threads;
        for (size_t i = 0; i < cks.size(); ++i)
            threads.emplace_back([&, i] { runs[i] = cli(append_args(dir, cks[i], epoch, 0.5)); });
        for (auto& t : threads) t.join();
        int ok = 0, busy = 0, refused = 0;
        for (const auto& r : runs) {
            INFO("exit " << r.exit_code << ": " << r.err);
            CHECK((r.exit_code == 0 || r.exit_code == 75 || r.exit_code == 2));
            ok += r.exit_code == 0;
            busy += r.exit_code == 75;
            refused += r.exit_code == 2;
        }
        MESSAGE(ok << " recorded, " << busy << " busy, " << refused << " refused as a repeated epoch");
        CHECK(ok == 1);
        const auto after = history(dir);
        REQUIRE(after.size() == before.size() + 1);
        CHECK(after.back()["epoch"] == epoch);
        // Only the winner's checkpoint was written.
        CHECK(file_names(dir / "checkpoints").size() == 2);
        CHECK(cli("verify " + quote(dir.string())).exit_code == 0);
    }
}

TEST_CASE("chain: temporary checkpoint files of a killed writer are removed by the next writer") {
    // Before: kill -9 while a checkpoint was written left DIGEST.zst.XXXXXX files that nothing
    // removed. They are written in checkpoints/.partial (so that finding them lists no checkpoint).
    TempDir d;
    const fs::path dir = d.path / "run";
    REQUIRE(cli("chain init " + quote(dir.string()) + " --nodes 3 --difficulty 8").exit_code == 0);
    const auto ck = d.path / "ck";
    write_file(ck, Bytes(500, 3));
    REQUIRE(cli(append_args(dir, ck, 1, 0.5)).exit_code == 0);
    const auto checkpoints = dir / "checkpoints";
    const auto partial = checkpoints / ".partial";
    const auto real = file_names(checkpoints);
    REQUIRE(real.size() == 1);
    REQUIRE(fs::is_directory(partial));
    CHECK(file_names(partial).empty());  // the append's own temporary file was renamed into place
    const auto real_bytes = read_file(checkpoints / real[0]);
    for (const auto& name : {real[0] + ".Ab12cZ", std::string(64, 'f') + ".zst.XXXXXX"})
        write_file(partial / name, Bytes(10, 1));
    // Readers leave them (they take no lock).
    REQUIRE(cli("history " + quote(dir.string())).exit_code == 0);
    REQUIRE(cli("verify " + quote(dir.string())).exit_code == 0);
    CHECK(file_names(partial).size() == 2);
    // The next writer removes them; the real checkpoint is untouched.
    const auto ck2 = d.path / "ck2";
    write_file(ck2, Bytes(600, 4));
    REQUIRE(cli(append_args(dir, ck2, 2, 0.6)).exit_code == 0);
    CHECK(file_names(partial).empty());
    const auto now = file_names(checkpoints);
    CHECK(now.size() == 2);
    for (const auto& f : now) CHECK(f.size() == 64 + 4);  // DIGEST.zst only
    CHECK(read_file(checkpoints / real[0]) == real_bytes);
    CHECK(cli("verify " + quote(dir.string())).exit_code == 0);
}

TEST_CASE("chain: text that is not UTF-8 is refused at the edge (exit 2); JSON output stays valid") {
    // Before: `rollback --reason $'bad \xff'` was recorded, and from then on `history --json`
    // exited 1 (json type_error 316) for that run.
    TempDir d;
    const fs::path dir = d.path / "run";
    REQUIRE(cli("chain init " + quote(dir.string()) + " --nodes 3 --difficulty 8").exit_code == 0);
    const auto ck = d.path / "ck";
    write_file(ck, Bytes(100, 7));
    REQUIRE(cli(append_args(dir, ck, 1, 0.5)).exit_code == 0);
    REQUIRE(cli(append_args(dir, ck, 2, 0.6)).exit_code == 0);
    const auto before = history(dir);
    for (const char* bad : {"bad \xff", "\xc3", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "x\x80y"}) {
        INFO("reason bytes " << trainchain::runtime::hex(
                 trainchain::runtime::sha256(Bytes(bad, bad + std::char_traits<char>::length(bad)))));
        check_bad_input(cli("rollback " + quote(dir.string()) + " --reason " + quote(std::string(bad))),
                        "--reason: not valid UTF-8");
        check_bad_input(cli("plot " + quote(dir.string()) + " -o " + quote((d.path / "p.svg").string()) +
                            " --title " + quote(std::string(bad))),
                        "--title: not valid UTF-8");
    }
    CHECK(history(dir) == before);
    CHECK_FALSE(fs::exists(d.path / "p.svg"));
    // Valid UTF-8 beyond ASCII goes through and comes back in the JSON.
    const std::string reason = "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80";
    REQUIRE(cli("rollback " + quote(dir.string()) + " --to 2 --reason " + quote(reason)).exit_code == 0);
    CHECK(history(dir).back()["note"] == reason);
}

TEST_CASE("chain: rollback --to best takes the best earlier epoch on the current line, never the state") {
    // Before: each node searched its whole replica: block 12 was rolled back to block 11, the tip
    // itself, and an epoch abandoned by an earlier rollback could be chosen.
    TempDir d;
    const fs::path dir = d.path / "run";
    REQUIRE(cli("chain init " + quote(dir.string()) + " --nodes 5 --difficulty 8").exit_code == 0);
    const auto ck = d.path / "ck";
    write_file(ck, Bytes(100, 7));
    auto append = [&](int epoch, double accuracy) {
        const auto r = cli(append_args(dir, ck, epoch, accuracy));
        REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    };
    // One epoch only: nothing before the state.
    append(1, 0.5);
    check_bad_input(cli("rollback " + quote(dir.string())),
                    dir.string() + ": error: the run has no epoch before its current state");
    check_bad_input(cli("rollback " + quote(dir.string()) + " --to 2"),
                    "already holds the run's training state");
    // 2: e1 0.5, 3: e2 0.6, 4: e3 0.95 (abandoned), 5: e4 0.2, 6: rollback to 3, 7: e3 0.7, 8: e4 0.8.
    append(2, 0.6);
    append(3, 0.95);
    append(4, 0.2);
    REQUIRE(cli("rollback " + quote(dir.string()) + " --to 3").exit_code == 0);
    append(3, 0.7);
    append(4, 0.8);
    const auto before = history(dir);
    check_bad_input(cli("rollback " + quote(dir.string()) + " --to 8"), "block 8 already holds");
    CHECK(history(dir) == before);
    const auto r = cli("rollback " + quote(dir.string()));
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find("rolled back to block 7 (epoch 3, accuracy 0.7000)") == 0);
    CHECK(r.out.find("5 node(s) proposed block 7") != std::string::npos);
    // Now block 7 is the state: best before it on its line is block 3 (0.6), not 4 (0.95).
    const auto again = cli("rollback " + quote(dir.string()) + " --to best");
    REQUIRE(again.exit_code == 0);
    CHECK(again.out.find("rolled back to block 3 (epoch 2") == 0);
    CHECK(cli("verify " + quote(dir.string())).exit_code == 0);
}

TEST_CASE("chain init: --quorum must be more than half (51..100)") {
    // Before: a quorum from 1 % was accepted, and a minority of the nodes could accept blocks.
    TempDir d;
    for (const char* q : {"0", "1", "25", "50", "101"}) {
        INFO("--quorum " << std::string(q));
        const auto dir = d.path / (std::string("q") + q);
        const auto r = cli("chain init " + quote(dir.string()) + " --nodes 3 --difficulty 8 --quorum " + q);
        check_bad_input(r, "--quorum");
        CHECK(r.err.find("51 to 100") != std::string::npos);
        CHECK_FALSE(fs::exists(dir));
    }
    for (const char* q : {"51", "67", "100"}) {
        const auto dir = d.path / (std::string("q") + q);
        const auto r = cli("chain init " + quote(dir.string()) + " --nodes 3 --difficulty 8 --quorum " + q);
        REQUIRE_MESSAGE(r.exit_code == 0, r.err);
        CHECK(r.out.find(std::string("quorum ") + q + " %") != std::string::npos);
        CHECK(history(dir)[0]["note"].get<std::string>().find(std::string("quorum=") + q) !=
              std::string::npos);
    }
}
