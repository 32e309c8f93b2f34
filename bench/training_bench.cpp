// bench/training_bench.cpp - what the chain costs a training run: the demo's epoch (Fashion-MNIST,
// MLP 784-128-64-10, 20,000 training rows, 1 thread) next to the chain's work for that epoch with
// 100 nodes (Results Queue, contracts, consensus, storage; the proof of work at the default
// difficulty separately) and the replay of the epoch by one verifying node.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>

#include "trainchain/runtime/chain.hpp"
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

}  // namespace

BENCHMARK_MAIN();
