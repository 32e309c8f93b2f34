// cli/torch_commands.cpp - the commands that run libtorch: `train` (a training run recorded in the
// chain, with monitoring on stderr or JSON lines on stdout, automatic rollback and resume),
// `verify --replay`, `report recovery`, `report forgery` and `node run --replay`'s sampled replay.
// Linked only into the companion `trainchain-torch`;
// `trainchain` hands these commands over to it (torch_commands.hpp).
#include "torch_commands.hpp"

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fmt/core.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "trainchain/runtime/chain.hpp"
#include "trainchain/runtime/crypto.hpp"
#include "trainchain/runtime/sampling.hpp"
#include "trainchain/training/segments.hpp"
#include "trainchain/training/server.hpp"

namespace trainchain::cli {
namespace {

using namespace trainchain::training;

TrainConfig build_config(const TrainFlags& f) {
    TrainConfig c;
    if (!f.resume.empty())
        c = load_config(std::filesystem::path(f.resume) / "run.toml");
    else if (!f.config.empty())
        c = load_config(f.config);
    if (f.epochs) c.epochs = *f.epochs;
    if (f.threads) c.threads = *f.threads;
    if (f.batch_size) c.optimizer.batch_size = *f.batch_size;
    if (f.nodes) c.chain.nodes = *f.nodes;
    if (f.difficulty) c.chain.difficulty_bits = *f.difficulty;
    if (f.replay_nodes) c.chain.replay_nodes = *f.replay_nodes;
    if (f.replay) c.chain.replay = *f.replay;
    if (f.segment_steps) c.chain.segment_steps = *f.segment_steps;
    if (f.sample_segments) c.chain.sample_segments = *f.sample_segments;
    if (f.keep_segments) c.chain.keep_segments = *f.keep_segments;
    if (f.max_rollbacks) c.recovery.max_rollbacks = *f.max_rollbacks;
    if (f.seed) c.seed = *f.seed;
    if (f.train_limit) c.data.train_limit = *f.train_limit;
    if (f.test_limit) c.data.test_limit = *f.test_limit;
    if (f.lr) c.optimizer.lr = *f.lr;
    if (f.lr_factor) c.recovery.lr_factor = *f.lr_factor;
    if (f.optimizer) c.optimizer.kind = *f.optimizer;
    if (f.model) c.model.kind = *f.model;
    if (f.data) c.data.source = *f.data;
    if (f.data_path) c.data.path = *f.data_path;
    for (const auto& s : f.inject) c.inject.push_back(Injection::parse(s));
    c.validate();
    return c;
}

/// --forge-segment EPOCH:FIRST:STEPS:KIND (testing).
std::pair<uint32_t, Forgery> parse_forge_segment(const std::string& text) {
    const auto bad = [&] {
        return InputError("--forge-segment: error: '" + text +
                          "': expected EPOCH:FIRST:STEPS:KIND, KIND skip or noise");
    };
    std::vector<std::string> parts;
    size_t at = 0;
    for (size_t colon; (colon = text.find(':', at)) != std::string::npos; at = colon + 1)
        parts.push_back(text.substr(at, colon - at));
    parts.push_back(text.substr(at));
    if (parts.size() != 4) throw bad();
    Forgery f;
    uint64_t numbers[3];
    for (int i = 0; i < 3; ++i) {
        const std::string& p = parts[static_cast<size_t>(i)];
        if (p.empty() || p.size() > 9 || p.find_first_not_of("0123456789") != std::string::npos) throw bad();
        numbers[i] = std::stoull(p);
    }
    if (numbers[0] == 0 || numbers[2] == 0) throw bad();
    f.first = numbers[1];
    f.steps = numbers[2];
    if (parts[3] == "skip")
        f.kind = Forgery::Kind::Skip;
    else if (parts[3] == "noise")
        f.kind = Forgery::Kind::Noise;
    else
        throw bad();
    return {static_cast<uint32_t>(numbers[0]), f};
}

std::string percent(double v) { return std::isfinite(v) ? fmt::format("{:.2f}%", 100 * v) : "n/a"; }

nlohmann::json number(double v) {
    if (std::isfinite(v)) return v;
    return fmt::format("{}", v);
}

/// Progress on stderr: a bar within an epoch (terminals only) and one line per epoch; or JSON
/// lines on stdout.
class ConsoleMonitor : public Monitor {
public:
    ConsoleMonitor(const TrainConfig& config, bool quiet, bool json)
        : epochs_(config.epochs),
          nodes_(config.chain.nodes),
          quiet_(quiet),
          json_(json),
          bar_(!quiet && !json && isatty(STDERR_FILENO) != 0) {}

