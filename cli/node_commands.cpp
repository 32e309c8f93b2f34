// cli/node_commands.cpp - `trainchain node keygen|public|run|verify`: user nodes as their own
// processes over NATS JetStream, and the `--transport` and `--node-keys` options other commands share.
#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <fstream>
#include <thread>

#include <fmt/core.h>

#include "commands.hpp"
#include "torch_commands.hpp"
#include "trainchain/nats/nats.hpp"
#include "trainchain/runtime/chain.hpp"

namespace trainchain::cli {

namespace {

/// A count with an optional unit (`units`: suffix -> multiplier); InputError naming `option`.
uint64_t parse_quantity(const std::string& option, const std::string& text,
                        const std::vector<std::pair<std::string, uint64_t>>& units,
                        const std::string& expected) {
    size_t digits = 0;
    while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) ++digits;
    const std::string unit = text.substr(digits);
    uint64_t multiplier = unit.empty() ? 1 : 0;
    for (const auto& [suffix, m] : units)
        if (unit == suffix) multiplier = m;
    if (digits == 0 || digits > 15 || multiplier == 0)
        throw InputError(fmt::format("{}: error: '{}': expected {}", option, text, expected));
    const uint64_t n = std::stoull(text.substr(0, digits));
    if (n > UINT64_MAX / multiplier)
        throw InputError(fmt::format("{}: error: '{}' is too large", option, text));
    return n * multiplier;
}

}  // namespace

void add_stream_options(CLI::App* cmd, StreamFlags& flags) {
    cmd->add_option(
        "--replicas", flags.replicas,
        fmt::format("with --transport nats://: JetStream replicas of the run's streams ({} to {}; "
                    "default 1, an existing stream keeps its own; 3 on a 3-server cluster)",
                    runtime::min_stream_replicas, runtime::max_stream_replicas));
    cmd->add_option("--checkpoint-max-age", flags.checkpoint_max_age,
                    "with --transport nats://: the checkpoints stream drops checkpoints older than this "
                    "(e.g. 3600s, 90m, 12h, 30d; 0 or unset: keep all; the nodes keep theirs)");
    cmd->add_option("--checkpoint-max-bytes", flags.checkpoint_max_bytes,
                    "with --transport nats://: the checkpoints stream drops its oldest checkpoints beyond "
                    "this size (e.g. 512M, 20G; K, M, G, T are powers of 1024; 0 or unset: no limit)");
}

nats::StreamSettings stream_settings(const StreamFlags& f, const std::string& transport) {
    nats::StreamSettings s;
    s.replicas = f.replicas;
    if (!f.checkpoint_max_age.empty())
        s.checkpoint_max_age_seconds = parse_quantity("--checkpoint-max-age", f.checkpoint_max_age,
                                                      {{"s", 1}, {"m", 60}, {"h", 3600}, {"d", 86400}},
                                                      "a number of seconds, or with m, h or d");
    if (!f.checkpoint_max_bytes.empty())
        s.checkpoint_max_bytes = parse_quantity("--checkpoint-max-bytes", f.checkpoint_max_bytes,
                                                {{"B", 1},
                                                 {"K", 1ull << 10},
                                                 {"KiB", 1ull << 10},
                                                 {"M", 1ull << 20},
                                                 {"MiB", 1ull << 20},
                                                 {"G", 1ull << 30},
                                                 {"GiB", 1ull << 30},
                                                 {"T", 1ull << 40},
                                                 {"TiB", 1ull << 40}},
                                                "a number of bytes, or with K, M, G or T");
    if (const auto why = nats::check_stream_settings(s)) throw InputError(*why);
    const char* given = s.replicas                     ? "--replicas"
                        : s.checkpoint_max_age_seconds ? "--checkpoint-max-age"
                        : s.checkpoint_max_bytes       ? "--checkpoint-max-bytes"
                                                       : nullptr;
    if (given && (transport.empty() || transport == "in-process"))
        throw InputError(fmt::format(
            "{}: error: sets up the streams of a NATS run: give --transport nats://... too", given));
    return s;
}

