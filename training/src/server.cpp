// training/src/server.cpp - the Deep Learning Server's loop: train an epoch, verify it by
// replay on chosen nodes, post it to the Results Queue for block creation and consensus, check the
// detection rules, and on error roll back by the nodes' vote and continue from the restored state.
#include "trainchain/training/server.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <random>
#include <set>

#include "trainchain/runtime/crypto.hpp"
#include "trainchain/runtime/epoch_note.hpp"
#include "trainchain/runtime/sampling.hpp"
#include "trainchain/training/recovery_policy.hpp"

namespace trainchain::training {
namespace fs = std::filesystem;
using runtime::Block;
using runtime::BlockKind;

namespace {

constexpr const char* run_file = run_config_file;

double ms_since(std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count();
}

/// The note recorded with an epoch block: what the plot and the detection rules read back.
std::string epoch_note(const EpochPlan& plan, const EpochMetrics& m) {
    runtime::EpochNote n;
    n.test_loss = m.test_loss;
    n.lr = plan.lr;
    n.rollbacks = plan.rollbacks;
    if (plan.inject) n.inject = Injection{*plan.inject, plan.epoch}.to_string();
    return runtime::write_epoch_note(n);
}

std::string note_injection(const Block& b) {
    return runtime::parse_epoch_note(b.payload.note).inject.value_or("");
}

/// The configuration with everything that does not change an epoch's computation reset, so that
/// a resumed run may ask for more epochs and still match its checkpoints.
TrainConfig training_part(TrainConfig c) {
    const TrainConfig defaults;
    c.epochs = defaults.epochs;
    c.inject.clear();
    c.detection = defaults.detection;
    c.chain = defaults.chain;
    c.recovery.max_rollbacks = defaults.recovery.max_rollbacks;
    return c;
}

Bytes checkpoint_of(const runtime::Store& store, const Block& b) {
    auto bytes = store.checkpoint(b.payload.checkpoint);
    if (!bytes)
        throw runtime::ChainError("block " + std::to_string(b.header.height) + ": its checkpoint " +
                                  runtime::hex(b.payload.checkpoint) + " is missing from the store");
    return std::move(*bytes);
}

/// The sample seeds of the block's drawn replaying nodes whose accepting votes it stores: the
/// draws `verify --replay --sample` repeats, and the states the server keeps for it. The drawn nodes
/// without such a vote go to `missing`.
std::vector<runtime::Hash> stored_draws(const Block& b, uint32_t nodes, uint32_t replay_nodes,
                                        std::vector<uint32_t>* missing = nullptr) {
    std::vector<runtime::Hash> seeds;
    const runtime::Hash hash = b.hash();
    for (const uint32_t r : runtime::replaying_nodes(hash, nodes, replay_nodes)) {
        const auto v = std::find_if(b.votes.begin(), b.votes.end(),
                                    [&](const runtime::Vote& x) { return x.node == r && x.accept; });
        if (v != b.votes.end())
            seeds.push_back(runtime::segment_sample_seed(hash, v->signature));
        else if (missing != nullptr)
            missing->push_back(r);
    }
    return seeds;
}

}  // namespace

std::string config_digest(const TrainConfig& config) {
    const std::string text = to_toml(training_part(config));
    return runtime::hex(runtime::sha256({reinterpret_cast<const uint8_t*>(text.data()), text.size()}));
}

std::shared_ptr<const DataSplit> load_data(const DataConfig& c, uint64_t seed) {
    DataSplit s;
    const auto table = [&](const fs::path& path, const fs::path& labels) {
        return c.source == "idx" ? load_idx(path, labels) : load_csv(path);
    };
    if (c.source == "fashion-mnist") {
        s = load_fashion_mnist(c.path.empty() ? default_fashion_mnist_dir : c.path);
    } else if (c.source == "digits") {
        s = load_digits(c.test_fraction, seed, c.path.empty() ? default_digits_csv : c.path);
    } else if (c.test_path.empty()) {
        s = split(table(c.path, c.labels), c.test_fraction, seed);
        s.description = c.source + " " + c.path.string();
    } else {
        s.train = table(c.path, c.labels);
        s.test = table(c.test_path, c.test_labels);
        s.description = c.source + " " + c.path.string() + " / " + c.test_path.string();
    }
    if (c.train_limit != 0) s.train = s.train.slice(0, c.train_limit);
    if (c.test_limit != 0) s.test = s.test.slice(0, c.test_limit);
    if (s.train.sample_shape != s.test.sample_shape)
        throw DataError("data: error: the training and test samples have different shapes");
    s.description +=
        " (using " + std::to_string(s.train.rows) + " train / " + std::to_string(s.test.rows) + " test)";
    return std::make_shared<const DataSplit>(std::move(s));
}

RunSummary run_training(const TrainConfig& given, const ServerOptions& options, Monitor& monitor) {
    TrainConfig config = given;
    config.validate();
    runtime::ChainOptions chain_options;
    chain_options.threads = options.mining_threads;
    chain_options.faults = options.faults;
    chain_options.transport = options.transport;
    chain_options.node_keys = options.node_keys;
    chain_options.server_key_file = options.server_key_file;
    chain_options.node_key_file = options.node_key_file;
    if (!options.resume) chain_options.run_config = to_toml(config);
    // Sampled replay: the nodes the block hash draws re-run sampled segments of the epoch's
    // committed states when they vote (check_epoch_segments); a failed segment is a veto.
    const ChainSettings& cs = config.chain;
    const bool sampled = cs.replay == "sampled" && cs.replay_nodes > 0;
    const bool full = cs.replay == "full" && cs.replay_nodes > 0;
    std::unique_ptr<runtime::Chain> chain;
    std::shared_ptr<const DataSplit> data;
    std::unique_ptr<Trainer> replayer;  // the replay nodes' trainer, made on first use
    struct Checking {
        const Bytes* previous = nullptr;  // the state the epoch under vote started from
        const Bytes* recorded = nullptr;  // its checkpoint
        EpochEvent* event = nullptr;
        std::set<uint32_t> opened;  // leaves the replaying nodes opened
    } checking;
    if (sampled) {
        chain_options.replaying_nodes = cs.replay_nodes;
        chain_options.replay_wait_seconds = cs.replay_wait_seconds;
        chain_options.epoch_check = [&](const runtime::BlockHeader& claimed, const runtime::Payload& payload,
                                        uint32_t node, const runtime::Signature& signature) {
            if (checking.event == nullptr) return runtime::ValidationState{};
            const runtime::Hash hash = claimed.hash();
            const auto t = std::chrono::steady_clock::now();
            if (!replayer) replayer = std::make_unique<Trainer>(config, data);
            const SegmentCheck r =
                check_epoch_segments(*replayer, *checking.previous, *checking.recorded, payload,
                                     runtime::segment_sample_seed(hash, signature), cs.sample_segments,
                                     store_segments(chain->store()), cs.sample_test_chunks);
            EpochEvent& ev = *checking.event;
            ev.replay_nodes.push_back(node);
            ev.sampled.insert(ev.sampled.end(), r.sampled.begin(), r.sampled.end());
            ev.replay_steps += r.steps_replayed;
            for (const uint32_t i : r.sampled) checking.opened.insert({i, i + 1});
            ev.replay_ms += ms_since(t);
            return r.state;
        };
    }
    // A new run reads its data before its chain exists, so that data that fails to load leaves no
    // empty chain directory behind.
    if (!options.resume) data = load_data(config.data, config.seed);
    if (options.resume) {
        chain = runtime::Chain::open(options.dir, chain_options);
    } else {
        runtime::ChainConfig cc;
        cc.nodes =
            options.node_keys.empty() ? config.chain.nodes : static_cast<uint32_t>(options.node_keys.size());
        cc.difficulty_bits = config.chain.difficulty_bits;
        cc.fork = config.chain.fork;
        cc.quorum_percent = config.chain.quorum_percent;
        cc.run_id = config.seed;
        chain = runtime::Chain::init(options.dir, cc, chain_options);
        const std::string& text = chain_options.run_config;
        runtime::write_file_atomically(options.dir / run_file,
                                       {reinterpret_cast<const uint8_t*>(text.data()), text.size()});
    }
    const std::string digest = config_digest(config);
    if (const auto state = chain->current_state()) {
        const CheckpointInfo info =
            Trainer::read_info(checkpoint_of(chain->store(), chain->blocks()[*state]));
        if (info.config_digest != digest)
            throw ConfigError(
                (options.dir / run_file).string() +
                ": error: this configuration does not match the one the run's checkpoints record");
    }
    if (!data) data = load_data(config.data, config.seed);
    Trainer trainer(config, data);
    monitor.started(data->description + "; model " + trainer.describe() + " (" +
                    std::to_string(trainer.parameter_count()) + " parameters)");
    const Bytes initial = trainer.checkpoint({});

    RunSummary summary;
    const auto& blocks = chain->blocks();
    uint32_t rollbacks = 0;
    std::set<std::string> injected;  // injections already applied ("nan@3")
    for (const Block& b : blocks) {
        if (b.payload.kind == BlockKind::Rollback) ++rollbacks;
        if (b.payload.kind != BlockKind::Epoch) continue;
        if (const auto inj = note_injection(b); !inj.empty()) injected.insert(inj);
    }
    // train counts every rollback of its run against the limit, as its learning-rate schedule does.
    const RecoveryPolicy policy{true, config.recovery.max_rollbacks, true};
    uint32_t epoch_done = 0;
    Bytes previous = initial;
    if (const auto state = chain->current_state()) {
        previous = checkpoint_of(chain->store(), blocks[*state]);
        epoch_done = trainer.restore(previous).plan.epoch;
    }
    std::vector<LineageEntry> lineage = lineage_to(blocks, chain->current_state());
    uint32_t forge = options.forge_epoch.value_or(0);  // 0: none
    std::optional<std::pair<uint32_t, Forgery>> forge_segment = options.forge_segment;

    while (epoch_done < config.epochs) {
        if (options.stop != nullptr && options.stop->load()) {
            summary.status = "stopped on request after epoch " + std::to_string(epoch_done);
            break;
        }
        EpochEvent ev;
        EpochPlan& plan = ev.plan;
        plan.epoch = epoch_done + 1;
        plan.rollbacks = rollbacks;
        plan.lr = planned_lr(config, plan.epoch, rollbacks);
        plan.seed = epoch_seed(config.seed, plan.epoch, rollbacks);
        for (const Injection& inj : config.inject)
            if (inj.epoch == plan.epoch && injected.insert(inj.to_string()).second) {
                plan.inject = inj.kind;
                break;
            }

        auto t = std::chrono::steady_clock::now();
        EpochRun run;
        run.progress = [&](size_t done, size_t total) { monitor.progress(plan.epoch, done, total); };
        std::optional<SegmentCommitter> committer;
        if (sampled) {
            runtime::Store& store = chain->store();
            committer.emplace(cs.segment_steps, [&store](std::span<const uint8_t> state) {
                return store.put_segment_state(state);
            });
            run.segment_steps = cs.segment_steps;
            run.on_state = committer->sink();
        }
        if (forge_segment && forge_segment->first == plan.epoch) {
            run.forgery = &forge_segment->second;
        }
        ev.metrics = trainer.train_epoch(plan, run);
        ev.train_ms = ms_since(t);
        std::optional<runtime::SegmentCommitment> commitment;
        if (committer) {
            const auto c = std::chrono::steady_clock::now();
            auto [made, leaves] = committer->finish(trainer.evaluation_record());
            chain->store().put_segment_leaves(made.root, leaves);
            commitment = made;
            ev.commit_ms = ms_since(c);
        }
        if (run.forgery != nullptr) forge_segment.reset();
        summary.training_ms += ev.train_ms;
        ++summary.epochs_trained;
        if (forge == plan.epoch) {
            trainer.corrupt_weights(false);  // tests: a checkpoint no training produced
            forge = 0;
        }
        const CheckpointInfo info{plan, ev.metrics, config.threads, digest};
        Bytes ckpt = trainer.checkpoint(info);

        // Full replay: chosen nodes re-run the epoch from the previous state before its block is made.
        if (full) {
            t = std::chrono::steady_clock::now();
            if (!replayer) replayer = std::make_unique<Trainer>(config, data);
            std::mt19937_64 pick(plan.seed);
            const runtime::Hash want = runtime::sha256(ckpt);
            for (uint32_t i = 0; i < config.chain.replay_nodes && ev.replay_ok; ++i) {
                ev.replay_nodes.push_back(static_cast<uint32_t>(pick() % config.chain.nodes));
                replayer->restore(previous);
                const EpochMetrics m = replayer->train_epoch(plan);
                ev.replay_ok =
                    runtime::sha256(replayer->checkpoint({plan, m, config.threads, digest})) == want;
            }
            ev.replay_ms = ms_since(t);
            summary.replay_ms += ev.replay_ms;
        }
        if (!ev.replay_ok) {
            // The candidate is rejected before block creation; training resumes from the last
            // recorded state and the epoch is trained again.
            ++summary.rejected;
            ev.error =
                "replay verification by node " + std::to_string(ev.replay_nodes.back()) +
                " failed: the checkpoint does not follow from the previous state; the candidate is rejected";
            monitor.epoch(ev);
            trainer.restore(previous);
            continue;
        }

        runtime::EpochResult result;
        result.epoch = plan.epoch;
        result.accuracy = ev.metrics.test_accuracy;
        result.loss = ev.metrics.train_loss;
        result.checkpoint = ckpt;
        result.note = epoch_note(plan, ev.metrics);
        result.segments = commitment;
        checking = {&previous, &ckpt, &ev, {}};
        ev.append = chain->append_epoch(std::move(result));
        checking.event = nullptr;
        summary.chain_ms += ev.append.total_ms;
        summary.mining_ms += ev.append.mining_ms;
        if (sampled) summary.replay_ms += ev.replay_ms;
        if (commitment) {
            // The states the block's check did not open go now, or as keep_segments says.
            std::vector<uint32_t> keep;
            if (ev.append.accepted) {
                // The segments the drawn nodes' stored votes draw (what `verify --replay --sample`
                // repeats), also when the nodes replayed in other processes.
                for (const runtime::Hash& seed :
                     stored_draws(ev.append.block, chain->store().config().nodes, cs.replay_nodes))
                    for (const uint32_t i :
                         runtime::sample_indices(seed, commitment->count, cs.sample_segments))
                        checking.opened.insert({i, i + 1});
            }
            if (ev.append.accepted && cs.keep_segments != "none") {
                if (cs.keep_segments == "all")
                    for (uint32_t i = 0; i <= commitment->count + 1; ++i) keep.push_back(i);
                else
                    keep = {checking.opened.begin(), checking.opened.end()};
                if (cs.keep_segments == "sampled")
                    keep.insert(keep.end(), {0, commitment->count, commitment->count + 1});
            }
            chain->store().drop_segment_states(commitment->root, keep);
        }
        if (!ev.append.accepted && ev.append.veto) {
            // A replaying node vetoed the block: the epoch does not follow from its committed
            // states. Training resumes from the last recorded state and the epoch is trained again.
            ++summary.rejected;
            ev.replay_ok = false;
            ev.error = ev.append.reason + "; the candidate is rejected";
            monitor.epoch(ev);
            trainer.restore(previous);
            continue;
        }
        if (!ev.append.accepted)
            throw runtime::ChainError("the block for epoch " + std::to_string(plan.epoch) +
                                      " was not accepted: " + ev.append.reason);
        epoch_done = plan.epoch;
        previous = std::move(ckpt);
        lineage.push_back({ev.append.block.header.height, ev.metrics.test_loss, ev.metrics.test_accuracy});
        lineage.back().finite = std::isfinite(ev.metrics.train_loss) && std::isfinite(ev.metrics.test_loss);
        const RecoveryDecision decision = decide_recovery(config.detection, policy, blocks,
                                                          ev.append.block.header.height, ev.metrics, lineage);
        if (decision.detection) ev.error = decision.detection->message;
        monitor.epoch(ev);
        if (decision.action == RecoveryAction::Continue) continue;

        if (decision.action == RecoveryAction::LimitReached) {
            summary.status = "stopped after " + std::to_string(decision.rollbacks) +
                             " rollbacks (the limit): " + *ev.error;
            break;
        }
        if (decision.action != RecoveryAction::RollBack) {
            summary.status = "stopped: epoch " + std::to_string(plan.epoch) +
                             " failed and no earlier epoch exists to roll back to: " + *ev.error;
            break;
        }
        RollbackEvent rb;
        rb.reason = *ev.error;
        rb.report = chain->rollback(std::nullopt, decision.note.reason, decision.failing,
                                    runtime::write_rollback_note(decision.note));
        summary.chain_ms += rb.report.block.total_ms;
        summary.mining_ms += rb.report.block.mining_ms;
        if (!rb.report.block.accepted)
            throw runtime::ChainError("the rollback block was not accepted: " + rb.report.block.reason);
        ++rollbacks;
        const Block& target = blocks[rb.report.target];
        if (target.header.height == ev.append.block.header.height) {
            summary.status =
                "stopped: no earlier state is better than the failing epoch " + std::to_string(plan.epoch);
            break;
        }
        previous = checkpoint_of(chain->store(), target);
        rb.restored_epoch = trainer.restore(previous).plan.epoch;
        rb.restored_accuracy = trainer.evaluate().test_accuracy;
        if (rb.restored_accuracy != target.payload.accuracy)
            throw runtime::ChainError("block " + std::to_string(target.header.height) +
                                      ": the restored model's accuracy " +
                                      std::to_string(rb.restored_accuracy) + " differs from the recorded " +
                                      std::to_string(target.payload.accuracy));
        epoch_done = rb.restored_epoch;
        lineage = lineage_to(blocks, target.header.height);
        rb.next_lr = planned_lr(config, epoch_done + 1, rollbacks);
        monitor.rollback(rb);
    }

    summary.finished = epoch_done >= config.epochs && summary.status.empty();
    if (summary.finished) summary.status = "finished";
    summary.rollbacks = rollbacks;
    summary.blocks = blocks.size();
    summary.best_accuracy = best_along(lineage, 0);
    if (const auto state = chain->current_state()) {
        summary.state_height = *state;
        summary.final_epoch = static_cast<uint32_t>(blocks[*state].payload.epoch);
        summary.final_accuracy = blocks[*state].payload.accuracy;
    }
    return summary;
}

ReplayReport replay_verify(const fs::path& dir, uint64_t from, uint64_t to,
                           const std::function<void(uint64_t, bool)>& each, const ReplayMode& mode) {
    const auto store = runtime::Store::open(dir);
    const std::vector<Block> blocks = store->blocks();
    const TrainConfig config = load_config(dir / run_file);
    const std::string digest = config_digest(config);
    const auto data = load_data(config.data, config.seed);
    Trainer trainer(config, data);
    const Bytes initial = trainer.checkpoint({});
    ReplayReport rep;
    const auto fail = [&](uint64_t h, std::string why) {
        rep.ok = false;
        rep.bad_height = h;
        rep.reason = std::move(why);
        if (each) each(h, false);
        return rep;
    };
    for (uint64_t h = from; h <= to && h < blocks.size(); ++h) {
        const Block& b = blocks[h];
        if (b.payload.kind != BlockKind::Epoch) continue;
        const Bytes recorded = checkpoint_of(*store, b);
        if (runtime::sha256(recorded) != b.payload.checkpoint)
            return fail(h, "the stored checkpoint does not match the block's digest");
        CheckpointInfo info;
        try {
            info = Trainer::read_info(recorded);
        } catch (const CheckpointError& e) {
            return fail(h, e.what());
        }
        if (info.config_digest != digest)
            return fail(h, "run.toml does not match the configuration this checkpoint records");
        if (info.plan.epoch != b.payload.epoch) return fail(h, "the checkpoint is of another epoch");
        const auto prev = previous_state(blocks, h);
        if (mode.sample != 0) {
            if (!b.payload.segments)
                return fail(h,
                            "the block carries no segment commitment (its run did not use sampled replay); "
                            "check it with --replay alone");
            // The draws to repeat: each replaying node's (from its stored vote), or the auditor's.
            std::vector<runtime::Hash> seeds;
            const runtime::Hash hash = b.hash();
            if (mode.salt) {
                runtime::Sha256Stream sh;
                const std::string tag = "trainchain/audit/v1";
                sh.update({reinterpret_cast<const uint8_t*>(tag.data()), tag.size()});
                sh.update(hash);
                sh.update({reinterpret_cast<const uint8_t*>(mode.salt->data()), mode.salt->size()});
                seeds.push_back(sh.finish());
            } else {
                std::vector<uint32_t> missing;
                seeds = stored_draws(b, store->config().nodes, config.chain.replay_nodes, &missing);
                if (!missing.empty()) rep.unchecked[h] = missing;
                // No draw to repeat (the drawn nodes voted against the block or did not vote): the
                // block is reported unchecked (ReplayReport::unchecked), not failed.
                if (seeds.empty()) continue;
            }
            const Bytes before = prev ? checkpoint_of(*store, blocks[*prev]) : initial;
            for (const runtime::Hash& seed : seeds) {
                const SegmentCheck r =
                    check_epoch_segments(trainer, before, recorded, b.payload, seed, mode.sample,
                                         store_segments(*store), config.chain.sample_test_chunks);
                if (!r.state.ok()) return fail(h, r.state.detail + " (" + std::string(r.state.token()) + ")");
                rep.segments += r.sampled.size();
                rep.steps += r.steps_replayed;
            }
            ++rep.replayed;
            if (each) each(h, true);
            continue;
        }
        trainer.restore(prev ? checkpoint_of(*store, blocks[*prev]) : initial);
        const EpochMetrics m = trainer.train_epoch(info.plan);
        rep.steps += trainer.steps_per_epoch();
        const Bytes replayed = trainer.checkpoint({info.plan, m, info.threads, info.config_digest});
        if (runtime::sha256(replayed) != b.payload.checkpoint) {
            std::string why = "replaying epoch " + std::to_string(info.plan.epoch) + " from ";
            why += prev ? "block " + std::to_string(*prev) : std::string("the initial weights");
            why += " gives a different checkpoint";
            if (m.test_accuracy != b.payload.accuracy)
                why += " (accuracy " + std::to_string(m.test_accuracy) + ", recorded " +
                       std::to_string(b.payload.accuracy) + ")";
            return fail(h, why);
        }
        ++rep.replayed;
        if (each) each(h, true);
    }
    return rep;
}

}  // namespace trainchain::training