    void started(const std::string& description) override {
        if (json_)
            emit({{"event", "started"}, {"data", description}});
        else if (!quiet_)
            fmt::print(stderr, "training: {}\n", description);
        // The new run made its server key: say where it is and what its public key is.
        if (new_server_key && !quiet_)
            fmt::print(stderr, "training: {}\n",
                       created_server_key_line(*new_server_key,
                                               runtime::read_key_file(*new_server_key).public_key()));
    }

    /// A server key file the run is about to create (printed once it is there).
    std::optional<std::filesystem::path> new_server_key;
    void progress(uint32_t epoch, size_t done, size_t total) override {
        if (!bar_ || total < 20 || (done % std::max<size_t>(1, total / 50) != 0 && done != total)) return;
        const size_t width = 30, filled = width * done / total;
        fmt::print(stderr, "\r  epoch {:>3} [{}{}] {:3}%", epoch, std::string(filled, '#'),
                   std::string(width - filled, '.'), 100 * done / total);
        std::fflush(stderr);
    }
    void epoch(const EpochEvent& e) override {
        if (bar_) fmt::print(stderr, "\r{:60}\r", "");
        if (json_) {
            nlohmann::json j{{"event", "epoch"},
                             {"epoch", e.plan.epoch},
                             {"lr", e.plan.lr},
                             {"train_loss", number(e.metrics.train_loss)},
                             {"test_loss", number(e.metrics.test_loss)},
                             {"accuracy", e.metrics.test_accuracy},
                             {"train_ms", e.train_ms},
                             {"replay_ms", e.replay_ms},
                             {"replay_ok", e.replay_ok},
                             {"rollbacks", e.plan.rollbacks}};
            if (e.plan.inject) j["inject"] = Injection{*e.plan.inject, e.plan.epoch}.to_string();
            // Sampled replay: the drawn nodes that ran the check, and those whose check did not happen.
            j["replayed_by"] = e.append.replayed;
            j["unchecked"] = e.append.unchecked;
            if (e.replay_ok) {
                j["block"] = e.append.block.header.height;
                j["hash"] = runtime::hex(e.append.block.hash());
                j["votes"] = e.append.accepts;
                j["votes_against"] = e.append.rejects;
                j["forged_claims"] = e.append.forged_claims;
                j["invalid_votes"] = e.append.invalid_votes;
                j["chain_ms"] = e.append.total_ms;
                j["mining_ms"] = e.append.mining_ms;
                j["consensus_ms"] = e.append.consensus_ms;
                j["vm_ms"] = e.append.vm_ms;
                j["storage_ms"] = e.append.storage_ms;
                j["gas"] = e.append.gas_used;
            }
            if (e.error) j["error"] = *e.error;
            emit(j);
            return;
        }
        if (quiet_) return;
        std::string line =
            fmt::format("epoch {:>3}/{}  loss {:.4f}  test loss {:.4f}  acc {:>7}", e.plan.epoch, epochs_,
                        e.metrics.train_loss, e.metrics.test_loss, percent(e.metrics.test_accuracy));
        if (e.replay_ok) {
            line += fmt::format("  block #{}  pow {:.0f} ms  votes {}/{}", e.append.block.header.height,
                                e.append.mining_ms, e.append.accepts, nodes_);
            if (e.append.rejects + e.append.forged_claims + e.append.invalid_votes != 0)
                line += fmt::format(" ({} against, {} forged claims, {} invalid votes)", e.append.rejects,
                                    e.append.forged_claims, e.append.invalid_votes);
        }
        line += fmt::format("  rollbacks {}  [{:.1f} s]", e.plan.rollbacks, e.train_ms / 1000);
        if (e.plan.inject) line += "  (injected " + Injection{*e.plan.inject, e.plan.epoch}.to_string() + ")";
        fmt::print(stderr, "{}\n", line);
        if (e.error) fmt::print(stderr, "  ! {}\n", *e.error);
    }
    void rollback(const RollbackEvent& r) override {
        std::string votes;
        for (const auto& [height, count] : r.report.proposals)
            votes += fmt::format("{}#{}: {}", votes.empty() ? "" : ", ", height, count);
        if (json_) {
            nlohmann::json proposals = nlohmann::json::object();
            for (const auto& [height, count] : r.report.proposals) proposals[std::to_string(height)] = count;
            emit({{"event", "rollback"},
                  {"reason", r.reason},
                  {"target", r.report.target},
                  {"block", r.report.block.block.header.height},
                  {"proposals", proposals},
                  {"restored_epoch", r.restored_epoch},
                  {"restored_accuracy", r.restored_accuracy},
                  {"next_lr", r.next_lr}});
            return;
        }
        if (quiet_) return;
        fmt::print(
            stderr,
            "rollback: block #{} restores block #{} (epoch {}, accuracy {} re-measured); restore points "
            "proposed: {}; learning rate now {:g}\n",
            r.report.block.block.header.height, r.report.target, r.restored_epoch,
            percent(r.restored_accuracy), votes, r.next_lr);
    }

