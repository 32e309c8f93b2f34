// runtime/src/chain.cpp - block creation, proof-of-work consensus with signed votes, rollback,
// and verification of a stored chain.
#include "trainchain/runtime/chain.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstring>
#include <set>
#include <thread>
#include <utility>
#include <nlohmann/json.hpp>

#include "trainchain/runtime/sampling.hpp"
#include "trainchain/vm/hex.hpp"

namespace trainchain::runtime {
namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point t) {
    return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

uint64_t now_ms() {
    return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                     std::chrono::system_clock::now().time_since_epoch())
                                     .count());
}

vm::Fork fork_of(const std::string& name) {
    const auto f = vm::parse_fork(name);
    if (!f) throw ChainError("unknown fork '" + name + "'");
    return *f;
}

/// The digest a registration block commits to: SHA-256 over the nodes' public keys, in index order.
Hash node_set_digest(const std::vector<NodeRecord>& nodes) {
    Bytes all;
    for (const auto& n : nodes) all.insert(all.end(), n.public_key.begin(), n.public_key.end());
    return sha256(all);
}

/// The quorum rule of the Consensus contract: accepts * 100 >= quorum * nodes.
bool has_quorum(uint64_t accepts, uint64_t nodes, uint64_t quorum_percent) {
    return accepts * 100 >= quorum_percent * nodes;
}

/// Discards the ledger's changes since its last stored block when it goes out of scope, unless the
/// block was stored (`stored`).
struct DiscardUnlessStored {
    Ledger& ledger;
    bool stored = false;
    explicit DiscardUnlessStored(Ledger& l) : ledger{l} {}
    DiscardUnlessStored(const DiscardUnlessStored&) = delete;
    DiscardUnlessStored& operator=(const DiscardUnlessStored&) = delete;
    ~DiscardUnlessStored() {
        if (!stored) ledger.discard_changes();
    }
};

/// A file descriptor that closes itself unless released.
struct UniqueFd {
    int fd = -1;
    UniqueFd() = default;
    explicit UniqueFd(int f) : fd{f} {}
    UniqueFd(UniqueFd&& other) noexcept : fd{other.release()} {}
    UniqueFd(const UniqueFd&) = delete;
    UniqueFd& operator=(const UniqueFd&) = delete;
    ~UniqueFd() {
        if (fd >= 0) ::close(fd);
    }
    int release() noexcept { return std::exchange(fd, -1); }
};

/// Takes the writer lock of the chain directory `dir`: an exclusive flock on `dir/chain.lock`
/// (made 0600), without waiting. Held until the descriptor is closed, also by a killed process.
UniqueFd lock_chain_dir(const std::filesystem::path& dir) {
    const auto file = dir / "chain.lock";
    UniqueFd lock(::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
    if (lock.fd < 0)
        throw StoreError(file.string() +
                         ": error: cannot open the chain's lock file: " + std::strerror(errno));
    while (::flock(lock.fd, LOCK_EX | LOCK_NB) != 0) {
        if (errno == EINTR) continue;
        if (errno == EWOULDBLOCK)
            throw ChainBusy(dir.string() +
                            ": error: the chain is busy: another writer (chain append, rollback, train or "
                            "serve) holds chain.lock; try again when it is done");
        throw StoreError(file.string() + ": error: cannot lock the chain: " + std::strerror(errno));
    }
    return lock;
}

const vm::address results_queue_account = *vm::address::parse("0x0000000000000000000000000000000000005e51");

/// The key files a chain at `dir` uses: the options' own, else the defaults beside `dir`.
KeyPaths key_paths_for(const std::filesystem::path& dir, const ChainOptions& options) {
    KeyPaths paths = default_key_paths(dir);
    if (!options.server_key_file.empty()) paths.server = options.server_key_file;
    if (!options.node_key_file.empty()) paths.nodes = options.node_key_file;
    return paths;
}

/// What the node key file says about itself.
std::string node_key_comment(const std::filesystem::path& dir, size_t nodes) {
    return "trainchain: the private keys (Ed25519 seeds) of the " + std::to_string(nodes) +
           " in-process nodes of the run " + dir.string() +
           ", node 0 first.\n"
           "Whoever can read this file can sign as these nodes, and so rewrite the run's history.";
}

bool file_exists(const std::filesystem::path& path) {
    std::error_code ec;
    return std::filesystem::symlink_status(path, ec).type() != std::filesystem::file_type::not_found;
}

/// The run's key in `path`, which a writer of the run at `dir` needs.
KeyPair read_run_key(const std::filesystem::path& path, const std::filesystem::path& dir, const char* what,
                     const char* flag) {
    if (!file_exists(path))
        throw KeyFileError(path.string() + ": error: no " + what + " here: writing to the run " +
                           dir.string() + " needs it (put it back, or give its file: " + flag + ")");
    return read_key_file(path);
}

std::vector<KeyPair> read_node_keys(const std::filesystem::path& path, const std::filesystem::path& dir,
                                    const std::vector<NodeRecord>& nodes) {
    if (!file_exists(path))
        throw KeyFileError(path.string() + ": error: no node key file here: writing to the run " +
                           dir.string() +
                           " needs its in-process nodes' private keys (put the file back, or give "
                           "the directory that holds it: --key-dir)");
    auto keys = read_key_list_file(path);
    if (keys.size() != nodes.size())
        throw KeyFileError(path.string() + ": error: holds " + std::to_string(keys.size()) +
                           " keys, the run " + dir.string() + " has " + std::to_string(nodes.size()) +
                           " nodes: the file belongs to another run");
    for (const auto& n : nodes)
        if (n.index >= keys.size() || keys[n.index].public_key() != n.public_key)
            throw KeyFileError(path.string() + ": error: node " + std::to_string(n.index) +
                               "'s key is not the one the run " + dir.string() +
                               " registered: the file belongs to another run");
    return keys;
}

/// A store made before keys had files of their own kept them inside (Store::LegacyKeys): moves
/// them to their files, records what the store now keeps instead (the server's public key, whether
/// the nodes are in-process), and erases them. A node key file already there must hold the same
/// keys. A server key file already there with another key: a run of in-process nodes takes it (its
/// old key signed nothing anyone kept; several such runs may share one server, as serve's do), a
/// run of external nodes is refused (its nodes pinned the old key).
void move_legacy_keys(Store& store, const KeyPaths& paths) {
    const auto legacy = store.legacy_keys();
    if (!legacy.any) return;
    const auto dir = store.dir();
    const std::array<uint8_t, 32> zero{};
    bool in_process = false;
    for (const auto& seed : legacy.nodes) in_process = in_process || seed != zero;
    if (in_process) {
        std::vector<KeyPair> keys;
        for (size_t i = 0; i < legacy.nodes.size(); ++i) {
            const auto key = KeyPair::from_seed(legacy.nodes[i]);
            if (!key)
                throw StoreError(dir.string() + "/chain.db: error: node " + std::to_string(i) +
                                 "'s stored private key is not a usable Ed25519 seed");
            keys.push_back(*key);
        }
        if (file_exists(paths.nodes)) {
            const auto there = read_key_list_file(paths.nodes);
            bool same = there.size() == keys.size();
            for (size_t i = 0; same && i < keys.size(); ++i)
                same = there[i].public_key() == keys[i].public_key();
            if (!same)
                throw KeyFileError(paths.nodes.string() + ": error: holds other node keys than the ones " +
                                   dir.string() +
                                   "/chain.db kept inside; move this file away, and the run's own keys are "
                                   "moved here");
        } else {
            if (paths.nodes.has_parent_path()) create_private_directories(paths.nodes.parent_path());
            write_key_list_file(paths.nodes, keys, node_key_comment(dir, keys.size()));
        }
    }
    if (const auto key = legacy.server ? KeyPair::from_seed(*legacy.server) : std::nullopt) {
        if (!file_exists(paths.server)) {
            if (paths.server.has_parent_path()) create_private_directories(paths.server.parent_path());
            write_key_file(paths.server, *key);
            store.set_meta(meta_key::server_public_key, hex(key->public_key()));
        } else if (read_key_file(paths.server).public_key() == key->public_key()) {
            store.set_meta(meta_key::server_public_key, hex(key->public_key()));
        } else if (!in_process) {
            throw KeyFileError(paths.server.string() + ": error: holds another server key than the one " +
                               dir.string() + "/chain.db kept inside (" + hex(key->public_key()) +
                               "), which the run's nodes pinned; move this file away (the run's own key is "
                               "then moved here), or give another with --server-key");
        }
    }
    if (!store.meta(meta_key::node_keys))
        store.set_meta(meta_key::node_keys,
                       in_process ? meta_key::node_keys_in_process : meta_key::node_keys_external);
    store.erase_legacy_keys();
}

}  // namespace

