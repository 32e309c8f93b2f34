// bench/nats_bench.cpp - block latency and throughput with the user nodes as processes over NATS
// JetStream (10 and 50 `trainchain node run` processes, a nats-server with JetStream started
// here), next to the same chain with in-process nodes. Each iteration is one epoch block with a
// random checkpoint (64 KiB, or 1.3 MB like a small model's weights) at 16 bits: Results Queue,
// BlockCreation, the checkpoint to the checkpoints stream (NATS), the race, the votes (each node
// holds the checkpoint first), storage, and (NATS) the block published to the stream. Counters:
// p50/p99 block time, blocks per second, and (NATS) the bytes in a node's data directory per block.
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <benchmark/benchmark.h>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

#include "trainchain/nats/nats.hpp"
#include "trainchain/runtime/chain.hpp"

extern char** environ;

namespace {

using namespace trainchain;
using namespace trainchain::runtime;
namespace fs = std::filesystem;

fs::path temp_dir(const std::string& name) {
    auto dir =
        fs::temp_directory_path() / ("trainchain_nats_bench_" + name + "_" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}

int free_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    ::close(fd);
    return ntohs(a.sin_port);
}

pid_t spawn(const std::vector<std::string>& args, const fs::path& log) {
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&fa, 1, 2);
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    pid_t pid = 0;
    if (posix_spawnp(&pid, argv[0], &fa, nullptr, argv.data(), environ) != 0) pid = -1;
    posix_spawn_file_actions_destroy(&fa);
    return pid;
}

void stop(pid_t pid) {
    if (pid <= 0) return;
    ::kill(pid, SIGTERM);
    int status = 0;
    ::waitpid(pid, &status, 0);
}

