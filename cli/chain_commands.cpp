// cli/chain_commands.cpp - `trainchain chain init|append`, `history`, `verify`, `rollback`,
// `export`, `plot`: one run's chain directory from the command line.
#include <fcntl.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <random>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "torch_commands.hpp"
#include "trainchain/runtime/chain.hpp"
#include "trainchain/reports/plot.hpp"

namespace trainchain::cli {
namespace {

using namespace trainchain::runtime;

void print_append(const AppendReport& r) {
    if (!r.accepted) throw InputError("append: error: the block was not accepted: " + r.reason);
    fmt::print("appended block {} ({}) hash {}\n", r.block.header.height, kind_name(r.block.payload.kind),
               hex(r.block.hash()));
    fmt::print(
        "  winner node {}, nonce {}, {} tries; votes {} accept / {} reject; {} forged claims, {} invalid "
        "votes\n",
        r.winner, r.block.header.nonce, r.tries, r.accepts, r.rejects, r.forged_claims, r.invalid_votes);
    fmt::print("  gas {}; time {:.1f} ms (mining {:.1f}, consensus {:.1f}, vm {:.1f}, storage {:.1f})\n",
               r.gas_used, r.total_ms, r.mining_ms, r.consensus_ms, r.vm_ms, r.storage_ms);
}

struct InitOptions {
    std::string dir;
    uint32_t nodes = 100;
    uint32_t difficulty = 16;
    uint32_t quorum = min_quorum_percent;
    std::string fork = "Petersburg";
    unsigned threads = 0;
    std::string transport, node_keys;
    KeyFlags keys;
};

struct AppendOptions {
    std::string dir, checkpoint;
    uint64_t epoch = 0;
    double accuracy = 0, loss = 0;
    unsigned threads = 0;
    std::vector<std::string> faults;
    std::string transport;
    KeyFlags keys;
};

/// Chain commands: a store that cannot be read is bad input (exit 2); a failed procedure exit 1.
template <class F>
std::function<void()> chain_guarded(int& exit_code, F body) {
    return guarded(exit_code, body, 1,
                   [](const std::exception& e) { return dynamic_cast<const StoreError*>(&e) != nullptr; });
}

}  // namespace

std::map<uint32_t, runtime::Fault> parse_faults(const std::vector<std::string>& specs, size_t nodes) {
    std::map<uint32_t, runtime::Fault> out;
    for (const auto& s : specs) {
        const auto eq = s.find('=');
        uint32_t node = 0;
        const auto [end, ec] =
            std::from_chars(s.data(), s.data() + (eq == std::string::npos ? s.size() : eq), node);
        if (eq == std::string::npos || ec != std::errc{} || end != s.data() + eq)
            throw InputError(fmt::format("--fault: error: '{}' is not NODE=KIND", s));
        const auto f = runtime::parse_fault(s.substr(eq + 1));
        if (!f)
            throw InputError(
                fmt::format("--fault: error: '{}': kinds are crash, wrong-vote, forge-nonce, "
                            "wrong-restore-point, tampered-replica",
                            s));
        if (node >= nodes)
            throw InputError(fmt::format("--fault: error: '{}': the chain has nodes 0 to {}", s, nodes - 1));
        out[node] = *f;
    }
    return out;
}

int verify_chain(const std::string& dir) {
    const auto store = Store::open(dir);
    const auto r = verify(*store);
    if (!r.ok) {
        if (r.bad_height)
            fmt::print(stderr, "{}: error: block {}: {}\n", dir, *r.bad_height, r.reason);
        else
            fmt::print(stderr, "{}: error: {}\n", dir, r.reason);
        return 1;
    }
    fmt::print("{}: {} blocks verified: hashes, links, proof of work, signatures, quorum, checkpoints\n", dir,
               r.blocks);
    return 0;
}

void add_chain_commands(CLI::App& app, int& exit_code) {
    auto* chain = app.add_subcommand("chain", "Create a run's chain and append epoch results to it");
    chain->require_subcommand(1);
    add_rebuild_command(chain, exit_code);

    auto* init = chain->add_subcommand("init", "Create a chain: contracts, genesis block, registered nodes");
    auto io = std::make_shared<InitOptions>();
    init->add_option("DIR", io->dir, "chain directory to create")->required();
    init->add_option("--nodes", io->nodes, "user nodes")
        ->capture_default_str()
        ->check(CLI::Range(min_nodes, max_nodes));
    init->add_option("--difficulty", io->difficulty, "proof-of-work leading zero bits")
        ->capture_default_str()
        ->check(CLI::Range(min_difficulty_bits, max_difficulty_bits));
    init->add_option("--fork", io->fork, "EVM fork whose gas schedule the contracts run under")
        ->capture_default_str();
    init->add_option("--quorum", io->quorum,
                     "percent of the nodes whose accepting votes a block needs (more than half)")
        ->capture_default_str()
        ->check(CLI::Range(min_quorum_percent, max_quorum_percent));
    init->add_option("--threads", io->threads, "mining threads (default: all cores)")
        ->check(CLI::Range(1, 1024));
    init->add_option("--transport", io->transport,
                     "in-process (default) or nats://HOST:PORT[,HOST:PORT...]/RUN (node processes)");
    init->add_option(
        "--node-keys", io->node_keys,
        "the external nodes' public keys, one per line (sets --nodes; with --transport nats://)");
    add_key_options(init, io->keys, true);
    init->callback(chain_guarded(exit_code, [io] {
        ChainConfig cfg;
        cfg.nodes = io->nodes;
        cfg.difficulty_bits = io->difficulty;
        cfg.quorum_percent = io->quorum;
        cfg.fork = io->fork;
        if (!vm::parse_fork(cfg.fork))
            throw InputError(fmt::format("--fork: error: unknown fork '{}'", cfg.fork));
        cfg.run_id = runtime::random_run_id();
        ChainOptions opt;
        opt.threads = io->threads;
        if (!io->node_keys.empty()) {
            opt.node_keys = read_node_keys(io->node_keys);
            cfg.nodes = static_cast<uint32_t>(opt.node_keys.size());
        }
        opt.transport = make_transport(io->transport);
        if (opt.transport && opt.node_keys.empty())
            throw InputError(
                "--node-keys: error: nodes on another transport bring their own keys: list them");
        if (!opt.transport && !opt.node_keys.empty())
            throw InputError(
                "--node-keys: error: in-process nodes make their own keys; give --transport too");
        apply_key_options(io->keys, io->dir, opt);
        std::error_code ec;
        const bool new_server_key =
            !std::filesystem::exists(std::filesystem::symlink_status(opt.server_key_file, ec));
        auto c = Chain::init(io->dir, cfg, opt);
        fmt::print("created chain {} with {} nodes, difficulty {} bits, fork {}, quorum {} %; {} blocks\n",
                   io->dir, cfg.nodes, cfg.difficulty_bits, cfg.fork, cfg.quorum_percent, c->blocks().size());
        if (new_server_key)
            fmt::print("{}\n", created_server_key_line(opt.server_key_file, c->server_public_key()));
        return 0;
    }));

    auto* append =
        chain->add_subcommand("append", "Post an epoch result and run block creation and consensus");
    auto ao = std::make_shared<AppendOptions>();
    append->add_option("DIR", ao->dir, "chain directory")->required();
    append->add_option("--checkpoint", ao->checkpoint, "the epoch's checkpoint file")->required();
    append
        ->add_option("--epoch", ao->epoch,
                     "epoch number: the run's next (1, then one more than the current state's)")
        ->required();
    append->add_option("--accuracy", ao->accuracy, "test accuracy (0..1)")->required();
    append->add_option("--loss", ao->loss, "loss (nan or inf record a diverged epoch)")->required();
    append->add_option("--threads", ao->threads, "mining threads (default: all cores)")
        ->check(CLI::Range(1, 1024));
    append->add_option("--fault", ao->faults, "make a node faulty for this run: NODE=KIND");
    append->add_option("--transport", ao->transport,
                       "in-process (default) or nats://HOST:PORT[,HOST:PORT...]/RUN");
    add_key_options(append, ao->keys, false);
    append->callback(chain_guarded(exit_code, [ao] {
        std::ifstream f(ao->checkpoint, std::ios::binary);
        if (!f) throw InputError(fmt::format("{}: error: cannot read checkpoint", ao->checkpoint));
        EpochResult r;
        r.checkpoint.assign(std::istreambuf_iterator<char>(f), {});
        r.epoch = ao->epoch;
        r.accuracy = ao->accuracy;
        r.loss = ao->loss;
        ChainOptions opt;
        opt.threads = ao->threads;
        opt.faults = parse_faults(ao->faults, Store::open(ao->dir)->config().nodes);
        opt.transport = make_transport(ao->transport);
        refuse_faults_with(opt.transport, opt.faults);
        apply_key_options(ao->keys, ao->dir, opt);
        auto c = Chain::open(ao->dir, opt);
        // The same rule as the HTTP API's, checked under the writer lock and before anything
        // (the checkpoint file included) is written.
        if (const auto check = check_epoch_result(c->blocks(), r); !check.ok())
            throw InputError(fmt::format("{}: error: epoch {}: {}", ao->dir, r.epoch, check.detail));
        print_append(c->append_epoch(std::move(r)));
        return 0;
    }));

    auto* history = app.add_subcommand("history", "List a chain's blocks");
    auto h_dir = std::make_shared<std::string>();
    auto h_json = std::make_shared<bool>(false);
    history->add_option("DIR", *h_dir, "chain directory")->required();
    history->add_flag("--json", *h_json, "print JSON");
    history->callback(chain_guarded(exit_code, [h_dir, h_json] {
        const auto store = Store::open(*h_dir);
        if (*h_json) {
            fmt::print("{}\n", history_json(*store));
            return 0;
        }
        const auto blocks = store->blocks();
        const size_t nodes = store->config().nodes;
        std::map<uint64_t, int64_t> gas;
        for (const auto& g : store->gas_records()) gas[g.height] += g.gas_used;
        fmt::print("{:>6}  {:<12} {:>10}  {:>10}  {:>11}  {:>11}  {:>9}  {:>16}  {}\n", "height", "kind",
                   "epoch", "accuracy", "loss", "winner", "votes", "gas", "hash");
        for (const auto& b : blocks) {
            fmt::print(
                "{:>6}  {:<12} {:>10}  {:>10.4f}  {:>11.4f}  {:>11}  {:>9}  {:>16}  {}{}\n", b.header.height,
                kind_name(b.payload.kind), b.payload.epoch, b.payload.accuracy, b.payload.loss,
                b.header.nonce % nodes, b.votes.size(), gas[b.header.height], hex(b.hash()).substr(0, 16),
                b.payload.kind == BlockKind::Rollback ? fmt::format("  -> {}", b.payload.target_height) : "");
        }
        return 0;
    }));

    auto* verify_cmd = app.add_subcommand("verify", "Re-check every block, vote and checkpoint of a chain");
    auto v_dir = std::make_shared<std::string>();
    auto v_replay = std::make_shared<bool>(false);
    auto v_from = std::make_shared<uint64_t>(0);
    auto v_to = std::make_shared<uint64_t>(std::numeric_limits<uint64_t>::max());
    verify_cmd->add_option("DIR", *v_dir, "chain directory")->required();
    verify_cmd->add_flag("--replay", *v_replay,
                         "also re-run every epoch from its previous state and compare the checkpoints");
    verify_cmd->add_option("--from", *v_from, "replay: first block height");
    verify_cmd->add_option("--to", *v_to, "replay: last block height");
    auto v_sample = std::make_shared<uint32_t>(0);
    auto v_salt = std::make_shared<std::optional<std::string>>();
    verify_cmd
        ->add_option("--sample", *v_sample,
                     "replay: re-run Q sampled committed segments per draw instead of whole epochs "
                     "(each replaying node's draw, from its stored vote)")
        ->check(CLI::Range(1, 256));
    verify_cmd->add_option("--salt", *v_salt, "replay --sample: one draw of your own, seeded by this text");
    verify_cmd->callback(chain_guarded(exit_code, [v_dir, v_replay, v_from, v_to, v_sample, v_salt] {
        if ((*v_sample != 0 || *v_salt) && !*v_replay)
            throw InputError("verify: error: --sample and --salt go with --replay");
        if (*v_salt && *v_sample == 0) throw InputError("verify: error: --salt needs --sample Q");
        if (*v_replay) return run_verify_replay({*v_dir, *v_from, *v_to, *v_sample, *v_salt});
        return verify_chain(*v_dir);
    }));

    auto* rollback = app.add_subcommand("rollback", "Roll training back to the nodes' restore point");
    auto r_dir = std::make_shared<std::string>();
    auto r_to = std::make_shared<std::string>("best");
    auto r_reason = std::make_shared<std::string>("requested from the command line");
    auto r_faults = std::make_shared<std::vector<std::string>>();
    auto r_transport = std::make_shared<std::string>();
    auto r_keys = std::make_shared<KeyFlags>();
    rollback->add_option("DIR", *r_dir, "chain directory")->required();
    rollback
        ->add_option("--to", *r_to,
                     "best (each node proposes the best epoch before the current state, on its line "
                     "of training) or a block height")
        ->capture_default_str();
    rollback->add_option("--reason", *r_reason, "why (recorded in the rollback block)")->check(utf8_text());
    rollback->add_option("--fault", *r_faults, "make a node faulty for this run: NODE=KIND");
    rollback->add_option("--transport", *r_transport,
                         "in-process (default) or nats://HOST:PORT[,HOST:PORT...]/RUN");
    add_key_options(rollback, *r_keys, false);
    rollback->callback(chain_guarded(exit_code, [r_dir, r_to, r_reason, r_faults, r_transport, r_keys] {
        std::optional<uint64_t> to;
        if (*r_to != "best") {
            if (r_to->empty() || !std::isdigit(static_cast<unsigned char>(r_to->front())))
                throw InputError(
                    fmt::format("--to: error: '{}' is neither 'best' nor a block height", *r_to));
            try {
                size_t used = 0;
                to = std::stoull(*r_to, &used);
                if (used != r_to->size()) throw std::invalid_argument("trailing");
            } catch (const std::exception&) {
                throw InputError(
                    fmt::format("--to: error: '{}' is neither 'best' nor a block height", *r_to));
            }
        }
        ChainOptions opt;
        opt.faults = parse_faults(*r_faults, Store::open(*r_dir)->config().nodes);
        opt.transport = make_transport(*r_transport);
        refuse_faults_with(opt.transport, opt.faults);
        apply_key_options(*r_keys, *r_dir, opt);
        auto c = Chain::open(*r_dir, opt);
        if (const auto check = check_rollback_request(c->blocks(), to); !check.ok())
            throw InputError(fmt::format("{}: error: {}", to ? "--to" : *r_dir, check.detail));
        // --to best: the nodes choose among the epochs that led to the current state, before it.
        const auto r = c->rollback(to, *r_reason, to ? std::nullopt : c->current_state());
        fmt::print("rolled back to block {} (epoch {}, accuracy {:.4f})\n", r.target,
                   c->blocks()[r.target].payload.epoch, c->blocks()[r.target].payload.accuracy);
        for (const auto& [height, count] : r.proposals)
            fmt::print("  {} node(s) proposed block {}\n", count, height);
        if (r.invalid_proposals)
            fmt::print("  {} proposal(s) dropped: not signed by a registered node over this chain\n",
                       r.invalid_proposals);
        print_append(r.block);
        return 0;
    }));

    auto* exp = app.add_subcommand("export", "Write a block's checkpoint back to a file");
    auto e_dir = std::make_shared<std::string>();
    auto e_block = std::make_shared<uint64_t>(0);
    auto e_out = std::make_shared<std::string>();
    exp->add_option("DIR", *e_dir, "chain directory")->required();
    exp->add_option("--block", *e_block, "block height")->required();
    exp->add_option("-o,--output", *e_out, "output file")->required();
    exp->callback(chain_guarded(exit_code, [e_dir, e_block, e_out] {
        const auto store = Store::open(*e_dir);
        const auto blocks = store->blocks();
        if (blocks.empty()) throw InputError(fmt::format("{}: error: the chain has no blocks", *e_dir));
        if (*e_block >= blocks.size())
            throw InputError(fmt::format("--block: error: the chain has blocks 0 to {}", blocks.size() - 1));
        const auto& p = blocks[*e_block].payload;
        if (p.kind != BlockKind::Epoch && p.kind != BlockKind::Rollback)
            throw InputError(fmt::format("--block: error: block {} is a {} block and holds no checkpoint",
                                         *e_block, kind_name(p.kind)));
        const auto data = store->checkpoint(p.checkpoint);
        if (!data)
            throw InputError(fmt::format("{}: error: checkpoint {} is missing", *e_dir, hex(p.checkpoint)));
        if (sha256(*data) != p.checkpoint)
            throw InputError(fmt::format("{}: error: checkpoint {} is corrupt", *e_dir, hex(p.checkpoint)));
        std::ofstream f(*e_out, std::ios::binary | std::ios::trunc);
        if (!f.write(reinterpret_cast<const char*>(data->data()), static_cast<std::streamsize>(data->size())))
            throw InputError(fmt::format("{}: error: cannot write file", *e_out));
        fmt::print("wrote {} bytes of block {}'s checkpoint (sha256 {}) to {}\n", data->size(), *e_block,
                   hex(p.checkpoint), *e_out);
        return 0;
    }));

    auto* plot = app.add_subcommand("plot", "Draw a chain's accuracy, losses and rollbacks as an SVG file");
    auto p_dir = std::make_shared<std::string>();
    auto p_out = std::make_shared<std::string>();
    auto p_title = std::make_shared<std::string>();
    plot->add_option("DIR", *p_dir, "chain directory")->required();
    plot->add_option("-o,--output", *p_out, "SVG file to write")->required();
    plot->add_option("--title", *p_title, "title (default: the chain directory's name)")->check(utf8_text());
    plot->callback(chain_guarded(exit_code, [p_dir, p_out, p_title] {
        const auto store = Store::open(*p_dir);
        reports::PlotOptions options;
        if (!p_title->empty()) {
            options.title = *p_title;
        } else {
            auto dir = std::filesystem::absolute(*p_dir).lexically_normal();
            if (!dir.has_filename()) dir = dir.parent_path();
            options.title = "training history: " + dir.filename().string();
        }
        const std::string svg = reports::plot_svg(store->blocks(), options);
        write_file_atomically(*p_out, {reinterpret_cast<const uint8_t*>(svg.data()), svg.size()});
        fmt::print("{}\n", *p_out);
        return 0;
    }));
}

}  // namespace trainchain::cli