bool in_process_nodes(const Store& store) {
    if (const auto mode = store.meta(meta_key::node_keys)) return *mode == meta_key::node_keys_in_process;
    const std::array<uint8_t, 32> zero{};
    for (const auto& seed : store.legacy_keys().nodes)
        if (seed != zero) return true;
    return false;
}

std::string config_note(const ChainConfig& c) {
    return "trainchain/v1 nodes=" + std::to_string(c.nodes) +
           " difficulty=" + std::to_string(c.difficulty_bits) + " fork=" + c.fork +
           " quorum=" + std::to_string(c.quorum_percent);
}

Chain::Chain(std::unique_ptr<Store> store, const ChainOptions& options)
    : store_{std::move(store)},
      options_{options},
      ledger_{fork_of(store_->config().fork)},
      transport_{options.transport ? options.transport
                                   : std::make_shared<InProcessTransport>(options.faults, options.threads)} {
    if (options_.epoch_check) transport_->set_epoch_check(options_.epoch_check);
}

std::unique_ptr<Chain> Chain::init(const std::filesystem::path& dir_arg, const ChainConfig& config,
                                   const ChainOptions& options) {
    // `runs/x/` and `runs/x` name the same directory; `.` and `/` name none we could create.
    std::filesystem::path dir = std::filesystem::absolute(dir_arg).lexically_normal();
    if (!dir.has_filename() && dir.has_parent_path() && dir != dir.root_path()) dir = dir.parent_path();
    if (!dir.has_filename() || dir.filename() == "." || dir.filename() == "..")
        throw StoreError(dir_arg.string() + ": error: give the chain a directory of its own");
    if (config.nodes < min_nodes || config.nodes > max_nodes)
        throw ChainError("the node count must be " + std::to_string(min_nodes) + " to " +
                         std::to_string(max_nodes));
    if (!options.node_keys.empty()) {
        if (options.node_keys.size() != config.nodes)
            throw ChainError(std::to_string(options.node_keys.size()) + " node keys given for " +
                             std::to_string(config.nodes) + " nodes");
        for (size_t i = 0; i < options.node_keys.size(); ++i)
            for (size_t j = 0; j < i; ++j)
                if (options.node_keys[i] == options.node_keys[j])
                    throw ChainError("node keys " + std::to_string(j) + " and " + std::to_string(i) +
                                     " are the same key");
    }
    if (config.difficulty_bits > max_difficulty_bits)
        throw ChainError("the difficulty must be at most " + std::to_string(max_difficulty_bits) + " bits");
    if (config.quorum_percent < min_quorum_percent || config.quorum_percent > max_quorum_percent)
        throw ChainError("the quorum must be " + std::to_string(min_quorum_percent) + " to " +
                         std::to_string(max_quorum_percent) + " % (more than half of the nodes), not " +
                         std::to_string(config.quorum_percent));
    fork_of(config.fork);
    // The chain is built in a sibling directory and renamed into place once its registration
    // block is stored: a crash during init leaves no chain (only a stale temporary directory).
    std::error_code ec;
    if (std::filesystem::exists(dir / "chain.db", ec))
        throw StoreError(dir.string() + ": error: already holds a chain");
    if (std::filesystem::exists(dir, ec) && !std::filesystem::is_empty(dir, ec))
        throw StoreError(dir.string() + ": error: exists and is not empty");
    const auto parent = dir.has_parent_path() ? dir.parent_path() : std::filesystem::path(".");
    create_private_directories(parent);
    // The keys live apart from the chain: the server's is used, or made, first.
    const KeyPaths keys = key_paths_for(dir, options);
    const bool in_process = options.node_keys.empty();
    KeyPair server_key = read_or_generate_key_file(keys.server);
    const auto tmp = parent / ("." + dir.filename().string() + ".init-" + std::to_string(::getpid()));
    std::filesystem::remove_all(tmp, ec);
    // Whatever goes wrong before the rename, the temporary directory goes away.
    struct Cleanup {
        std::filesystem::path path;
        bool armed = true;
        ~Cleanup() {
            std::error_code ignored;
            if (armed) std::filesystem::remove_all(path, ignored);
        }
    } cleanup{tmp};
    // The writer lock is taken in the temporary directory and moves with it into place.
    create_private_directories(tmp);
    UniqueFd lock = lock_chain_dir(tmp);
    std::unique_ptr<Chain> c(new Chain(Store::create(tmp, config), options));
    c->lock_fd_ = lock.release();
    c->server_key_ = server_key;
    c->store_->set_meta(meta_key::server_public_key, hex(server_key.public_key()));
    c->store_->set_meta(meta_key::node_keys,
                        in_process ? meta_key::node_keys_in_process : meta_key::node_keys_external);
    Ledger& l = c->ledger_;
    l.set_block(0, now_ms() / 1000);
    c->results_account_ = results_queue_account;
    c->registry_ = l.deploy("NodeRegistry", {});
    c->creation_ = l.deploy("BlockCreation", {results_queue_account});
    c->consensus_ = l.deploy("Consensus", {vm::uint256{config.quorum_percent}});
    c->rollback_ = l.deploy("Rollback", {});
    const nlohmann::json addrs = {{"NodeRegistry", c->registry_.to_hex()},
                                  {"BlockCreation", c->creation_.to_hex()},
                                  {"Consensus", c->consensus_.to_hex()},
                                  {"Rollback", c->rollback_.to_hex()},
                                  {"ResultsQueue", c->results_account_.to_hex()}};
    c->store_->set_meta(meta_key::contracts, addrs.dump());
    if (!options.run_config.empty()) c->store_->set_meta(meta_key::run_config, options.run_config);

    // Genesis: mined by the server alone, before any node exists.
    Block genesis;
    genesis.payload.kind = BlockKind::Genesis;
    genesis.payload.run_id = config.run_id;
    genesis.payload.note = config_note(config);
    genesis.header.height = 0;
    genesis.header.timestamp_ms = now_ms();
    genesis.header.payload_root = genesis.payload.root();
    genesis.header.difficulty_bits = config.difficulty_bits;
    const auto found = mine(genesis.header, {config.difficulty_bits, options.threads});
    if (!found) throw ChainError("no nonce found for the genesis block");
    genesis.header.nonce = found->nonce;
    // The genesis block's journal row: the world from nothing (the server's account, the contracts).
    const StateRecord genesis_state = l.pending_changes();
    c->store_->append(genesis, l.take_gas(0), &genesis_state, l.take_profiles(0));
    l.commit_changes(genesis_state);
    c->blocks_.push_back(genesis);

    // The user nodes: a key each, registered through NodeRegistry (one CREATE per node). External
    // nodes bring their own keys; in-process ones get one here, kept in the node key file.
    std::vector<NodeRecord> records;
    std::vector<KeyPair> node_keys;
    for (uint32_t i = 0; i < config.nodes; ++i) {
        const std::optional<KeyPair> own =
            in_process ? std::optional<KeyPair>(KeyPair::generate()) : std::nullopt;
        const PublicKey public_key = own ? own->public_key() : options.node_keys[i];
        const auto r = l.call(c->registry_, "NodeRegistry", "register(bytes32)", {public_key});
        if (!r.ok()) throw ChainError("registering node " + std::to_string(i) + ": " + r.revert_reason);
        const auto ev = Ledger::events(r.receipt, "NodeRegistered(uint256,address,bytes32)");
        if (ev.size() != 1 || ev[0].data.size() < 64)
            throw ChainError("NodeRegistry did not report node " + std::to_string(i));
        NodeRecord rec;
        rec.index = i;
        rec.public_key = public_key;
        if (own) node_keys.push_back(*own);
        std::copy(ev[0].data.begin() + 12, ev[0].data.begin() + 32, rec.contract.begin());
        records.push_back(rec);
    }
    c->store_->put_nodes(records);
    if (in_process) c->give_node_keys(node_keys);
    c->load_nodes();

    Payload reg;
    reg.kind = BlockKind::Registration;
    reg.run_id = config.run_id;
    reg.checkpoint = node_set_digest(records);
    reg.note = std::to_string(config.nodes) + " nodes";
    const auto report = c->commit(reg, false);
    if (!report.accepted) {
        c->store_.reset();
        throw ChainError("the registration block was not accepted: " + report.reason);
    }
    // The node keys are in their file before the chain is in place: a chain there always has them.
    if (in_process) {
        if (keys.nodes.has_parent_path()) create_private_directories(keys.nodes.parent_path());
        write_key_list_file(keys.nodes, node_keys, node_key_comment(dir, node_keys.size()));
    }
    c->store_.reset();                 // closes the database (and checkpoints its WAL) before the rename
    std::filesystem::remove(dir, ec);  // an empty directory the user made beforehand
    std::filesystem::rename(tmp, dir, ec);
    if (ec) throw StoreError(dir.string() + ": error: cannot move the new chain into place: " + ec.message());
    cleanup.armed = false;
    if (const int fd = ::open(parent.c_str(), O_RDONLY); fd >= 0) {  // make the rename durable
        ::fsync(fd);
        ::close(fd);
    }
    c->store_ = Store::open(dir);
    return c;
}