/// The CPU time (user and system) a process used so far, in milliseconds.
double cpu_ms(pid_t pid) {
    std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
    std::string text{std::istreambuf_iterator<char>(f), {}};
    const auto close = text.rfind(')');
    if (close == std::string::npos) return 0;
    std::istringstream rest(text.substr(close + 2));
    std::string field;
    double ticks = 0;
    for (int i = 3; i <= 15 && rest >> field; ++i)
        if (i == 14 || i == 15) ticks += std::stod(field);  // utime, stime
    return ticks * 1000.0 / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

/// The bytes of the files under `dir`.
uint64_t tree_bytes(const fs::path& dir) {
    uint64_t total = 0;
    std::error_code ec;
    for (const auto& e : fs::recursive_directory_iterator(dir, ec))
        if (e.is_regular_file(ec)) total += e.file_size(ec);
    return total;
}

/// Appends epoch blocks, one per iteration, with checkpoints of `checkpoint_bytes` random bytes,
/// and reports the block time's percentiles.
void run_blocks(benchmark::State& state, Chain& chain, size_t checkpoint_bytes = 64 * 1024) {
    std::mt19937_64 rng(7);
    Bytes checkpoint(checkpoint_bytes);
    std::vector<double> ms;
    double mining = 0, consensus = 0;
    uint64_t epoch = 0;
    for (auto _ : state) {
        for (auto& b : checkpoint) b = static_cast<uint8_t>(rng());
        const auto t = std::chrono::steady_clock::now();
        const auto r = chain.append_epoch({++epoch, 0.5, 1.0, checkpoint, "", std::nullopt});
        ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count());
        if (!r.accepted) {
            state.SkipWithError(r.reason.c_str());
            return;
        }
        mining += r.mining_ms;
        consensus += r.consensus_ms + r.vm_ms;
    }
    state.counters["race_ms"] = mining / static_cast<double>(ms.size());
    state.counters["votes_ms"] = consensus / static_cast<double>(ms.size());
    std::sort(ms.begin(), ms.end());
    auto pct = [&](double p) {
        return ms[std::min(ms.size() - 1, static_cast<size_t>(p * static_cast<double>(ms.size())))];
    };
    state.counters["p50_ms"] = pct(0.50);
    state.counters["p99_ms"] = pct(0.99);
    state.counters["max_ms"] = ms.back();
    state.counters["blocks_per_s"] =
        benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

void BM_block_in_process(benchmark::State& state) {
    const auto dir = temp_dir("inproc");
    ChainConfig cfg;
    cfg.nodes = static_cast<uint32_t>(state.range(0));
    cfg.difficulty_bits = 16;
    ChainOptions options;
    options.threads = 2;
    auto chain = Chain::init(dir / "chain", cfg, options);
    run_blocks(state, *chain);
    chain.reset();
    fs::remove_all(dir);
}

void BM_block_nats(benchmark::State& state) {
    const auto nodes = static_cast<uint32_t>(state.range(0));
    const auto checkpoint_kb = static_cast<size_t>(state.range(1));
    const auto dir = temp_dir("nats" + std::to_string(nodes));
    const int port = free_port();
    const pid_t server = spawn(
        {"nats-server", "-js", "-a", "127.0.0.1", "-p", std::to_string(port), "-sd", (dir / "js").string()},
        dir / "nats.log");
    if (server < 0) {
        state.SkipWithError("cannot start nats-server (Debian package nats-server)");
        return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    const std::string url = "nats://127.0.0.1:" + std::to_string(port) + "/bench";
    std::vector<PublicKey> keys;
    std::vector<pid_t> procs;
    for (uint32_t i = 0; i < nodes; ++i) {
        const auto key = dir / ("node" + std::to_string(i) + ".key");
        keys.push_back(runtime::generate_key_file(key).public_key());
        procs.push_back(spawn({TRAINCHAIN_BIN, "node", "run", "-q", "--transport", url, "--key", key.string(),
                               "--data", (dir / ("node" + std::to_string(i))).string()},
                              dir / ("node" + std::to_string(i) + ".log")));
    }
    {
        std::string why;
        ChainConfig cfg;
        cfg.nodes = nodes;
        cfg.difficulty_bits = 16;
        ChainOptions options;
        options.node_keys = keys;
        options.transport = std::make_shared<nats::NatsTransport>(*nats::parse_endpoint(url, &why));
        auto chain = Chain::init(dir / "chain", cfg, options);
        double cpu_before = 0, broker_before = cpu_ms(server);
        for (const pid_t p : procs) cpu_before += cpu_ms(p);
        run_blocks(state, *chain, checkpoint_kb * 1000);
        double cpu_after = 0;
        for (const pid_t p : procs) cpu_after += cpu_ms(p);
        const auto blocks = static_cast<double>(state.iterations());
        state.counters["nodes_cpu_ms_per_block"] = (cpu_after - cpu_before) / blocks;
        state.counters["broker_cpu_ms_per_block"] = (cpu_ms(server) - broker_before) / blocks;
        // What a node, the broker and the server store per block: their directories once the node
        // holds the last block (it appends it within milliseconds of its publication) and has
        // stopped (its SQLite write-ahead log folded into the database), over all the blocks
        // (genesis and registration included).
        std::this_thread::sleep_for(std::chrono::seconds(1));
        for (const pid_t p : procs) stop(p);
        procs.clear();
        const auto all = static_cast<double>(chain->blocks().size());
        state.counters["node_kb_per_block"] = static_cast<double>(tree_bytes(dir / "node0")) / 1000.0 / all;
        state.counters["broker_kb_per_block"] = static_cast<double>(tree_bytes(dir / "js")) / 1000.0 / all;
        chain.reset();  // the server's store closed too
        state.counters["server_kb_per_block"] = static_cast<double>(tree_bytes(dir / "chain")) / 1000.0 / all;
    }
    for (const pid_t p : procs) stop(p);
    stop(server);
    fs::remove_all(dir);
}

}  // namespace

BENCHMARK(BM_block_in_process)
    ->Arg(10)
    ->Arg(50)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(100)
    ->UseRealTime();
// Arguments: nodes, checkpoint size in kB.
BENCHMARK(BM_block_nats)
    ->Args({10, 64})
    ->Args({10, 1300})
    ->Args({50, 64})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(100)
    ->UseRealTime();

int main(int argc, char** argv) {
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    nats::shutdown();
    return 0;
}
