// bench/chain_bench.cpp - the chain's costs: proof-of-work tries per core on each SHA-256 engine
// and on 1 and 2 threads next to OpenSSL's SHA-256 (one bare compression, EVP, one-shot), a
// 100-node block append at the default difficulty with its time split, the append at heights 10,
// 1,000 and 10,000 (interleaved; in an open chain, and opened, appended and closed as `chain
// append` does), and `verify` over a chain of 10,000 blocks (5 nodes) and one of 1,000 blocks
// (100 nodes).
#include <benchmark/benchmark.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include <time.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <random>

#include "trainchain/runtime/chain.hpp"

using namespace trainchain::runtime;

namespace {

std::filesystem::path temp_dir(const std::string& name) {
    auto dir = std::filesystem::temp_directory_path() /
               ("trainchain_bench_" + name + "_" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    return dir;
}

BlockHeader sample_header() {
    BlockHeader h;
    h.height = 42;
    h.prev.fill(0x11);
    h.timestamp_ms = 1'700'000'000'000ULL;
    h.payload_root.fill(0x22);
    h.difficulty_bits = 16;
    return h;
}

/// The engine of a benchmark's first argument; skips the benchmark when the CPU cannot run it.
bool engine_arg(benchmark::State& state, Sha256Engine& engine) {
    engine = static_cast<Sha256Engine>(state.range(0));
    state.SetLabel(engine_name(engine));
    if (engine_supported(engine)) return true;
    state.SkipWithError("this CPU cannot run the engine");
    return false;
}

/// Proof-of-work tries per second on one core: mine_range over 65,536 nonces at a difficulty no
/// hash meets (256 bits), so every try runs, with the stop flag read every 1024 tries as in a race.
void BM_pow_tries(benchmark::State& state) {
    Sha256Engine engine;
    if (!engine_arg(state, engine)) return;
    const BlockHeader header = sample_header();
    const std::atomic<bool> stop{false};
    constexpr uint64_t batch = 65'536;
    uint64_t start = 0, tries = 0;
    for (auto _ : state) {
        benchmark::DoNotOptimize(mine_range(header, 256, start, 1, stop, batch, tries, engine));
        start += batch;
    }
    state.counters["tries_per_s"] =
        benchmark::Counter(static_cast<double>(state.iterations() * batch), benchmark::Counter::kIsRate);
}

/// Seconds of CPU time this process has used, all threads.
double process_cpu_seconds() {
    timespec t{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

/// The whole race users run: mine() at 22 bits (4.2 M tries expected) on 1 or 2 threads, a new
/// header each time. tries_per_s is over wall time (what a user waits; linear in threads only when
/// that many cores are free), tries_per_cpu_s over the workers' CPU time (the rate per busy core:
/// the same on 1 and 2 threads when the workers do not slow each other, even on a shared machine).
void BM_pow_mine(benchmark::State& state) {
    const auto threads = static_cast<unsigned>(state.range(0));
    BlockHeader header = sample_header();
    uint64_t total = 0;
    double cpu = 0;
    for (auto _ : state) {
        ++header.height;
        const double cpu_start = process_cpu_seconds();
        const auto r = mine(header, {22, threads});
        cpu += process_cpu_seconds() - cpu_start;
        if (!r) {
            state.SkipWithError("no nonce found");
            break;
        }
        total += r->tries;
    }
    state.counters["tries_per_s"] =
        benchmark::Counter(static_cast<double>(total), benchmark::Counter::kIsRate);
    state.counters["tries_per_cpu_s"] = static_cast<double>(total) / cpu;
}

/// Miner::hash: the exact hash of one nonce (a full compression after the midstate, then the
/// 32-byte Hash), what checks and the winner use.
void BM_pow_hash(benchmark::State& state) {
    Sha256Engine engine;
    if (!engine_arg(state, engine)) return;
    const Miner miner(sample_header(), engine);
    uint64_t nonce = 0;
    for (auto _ : state) benchmark::DoNotOptimize(miner.hash(nonce++));
    state.counters["hashes_per_s"] =
        benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"  // SHA256_Transform: the anchor
/// The anchor: one bare SHA-256 compression, OpenSSL's SHA256_Transform (SHA-NI where the CPU has it).
void BM_openssl_sha256_transform(benchmark::State& state) {
    SHA256_CTX ctx;
    SHA256_Init(&ctx);
    unsigned char block[64] = {1};
    for (auto _ : state) {
        SHA256_Transform(&ctx, block);
        ++block[0];
    }
    benchmark::DoNotOptimize(ctx.h);
    state.counters["hashes_per_s"] =
        benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
#pragma GCC diagnostic pop

/// The reference: OpenSSL's one-shot SHA-256 of the whole 92-byte header.
void BM_openssl_sha256_92_bytes(benchmark::State& state) {
    auto bytes = sample_header().encode();
    unsigned char out[32];
    uint64_t nonce = 0;
    for (auto _ : state) {
        bytes[BlockHeader::nonce_offset + 7] = static_cast<uint8_t>(nonce++);
        SHA256(bytes.data(), bytes.size(), out);
        benchmark::DoNotOptimize(out);
    }
    state.counters["hashes_per_s"] =
        benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

/// The reference `openssl speed -evp sha256` measures: EVP with a fetched digest, 64-byte input.
void BM_openssl_evp_sha256_64_bytes(benchmark::State& state) {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    const EVP_MD* md = EVP_sha256();
    unsigned char in[64] = {1}, out[32];
    for (auto _ : state) {
        EVP_DigestInit_ex(ctx, md, nullptr);
        EVP_DigestUpdate(ctx, in, sizeof in);
        EVP_DigestFinal_ex(ctx, out, nullptr);
        benchmark::DoNotOptimize(out);
        ++in[0];
    }
    EVP_MD_CTX_free(ctx);
    state.counters["hashes_per_s"] =
        benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

/// A whole epoch block with 100 nodes at the default difficulty (16 bits), with a checkpoint the
/// size of the paper's MLP (68,904 bytes).
void BM_append_100_nodes(benchmark::State& state) {
    const auto dir = temp_dir("append");
    ChainConfig cfg;
    cfg.nodes = 100;
    cfg.difficulty_bits = 16;
    auto chain = Chain::init(dir, cfg);
    std::mt19937_64 rng(7);
    Bytes checkpoint(68'904);
    double mining = 0, consensus = 0, vm = 0, storage = 0, total = 0;
    int64_t gas = 0;
    uint64_t epoch = 0;
    for (auto _ : state) {
        for (auto& b : checkpoint) b = static_cast<uint8_t>(rng());
        const auto r = chain->append_epoch({++epoch, 0.5, 1.0, checkpoint, "", std::nullopt});
        if (!r.accepted) {
            state.SkipWithError(r.reason.c_str());
            break;
        }
        mining += r.mining_ms;
        consensus += r.consensus_ms;
        vm += r.vm_ms;
        storage += r.storage_ms;
        total += r.total_ms;
        gas += r.gas_used;
    }
    const double n = static_cast<double>(state.iterations());
    state.counters["mining_ms"] = mining / n;
    state.counters["consensus_ms"] = consensus / n;
    state.counters["vm_ms"] = vm / n;
    state.counters["storage_ms"] = storage / n;
    state.counters["block_ms"] = total / n;
    state.counters["gas_per_block"] = static_cast<double>(gas) / n;
    chain.reset();
    std::filesystem::remove_all(dir);
    std::filesystem::remove_all(default_key_dir(dir));
}

/// A chain of 100 nodes (the setup) at 8 bits, so that the proof of work (256 tries
/// expected) is a small part of a block, with a 1 KiB checkpoint of its own per epoch. The tallest
/// of the three the append benchmarks use is kept at TRAINCHAIN_BENCH_CHAIN_DIR when that is set
/// (with its keys in DIR.keys), for `trainchain chain append` to be measured on it
/// (bench/chain_append_time.sh).
struct BenchChain {
    std::filesystem::path dir;
    bool keep = false;
    std::unique_ptr<Chain> chain;
    uint64_t epoch = 0;

    explicit BenchChain(const std::string& name, const char* kept = nullptr) {
        keep = kept && *kept;
        dir = keep ? std::filesystem::path(kept) : temp_dir(name);
        ChainConfig cfg;
        cfg.nodes = 100;
        cfg.difficulty_bits = 8;
        chain = Chain::init(dir, cfg, ChainOptions{{}, 1, {}, {}, {}, {}, {}, {}, {}});
    }
    ~BenchChain() {
        chain.reset();
        if (keep) return;
        std::filesystem::remove_all(dir);
        std::filesystem::remove_all(default_key_dir(dir));
    }

    /// The next epoch's result.
    [[nodiscard]] EpochResult next() const {
        Bytes checkpoint(1024, static_cast<uint8_t>(epoch));
        for (size_t i = 0; i < 8; ++i) checkpoint[i] = static_cast<uint8_t>((epoch + 1) >> (8 * i));
        return {epoch + 1, 0.5, 1.0, checkpoint, "", std::nullopt};
    }
    /// Appends the next epoch to the open chain.
    AppendReport append() {
        const auto r = chain->append_epoch(next());
        if (r.accepted) ++epoch;
        return r;
    }
    /// Appends until the chain holds `height` blocks; false (with the reason) when one is refused.
    bool grow_to(size_t height, std::string* why) {
        while (chain->blocks().size() < height)
            if (const auto r = append(); !r.accepted) {
                *why = r.reason;
                return false;
            }
        return true;
    }
};

/// The three chains of the append benchmarks, grown to 10, 1,000 and 10,000 blocks before either
/// runs: the same setup at three heights, measured turn by turn.
std::vector<std::unique_ptr<BenchChain>>& bench_chains() {
    static std::vector<std::unique_ptr<BenchChain>> chains;
    return chains;
}
constexpr std::array<size_t, 3> bench_heights{10, 1'000, 10'000};

bool grow_bench_chains(benchmark::State& state) {
    auto& chains = bench_chains();
    if (chains.empty())
        for (const size_t h : bench_heights)
            chains.push_back(std::make_unique<BenchChain>(
                "height" + std::to_string(h),
                h == bench_heights.back() ? std::getenv("TRAINCHAIN_BENCH_CHAIN_DIR") : nullptr));
    for (size_t i = 0; i < chains.size(); ++i) {
        std::string why;
        if (!chains[i]->grow_to(bench_heights[i], &why)) {
            state.SkipWithError(why.c_str());
            return false;
        }
    }
    return true;
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const size_t n = v.size();
    return n == 0 ? 0 : n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

double thread_cpu_ms() {
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_nsec) / 1e6;
}

using BenchClock = std::chrono::steady_clock;
double ms_between(BenchClock::time_point a, BenchClock::time_point b) {
    return std::chrono::duration<double, std::milli>(b - a).count();
}

/// The append of an epoch block to open chains of 10, 1,000 and 10,000 blocks, interleaved: each
/// iteration appends one block to each chain, in turn (the first chain of the turn rotating), so
/// that the machine's load falls on the three alike. Counters: the medians per height of the wall
/// time, of this thread's CPU time (the mining threads aside) and of the proof of work's part.
/// An append must not slow down as the chain grows.
void BM_append_interleaved(benchmark::State& state) {
    if (!grow_bench_chains(state)) return;
    auto& chains = bench_chains();
    std::vector<std::vector<double>> wall(chains.size()), cpu(chains.size()), mining(chains.size());
    size_t turn = 0;
    for (auto _ : state) {
        double total = 0;
        for (size_t k = 0; k < chains.size(); ++k) {
            const size_t i = (turn + k) % chains.size();
            const double cpu_start = thread_cpu_ms();
            const auto start = BenchClock::now();
            const auto r = chains[i]->append();
            const auto end = BenchClock::now();
            if (!r.accepted) {
                state.SkipWithError(r.reason.c_str());
                return;
            }
            wall[i].push_back(ms_between(start, end));
            cpu[i].push_back(thread_cpu_ms() - cpu_start);
            mining[i].push_back(r.mining_ms);
            total += wall[i].back();
        }
        ++turn;
        state.SetIterationTime(total / 1e3);
    }
    for (size_t i = 0; i < chains.size(); ++i) {
        const std::string h = std::to_string(bench_heights[i]);
        state.counters["wall_ms_" + h] = median(wall[i]);
        state.counters["cpu_ms_" + h] = median(cpu[i]);
        state.counters["mining_ms_" + h] = median(mining[i]);
    }
}

/// What `trainchain chain append` does once its process has started, at the same three heights,
/// interleaved as above: open the chain for writing (its lock, keys, blocks, VM state and
/// in-process nodes), check the epoch, append it, close. Counters: the medians per height of the
/// whole, of the open, the append and the close, and of the proof of work's part.
void BM_open_append_close_interleaved(benchmark::State& state) {
    if (!grow_bench_chains(state)) return;
    auto& chains = bench_chains();
    for (auto& c : chains) c->chain.reset();  // the writer lock goes with it
    const size_t n = chains.size();
    std::vector<std::vector<double>> whole(n), open(n), append(n), close(n), mining(n);
    size_t turn = 0;
    for (auto _ : state) {
        double total = 0;
        for (size_t k = 0; k < n; ++k) {
            const size_t i = (turn + k) % n;
            BenchChain& c = *chains[i];
            const EpochResult result = c.next();
            const auto start = BenchClock::now();
            auto chain = Chain::open(c.dir, ChainOptions{{}, 1, {}, {}, {}, {}, {}, {}, {}});
            const auto opened = BenchClock::now();
            if (const auto check = check_epoch_result(chain->blocks(), result); !check.ok()) {
                state.SkipWithError(check.detail.c_str());
                return;
            }
            const auto r = chain->append_epoch(result);
            const auto appended = BenchClock::now();
            chain.reset();
            const auto end = BenchClock::now();
            if (!r.accepted) {
                state.SkipWithError(r.reason.c_str());
                return;
            }
            ++c.epoch;
            whole[i].push_back(ms_between(start, end));
            open[i].push_back(ms_between(start, opened));
            append[i].push_back(ms_between(opened, appended));
            close[i].push_back(ms_between(appended, end));
            mining[i].push_back(r.mining_ms);
            total += whole[i].back();
        }
        ++turn;
        state.SetIterationTime(total / 1e3);
    }
    for (auto& c : chains) c->chain = Chain::open(c->dir, ChainOptions{{}, 1, {}, {}, {}, {}, {}, {}, {}});
    for (size_t i = 0; i < n; ++i) {
        const std::string h = std::to_string(bench_heights[i]);
        state.counters["ms_" + h] = median(whole[i]);
        state.counters["open_ms_" + h] = median(open[i]);
        state.counters["append_ms_" + h] = median(append[i]);
        state.counters["close_ms_" + h] = median(close[i]);
        state.counters["mining_ms_" + h] = median(mining[i]);
    }
}

/// `verify` over a chain built directly in the store (state.range(0) nodes, state.range(1) blocks,
/// 8-bit difficulty, the quorum's signed votes per block: 3 of 5 nodes, 51 of 100; a 1 KiB
/// checkpoint per epoch block) so that the setup takes seconds (with TMPDIR on a tmpfs), then
/// verified.
void BM_verify(benchmark::State& state) {
    const auto dir = temp_dir("verify");
    ChainConfig cfg;
    cfg.nodes = static_cast<uint32_t>(state.range(0));
    cfg.difficulty_bits = 8;
    const auto blocks = static_cast<uint64_t>(state.range(1));
    // The fewest accepting votes that reach the quorum (verify rejects a block with fewer).
    const uint32_t quorum = (cfg.quorum_percent * cfg.nodes + 99) / 100;
    auto store = Store::create(dir, cfg);
    std::vector<KeyPair> keys;
    std::vector<NodeRecord> records;
    for (uint32_t i = 0; i < cfg.nodes; ++i) {
        keys.push_back(KeyPair::generate());
        records.push_back({i, keys.back().public_key(), {}});
    }
    store->put_nodes(records);
    Bytes all_keys;
    for (const auto& r : records) all_keys.insert(all_keys.end(), r.public_key.begin(), r.public_key.end());
    Hash prev{};
    // No contracts: every block's state journal row says the (empty) world did not change.
    const StateRecord unchanged{{}, state_digest({})};
    for (uint64_t height = 0; height < blocks; ++height) {
        Block b;
        b.payload.kind = height == 0   ? BlockKind::Genesis
                         : height == 1 ? BlockKind::Registration
                                       : BlockKind::Epoch;
        if (height == 0) b.payload.note = config_note(cfg);
        if (height == 1) b.payload.checkpoint = sha256(all_keys);
        if (height >= 2) {
            Bytes ck(1024, static_cast<uint8_t>(height));
            ck[0] = static_cast<uint8_t>(height >> 8);
            b.payload.epoch = height - 1;
            b.payload.accuracy = 0.5;
            b.payload.checkpoint = store->put_checkpoint(ck);
            b.payload.checkpoint_size = ck.size();
        }
        b.header.height = height;
        b.header.prev = prev;
        b.header.timestamp_ms = 1'700'000'000'000ULL + height;
        b.header.payload_root = b.payload.root();
        b.header.difficulty_bits = cfg.difficulty_bits;
        b.header.nonce = mine(b.header, {cfg.difficulty_bits, 1})->nonce;
        const Hash h = b.hash();
        if (height >= 1)
            for (uint32_t i = 0; i < quorum; ++i)
                b.votes.push_back({i, true, keys[i].sign(vote_message(h, true)), std::nullopt});
        store->append(b, {}, &unchanged);
        prev = h;
    }
    for (auto _ : state) {
        const auto r = verify(*store);
        if (!r.ok) {
            state.SkipWithError(r.reason.c_str());
            break;
        }
        benchmark::DoNotOptimize(r);
    }
    state.counters["blocks_per_s"] = benchmark::Counter(
        static_cast<double>(blocks) * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
    state.counters["votes_per_block"] = quorum;
    store.reset();
    std::filesystem::remove_all(dir);
}

}  // namespace

BENCHMARK(BM_pow_tries)
    ->Arg(static_cast<int>(Sha256Engine::ShaNi))
    ->Arg(static_cast<int>(Sha256Engine::Portable))
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_pow_mine)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(2.0);
BENCHMARK(BM_pow_hash)
    ->Arg(static_cast<int>(Sha256Engine::ShaNi))
    ->Arg(static_cast<int>(Sha256Engine::Portable));
BENCHMARK(BM_openssl_sha256_transform);
BENCHMARK(BM_openssl_sha256_92_bytes);
BENCHMARK(BM_openssl_evp_sha256_64_bytes);
BENCHMARK(BM_append_100_nodes)->Unit(benchmark::kMillisecond)->Iterations(20)->UseRealTime();
// Arguments: nodes, blocks. The bench's chain of the issue (3 votes, 1 KiB checkpoints) and the
// paper's scale of 100 nodes over 1,000 epochs.
BENCHMARK(BM_verify)
    ->Args({5, 10'000})
    ->Args({100, 1'000})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3)
    ->UseRealTime();

// 25 turns of three appends each (one per height), and 11 of three opens, appends and closes.
BENCHMARK(BM_append_interleaved)->Unit(benchmark::kMillisecond)->Iterations(25)->UseManualTime();
BENCHMARK(BM_open_append_close_interleaved)->Unit(benchmark::kMillisecond)->Iterations(11)->UseManualTime();
BENCHMARK_MAIN();