std::unique_ptr<Chain> Chain::open(const std::filesystem::path& dir, const ChainOptions& options) {
    std::error_code ec;
    if (!std::filesystem::exists(dir / "chain.db", ec)) Store::open(dir);  // throws: no chain here
    UniqueFd lock = lock_chain_dir(dir);
    auto store = Store::open(dir);
    store->remove_temporary_files();  // left by a writer killed while it wrote a checkpoint
    const KeyPaths keys = key_paths_for(dir, options);
    move_legacy_keys(*store, keys);
    // The server's key: the one the run was made with (a run made before the server's public key
    // was recorded takes the one it is first opened with).
    const KeyPair server_key = read_run_key(keys.server, dir, "server key", "--server-key FILE");
    if (const auto recorded = store->meta(meta_key::server_public_key)) {
        if (*recorded != hex(server_key.public_key()))
            throw KeyFileError(keys.server.string() + ": error: not the server key of the run " +
                               dir.string() + ": it was made with server key " + *recorded +
                               ", this file holds " + hex(server_key.public_key()));
    } else {
        store->set_meta(meta_key::server_public_key, hex(server_key.public_key()));
    }
    const bool in_process = in_process_nodes(*store);
    std::unique_ptr<Chain> c(new Chain(std::move(store), options));
    c->lock_fd_ = lock.release();
    c->server_key_ = server_key;
    // Headers and payloads only: the votes stay in the store (verify and the readers take them).
    c->blocks_ = c->store_->blocks_without_votes();
    if (c->blocks_.size() < 2)
        throw ChainError(dir.string() +
                         ": error: the chain is incomplete (no registration block); create it again");
    c->load_state();
    c->load_contracts();
    const bool local = dynamic_cast<InProcessTransport*>(c->transport_.get()) != nullptr;
    if (local && !in_process)
        throw ChainError(dir.string() +
                         ": error: the run's nodes are external (each holds its own key): open it with "
                         "their transport");
    // In-process nodes' keys go to the transport (one that wraps in-process nodes takes them too).
    std::error_code exists_ec;
    if (in_process && (local || std::filesystem::exists(keys.nodes, exists_ec)))
        c->give_node_keys(read_node_keys(keys.nodes, dir, c->store_->nodes()));
    c->load_nodes();
    return c;
}

Chain::~Chain() {
    // The lock goes last: until the store is closed, this is the chain's writer.
    transport_.reset();
    store_.reset();
    if (lock_fd_ >= 0) ::close(lock_fd_);
}

void Chain::load_state() {
    // The world after the last block: its tables, checked against the digest the journal records.
    const uint64_t tip = blocks_.back().header.height;
    const auto dir = store_->dir().string();
    const auto at = store_->state_height();
    if (!at || *at != tip)
        throw ChainError(dir + ": error: the VM state after the last block (" + std::to_string(tip) +
                         ") is not recorded" +
                         (at ? " (the state journal ends at block " + std::to_string(*at) + ")" : "") +
                         ": the contracts cannot continue; rebuild the run from a copy that holds it "
                         "(`trainchain chain rebuild`)");
    World world = store_->vm_state();
    if (state_digest(world) != store_->state_record(tip)->digest)
        throw ChainError(dir +
                         ": error: the saved VM state is not the one the state journal records after block " +
                         std::to_string(tip) + " (`trainchain verify " + dir + "` names what differs)");
    ledger_.load(std::move(world));
}

