// cli/train_commands.cpp - `trainchain train`'s options: a training run recorded in the chain, with
// monitoring on stderr (or JSON lines on stdout), automatic rollback and resume (run by run_train,
// torch_commands.hpp).
#include "commands.hpp"
#include "torch_commands.hpp"
#include "trainchain/training/config.hpp"
#include "trainchain/training/dataset.hpp"
#include "trainchain/training/trainer.hpp"

namespace trainchain::cli {

using training::CheckpointError;
using training::ConfigError;
using training::DataError;

void add_train_commands(CLI::App& app, int& exit_code) {
    auto* cmd = app.add_subcommand("train", "Train a model, recording every epoch in the chain");
    auto f = std::make_shared<TrainFlags>();
    cmd->add_option("CONFIG", f->config, "run configuration (TOML); defaults when absent");
    cmd->add_option("-d,--dir", f->dir, "run directory to create (chain store and run.toml)");
    cmd->add_option("--resume", f->resume, "continue the run stored in this directory");
    cmd->add_option("--epochs", f->epochs, "epochs to reach");
    cmd->add_option("--seed", f->seed, "run seed (weights, batch order)");
    cmd->add_option("--threads", f->threads, "torch threads (part of what makes a run reproducible)");
    cmd->add_option("--lr", f->lr, "learning rate");
    cmd->add_option("--lr-factor", f->lr_factor, "learning-rate factor applied after each rollback");
    cmd->add_option("--batch-size", f->batch_size, "batch size");
    cmd->add_option("--optimizer", f->optimizer, "adam or sgd");
    cmd->add_option("--model", f->model, "mlp or cnn");
    cmd->add_option("--data", f->data, "fashion-mnist, digits, csv or idx");
    cmd->add_option("--data-path", f->data_path, "the data file or directory");
    cmd->add_option("--train-limit", f->train_limit, "use only the first N training rows");
    cmd->add_option("--test-limit", f->test_limit, "use only the first N test rows");
    cmd->add_option("--nodes", f->nodes, "user nodes");
    cmd->add_option("--difficulty", f->difficulty, "proof-of-work difficulty (leading zero bits)");
    cmd->add_option("--replay-nodes", f->replay_nodes,
                    "nodes that check each epoch by replay before they vote");
    cmd->add_option(
        "--replay", f->replay,
        "sampled (re-run sampled committed segments, the default), full (the whole epoch) or none");
    cmd->add_option("--segment-steps", f->segment_steps,
                    "sampled replay: steps between committed states (s)");
    cmd->add_option("--sample-segments", f->sample_segments,
                    "sampled replay: segments each replaying node re-runs per epoch (Q)");
    cmd->add_option("--keep-segments", f->keep_segments,
                    "committed states kept once a block is decided: sampled, all or none");
    cmd->add_option("--max-rollbacks", f->max_rollbacks, "stop after this many rollbacks");
    cmd->add_option("--inject", f->inject,
                    "make training go wrong: lr-spike@EPOCH, nan@EPOCH, label-noise@EPOCH");
    cmd->add_option("--fault", f->faults,
                    "make a node faulty: NODE=KIND (crash, wrong-vote, forge-nonce, wrong-restore-point, "
                    "tampered-replica)");
    cmd->add_option("--mining-threads", f->mining_threads, "proof-of-work threads (0: all cores)");
    cmd->add_option("--transport", f->transport,
                    "in-process (default) or nats://HOST:PORT[,HOST:PORT...]/RUN (node processes)");
    cmd->add_option("--node-keys", f->node_keys,
                    "a new run's external nodes: their public keys, one per line (with --transport nats://)");
    add_stream_options(cmd, f->streams);
    add_key_options(cmd, f->keys, true);
    cmd->add_option("--forge-epoch", f->forge_epoch, "testing: alter the weights after this epoch's training")
        ->group("");
    cmd->add_option("--forge-segment", f->forge_segment,
                    "testing: EPOCH:FIRST:STEPS:KIND (skip, noise), a forged stretch of steps in that epoch")
        ->group("");
    cmd->add_flag("-q,--quiet", f->quiet, "print only the summary");
    cmd->add_flag("--json", f->json, "one JSON object per event on stdout");
    cmd->callback(guarded(
        exit_code, [f] { return run_train(*f); }, 1,
        [](const std::exception& e) {
            return dynamic_cast<const ConfigError*>(&e) != nullptr ||
                   dynamic_cast<const DataError*>(&e) != nullptr ||
                   dynamic_cast<const CheckpointError*>(&e) != nullptr;
        }));
}

}  // namespace trainchain::cli
