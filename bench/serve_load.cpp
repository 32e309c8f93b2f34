// bench/serve_load.cpp - a load test of `trainchain serve` on loopback: C concurrent clients post
// epochs (checkpoint bytes and metrics) to R runs for S seconds, as training scripts would, while
// readers ask for state, history and gas reports as the dashboard does; then every run's chain is checked:
// each epoch the server accepted is on the chain exactly once, with the posted checkpoint's digest, in order,
// and the chain verifies. Prints the latency of posting an epoch (p50, p90, p99, max) and the throughput as
// JSON; exits non-zero when an epoch was lost or duplicated, a request failed, or a chain does not verify.
//
//   serve_load --trainchain build/bin/trainchain [--clients 50] [--runs 50] [--seconds 60]
//              [--nodes 100] [--difficulty 16] [--checkpoint-kb 1024] [--mining-threads 1] [--readers 2]
//
// Clients share runs round-robin: with fewer runs than clients, several clients race for the same
// run's next epoch, and the server must refuse all but one post of each epoch (409).
#include <httplib.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "trainchain/runtime/crypto.hpp"

namespace fs = std::filesystem;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

struct Options {
    std::string trainchain;
    unsigned clients = 50, runs = 50, seconds = 60, nodes = 100, difficulty = 16, checkpoint_kb = 1024;
    unsigned mining_threads = 1, server_threads = 0, readers = 2;
    std::string out;
};

/// `trainchain serve WS --port 0` as a child process.
struct ServerProcess {
    pid_t pid = -1;
    int port = 0;
    ServerProcess(const Options& o, const fs::path& ws) {
        int out[2];
        if (pipe(out) != 0) throw std::runtime_error("pipe failed");
        pid = fork();
        if (pid < 0) throw std::runtime_error("fork failed");
        if (pid == 0) {
            dup2(out[1], STDOUT_FILENO);
            close(out[0]);
            close(out[1]);
            std::vector<std::string> args = {o.trainchain,
                                             "serve",
                                             ws.string(),
                                             "--port",
                                             "0",
                                             "--mining-threads",
                                             std::to_string(o.mining_threads)};
            if (o.server_threads) {
                args.push_back("--threads");
                args.push_back(std::to_string(o.server_threads));
            }
            std::vector<char*> argv;
            for (auto& a : args) argv.push_back(a.data());
            argv.push_back(nullptr);
            execv(o.trainchain.c_str(), argv.data());
            _exit(127);
        }
        close(out[1]);
        std::string line;
        char c = 0;
        while (read(out[0], &c, 1) == 1 && c != '\n') line += c;
        close(out[0]);
        const auto colon = line.rfind(':', line.find(" (token"));
        if (colon == std::string::npos) throw std::runtime_error("serve printed: " + line);
        port = std::stoi(line.substr(colon + 1));
    }
    ~ServerProcess() {
        if (pid > 0) {
            kill(pid, SIGTERM);
            waitpid(pid, nullptr, 0);
        }
    }
};

double percentile(std::vector<double> v, double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    const size_t i = std::min(v.size() - 1, static_cast<size_t>(p / 100.0 * static_cast<double>(v.size())));
    return v[i];
}

std::string hex_digest(const std::string& bytes) {
    return trainchain::runtime::hex(
        trainchain::runtime::sha256({reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()}));
}

/// What one client saw.
struct ClientLog {
    std::vector<double> accepted_ms, refused_ms;
    std::map<uint64_t, std::pair<uint64_t, std::string>> accepted;  ///< epoch -> height, checkpoint digest
    std::vector<std::string> errors;
};