void Chain::load_contracts() {
    const auto text = store_->meta(meta_key::contracts);
    if (!text) throw ChainError("the chain store has no contract addresses");
    try {
        const auto j = nlohmann::json::parse(*text);
        auto get = [&](const char* name) {
            const auto a = vm::address::parse(j.at(name).get<std::string>());
            if (!a) throw ChainError(std::string("bad address of ") + name);
            return *a;
        };
        registry_ = get("NodeRegistry");
        creation_ = get("BlockCreation");
        consensus_ = get("Consensus");
        rollback_ = get("Rollback");
        results_account_ = get("ResultsQueue");
    } catch (const nlohmann::json::exception& e) {
        throw ChainError(std::string("the chain store's contract addresses are malformed: ") + e.what());
    }
}

void Chain::give_node_keys(std::vector<KeyPair> keys) { transport_->set_node_keys(std::move(keys)); }

void Chain::load_nodes() {
    registered_keys_.clear();
    const auto records = store_->nodes();
    for (const auto& r : records) registered_keys_.push_back(r.public_key);
    // The server's own key signs what it sends remote nodes.
    try {
        transport_->open(store_->config(), records, blocks_, *server_key_, *store_);
    } catch (const ChainError&) {
        throw;
    } catch (const std::runtime_error& e) {
        throw ChainError(e.what());
    }
}

std::optional<uint64_t> Chain::current_state() const {
    for (auto it = blocks_.rbegin(); it != blocks_.rend(); ++it) {
        if (it->payload.kind == BlockKind::Rollback) return it->payload.target_height;
        if (it->payload.kind == BlockKind::Epoch) return it->header.height;
    }
    return std::nullopt;
}

AppendReport Chain::commit(Payload payload, bool through_block_creation) {
    const auto start = Clock::now();
    AppendReport rep;
    const ChainConfig& cfg = store_->config();
    if (registered_keys_.empty()) throw ChainError("the chain has no nodes");
    const auto n = static_cast<uint32_t>(registered_keys_.size());
    Block block;
    block.payload = std::move(payload);
    BlockHeader& h = block.header;
    h.height = blocks_.size();
    h.prev = blocks_.back().hash();
    h.timestamp_ms = std::max(now_ms(), blocks_.back().header.timestamp_ms);
    h.payload_root = block.payload.root();
    h.difficulty_bits = cfg.difficulty_bits;
    ledger_.set_block(h.height, h.timestamp_ms / 1000);
    // Whatever ends this block other than its storage (a revert, a failed race, no quorum, an
    // exception) leaves the ledger as the last stored block left it.
    DiscardUnlessStored pending{ledger_};

    auto timed_call = [&](const vm::address& to, const std::string& name, const std::string& sig,
                          const std::vector<AbiValue>& args) {
        const auto t = Clock::now();
        auto r = ledger_.call(to, name, sig, args);
        rep.vm_ms += ms_since(t);
        rep.gas_used += r.receipt.gas_used;
        return r;
    };

    // Block creation: the contract checks the Results Queue and broadcasts to every node.
    std::vector<uint32_t> recipients;
    if (through_block_creation) {
        ledger_.set_balance(results_account_, vm::uint256{results_.size()});
        const auto r = timed_call(
            creation_, "BlockCreation", "create(uint256,bytes32,uint256,uint256)",
            {vm::uint256{h.height}, h.payload_root, vm::uint256{block.payload.epoch}, vm::uint256{n}});
        if (!r.ok()) {
            rep.reason = "BlockCreation.create reverted: " + r.revert_reason;
            return rep;
        }
        for (const auto& ev : Ledger::events(r.receipt, "Broadcast(uint256,uint256,bytes32)")) {
            const auto node = ev.topics.at(1).to_word().w[0];
            if (node < n) recipients.push_back(static_cast<uint32_t>(node));
        }
        (void)results_.try_pop();
        ledger_.set_balance(results_account_, vm::uint256{results_.size()});
    } else {
        for (uint32_t i = 0; i < n; ++i) recipients.push_back(i);
    }
    // The nodes check the checkpoint before they vote: it goes out before the candidate.
    if (block.payload.kind == BlockKind::Epoch || block.payload.kind == BlockKind::Rollback)
        transport_->publish_checkpoint(*store_, block.payload.checkpoint);
    transport_->broadcast(h, block.payload, recipients);

    // The race: the nodes' claims go to the Consensus Queue.
    const auto mining_start = Clock::now();
    const RaceOutcome race = transport_->race(h, block.payload, claims_);
    rep.tries = race.tries;
    rep.mining_ms = ms_since(mining_start);
    if (!race.failure.empty()) {
        rep.reason = race.failure;
        return rep;
    }

    const auto consensus_start = Clock::now();
    const double vm_before = rep.vm_ms;
    const vm::uint256 target = vm::uint256::from_be(target_of(cfg.difficulty_bits).data(), 32);
    // Signatures are checked against the keys registered in the store, not the nodes' own.
    const std::vector<PublicKey>& keys = registered_keys_;
    bool decided = false;
    while (auto claim = claims_.try_pop()) {
        if (decided) continue;  // later claims for a decided height are stale
        BlockHeader claimed = h;
        claimed.nonce = claim->nonce;
        const auto header_bytes = claimed.encode();
        const auto work =
            timed_call(consensus_, "Consensus", "submitWork(uint256,bytes,bytes32,uint256,uint256)",
                       {vm::uint256{h.height}, Bytes(header_bytes.begin(), header_bytes.end()), claim->hash,
                        vm::uint256{claim->nonce}, target});
        if (!work.ok()) {
            ++rep.forged_claims;
            continue;
        }
        // Every live node checks the claim itself and signs its vote; the runtime checks each
        // signature against the registered key before the contract counts it. For a block carrying
        // a segment commitment, the nodes its hash draws replay sampled segments before they vote,
        // and the block is decided once they have voted: a replaying node (slower than the others)
        // must not be outrun by the quorum. A replaying node's reject for a training reason (a
        // veto) ends the round at once; from another node it is one reject.
        VoteRound round;
        if (block.payload.segments) {
            round.replayers = replaying_nodes(claim->hash, n, options_.replaying_nodes);
            round.store = store_.get();
        }
        const std::set<uint32_t> replayers(round.replayers.begin(), round.replayers.end());
        std::set<uint32_t> waiting = replayers;  // the replaying nodes that have not voted yet
        std::set<uint32_t> unchecked;            // replaying nodes that accepted without replaying
        std::set<uint32_t> replayed;             // replaying nodes that ran the check
        std::vector<Vote> accepted;
        bool accepted_by_contract = false;
        std::optional<Clock::time_point> accepted_at;
        round.keep_waiting = [&](double) {
            return !accepted_at || ms_since(*accepted_at) < 1000 * options_.replay_wait_seconds;
        };
        transport_->collect_votes(claimed, *claim, round, [&](const Vote& v) {
            if (v.node >= keys.size() ||
                !verify_signature(keys[v.node], vote_message(claim->hash, v.accept), v.signature)) {
                ++rep.invalid_votes;
                return true;
            }
            // Once the contract has accepted, the votes still awaited from the replaying nodes are
            // checked and kept here, not sent to it: it would only count them (gas the paper's
            // cost analysis does not have), and a veto needs no contract to end the round.
            std::optional<CallResult> r;
            if (!accepted_by_contract) {
                r = timed_call(consensus_, "Consensus", "vote(uint256,uint256,bool,uint256)",
                               {vm::uint256{h.height}, vm::uint256{v.node}, v.accept, vm::uint256{n}});
                if (!r->ok()) {
                    ++rep.invalid_votes;
                    return true;
                }
            }
            if (v.accept) {
                ++rep.accepts;
                accepted.push_back(v);
            } else {
                ++rep.rejects;
            }
            waiting.erase(v.node);
            if (v.accept && !v.replayed && replayers.contains(v.node)) unchecked.insert(v.node);
            if (v.replayed && replayers.contains(v.node)) replayed.insert(v.node);
            if (!v.accept && v.reason && v.reason->result() == ValidationResult::Training &&
                replayers.contains(v.node)) {
                decided = true;
                accepted_by_contract = false;
                rep.veto = Veto{v.node, *v.reason};
                rep.reason = "node " + std::to_string(v.node) + " rejected the block: " + v.reason->detail +
                             " (" + std::string(v.reason->token()) + ")";
                return false;
            }
            // Consensus.vote returns 0 while undecided (and for votes after the decision), 1 when
            // accepted, 2 when rejected.
            const uint64_t outcome = r ? r->get_u64(0) : 0;
            if (outcome == 1) {
                decided = true;
                accepted_by_contract = true;
                accepted_at = Clock::now();
            }
            if (accepted_by_contract) return !waiting.empty();
            if (outcome == 2) {
                decided = true;
                rep.reason = "the nodes rejected the block";
                return false;
            }
            return true;
        });
        rep.replayed.assign(replayed.begin(), replayed.end());
        if (accepted_by_contract) {
            unchecked.insert(waiting.begin(), waiting.end());
            rep.unchecked.assign(unchecked.begin(), unchecked.end());
            rep.accepted = true;
            h.nonce = claim->nonce;
            block.votes = std::move(accepted);
            rep.winner = claim->node;
        }
        if (!decided && rep.reason.empty()) rep.reason = "no quorum: too few nodes voted";
    }
    rep.consensus_ms = ms_since(consensus_start) - (rep.vm_ms - vm_before);
    if (!rep.accepted) {
        if (rep.reason.empty()) rep.reason = "no valid proof of work was submitted";
        rep.total_ms = ms_since(start);
        return rep;
    }
    const auto storage_start = Clock::now();
    BlockRecords records{ledger_.take_gas(h.height), ledger_.take_profiles(h.height),
                         ledger_.pending_changes()};
    store_->append(block, records.gas, &*records.state, records.profiles);
    ledger_.commit_changes(*records.state);
    pending.stored = true;
    rep.storage_ms = ms_since(storage_start);
    Block kept = block;
    kept.votes.clear();  // in the store; the chain in memory holds headers and payloads
    blocks_.push_back(std::move(kept));
    transport_->accepted(block, records);
    rep.block = block;
    rep.total_ms = ms_since(start);
    return rep;
}