    void emit(const nlohmann::json& j) {
        fmt::print("{}\n", j.dump());
        std::fflush(stdout);
    }

private:
    uint32_t epochs_, nodes_;
    bool quiet_, json_, bar_;
};

/// A replaying node's trainer, made at its first check from the run's configuration.
struct NodeReplayer {
    std::optional<TrainConfig> given;  ///< --config
    std::function<void(const std::string&)> log;
    std::optional<TrainConfig> config;
    std::shared_ptr<const DataSplit> data;
    std::unique_ptr<Trainer> trainer;
    Bytes initial;  ///< the initial weights: the state before epoch 1

    /// The trainer, made at the first call: from the configuration the replica records (the
    /// server's run.toml), else --config. Throws when there is none or its data cannot be loaded.
    Trainer& get(const runtime::Store& replica) {
        if (trainer) return *trainer;
        TrainConfig c;
        if (const auto text = replica.meta(runtime::meta_key::run_config); text && !text->empty())
            c = parse_config(*text, "the run's recorded configuration");
        else if (given)
            c = *given;
        else
            throw std::runtime_error("the replica records no run configuration: give node run --config FILE");
        c.validate();
        data = load_data(c.data, c.seed);
        trainer = std::make_unique<Trainer>(c, data);
        initial = trainer->checkpoint({});
        config = c;
        if (log)
            log(fmt::format("replaying node: {}; model {} ({} parameters); {} sampled segments per epoch",
                            data->description, trainer->describe(), trainer->parameter_count(),
                            c.chain.sample_segments));
        return *trainer;
    }
};

}  // namespace

void make_replaying_node(nats::NodeOptions& options, const ReplayNodeFlags& flags) {
    auto r = std::make_shared<NodeReplayer>();
    r->log = options.log;
    if (!flags.config.empty()) {
        try {
            r->given = load_config(flags.config);
        } catch (const ConfigError& e) {
            throw InputError(e.what());
        }
    }
    options.epoch_check = [r](const runtime::BlockHeader& claimed, const runtime::Payload& payload,
                              const runtime::Signature& accept_signature, const runtime::Store& replica,
                              const runtime::SegmentSource& fetch) {
        Trainer& trainer = r->get(replica);
        const auto recorded = replica.checkpoint(payload.checkpoint);
        if (!recorded)
            throw std::runtime_error("the replica lacks the block's checkpoint " +
                                     runtime::hex(payload.checkpoint));
        // A configuration other than the run's would reject honest epochs: it cannot check them.
        if (Trainer::read_info(*recorded).config_digest != config_digest(*r->config))
            throw std::runtime_error("the configuration is not the one the run's checkpoints record");
        Bytes previous = r->initial;
        const auto blocks = replica.blocks();
        if (const auto h = runtime::previous_state(blocks, claimed.height)) {
            auto bytes = replica.checkpoint(blocks[*h].payload.checkpoint);
            if (!bytes)
                throw std::runtime_error("the replica lacks the checkpoint of block " + std::to_string(*h));
            previous = std::move(*bytes);
        }
        return check_epoch_segments(trainer, previous, *recorded, payload,
                                    runtime::segment_sample_seed(claimed.hash(), accept_signature),
                                    r->config->chain.sample_segments, fetch)
            .state;
    };
}

int run_train(const TrainFlags& f) {
    if (f.resume.empty() == f.dir.empty())
        throw InputError("train: error: give a new run directory with --dir, or --resume DIR");
    if (!f.resume.empty() && !f.config.empty())
        throw InputError("train: error: --resume reads the run's own run.toml; do not give CONFIG");
    // SIGINT and SIGTERM end the run after the block in flight, so that the nodes hold every
    // block the server stored; a second one ends it at once. Set up before any thread starts
    // (the transport's, libtorch's): they inherit the blocked signals.
    std::atomic<bool> stop{false};
    const StopSignals signals(
        [&stop](int sig) {
            stop = true;
            fmt::print(stderr,
                       "trainchain train: {}: stopping after the epoch in flight and its block "
                       "(again to stop at once)\n",
                       strsignal(sig));
        },
        true);
    TrainConfig config = build_config(f);
    ServerOptions options;
    options.stop = &stop;
    options.dir = f.resume.empty() ? f.dir : f.resume;
    options.resume = !f.resume.empty();
    options.mining_threads = f.mining_threads;
    options.forge_epoch = f.forge_epoch;
    if (f.forge_segment) options.forge_segment = parse_forge_segment(*f.forge_segment);
    options.faults = parse_faults(f.faults, config.chain.nodes);
    options.transport = make_transport(f.transport, nullptr, stream_settings(f.streams, f.transport));
    refuse_faults_with(options.transport, options.faults);
    if (!f.node_keys.empty()) {
        if (options.resume)
            throw InputError("--node-keys: error: a resumed run keeps the nodes it registered");
        options.node_keys = read_node_keys(f.node_keys);
        config.chain.nodes = static_cast<uint32_t>(options.node_keys.size());
    }
    if (options.transport && options.node_keys.empty() && !options.resume)
        throw InputError("--node-keys: error: nodes on another transport bring their own keys: list them");
    if (!options.node_keys.empty() && !options.transport)
        throw InputError("--node-keys: error: in-process nodes make their own keys; give --transport too");
    if (!options.resume && std::filesystem::exists(options.dir))
        throw InputError(fmt::format("{}: error: already exists; use --resume {} to continue a run",
                                     options.dir.string(), options.dir.string()));
    runtime::ChainOptions keys;
    apply_key_options(f.keys, options.dir, keys);
    options.server_key_file = keys.server_key_file;
    options.node_key_file = keys.node_key_file;
    // A key file that is there must be usable before anything starts; a new run makes one
    // when there is none (Chain::init, once the data has loaded).
    std::error_code ec;
    const bool key_there = std::filesystem::symlink_status(options.server_key_file, ec).type() !=
                           std::filesystem::file_type::not_found;
    if (key_there) (void)runtime::read_key_file(options.server_key_file);
    ConsoleMonitor monitor(config, f.quiet, f.json);
    if (!options.resume && !key_there) monitor.new_server_key = options.server_key_file;
    const RunSummary s = run_training(config, options, monitor);
    if (f.json) {
        monitor.emit({{"event", "summary"},
                      {"status", s.status},
                      {"finished", s.finished},
                      {"epochs_trained", s.epochs_trained},
                      {"rollbacks", s.rollbacks},
                      {"rejected", s.rejected},
                      {"blocks", s.blocks},
                      {"state_block", s.state_height},
                      {"final_epoch", s.final_epoch},
                      {"final_accuracy", s.final_accuracy},
                      {"best_accuracy", s.best_accuracy},
                      {"training_ms", s.training_ms},
                      {"chain_ms", s.chain_ms},
                      {"mining_ms", s.mining_ms},
                      {"replay_ms", s.replay_ms}});
    } else {
        fmt::print("run {}: {} epochs trained, {} rollbacks, {} rejected by replay\n", s.status,
                   s.epochs_trained, s.rollbacks, s.rejected);
        fmt::print("  training state: block #{} (epoch {}, accuracy {}); best accuracy {}\n", s.state_height,
                   s.final_epoch, percent(s.final_accuracy), percent(s.best_accuracy));
        fmt::print(
            "  chain: {} ({} blocks); time: training {:.1f} s, chain {:.1f} s (proof of work "
            "{:.1f} s), replay {:.1f} s\n",
            options.dir.string(), s.blocks, s.training_ms / 1000, s.chain_ms / 1000, s.mining_ms / 1000,
            s.replay_ms / 1000);
    }
    if (signals.received() != 0) return 128 + signals.received();
    return s.finished ? 0 : 1;
}

int run_verify_replay(const ReplayFlags& f) {
    if (const int code = verify_chain(f.dir); code != 0) return code;
    const bool sampled = f.sample != 0;
    const auto rep = training::replay_verify(f.dir, f.from, f.to,
                                             [sampled](uint64_t height, bool ok) {
                                                 fmt::print("  block {}: {} {}\n", height,
                                                            sampled ? "sampled replay" : "replay",
                                                            ok ? "matches" : "DIFFERS");
                                                 std::fflush(stdout);
                                             },
                                             {f.sample, f.salt});
    if (!rep.ok) {
        fmt::print(stderr, "{}: error: block {}: {}\n", f.dir, rep.bad_height.value_or(0), rep.reason);
        return 1;
    }
    for (const auto& [height, nodes] : rep.unchecked)
        fmt::print(
            "  block {}: no accepting vote of drawn replaying node(s) {} is stored: their draws were not "
            "repeated (--salt TEXT checks the block with a draw of your own)\n",
            height, fmt::join(nodes, ", "));
    if (sampled)
        fmt::print(
            "{}: {} epochs checked by sampled replay: {} segments ({} steps) re-run, every one reproduced "
            "exactly; commitments, first and last states match the checkpoints\n",
            f.dir, rep.replayed, rep.segments, rep.steps);
    else
        fmt::print("{}: {} epochs replayed, every checkpoint reproduced exactly\n", f.dir, rep.replayed);
    return 0;
}

int run_forgery(const ForgeryFlags& f) {
    const std::filesystem::path out = f.out;
    if (!out.empty() && std::filesystem::exists(out))
        throw InputError(fmt::format("{}: error: already exists; give a new output directory", out.string()));
    const auto result = reports::measure_forgery(f.options, [&](uint32_t done, uint32_t total) {
        if (!f.quiet && (done % 20 == 0 || done == total)) fmt::print(stderr, "\r  epoch {}/{}", done, total);
    });
    if (!f.quiet) fmt::print(stderr, "\n");
    const std::string md = reports::forgery_markdown(result), csv = reports::forgery_csv(result),
                      json = reports::forgery_json(result);
    if (!out.empty()) {
        std::filesystem::create_directories(out);
        std::filesystem::permissions(out, std::filesystem::perms::owner_all);
        write_text_file(out / "forgery.md", md);
        write_text_file(out / "forgery.csv", csv);
        write_text_file(out / "forgery.json", json);
    }
    fmt::print("{}", f.format == "csv" ? csv : f.format == "json" ? json : md);
    return 0;
}

int run_recovery(const RecoveryFlags& f) {
    const std::filesystem::path out = f.out;
    if (!out.empty() && std::filesystem::exists(out))
        throw InputError(fmt::format("{}: error: already exists; give a new output directory", out.string()));
    // Without -o the stores go to a temporary directory that is removed afterwards.
    const std::filesystem::path work = out.empty() ? scratch_dir("recovery") : out;
    reports::RecoveryOptions options = f.options;
    options.dir = work;
    const auto result = reports::measure_recovery(options, [&](uint32_t n) {
        if (!f.quiet) fmt::print(stderr, "\r  epoch {}/{}", n, options.max_epochs);
    });
    if (!f.quiet) fmt::print(stderr, "\n");
    const std::string md = reports::recovery_markdown(result), csv = reports::recovery_csv(result),
                      json = reports::recovery_json(result);
    if (out.empty()) {
        std::filesystem::remove_all(work);
    } else {
        write_text_file(out / "recovery.md", md);
        write_text_file(out / "recovery.csv", csv);
        write_text_file(out / "recovery.json", json);
        write_text_file(out / "recovery.svg", reports::recovery_svg(result));
    }
    fmt::print("{}", f.format == "csv" ? csv : f.format == "json" ? json : md);
    if (!out.empty() && !f.quiet)
        fmt::print(stderr, "wrote {0}/recovery.md, .csv, .json, .svg (stores: {0}/keep-last, {0}/chain)\n",
                   out.string());
    return 0;
}

void keep_command_line(int, char**) {}

}  // namespace trainchain::cli
