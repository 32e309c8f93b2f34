// bench/chain_bench.cpp - the chain's costs: proof-of-work tries per core on each SHA-256 engine
// and on 1 and 2 threads next to OpenSSL's SHA-256 (one bare compression, EVP, one-shot), a
// 100-node block append at the default difficulty with its time split, the append at heights 10,
// 1,000 and 10,000 of one growing chain (in an open chain, and opened, appended and closed as
// `chain append` does), and `verify` over a chain of 10,000 blocks (5 nodes) and one of 1,000
// blocks (100 nodes).
#include <benchmark/benchmark.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include <time.h>

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
        const auto r = chain->append_epoch({++epoch, 0.5, 1.0, checkpoint, ""});
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

/// One chain that grows from benchmark to benchmark: 100 nodes (the setup) at 8 bits, so
/// that the proof of work (256 tries expected) is a negligible part of a block, and a 1 KiB
/// checkpoint of its own per epoch. With TRAINCHAIN_BENCH_CHAIN_DIR set, the chain is built there
/// and kept (with its keys in DIR.keys), for `trainchain chain append` to be measured on it.
struct GrowingChain {
    std::filesystem::path dir;
    bool keep = false;
    std::unique_ptr<Chain> chain;
    uint64_t epoch = 0;

    GrowingChain() {
        const char* kept = std::getenv("TRAINCHAIN_BENCH_CHAIN_DIR");
        keep = kept && *kept;
        dir = keep ? std::filesystem::path(kept) : temp_dir("growing");
        ChainConfig cfg;
        cfg.nodes = 100;
        cfg.difficulty_bits = 8;
        chain = Chain::init(dir, cfg, ChainOptions{{}, 1, {}, {}, {}, {}, {}});
    }
    ~GrowingChain() {
        chain.reset();
        if (keep) return;
        std::filesystem::remove_all(dir);
        std::filesystem::remove_all(default_key_dir(dir));
    }

    /// Appends the next epoch; the time it took.
    AppendReport append() {
        Bytes checkpoint(1024, static_cast<uint8_t>(epoch));
        for (size_t i = 0; i < 8; ++i) checkpoint[i] = static_cast<uint8_t>((epoch + 1) >> (8 * i));
        ++epoch;
        return chain->append_epoch({epoch, 0.5, 1.0, checkpoint, ""});
    }
};

GrowingChain& growing_chain() {
    static GrowingChain chain;
    return chain;
}

/// Grows the chain to `height` blocks (untimed); false, with the benchmark's error set, when an
/// append fails.
bool grow_to(GrowingChain& g, size_t height, benchmark::State& state) {
    while (g.chain->blocks().size() < height)
        if (const auto r = g.append(); !r.accepted) {
            state.SkipWithError(r.reason.c_str());
            return false;
        }
    return true;
}

/// The append of an epoch block at height state.range(0): the chain is first grown to that height
/// (untimed), then each repetition appends one block (so the repetitions stand at the height and
/// just above it). Compare the medians across heights: an append must not slow down as the chain
/// grows.
void BM_append_at_height(benchmark::State& state) {
    auto& g = growing_chain();
    if (!grow_to(g, static_cast<size_t>(state.range(0)), state)) return;
    double mining = 0, storage = 0;
    for (auto _ : state) {
        const auto start = std::chrono::steady_clock::now();
        const auto r = g.append();
        const auto end = std::chrono::steady_clock::now();
        if (!r.accepted) {
            state.SkipWithError(r.reason.c_str());
            break;
        }
        state.SetIterationTime(std::chrono::duration<double>(end - start).count());
        mining += r.mining_ms;
        storage += r.storage_ms;
    }
    const double n = static_cast<double>(state.iterations());
    state.counters["height"] = static_cast<double>(g.chain->blocks().size() - 1);
    state.counters["mining_ms"] = mining / n;
    state.counters["storage_ms"] = storage / n;
}

/// What `trainchain chain append` does once its process has started, at height state.range(0) of
/// the growing chain: open the chain for writing (its lock, keys, blocks, VM state and in-process
/// nodes), check the epoch, append it, close. One per repetition.
void BM_open_append_close(benchmark::State& state) {
    auto& g = growing_chain();
    if (!grow_to(g, static_cast<size_t>(state.range(0)), state)) return;
    g.chain.reset();  // the writer lock goes with it
    using Clock = std::chrono::steady_clock;
    const auto ms = [](Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); };
    double open = 0, append = 0, close = 0, mining = 0;
    for (auto _ : state) {
        Bytes checkpoint(1024, static_cast<uint8_t>(g.epoch));
        for (size_t i = 0; i < 8; ++i) checkpoint[i] = static_cast<uint8_t>((g.epoch + 1) >> (8 * i));
        const auto start = Clock::now();
        auto chain = Chain::open(g.dir, ChainOptions{{}, 1, {}, {}, {}, {}, {}});
        const auto opened = Clock::now();
        const EpochResult result{g.epoch + 1, 0.5, 1.0, checkpoint, ""};
        if (const auto check = check_epoch_result(chain->blocks(), result); !check.ok()) {
            state.SkipWithError(check.detail.c_str());
            break;
        }
        const auto r = chain->append_epoch(result);
        const auto appended = Clock::now();
        chain.reset();
        const auto end = Clock::now();
        if (!r.accepted) {
            state.SkipWithError(r.reason.c_str());
            break;
        }
        ++g.epoch;
        state.SetIterationTime(std::chrono::duration<double>(end - start).count());
        open += ms(opened - start);
        append += ms(appended - opened);
        close += ms(end - appended);
        mining += r.mining_ms;
    }
    g.chain = Chain::open(g.dir, ChainOptions{{}, 1, {}, {}, {}, {}, {}});
    const double n = static_cast<double>(state.iterations());
    state.counters["height"] = static_cast<double>(g.chain->blocks().size() - 1);
    state.counters["open_ms"] = open / n;
    state.counters["append_ms"] = append / n;
    state.counters["close_ms"] = close / n;
    state.counters["mining_ms"] = mining / n;
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
                b.votes.push_back({i, true, keys[i].sign(vote_message(h, true))});
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

int main(int argc, char** argv) {
    // The growing chain's benchmarks, height by height (each grows the chain to its height first):
    // one append per repetition, the median the figure (ReportAggregatesOnly).
    for (const int64_t height : {10, 1'000, 10'000}) {
        benchmark::RegisterBenchmark("BM_append_at_height", BM_append_at_height)
            ->Arg(height)
            ->Unit(benchmark::kMillisecond)
            ->Iterations(1)
            ->Repetitions(25)
            ->ReportAggregatesOnly(true)
            ->UseManualTime();
        benchmark::RegisterBenchmark("BM_open_append_close", BM_open_append_close)
            ->Arg(height)
            ->Unit(benchmark::kMillisecond)
            ->Iterations(1)
            ->Repetitions(11)
            ->ReportAggregatesOnly(true)
            ->UseManualTime();
    }
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