AppendReport Chain::append_epoch(EpochResult result) {
    Payload p;
    p.kind = BlockKind::Epoch;
    p.run_id = store_->config().run_id;
    p.epoch = result.epoch;
    p.accuracy = result.accuracy;
    p.loss = result.loss;
    p.note = result.note;
    p.segments = result.segments;
    const auto t = Clock::now();
    p.checkpoint = store_->put_checkpoint(result.checkpoint);
    const double checkpoint_ms = ms_since(t);
    p.checkpoint_size = result.checkpoint.size();
    transport_->post_result(result, p.checkpoint);
    results_.push(std::move(result));
    auto rep = commit(std::move(p), true);
    rep.storage_ms += checkpoint_ms;
    rep.total_ms += checkpoint_ms;
    return rep;
}

RollbackReport Chain::rollback(std::optional<uint64_t> to, const std::string& reason,
                               std::optional<uint64_t> failing, const std::optional<std::string>& note) {
    RollbackReport rep;
    if (!valid_utf8(reason) || (note && !valid_utf8(*note)))
        throw ChainError("the rollback reason is not valid UTF-8");
    const auto n = static_cast<uint32_t>(registered_keys_.size());
    if (failing && *failing >= blocks_.size())
        throw ChainError("the failing block " + std::to_string(*failing) + " is not in the chain");
    ledger_.set_block(blocks_.size(), now_ms() / 1000);
    // A rollback that ends before its block is stored leaves no trace in the ledger (commit
    // discards its own failures, and so the Rollback calls with them).
    DiscardUnlessStored pending{ledger_};
    const auto opened = ledger_.call(rollback_, "Rollback", "open(uint256,string)",
                                     {vm::uint256{blocks_.size() - 1}, reason});
    if (!opened.ok()) throw ChainError("Rollback.open reverted: " + opened.revert_reason);
    const vm::uint256 id = opened.get<vm::uint256>(0);
    RestoreRequest request;
    request.id = opened.get_u64(0);
    request.run_id = store_->config().run_id;
    request.tip = blocks_.size() - 1;
    request.to = to;
    request.failing = failing;
    request.failing_hash = blocks_[request.subject()].hash();
    // Each answer is checked as the rollback block's validation will check it (the registered key,
    // this chain's hashes) before the contract counts it; the counted ones go into the block.
    std::vector<RollbackProposal> counted;
    transport_->collect_restore_points(request, [&](const Proposal& p) {
        if (p.node >= n || p.height >= blocks_.size() || p.target_hash != blocks_[p.height].hash() ||
            !proposal_signed(request, registered_keys_[p.node], p)) {
            ++rep.invalid_proposals;
            return;
        }
        const auto r = ledger_.call(rollback_, "Rollback", "propose(uint256,uint256,uint256)",
                                    {id, vm::uint256{p.node}, vm::uint256{p.height}});
        if (!r.ok()) return;
        ++rep.proposals[p.height];
        counted.push_back({p.node, p.height, p.signature});
    });
    const auto decided = ledger_.call(rollback_, "Rollback", "decide(uint256,uint256)", {id, vm::uint256{n}});
    if (!decided.ok()) throw ChainError("no rollback: " + decided.revert_reason);
    rep.target = decided.get_u64(0);
    if (rep.target >= blocks_.size() || blocks_[rep.target].payload.kind != BlockKind::Epoch)
        throw ChainError("the decided restore point " + std::to_string(rep.target) +
                         " is not an epoch block");
    const Payload& target = blocks_[rep.target].payload;
    Payload p;
    p.kind = BlockKind::Rollback;
    p.run_id = store_->config().run_id;
    p.epoch = target.epoch;
    p.accuracy = target.accuracy;
    p.loss = target.loss;
    p.checkpoint = target.checkpoint;
    p.checkpoint_size = target.checkpoint_size;
    p.target_height = rep.target;
    p.note = std::string(utf8_prefix(note ? *note : reason, 4096));
    p.failing_height = request.subject();
    std::sort(counted.begin(), counted.end(),
              [](const RollbackProposal& a, const RollbackProposal& b) { return a.node < b.node; });
    p.proposals = std::move(counted);
    rep.block = commit(std::move(p), false);
    pending.stored = rep.block.accepted;
    if (!rep.block.accepted) throw ChainError("the rollback block was not accepted: " + rep.block.reason);
    return rep;
}

