// bench/training_bench.cpp - what the chain costs a training run: the demo's epoch (Fashion-MNIST,
// MLP 784-128-64-10, 20,000 training rows, 1 thread) next to the chain's work for that epoch with
// 100 nodes (Results Queue, contracts, consensus, storage; the proof of work at the default
// difficulty separately) and the replay of the epoch by one verifying node.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>

#include "trainchain/runtime/chain.hpp"
#include "trainchain/runtime/sampling.hpp"
#include "trainchain/training/segments.hpp"
#include "trainchain/training/server.hpp"

using namespace trainchain;

namespace {

double ms_since(std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count();
}

training::TrainConfig demo_config() {
    training::TrainConfig c;
    c.data.source = "fashion-mnist";
    c.data.train_limit = 20000;
    c.data.test_limit = 5000;
    c.model.hidden = {128, 64};
    c.seed = 7;
    return c;
}

/// Each iteration: one training epoch, its replay by one node, and its block through 100 nodes.
/// Counters: the mean milliseconds of each part, and the chain's parts as a share of the epoch.
void BM_epoch_overhead(benchmark::State& state) {
    const auto config = demo_config();
    const auto data = training::load_data(config.data, config.seed);
    training::Trainer trainer(config, data);
    training::Trainer replayer(config, data);
    const auto dir =
        std::filesystem::temp_directory_path() / ("trainchain_bench_epoch_" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    runtime::ChainConfig cc;
    cc.nodes = 100;
    cc.difficulty_bits = 16;
    auto chain = runtime::Chain::init(dir, cc);

    double train_ms = 0, replay_ms = 0, pow_ms = 0, chain_ms = 0, queue_contracts_ms = 0, consensus_ms = 0,
           storage_ms = 0;
    uint32_t epoch = 0;
    training::Bytes previous = trainer.checkpoint({});
    for (auto _ : state) {
        ++epoch;
        const training::EpochPlan plan{
            epoch, config.optimizer.lr, training::epoch_seed(config.seed, epoch, 0), {}, 0};
        auto t = std::chrono::steady_clock::now();
        const auto metrics = trainer.train_epoch(plan);
        train_ms += ms_since(t);
        auto ckpt = trainer.checkpoint({plan, metrics, config.threads, training::config_digest(config)});

        t = std::chrono::steady_clock::now();
        replayer.restore(previous);
        benchmark::DoNotOptimize(replayer.train_epoch(plan));
        replay_ms += ms_since(t);
        previous = ckpt;

        runtime::EpochResult result{epoch, metrics.test_accuracy, metrics.train_loss, std::move(ckpt),
                                    "",    std::nullopt};
        const auto r = chain->append_epoch(std::move(result));
        if (!r.accepted) state.SkipWithError(("block rejected: " + r.reason).c_str());
        pow_ms += r.mining_ms;
        chain_ms += r.total_ms - r.mining_ms;
        queue_contracts_ms += r.vm_ms;
        consensus_ms += r.consensus_ms;
        storage_ms += r.storage_ms;
    }
    const double n = static_cast<double>(state.iterations());
    state.counters["train_ms"] = train_ms / n;
    state.counters["replay_ms"] = replay_ms / n;
    state.counters["chain_ms"] = chain_ms / n;
    state.counters["vm_ms"] = queue_contracts_ms / n;
    state.counters["consensus_ms"] = consensus_ms / n;
    state.counters["storage_ms"] = storage_ms / n;
    state.counters["pow_ms"] = pow_ms / n;
    state.counters["chain_pct"] = 100 * chain_ms / train_ms;
    state.counters["pow_pct"] = 100 * pow_ms / train_ms;
    chain.reset();
    std::filesystem::remove_all(dir);
    std::filesystem::remove_all(runtime::default_key_dir(dir));
}
BENCHMARK(BM_epoch_overhead)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(5);

/// Sampled replay on the demo's epoch, args {s, Q}. Each iteration, from one state: the epoch
/// trained without commitments (the anchor), the same epoch trained committing its state every s
/// steps to a store (zstd, content-addressed, on the committer's thread), one replaying node's
/// sampled check of Q segments (with the first/last-state checks and the evaluation), and the
/// full replay (restore, train the epoch, checkpoint, digest). Counters: milliseconds of each and
/// the two checks as a share of the plain epoch.
void BM_sampled_replay(benchmark::State& state) {
    const auto s = static_cast<uint32_t>(state.range(0));
    const auto q = static_cast<uint32_t>(state.range(1));
    const auto config = demo_config();
    const auto data = training::load_data(config.data, config.seed);
    training::Trainer plain(config, data), trainer(config, data), checker(config, data);
    const auto dir =
        std::filesystem::temp_directory_path() / ("trainchain_bench_segments_" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    runtime::ChainConfig cc;
    cc.nodes = 4;
    cc.difficulty_bits = 4;
    auto chain = runtime::Chain::init(dir, cc);
    runtime::Store& store = chain->store();
    const std::string digest = training::config_digest(config);
    // Start from a trained state, as every epoch after the first does.
    trainer.train_epoch({1, config.optimizer.lr, training::epoch_seed(config.seed, 1, 0), {}, 0});
    const training::Bytes previous = trainer.checkpoint({});

    double plain_ms = 0, commit_ms = 0, sampled_ms = 0, full_ms = 0, wait_ms = 0, ends_ms = 0,
           evaluate_ms = 0, segments_ms = 0;
    uint64_t state_bytes = 0, trial = 0;
    for (auto _ : state) {
        ++trial;
        const training::EpochPlan plan{2,
                                       config.optimizer.lr,
                                       training::epoch_seed(config.seed, 2, static_cast<uint32_t>(trial)),
                                       {},
                                       0};
        plain.restore(previous);
        auto t = std::chrono::steady_clock::now();
        benchmark::DoNotOptimize(plain.train_epoch(plan));
        plain_ms += ms_since(t);

        trainer.restore(previous);
        t = std::chrono::steady_clock::now();
        training::SegmentCommitter committer(s, [&](std::span<const uint8_t> st) {
            state_bytes += st.size();
            return store.put_segment_state(st);
        });
        training::EpochRun run;
        run.segment_steps = s;
        run.on_state = committer.sink();
        const auto metrics = trainer.train_epoch(plan, run);
        const auto w = std::chrono::steady_clock::now();
        auto [commitment, leaves] = committer.finish(trainer.evaluation_record());
        wait_ms += ms_since(w);
        store.put_segment_leaves(commitment.root, leaves);
        commit_ms += ms_since(t);
        const auto recorded = trainer.checkpoint({plan, metrics, config.threads, digest});

        runtime::Payload payload;
        payload.epoch = plan.epoch;
        payload.accuracy = metrics.test_accuracy;
        payload.loss = metrics.train_loss;
        payload.segments = commitment;
        runtime::Hash block{};
        block[0] = static_cast<uint8_t>(trial);
        t = std::chrono::steady_clock::now();
        const auto r = training::check_epoch_segments(
            checker, previous, recorded, payload, runtime::segment_sample_seed(block, runtime::Signature{}),
            q, training::store_segments(store));
        sampled_ms += ms_since(t);
        ends_ms += r.ends_ms;
        evaluate_ms += r.evaluate_ms;
        segments_ms += r.segments_ms;
        if (!r.state.ok()) state.SkipWithError(("honest epoch rejected: " + r.state.detail).c_str());

        t = std::chrono::steady_clock::now();
        checker.restore(previous);
        const auto m = checker.train_epoch(plan);
        benchmark::DoNotOptimize(runtime::sha256(checker.checkpoint({plan, m, config.threads, digest})));
        full_ms += ms_since(t);
        store.drop_segment_states(commitment.root, {});
    }
    const double n = static_cast<double>(state.iterations());
    state.counters["plain_ms"] = plain_ms / n;
    state.counters["commit_ms"] = commit_ms / n;
    state.counters["commit_wait_ms"] = wait_ms / n;
    state.counters["commit_pct"] = 100 * (commit_ms - plain_ms) / plain_ms;
    state.counters["sampled_ms"] = sampled_ms / n;
    state.counters["sampled_pct"] = 100 * sampled_ms / plain_ms;
    state.counters["ends_ms"] = ends_ms / n;
    state.counters["evaluate_ms"] = evaluate_ms / n;
    state.counters["segments_ms"] = segments_ms / n;
    state.counters["full_ms"] = full_ms / n;
    state.counters["full_pct"] = 100 * full_ms / plain_ms;
    state.counters["state_MB"] = static_cast<double>(state_bytes) / n / 1e6;
    chain.reset();
    std::filesystem::remove_all(dir);
    std::filesystem::remove_all(runtime::default_key_dir(dir));
}
BENCHMARK(BM_sampled_replay)
    ->ArgsProduct({{4, 6, 8, 16}, {3}})
    ->Args({8, 2})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(3);

}  // namespace

BENCHMARK_MAIN();
