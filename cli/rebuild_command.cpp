// cli/rebuild_command.cpp - `trainchain chain rebuild`: a lost server's run directory rebuilt from
// what the user nodes (and the NATS broker) hold, with the key the operator kept.
#include <fmt/core.h>
#include <unistd.h>

#include <filesystem>
#include <random>

#include "commands.hpp"
#include "trainchain/runtime/chain.hpp"
#include "trainchain/runtime/keys.hpp"
#include "trainchain/training/server.hpp"

namespace trainchain::cli {
namespace {

using namespace trainchain::runtime;
namespace fs = std::filesystem;

struct RebuildOptions {
    std::string dir, from, transport, server_key;
};

/// A private scratch directory beside `dir` for the copy fetched over NATS, removed on scope exit.
class Scratch {
public:
    explicit Scratch(const fs::path& dir) {
        const fs::path parent = dir.has_parent_path() ? dir.parent_path() : fs::path(".");
        fs::create_directories(parent);
        std::random_device rd;
        path_ = parent / fmt::format(".{}.rebuild-{:08x}", dir.filename().string(), rd());
        fs::create_directory(path_);
        fs::permissions(path_, fs::perms::owner_all, fs::perm_options::replace);
    }
    ~Scratch() {
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
    Scratch(const Scratch&) = delete;
    Scratch& operator=(const Scratch&) = delete;
    [[nodiscard]] const fs::path& path() const noexcept { return path_; }

private:
    fs::path path_;
};

int rebuild(const RebuildOptions& o) {
    if (o.from.empty() == o.transport.empty())
        throw InputError(
            "chain rebuild: error: give either --from NODE_DIR or --transport "
            "nats://HOST:PORT[,HOST:PORT...]/RUN");
    std::error_code ec;
    if (fs::exists(o.dir, ec) && !fs::is_empty(o.dir, ec))
        throw InputError(fmt::format("{}: error: the directory exists and is not empty", o.dir));
    const KeyPair key = read_key_file(o.server_key);  // KeyFileError: bad input
    const PublicKey pub = key.public_key();
    RebuildReport rep;
    std::string source;
    if (!o.from.empty()) {
        const fs::path node_dir = o.from;
        const fs::path replica =
            fs::exists(node_dir / nats::replica_dir / "chain.db") ? node_dir / nats::replica_dir : node_dir;
        if (!fs::exists(replica / "chain.db"))
            throw InputError(
                fmt::format("--from: {}: error: not a node's data directory (no replica/chain.db)", o.from));
        if (const auto pinned = nats::pinned_server_key(node_dir); pinned && *pinned != pub)
            throw InputError(
                fmt::format("--server-key: {}: error: server key {} is not this run's (the node "
                            "pinned {})",
                            o.server_key, hex(pub), hex(*pinned)));
        const auto store = Store::open(replica);
        rep = rebuild_from(*store, o.dir, pub);
        source = fmt::format("node directory {}", o.from);
    } else {
        std::string why;
        const auto endpoint = nats::parse_endpoint(o.transport, &why);
        if (!endpoint) throw InputError(fmt::format("--transport: error: {}", why));
        Scratch scratch(o.dir);
        nats::FetchReport fetched;
        try {
            fetched = nats::fetch_run(*endpoint, pub, scratch.path(), {});
        } catch (const nats::ServerKeyError& e) {
            throw InputError(fmt::format("--server-key: {}: error: {}", o.server_key, e.what()));
        }
        if (fetched.missing_checkpoints)
            throw ChainError(
                fmt::format("{}: error: {} checkpoint(s) are held neither by the stream nor by "
                            "a node that answered",
                            o.transport, fetched.missing_checkpoints));
        if (!fetched.state_after_tip)
            throw ChainError(
                fmt::format("{}: error: the VM state after block {} is not in the stream; "
                            "rebuild from a node's directory (--from)",
                            o.transport, fetched.blocks ? fetched.blocks - 1 : 0));
        const auto store = Store::open(scratch.path() / nats::replica_dir);
        rep = rebuild_from(*store, o.dir, pub);
        source = fmt::format("{} ({} blocks from the stream, {} from the nodes)", o.transport,
                             fetched.from_stream, fetched.from_peers);
    }
    // A training run's configuration, which `train --resume` reads from the directory.
    if (const auto text = Store::open(o.dir)->meta(meta_key::run_config))
        write_file_atomically(fs::path(o.dir) / training::run_config_file,
                              {reinterpret_cast<const uint8_t*>(text->data()), text->size()});
    fmt::print("rebuilt {} from {}: {} blocks, {} checkpoints; {} blocks verified\n", o.dir, source,
               rep.blocks, rep.checkpoints, rep.verify.blocks);
    return 0;
}

}  // namespace

void add_rebuild_command(CLI::App* chain, int& exit_code) {
    auto* cmd = chain->add_subcommand(
        "rebuild", "Rebuild a lost server's run directory from a node's data directory or over NATS");
    auto o = std::make_shared<RebuildOptions>();
    cmd->add_option("DIR", o->dir, "run directory to create")->required();
    cmd->add_option("--from", o->from, "a node's data directory (`node run --data`)");
    cmd->add_option("--transport", o->transport,
                    "nats://HOST:PORT[,HOST:PORT...]/RUN: the broker and the nodes");
    cmd->add_option("--server-key", o->server_key, "the run's server key file (kept by the operator)")
        ->required();
    cmd->callback(guarded(
        exit_code, [o] { return rebuild(*o); }, 1,
        [](const std::exception& e) { return dynamic_cast<const StoreError*>(&e) != nullptr; }));
}

}  // namespace trainchain::cli