uint64_t next_epoch(const std::vector<Block>& blocks) {
    const auto state = previous_state(blocks, blocks.size());
    return state ? blocks[*state].payload.epoch + 1 : 1;
}

ValidationState check_epoch_result(const std::vector<Block>& blocks, const EpochResult& r) {
    auto bad = [](Reject code, std::string why) { return ValidationState::invalid(code, std::move(why)); };
    const uint64_t next = next_epoch(blocks);
    if (r.epoch == 0) return bad(Reject::EpochZero, "epochs are numbered from 1");
    if (r.epoch != next)
        return bad(Reject::EpochOrder,
                   "the run expects epoch " + std::to_string(next) + ", not " + std::to_string(r.epoch));
    if (!(r.accuracy >= 0 && r.accuracy <= 1)) {
        char text[32];
        const auto end = std::to_chars(text, text + sizeof text, r.accuracy).ptr;  // shortest form
        return bad(Reject::Accuracy,
                   "the accuracy must be a number from 0 to 1, not " + std::string(text, end));
    }
    if (!valid_utf8(r.note)) return bad(Reject::NoteUtf8, "the note is not valid UTF-8");
    if (r.note.size() > 4096) return bad(Reject::NoteLength, "the note is longer than 4096 bytes");
    if (r.segments && r.segments->steps == 0)
        return bad(Reject::SegmentCommitment, "the segment commitment has 0 steps per segment (at least 1)");
    if (r.segments && (r.segments->count == 0 || r.segments->count > max_segments))
        return bad(Reject::SegmentCommitment, "the segment commitment has " +
                                                  std::to_string(r.segments->count) + " segments (1 to " +
                                                  std::to_string(max_segments) + ")");
    return {};
}

ValidationState check_rollback_request(const std::vector<Block>& blocks, std::optional<uint64_t> to) {
    auto bad = [](Reject code, std::string why) { return ValidationState::invalid(code, std::move(why)); };
    if (to && (*to >= blocks.size() || blocks[*to].payload.kind != BlockKind::Epoch))
        return bad(Reject::RollbackNotEpoch,
                   "block " + std::to_string(*to) + " is not an epoch block of this chain");
    const auto state = previous_state(blocks, blocks.size());
    if (!state) return bad(Reject::RollbackNoState, "the run has no epoch to roll back to");
    if (to && *to == *state)
        return bad(Reject::RollbackIsState,
                   "block " + std::to_string(*to) + " already holds the run's training state");
    if (to && !std::isfinite(blocks[*to].payload.loss))
        return bad(Reject::RollbackLoss,
                   "block " + std::to_string(*to) + "'s loss is not finite: not a state to restore");
    if (!to && !previous_state(blocks, *state))
        return bad(Reject::RollbackNoEarlier, "the run has no epoch before its current state (block " +
                                                  std::to_string(*state) + ") to roll back to");
    return {};
}

namespace {

/// The message proposal `q` of rollback block `b` (at height chain.size()) must be signed over;
/// the caller has checked that the failing block and the target are in `chain`.
Bytes rollback_proposal_message(uint64_t run_id, std::span<const Block> chain, const Block& b,
                                const RollbackProposal& q) {
    return proposal_message(run_id, chain.size(), chain[b.payload.failing_height].hash(), q.target_height,
                            chain[q.target_height].hash());
}

/// The proposals of rollback block `b` (validate_next_block): present, the failing block an earlier
/// block, each from a distinct registered node, naming an earlier block, signed (when
/// `signatures`), and the block's target proposed by more than half of the registered nodes.
ValidationState check_proposals(const ChainConfig& cfg, const std::vector<NodeRecord>& nodes,
                                std::span<const Block> chain, const Block& b, bool signatures) {
    auto bad = [](Reject code, std::string why) { return ValidationState::invalid(code, std::move(why)); };
    const uint64_t i = chain.size();
    const auto& proposals = b.payload.proposals;
    if (proposals.empty()) return bad(Reject::ProposalMissing, "the rollback carries no signed proposals");
    if (b.payload.failing_height >= i)
        return bad(Reject::ProposalFailing, "the failing block " + std::to_string(b.payload.failing_height) +
                                                " the proposals answer is not an earlier block");
    std::vector<bool> proposed(nodes.size(), false);
    uint64_t for_target = 0;
    for (const auto& q : proposals) {
        const std::string who = "node " + std::to_string(q.node);
        if (q.node >= nodes.size())
            return bad(Reject::ProposalNode, "a proposal comes from unregistered " + who);
        if (proposed[q.node]) return bad(Reject::ProposalDuplicate, who + " proposed twice");
        proposed[q.node] = true;
        if (q.target_height >= i)
            return bad(Reject::ProposalTarget, who + "'s proposal names block " +
                                                   std::to_string(q.target_height) +
                                                   ", not an earlier block");
        if (signatures && !verify_signature(nodes[q.node].public_key,
                                            rollback_proposal_message(cfg.run_id, chain, b, q), q.signature))
            return bad(Reject::ProposalSignature, who + "'s proposal signature is invalid");
        if (q.target_height == b.payload.target_height) ++for_target;
    }
    if (for_target * 2 <= nodes.size())
        return bad(Reject::ProposalMajority,
                   std::to_string(for_target) + " of " + std::to_string(nodes.size()) +
                       " registered nodes proposed the target " + std::to_string(b.payload.target_height) +
                       ": not more than half");
    return {};
}

}  // namespace