int run(const Options& o) {
    const fs::path ws = fs::temp_directory_path() / ("trainchain-load-" + std::to_string(getpid()));
    fs::remove_all(ws);
    struct Cleanup {
        fs::path dir;
        ~Cleanup() {  // the workspace and the key directory `serve` made beside it
            std::error_code ec;
            fs::remove_all(dir, ec);
            fs::remove_all(fs::path(dir.string() + ".keys"), ec);
        }
    } cleanup{ws};
    ServerProcess server(o, ws);
    std::ifstream in(ws / "serve.json");
    const std::string token = json::parse(std::string(std::istreambuf_iterator<char>(in), {}))["token"];
    const httplib::Headers auth = {{"Authorization", "Bearer " + token}};

    // The runs, created one after another (each registers its nodes through consensus).
    const auto setup_start = Clock::now();
    {
        httplib::Client c("127.0.0.1", server.port);
        c.set_read_timeout(600);
        for (unsigned r = 0; r < o.runs; ++r) {
            const json body{{"name", "load" + std::to_string(r)},
                            {"nodes", o.nodes},
                            {"difficulty_bits", o.difficulty},
                            {"auto_rollback", false}};
            const auto res = c.Post("/api/runs", auth, body.dump(), "application/json");
            if (!res || res->status != 201)
                throw std::runtime_error("creating run " + std::to_string(r) +
                                         " failed: " + (res ? res->body : httplib::to_string(res.error())));
        }
    }
    const double setup_s = std::chrono::duration<double>(Clock::now() - setup_start).count();

    std::vector<ClientLog> logs(o.clients);
    std::atomic<bool> stop{false};
    const auto start = Clock::now();
    const auto deadline = start + std::chrono::seconds(o.seconds);
    std::vector<std::thread> threads;
    for (unsigned t = 0; t < o.clients; ++t)
        threads.emplace_back([&, t] {
            ClientLog& log = logs[t];
            const std::string name = "load" + std::to_string(t % o.runs);
            httplib::Client c("127.0.0.1", server.port);
            c.set_read_timeout(600);
            c.set_write_timeout(600);
            std::mt19937_64 rng(t + 1);
            std::string bytes(size_t{o.checkpoint_kb} * 1024, '\0');
            auto last_answer = Clock::now();
            while (Clock::now() < deadline && !stop) {
                const auto st = c.Get("/api/runs/" + name + "/state", auth);
                last_answer = Clock::now();
                if (!st || st->status != 200) {
                    log.errors.push_back("state: " + (st ? st->body : httplib::to_string(st.error())));
                    return;
                }
                const uint64_t epoch = json::parse(st->body)["next_epoch"].get<uint64_t>();
                for (auto& b : bytes) b = static_cast<char>(rng());
                const std::string path =
                    "/api/runs/" + name + "/epochs?epoch=" + std::to_string(epoch) +
                    "&accuracy=0.5&loss=0.5&test_loss=" + std::to_string(1.0 / double(epoch));
                const auto t0 = Clock::now();
                const double idle_ms = std::chrono::duration<double, std::milli>(t0 - last_answer).count();
                const auto res = c.Post(path, auth, bytes, "application/octet-stream");
                last_answer = Clock::now();
                const double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
                if (!res) {
                    log.errors.push_back("post epoch " + std::to_string(epoch) + ": " +
                                         httplib::to_string(res.error()) + " after " + std::to_string(ms) +
                                         " ms, " + std::to_string(idle_ms) + " ms after the last answer");
                    return;
                }
                if (res->status == 201) {
                    log.accepted_ms.push_back(ms);
                    const uint64_t height = json::parse(res->body)["height"].get<uint64_t>();
                    if (!log.accepted.emplace(epoch, std::make_pair(height, hex_digest(bytes))).second)
                        log.errors.push_back("epoch " + std::to_string(epoch) + " accepted twice");
                } else if (res->status == 409) {
                    log.refused_ms.push_back(ms);
                } else {
                    log.errors.push_back("post " + std::to_string(res->status) + ": " + res->body);
                    return;
                }
            }
        });
    // Readers: the dashboard's requests (state, history, gas report) while the runs are written; each
    // must be answered 200 from a consistent snapshot.
    std::vector<std::string> reader_errors;
    std::mutex reader_mutex;
    uint64_t reads = 0;
    for (unsigned r = 0; r < o.readers; ++r)
        threads.emplace_back([&, r] {
            httplib::Client c("127.0.0.1", server.port);
            c.set_read_timeout(600);
            uint64_t n = 0;
            for (unsigned i = 0; Clock::now() < deadline; ++i) {
                const std::string name = "load" + std::to_string((r + i) % o.runs);
                for (const char* what : {"/state", "/history", "/gas"}) {
                    const auto res = c.Get("/api/runs/" + name + what, auth);
                    ++n;
                    if (!res || res->status != 200) {
                        std::lock_guard lock(reader_mutex);
                        reader_errors.push_back("reader " + std::to_string(r) + ": " + name + what + ": " +
                                                (res ? std::to_string(res->status) + " " + res->body
                                                     : httplib::to_string(res.error())));
                        return;
                    }
                }
            }
            std::lock_guard lock(reader_mutex);
            reads += n;
        });
    for (auto& th : threads) th.join();
    const double elapsed_s = std::chrono::duration<double>(Clock::now() - start).count();

    // Every accepted epoch is on its run's chain exactly once, with its digest, and nothing else is.
    std::vector<double> accepted_ms, refused_ms;
    std::vector<std::string> problems;
    problems.insert(problems.end(), reader_errors.begin(), reader_errors.end());
    std::map<std::string, std::map<uint64_t, std::pair<uint64_t, std::string>>> expected;
    for (unsigned t = 0; t < o.clients; ++t) {
        const std::string name = "load" + std::to_string(t % o.runs);
        accepted_ms.insert(accepted_ms.end(), logs[t].accepted_ms.begin(), logs[t].accepted_ms.end());
        refused_ms.insert(refused_ms.end(), logs[t].refused_ms.begin(), logs[t].refused_ms.end());
        for (const auto& e : logs[t].errors) problems.push_back("client " + std::to_string(t) + ": " + e);
        for (const auto& [epoch, at] : logs[t].accepted)
            if (!expected[name].emplace(epoch, at).second)
                problems.push_back(name + ": epoch " + std::to_string(epoch) + " accepted twice");
    }
    httplib::Client c("127.0.0.1", server.port);
    c.set_read_timeout(600);
    uint64_t on_chain = 0;
    for (unsigned r = 0; r < o.runs; ++r) {
        const std::string name = "load" + std::to_string(r);
        const auto h = c.Get("/api/runs/" + name + "/history", auth);
        if (!h || h->status != 200) {
            problems.push_back(name + ": no history");
            continue;
        }
        std::map<uint64_t, std::pair<uint64_t, std::string>> chain;
        uint64_t next = 1;
        for (const auto& b : json::parse(h->body)) {
            if (b["kind"] != "epoch") continue;
            const uint64_t e = b["epoch"].get<uint64_t>();
            if (e != next)
                problems.push_back(name + ": epoch " + std::to_string(e) + " where " + std::to_string(next) +
                                   " was due");
            next = e + 1;
            if (!chain
                     .emplace(e,
                              std::make_pair(b["height"].get<uint64_t>(), b["checkpoint"].get<std::string>()))
                     .second)
                problems.push_back(name + ": epoch " + std::to_string(e) + " twice on the chain");
        }
        on_chain += chain.size();
        if (chain != expected[name])
            problems.push_back(name + ": the chain holds " + std::to_string(chain.size()) +
                               " epochs, clients had " + std::to_string(expected[name].size()) +
                               " accepted (or heights or digests differ)");
        const auto v = c.Get("/api/runs/" + name + "/verify", auth);
        if (!v || v->status != 200 || json::parse(v->body)["ok"] != true)
            problems.push_back(name + ": does not verify");
    }

    json report{{"clients", o.clients},
                {"runs", o.runs},
                {"seconds", o.seconds},
                {"nodes", o.nodes},
                {"difficulty_bits", o.difficulty},
                {"checkpoint_bytes", size_t{o.checkpoint_kb} * 1024},
                {"setup_s", setup_s},
                {"elapsed_s", elapsed_s},
                {"epochs_accepted", accepted_ms.size()},
                {"epochs_on_chain", on_chain},
                {"refused_409", refused_ms.size()},
                {"readers", o.readers},
                {"reads", reads},
                {"epochs_per_s", static_cast<double>(accepted_ms.size()) / elapsed_s},
                {"post_ms",
                 {{"p50", percentile(accepted_ms, 50)},
                  {"p90", percentile(accepted_ms, 90)},
                  {"p99", percentile(accepted_ms, 99)},
                  {"max", percentile(accepted_ms, 100)}}},
                {"refused_ms", {{"p50", percentile(refused_ms, 50)}, {"p99", percentile(refused_ms, 99)}}},
                {"problems", problems}};
    const std::string text = report.dump(2) + "\n";
    std::fputs(text.c_str(), stdout);
    if (!o.out.empty()) std::ofstream(o.out) << text;
    if (!problems.empty() || accepted_ms.empty()) {
        std::fprintf(stderr, "serve_load: error: %zu problem(s)%s\n", problems.size(),
                     accepted_ms.empty() ? ", and no epoch was accepted" : "");
        return 1;
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app("Load test of trainchain serve: concurrent clients posting epochs on loopback");
    Options o;
    app.add_option("--trainchain", o.trainchain, "the trainchain binary")
        ->required()
        ->check(CLI::ExistingFile);
    app.add_option("--clients", o.clients, "concurrent clients")
        ->capture_default_str()
        ->check(CLI::Range(1u, 1000u));
    app.add_option("--runs", o.runs, "runs (clients share them round-robin)")
        ->capture_default_str()
        ->check(CLI::Range(1u, 1000u));
    app.add_option("--seconds", o.seconds, "how long clients post")
        ->capture_default_str()
        ->check(CLI::Range(1u, 3600u));
    app.add_option("--nodes", o.nodes, "user nodes per run")
        ->capture_default_str()
        ->check(CLI::Range(1u, 1000u));
    app.add_option("--difficulty", o.difficulty, "proof-of-work bits")
        ->capture_default_str()
        ->check(CLI::Range(0u, 24u));
    app.add_option("--checkpoint-kb", o.checkpoint_kb, "checkpoint size (random bytes)")
        ->capture_default_str()
        ->check(CLI::Range(1u, 262144u));
    app.add_option("--mining-threads", o.mining_threads, "proof-of-work threads per block")
        ->capture_default_str();
    app.add_option("--server-threads", o.server_threads, "server handler threads (0: serve's default)");
    app.add_option("--readers", o.readers, "clients reading state, history and the gas report meanwhile")
        ->capture_default_str();
    app.add_option("-o", o.out, "also write the JSON report here");
    CLI11_PARSE(app, argc, argv);
    if (o.runs > o.clients) {
        std::fprintf(stderr, "serve_load: error: --runs %u is more than --clients %u\n", o.runs, o.clients);
        return 2;
    }
    try {
        return run(o);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "serve_load: error: %s\n", e.what());
        return 1;
    }
}
