// bench/chain_bench.cpp - the chain's costs: proof-of-work hashing per core next to OpenSSL's
// SHA-256, a 100-node block append at the default difficulty with its time split, and `verify`
// over a chain of 10,000 blocks (5 nodes) and one of 1,000 blocks (100 nodes).
#include <benchmark/benchmark.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include <filesystem>
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

/// One proof-of-work try: one SHA-256 compression after the precomputed midstate.
void BM_pow_midstate(benchmark::State& state) {
    const Miner miner(sample_header());
    uint64_t nonce = 0;
    for (auto _ : state) benchmark::DoNotOptimize(miner.hash(nonce++));
    state.counters["hashes_per_s"] =
        benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

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
        store->append(b, {}, {});
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

BENCHMARK(BM_pow_midstate);
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
BENCHMARK_MAIN();