ValidationState validate_next_block(const ChainConfig& cfg, const std::vector<NodeRecord>& nodes,
                                    std::span<const Block> chain, const Block& b, VoteCheck vote_check) {
    auto bad = [](Reject code, std::string why) { return ValidationState::invalid(code, std::move(why)); };
    const uint64_t i = chain.size();
    if (b.header.height != i)
        return bad(Reject::Height, "the block stands at height " + std::to_string(b.header.height) +
                                       ", the next is " + std::to_string(i));
    if (b.header.prev != (i == 0 ? Hash{} : chain.back().hash()))
        return bad(Reject::PrevBlock,
                   "the previous hash does not match block " + std::to_string(i ? i - 1 : 0));
    if (b.payload.root() != b.header.payload_root)
        return bad(Reject::PayloadRoot, "the payload does not match the header's payload root");
    if (b.header.difficulty_bits != cfg.difficulty_bits)
        return bad(Reject::DiffBits, "the difficulty differs from the chain's (" +
                                         std::to_string(cfg.difficulty_bits) + " bits)");
    if (!check_proof_of_work(b.hash(), b.header.difficulty_bits))
        return bad(Reject::HighHash, "the proof of work does not meet the difficulty");
    if (i > 0 && b.header.timestamp_ms < chain.back().header.timestamp_ms)
        return bad(Reject::TimeTooOld, "the timestamp is earlier than the previous block's");
    if (b.payload.run_id != cfg.run_id) return bad(Reject::RunId, "the run id differs from the chain's");
    const bool kind_ok = i == 0 ? b.payload.kind == BlockKind::Genesis
                         : i == 1
                             ? b.payload.kind == BlockKind::Registration
                             : b.payload.kind == BlockKind::Epoch || b.payload.kind == BlockKind::Rollback;
    if (!kind_ok)
        return bad(Reject::Kind,
                   "a " + kind_name(b.payload.kind) + " block cannot stand at height " + std::to_string(i));
    if (b.payload.kind != BlockKind::Rollback &&
        (!b.payload.proposals.empty() || b.payload.failing_height != 0))
        return bad(Reject::ProposalUnexpected,
                   "a " + kind_name(b.payload.kind) + " block carries rollback proposals");
    if (b.payload.segments && b.payload.kind != BlockKind::Epoch)
        return bad(Reject::SegmentsUnexpected,
                   "a " + kind_name(b.payload.kind) + " block carries a segment commitment");
    if (const auto& c = b.payload.segments; c && (c->steps == 0 || c->count == 0 || c->count > max_segments))
        return bad(Reject::SegmentCommitment, "the segment commitment has " + std::to_string(c->steps) +
                                                  " steps per segment and " + std::to_string(c->count) +
                                                  " segments (at least 1 step, 1 to " +
                                                  std::to_string(max_segments) + " segments)");
    if (i == 0) {
        if (!b.votes.empty()) return bad(Reject::GenesisVotes, "the genesis block carries votes");
        if (b.payload.note != config_note(cfg))
            return bad(Reject::GenesisConfig,
                       "the chain's configuration does not match the genesis block (" + b.payload.note + ")");
        return {};
    }
    if (i == 1 && b.payload.checkpoint != node_set_digest(nodes))
        return bad(Reject::NodeKeys, "the registered node keys do not match the registration block");
    std::vector<bool> seen(nodes.size(), false);
    uint64_t accepts = 0;
    const Hash h = b.hash();
    for (const auto& v :
         vote_check == VoteCheck::None ? std::span<const Vote>{} : std::span<const Vote>(b.votes)) {
        if (v.node >= nodes.size())
            return bad(Reject::VoteNode, "a vote comes from unregistered node " + std::to_string(v.node));
        if (seen[v.node])
            return bad(Reject::VoteDuplicate, "node " + std::to_string(v.node) + " voted twice");
        seen[v.node] = true;
        if (vote_check == VoteCheck::Signed &&
            !verify_signature(nodes[v.node].public_key, vote_message(h, v.accept), v.signature))
            return bad(Reject::VoteSignature,
                       "node " + std::to_string(v.node) + "'s vote signature is invalid");
        if (v.accept) ++accepts;
    }
    if (vote_check != VoteCheck::None && !has_quorum(accepts, nodes.size(), cfg.quorum_percent))
        return bad(Reject::VoteQuorum, std::to_string(accepts) + " accepting votes of " +
                                           std::to_string(nodes.size()) + " nodes are below the " +
                                           std::to_string(cfg.quorum_percent) + " % quorum");
    if (b.payload.kind == BlockKind::Rollback) {
        const uint64_t t = b.payload.target_height;
        if (t >= i || chain[t].payload.kind != BlockKind::Epoch)
            return bad(Reject::RollbackTarget,
                       "the rollback target " + std::to_string(t) + " is not an earlier epoch block");
        if (chain[t].payload.checkpoint != b.payload.checkpoint)
            return bad(Reject::RollbackCheckpoint,
                       "the rollback names a different checkpoint than its target");
        if (auto proposals = check_proposals(cfg, nodes, chain, b, vote_check != VoteCheck::Unsigned);
            !proposals.ok())
            return proposals;
    }
    return {};
}

namespace {

/// A check that runs after the sequential pass, in parallel: a vote signature, a rollback
/// proposal's signature or a checkpoint.
struct DeferredCheck {
    size_t block = 0;
    enum class Kind { Signature, Proposal, Checkpoint } kind = Kind::Signature;
    uint32_t node = 0;  ///< the voter; proposals: the proposal's index in the payload
    bool accept = false;
    Hash hash{};  ///< the block hash (signatures) or the checkpoint digest
    Signature signature{};
    uint64_t size = 0;  ///< the checkpoint size the payload states
};

}  // namespace

/// The first thing wrong with the state journal of a chain whose last block is `tip`: the block
/// and why; nullopt when the journal holds up. Rows are replayed from the first (applied to the
/// empty world), each checked against the world before it and its digest against the world
/// after it; the saved world must be the one after the last row, and the last row the tip's.
std::optional<std::pair<uint64_t, ValidationState>> check_state_journal(const Store& store, uint64_t tip) {
    using Found = std::optional<std::pair<uint64_t, ValidationState>>;
    auto at = [](uint64_t height, Reject code, std::string why) {
        return Found{{height, ValidationState::invalid(code, std::move(why))}};
    };
    std::vector<Store::RawStateRow> rows;
    World saved;
    try {
        rows = store.raw_state_journal();
        saved = store.vm_state();
    } catch (const std::exception& e) {
        return at(tip, Reject::StateSaved, std::string("the saved VM state cannot be read: ") + e.what());
    }
    if (rows.empty())
        return at(tip, Reject::StateMissing,
                  "the state journal is empty: the VM state after the last block is not recorded");
    World world;
    for (size_t i = 0; i < rows.size(); ++i) {
        const auto& row = rows[i];
        const std::string block = "block " + std::to_string(row.height);
        if (i > 0 && row.height != rows[i - 1].height + 1 && rows[i - 1].height + 1 <= tip)
            return at(rows[i - 1].height + 1, Reject::StateChanges,
                      "the state journal has no row for block " + std::to_string(rows[i - 1].height + 1) +
                          " (it goes on at " + block + ")");
        if (row.height > tip)
            return at(row.height, Reject::StateHeight,
                      "the state journal has a row for " + block + ", which the chain does not hold");
        std::string why;
        const auto changes = StateChanges::decode(row.changes, &why);
        if (!changes)
            return at(row.height, Reject::StateChanges,
                      "the VM state changes of " + block + " are malformed: " + why);
        if (!changes->apply(world, &why))
            return at(row.height, Reject::StateChanges,
                      "the VM state changes of " + block + " do not apply to the state before it: " + why);
        const Hash digest = state_digest(world);
        if (row.digest.size() != digest.size() ||
            !std::equal(digest.begin(), digest.end(), row.digest.begin()))
            return at(row.height, Reject::StateDigest,
                      "the VM state after " + block + " does not have the digest its journal row records");
    }
    if (rows.back().height < tip)
        return at(rows.back().height + 1, Reject::StateMissing,
                  "the state journal ends at block " + std::to_string(rows.back().height) +
                      ": the VM state after the last block is not recorded");
    if (state_digest(saved) != state_digest(world))
        return at(tip, Reject::StateSaved,
                  "the saved VM state is not the state the journal leaves after the last block");
    return std::nullopt;
}