std::shared_ptr<runtime::Transport> make_transport(const std::string& url,
                                                   std::shared_ptr<std::atomic<bool>> cancel,
                                                   const nats::StreamSettings& streams) {
    if (url.empty() || url == "in-process") return nullptr;
    std::string why;
    const auto endpoint = nats::parse_endpoint(url, &why);
    if (!endpoint) throw InputError("--transport: error: " + why + " (or 'in-process')");
    nats::NatsOptions options;
    options.cancel = std::move(cancel);
    options.streams = streams;
    options.status = [](const std::string& line) {
        fmt::print(stderr, "trainchain: {}\n", line);
        std::fflush(stderr);
    };
    return std::make_shared<nats::NatsTransport>(*endpoint, options);
}

void refuse_faults_with(const std::shared_ptr<runtime::Transport>& transport,
                        const std::map<uint32_t, runtime::Fault>& faults) {
    if (transport && !faults.empty())
        throw InputError(
            "--fault: error: faults are given to in-process nodes; external nodes take `node run --fault`");
}

std::vector<runtime::PublicKey> read_node_keys(const std::string& path) {
    const std::string text = read_text(path);
    std::vector<runtime::PublicKey> keys;
    size_t line_no = 0, pos = 0;
    while (pos <= text.size()) {
        const auto end = std::min(text.find('\n', pos), text.size());
        std::string line = text.substr(pos, end - pos);
        pos = end + 1;
        ++line_no;
        if (const auto hash = line.find('#'); hash != std::string::npos) line.resize(hash);
        const auto first = line.find_first_not_of(" \t\r");
        if (first == std::string::npos) {
            if (end == text.size()) break;
            continue;
        }
        const auto last = line.find_last_not_of(" \t\r");
        const std::string word = line.substr(first, last - first + 1);
        const auto key = runtime::parse_hash(word);
        if (!key)
            throw InputError(fmt::format("{}:{}:{}: error: expected a public key (64 hex digits), got '{}'",
                                         path, line_no, first + 1, word.substr(0, 80)));
        keys.push_back(*key);
        if (end == text.size()) break;
    }
    if (keys.empty()) throw InputError(fmt::format("{}: error: no node keys", path));
    return keys;
}

namespace {

struct RunFlags {
    std::string transport, key, data, fault = "none", server_key;
    unsigned threads = 1;
    double checkpoint_wait = nats::NodeOptions{}.checkpoint_wait_seconds;
    bool quiet = false, replay = false;
    std::string config;
};

}  // namespace