VerifyReport verify(const Store& store) {
    VerifyReport rep;
    const ChainConfig& cfg = store.config();
    auto bad = [&](std::optional<uint64_t> height, Reject code, std::string why) {
        rep.ok = false;
        rep.bad_height = height;
        rep.code = code;
        rep.reason = std::move(why);
        return rep;
    };
    std::vector<Store::RawBlock> raw;
    std::vector<Block> blocks;
    std::vector<NodeRecord> nodes;
    std::map<Hash, Hash> file_digests;  // checkpoint digest -> its stored file's digest
    try {
        raw = store.raw_blocks();
        blocks = store.blocks(raw);
        nodes = store.nodes();
        file_digests = store.checkpoint_file_digests();
    } catch (const std::exception& e) {
        return bad(std::nullopt, Reject::StoreUnreadable, e.what());
    }
    rep.blocks = raw.size();
    if (raw.empty()) return bad(std::nullopt, Reject::NoBlocks, "the chain has no blocks");
    for (const auto& node : nodes)
        if (node.index >= nodes.size()) return bad(1, Reject::NodeIndex, "node indices are not contiguous");

    // Pass 1, sequential and cheap: encodings, links, roots, proof of work, kinds, vote sets.
    // Signatures and checkpoints are collected for pass 2. The first bad block of pass 1 bounds
    // the blocks pass 2 needs to look at.
    std::vector<DeferredCheck> deferred;
    std::optional<VerifyReport> structural;
    for (size_t i = 0; i < raw.size() && !structural; ++i) {
        const auto& r = raw[i];
        const Block& b = blocks[i];
        auto fail = [&](Reject code, std::string why) { structural = bad(r.height, code, std::move(why)); };
        if (r.height != i) {
            structural =
                bad(i, Reject::HeightGap, "block heights are not contiguous: expected " + std::to_string(i));
            break;
        }
        const Hash h = sha256(r.header);
        if (b.header.height != r.height) {
            fail(Reject::HeaderHeight, "the header's height does not match its place");
            break;
        }
        if (r.hash.size() != 32 || !std::equal(h.begin(), h.end(), r.hash.begin())) {
            fail(Reject::StoredHash, "the stored hash is not the hash of the stored header");
            break;
        }
        if (i == 1 && nodes.size() != cfg.nodes) {
            fail(Reject::NodeCount, "the store holds " + std::to_string(nodes.size()) + " nodes, the chain " +
                                        std::to_string(cfg.nodes));
            break;
        }
        // The same checks a node makes on a block it receives, with the signatures left for pass 2.
        if (auto check = validate_next_block(cfg, nodes, std::span(blocks).first(i), b, VoteCheck::Unsigned);
            !check.ok()) {
            fail(check.code, std::move(check.detail));
            break;
        }
        for (const auto& v : b.votes)
            deferred.push_back({i, DeferredCheck::Kind::Signature, v.node, v.accept, h, v.signature, 0});
        for (size_t k = 0; k < b.payload.proposals.size(); ++k)
            deferred.push_back(
                {i, DeferredCheck::Kind::Proposal, static_cast<uint32_t>(k), false, {}, {}, 0});
        if (b.payload.kind == BlockKind::Epoch || b.payload.kind == BlockKind::Rollback)
            deferred.push_back({i,
                                DeferredCheck::Kind::Checkpoint,
                                0,
                                false,
                                b.payload.checkpoint,
                                {},
                                b.payload.checkpoint_size});
    }

    // Pass 2, on every core: signatures (Ed25519) and checkpoints (zstd + SHA-256). Each worker
    // takes every T-th check; the lowest failing block wins.
    const size_t limit = structural ? *structural->bad_height : raw.size();
    const unsigned threads = std::max(1u, std::min(8u, std::thread::hardware_concurrency()));
    // The first failure a worker found: its block and why.
    struct Failure {
        size_t block = SIZE_MAX;
        ValidationState state;
    };
    std::vector<Failure> failures(threads);
    std::vector<std::thread> workers;
    for (unsigned t = 0; t < threads; ++t)
        workers.emplace_back([&, t] {
            auto& first = failures[t];
            for (size_t k = t; k < deferred.size(); k += threads) {
                const auto& d = deferred[k];
                if (d.block >= limit || d.block >= first.block) continue;
                ValidationState why;
                if (d.kind == DeferredCheck::Kind::Signature) {
                    if (!verify_signature(nodes[d.node].public_key, vote_message(d.hash, d.accept),
                                          d.signature))
                        why = {Reject::VoteSignature,
                               "node " + std::to_string(d.node) + "'s vote signature is invalid"};
                } else if (d.kind == DeferredCheck::Kind::Proposal) {
                    // Pass 1 checked the proposal's node, its target and the failing block.
                    const Block& b = blocks[d.block];
                    const auto& q = b.payload.proposals[d.node];
                    const auto message =
                        rollback_proposal_message(cfg.run_id, std::span(blocks).first(d.block), b, q);
                    if (!verify_signature(nodes[q.node].public_key, message, q.signature))
                        why = {Reject::ProposalSignature,
                               "node " + std::to_string(q.node) + "'s proposal signature is invalid"};
                } else {
                    try {
                        // The file, read once: its own digest first (a damaged frame is never
                        // decompressed: its size field could ask for gigabytes), then its content.
                        const auto path = store.checkpoint_path(d.hash);
                        const Bytes file = store.checkpoint_file(d.hash);
                        const auto recorded = file_digests.find(d.hash);
                        if (file.empty() && !std::filesystem::exists(path))
                            why = {Reject::CheckpointMissing, "checkpoint " + hex(d.hash) + " is missing"};
                        else if (recorded == file_digests.end() || sha256(file) != recorded->second)
                            why = {Reject::CheckpointFile,
                                   "the checkpoint file's bytes do not match the digest recorded for it"};
                        else if (const Bytes data = Store::decompress_checkpoint(file, path);
                                 sha256(data) != d.hash)
                            why = {Reject::CheckpointDigest,
                                   "the checkpoint's bytes do not match its digest"};
                        else if (data.size() != d.size)
                            why = {Reject::CheckpointSize,
                                   "the checkpoint's size does not match the payload"};
                    } catch (const std::exception& e) {
                        why = {Reject::CheckpointUnreadable, e.what()};
                    }
                }
                if (!why.ok()) first = {d.block, std::move(why)};
            }
        });
    // Pass 3, while the workers run: the state journal.
    const auto journal = check_state_journal(store, raw.back().height);
    for (auto& w : workers) w.join();
    Failure first;
    for (auto& f : failures)
        if (f.block < first.block) first = std::move(f);
    // The lowest bad block of the three passes (the journal's may be past the last block: a row
    // for a block that is not there).
    const std::optional<uint64_t> blocks_bad = first.block < limit ? std::optional<uint64_t>(first.block)
                                               : structural        ? structural->bad_height
                                                                   : std::nullopt;
    if (journal && (!blocks_bad || journal->first < *blocks_bad))
        return bad(journal->first, journal->second.code, std::move(journal->second.detail));
    if (first.block < limit) return bad(first.block, first.state.code, std::move(first.state.detail));
    if (structural) return *structural;
    return rep;
}

}  // namespace trainchain::runtime