void add_node_commands(CLI::App& app, int& exit_code) {
    auto* node = app.add_subcommand("node", "Run a user node as its own process (NATS JetStream transport)");
    node->require_subcommand(1);

    auto* keygen = node->add_subcommand("keygen", "Make a node's private key file and print its public key");
    auto k_file = std::make_shared<std::string>();
    keygen->add_option("FILE", *k_file, "key file to create (mode 0600)")->required();
    keygen->callback(guarded(exit_code, [k_file] {
        fmt::print("{}\n", runtime::hex(runtime::generate_key_file(*k_file).public_key()));
        return 0;
    }));

    auto* pub =
        node->add_subcommand("public", "Print a key file's public key (for the server's --node-keys)");
    auto p_file = std::make_shared<std::string>();
    pub->add_option("FILE", *p_file, "key file")->required();
    pub->callback(guarded(exit_code, [p_file] {
        fmt::print("{}\n", runtime::hex(runtime::read_key_file(*p_file).public_key()));
        return 0;
    }));

    auto* run =
        node->add_subcommand("run", "Join a run as a user node: mine, verify, vote, propose restore points");
    auto f = std::make_shared<RunFlags>();
    run->add_option("--transport", f->transport, "nats://HOST:PORT[,HOST:PORT...]/RUN")->required();
    run->add_option("--key", f->key, "the node's key file (node keygen)")->required();
    run->add_option("--data", f->data, "the node's directory (its replica)")->required();
    run->add_option("--threads", f->threads, "mining threads")
        ->capture_default_str()
        ->check(CLI::Range(1, 256));
    run->add_option("--fault", f->fault, "misbehave, for tests: wrong-vote, forge-nonce, wrong-restore-point")
        ->capture_default_str();
    run->add_option(
        "--server-key", f->server_key,
        "the server's public key (64 hex digits; the server prints it); else pinned on first sight");
    run->add_option("--checkpoint-wait", f->checkpoint_wait,
                    "seconds a vote waits for the block's checkpoint before it rejects the block")
        ->capture_default_str()
        ->check(CLI::Range(0.0, 3600.0));
    run->add_flag(
        "--replay", f->replay,
        "replay sampled segments of the epochs this node is drawn for (fetching the states from the "
        "server) before it votes; a segment that does not replay is a veto");
    run->add_option("--config", f->config,
                    "with --replay: the run's configuration file, when the replica records none (runs made "
                    "before run configurations were recorded)");
    run->add_flag("-q,--quiet", f->quiet, "log errors only");
    run->callback(guarded(exit_code, [f] {
        std::string why;
        const auto endpoint = nats::parse_endpoint(f->transport, &why);
        if (!endpoint) throw InputError("--transport: error: " + why);
        const auto fault = runtime::parse_fault(f->fault);
        if (!fault || *fault == runtime::Fault::Crash || *fault == runtime::Fault::TamperedReplica)
            throw InputError(
                fmt::format("--fault: error: '{}': kinds are none, wrong-vote, forge-nonce, "
                            "wrong-restore-point",
                            f->fault));
        nats::NodeOptions options;
        options.endpoint = *endpoint;
        options.key_file = f->key;
        options.data_dir = f->data;
        options.fault = *fault;
        options.threads = f->threads;
        options.checkpoint_wait_seconds = f->checkpoint_wait;
        if (!f->server_key.empty()) {
            options.server_key = runtime::parse_hash(f->server_key);
            if (!options.server_key)
                throw InputError(
                    fmt::format("--server-key: error: '{}' is not 64 hex digits", f->server_key));
        }
        const bool quiet = f->quiet;
        options.log = [quiet](const std::string& line) {
            if (quiet) return;
            fmt::print("{}\n", line);
            std::fflush(stdout);
        };
        if (!f->config.empty() && !f->replay)
            throw InputError(
                "--config: error: gives a replaying node the run's configuration: give --replay too");
        // A replaying node runs libtorch: the companion takes over the process (torch_commands.hpp).
        if (f->replay) make_replaying_node(options, {f->config});
        // SIGINT and SIGTERM end the node cleanly (its replica is a SQLite store: every block
        // appended is durable, so a SIGKILL loses nothing either).
        std::atomic<bool> stop{false};
        const StopSignals signals([&](int) { stop = true; });
        int code = 0;
        try {
            nats::run_node(options, stop);
        } catch (const nats::NatsError& e) {
            fmt::print(stderr, "{}\n", e.what());
            code = exit_bad_input;
        } catch (const runtime::StoreError& e) {
            fmt::print(stderr, "{}\n", e.what());
            code = exit_bad_input;
        } catch (const std::exception& e) {
            fmt::print(stderr, "trainchain node: error: {}\n", e.what());
            code = 1;
        }
        return code;
    }));

    auto* verify = node->add_subcommand("verify", "Check a node's replica block by block and print its tip");
    auto v_dir = std::make_shared<std::string>();
    verify->add_option("DIR", *v_dir, "the node's directory")->required();
    verify->callback(guarded(exit_code, [v_dir] {
        std::unique_ptr<runtime::Store> store;
        try {
            store = runtime::Store::open(std::filesystem::path(*v_dir) / nats::replica_dir);
        } catch (const runtime::StoreError& e) {
            throw InputError(e.what());
        }
        const auto blocks = store->blocks();
        const auto nodes = store->nodes();
        std::vector<runtime::Block> chain;
        for (const auto& b : blocks) {
            const auto ok = runtime::validate_next_block(store->config(), nodes, chain, b);
            if (!ok.ok()) {
                fmt::print(stderr, "{}: error: block {}: {}\n", *v_dir, b.header.height, ok.detail);
                return 1;
            }
            chain.push_back(b);
        }
        fmt::print("{}: {} blocks verified; tip {}\n", *v_dir, chain.size(),
                   chain.empty() ? std::string("none") : runtime::hex(chain.back().hash()));
        return 0;
    }));
}

}  // namespace trainchain::cli
