// runtime/include/trainchain/runtime/store.hpp - one run's chain directory: SQLite (WAL,
// synchronous FULL) for blocks, votes, nodes, gas receipts, the journal of the VM world's changes
// (one row per block) and the world after the last row, and checkpoints stored by SHA-256 and
// compressed with zstd.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "trainchain/runtime/block.hpp"
#include "trainchain/runtime/limits.hpp"
#include "trainchain/runtime/state.hpp"
#include "trainchain/vm/tracer.hpp"

struct sqlite3;

namespace trainchain::runtime {

/// A store that cannot be opened or read, with what and where.
struct StoreError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// What a chain is made with; fixed at `chain init`.
struct ChainConfig {
    uint32_t nodes = 100;
    uint32_t difficulty_bits = 16;
    std::string fork = "Petersburg";
    uint64_t run_id = 0;
    uint32_t quorum_percent = min_quorum_percent;  ///< min_quorum_percent to 100
};

/// A new run's id, drawn from the operating system's randomness: what tells one run's blocks and
/// messages from another's (NATS restore requests and replica checks rely on it). Every place that
/// creates a run without a seed of its own (the CLI, the HTTP API) draws it here.
uint64_t random_run_id();

/// A user node as stored: its index, public key and Node contract. Its private key is never in
/// the store: external nodes hold their own, in-process nodes' keys are in a key file of the run
/// (keys.hpp).
struct NodeRecord {
    uint32_t index = 0;
    PublicKey public_key{};
    std::array<uint8_t, 20> contract{};
};

/// The gas one contract call used.
struct GasRecord {
    uint64_t height = 0;  ///< the block it belongs to
    std::string contract;
    std::string function;
    int64_t gas_used = 0;
    bool success = true;
};

/// The gas of all the calls to one contract function made for one block, attributed to the
/// opcodes, precompiles and code deposits that spent it (see vm::GasProfile). For each record,
/// gas_used == intrinsic + profile.total() - refund.
struct GasProfileRecord {
    uint64_t height = 0;     ///< the block it belongs to
    std::string contract;    ///< the embedded contract's name, e.g. "Consensus"
    std::string function;    ///< the function's name ("constructor" for a deployment)
    uint64_t calls = 0;      ///< transactions
    int64_t gas_used = 0;    ///< their receipts' gas, summed
    int64_t intrinsic = 0;   ///< their intrinsic gas (21000 + calldata, ...), summed
    int64_t refund = 0;      ///< their refunds, summed
    vm::GasProfile profile;  ///< their execution gas
};

/// The names of the store's meta values, in one place (the store, the chain, the NATS replicas and
/// `chain rebuild` read and write them).
namespace meta_key {
/// The contract addresses (JSON), written by Chain::init.
inline constexpr const char* contracts = "contracts";
/// The server's public key (hex): a run refuses to open with another key.
inline constexpr const char* server_public_key = "server_public_key";
/// Where the nodes' keys are: node_keys_in_process (the run's key file) or node_keys_external.
inline constexpr const char* node_keys = "node_keys";
inline constexpr const char* node_keys_in_process = "in-process";
inline constexpr const char* node_keys_external = "external";
/// ChainOptions::run_config (run.toml). Remote transports send it with the run information, so
/// that the replicas hold it too.
inline constexpr const char* run_config = "run_config";
/// Stores of format 1 kept the server's seed here; opening one moves it to the key file.
inline constexpr const char* legacy_server_key = "server_key";
}  // namespace meta_key

/// The chain directory of one run.
class Store {
public:
    /// Creates `dir` (which must not hold a chain yet) with `config`.
    static std::unique_ptr<Store> create(const std::filesystem::path& dir, const ChainConfig& config);
    /// Opens an existing chain directory.
    static std::unique_ptr<Store> open(const std::filesystem::path& dir);
    ~Store();
    Store(const Store&) = delete;
    Store& operator=(const Store&) = delete;

    /// One read transaction: while it lives, every read through this store sees the same
    /// snapshot of the chain, even as another connection appends blocks (SQLite in WAL mode).
    class ReadSnapshot {
    public:
        explicit ReadSnapshot(const Store& store);
        ~ReadSnapshot();
        ReadSnapshot(const ReadSnapshot&) = delete;
        ReadSnapshot& operator=(const ReadSnapshot&) = delete;

    private:
        const Store& store_;
    };
    /// Starts a read snapshot (see ReadSnapshot).
    [[nodiscard]] ReadSnapshot snapshot() const { return ReadSnapshot(*this); }

    [[nodiscard]] const ChainConfig& config() const noexcept { return config_; }
    [[nodiscard]] const std::filesystem::path& dir() const noexcept { return dir_; }

    /// Adds the nodes, in one transaction.
    void put_nodes(const std::vector<NodeRecord>& nodes);
    [[nodiscard]] std::vector<NodeRecord> nodes() const;

    /// The private keys a store made before keys had files of their own kept inside: the server's
    /// seed (meta `server_key`) and the in-process nodes' seeds (a `seed` column of `nodes`; all
    /// zero for external nodes). Chain::open moves them out (keys.hpp) and erases them.
    struct LegacyKeys {
        bool any = false;                               ///< the store holds either
        std::optional<std::array<uint8_t, 32>> server;  ///< the server's seed
        std::vector<std::array<uint8_t, 32>> nodes;     ///< by node index; empty: no seed column
    };
    [[nodiscard]] LegacyKeys legacy_keys() const;
    /// Drops the `seed` column and the server's seed, then rebuilds the database file (VACUUM) so
    /// that no free page keeps their bytes.
    void erase_legacy_keys();

    /// Appends a block with its votes, the gas records of the calls that made it, its row of the
    /// state journal (what the calls changed in the VM world and the world's digest after them;
    /// null: none, as for a replica that did not get it) and their gas profiles, in one
    /// transaction: after a crash either all of it is there or none. The row updates the saved
    /// world (vm_state) by its changes only. It must follow the journal's last row (or start an
    /// empty journal) and apply to the saved world, every value it replaces being the saved one:
    /// StoreError otherwise, and nothing is written.
    void append(const Block& block, const std::vector<GasRecord>& gas, const StateRecord* state,
                const std::vector<GasProfileRecord>& profiles = {});
    /// Every block, in height order, with its votes.
    [[nodiscard]] std::vector<Block> blocks() const;
    /// Every block, in height order, without its votes (one query less, and a fraction of the
    /// bytes: what a writer keeps in memory), with capacity for append_headroom more.
    [[nodiscard]] std::vector<Block> blocks_without_votes() const;
    /// The blocks a writer's lists of blocks (the chain's, the in-process nodes' shared replica)
    /// have room for beyond those read when it opens: its next appends copy no list.
    static constexpr size_t append_headroom = 1024;
    /// One block with its votes; nullopt past the last.
    [[nodiscard]] std::optional<Block> block(uint64_t height) const;
    [[nodiscard]] size_t block_count() const;
    /// The raw stored header and payload bytes of a block (for verification).
    struct RawBlock {
        uint64_t height = 0;
        Bytes hash, header, payload;
    };
    [[nodiscard]] std::vector<RawBlock> raw_blocks() const;
    /// The blocks of rows already read with raw_blocks(), decoded, with their votes.
    [[nodiscard]] std::vector<Block> blocks(const std::vector<RawBlock>& raw) const;
    [[nodiscard]] std::vector<GasRecord> gas_records() const;
    /// The gas records of one block, in the order they were made.
    [[nodiscard]] std::vector<GasRecord> gas_records(uint64_t height) const;
    /// Every stored gas profile, in block order (none for chains written before profiles were).
    [[nodiscard]] std::vector<GasProfileRecord> gas_profiles() const;
    /// The gas profiles of one block.
    [[nodiscard]] std::vector<GasProfileRecord> gas_profiles(uint64_t height) const;
    /// The VM world after the journal's last row (empty before the first), read from its tables:
    /// what a writer loads, at a cost that follows the world's size, not the chain's length.
    [[nodiscard]] World vm_state() const;
    /// The height of the journal's last row (the block the saved world is the one after); nullopt
    /// for an empty journal.
    [[nodiscard]] std::optional<uint64_t> state_height() const;
    /// The journal's row of block `height`, decoded; nullopt when the journal has none. StoreError
    /// when it is malformed.
    [[nodiscard]] std::optional<StateRecord> state_record(uint64_t height) const;
    /// A journal row as stored (for verification).
    struct RawStateRow {
        uint64_t height = 0;
        Bytes changes, digest;
    };
    /// Every journal row, in height order.
    [[nodiscard]] std::vector<RawStateRow> raw_state_journal() const;
    /// The VM world after block `height`, rebuilt exactly from the journal: its rows replayed from
    /// the first (which applies to the empty world) to `height`, each row's values before checked
    /// and each digest compared. nullopt when the journal does not cover `height`; StoreError when
    /// a row does not apply or its digest differs.
    [[nodiscard]] std::optional<World> vm_state_at(uint64_t height) const;
    /// The store's format (configuration `format`): 3 since the VM world is kept as a journal, 4
    /// since epoch payloads may carry a segment commitment (a twelfth field older binaries cannot
    /// decode, so they refuse the store by its format instead).
    [[nodiscard]] int format() const noexcept { return format_; }
    /// A small named value: the keys a run uses are in meta_key.
    void set_meta(const std::string& key, const std::string& value);
    [[nodiscard]] std::optional<std::string> meta(const std::string& key) const;

    /// Stores checkpoint bytes (compressed, named by their SHA-256) and returns the digest.
    /// Writing is atomic: a temporary file, fsync, rename.
    Hash put_checkpoint(std::span<const uint8_t> bytes);
    /// The checkpoint with this digest, decompressed; nullopt when absent. Throws StoreError when
    /// the file is corrupt.
    [[nodiscard]] std::optional<Bytes> checkpoint(const Hash& digest) const;
    [[nodiscard]] std::filesystem::path checkpoint_path(const Hash& digest) const;
    /// SHA-256 of the stored (compressed) file, recorded in the block's transaction: zstd ignores
    /// a few bits of a frame, so the content digest alone would not notice them changing.
    [[nodiscard]] std::optional<Hash> checkpoint_file_digest(const Hash& digest) const;
    /// Every recorded file digest, by checkpoint digest, in one query (`verify` checks them all).
    [[nodiscard]] std::map<Hash, Hash> checkpoint_file_digests() const;
    /// The stored file's raw bytes (empty when absent).
    [[nodiscard]] Bytes checkpoint_file(const Hash& digest) const;
    /// A stored file's content (`file`, as checkpoint_file read it from `path`) decompressed;
    /// throws StoreError when it is not a zstd frame recording its size.
    [[nodiscard]] static Bytes decompress_checkpoint(std::span<const uint8_t> file,
                                                     const std::filesystem::path& path);
    /// Stores a checkpoint file another store wrote (a replica receiving the server's file), byte
    /// for byte, after checking that it is one zstd frame whose content has SHA-256 `digest` (and
    /// `size` bytes, when given); its file digest is recorded with the next append, as for
    /// put_checkpoint. A file already stored intact is kept. Throws StoreError naming what does not
    /// hold up (nothing is written then). The content is checked in pieces: memory stays small.
    /// Returns the file's SHA-256.
    Hash put_checkpoint_file(const Hash& digest, std::span<const uint8_t> file,
                             std::optional<uint64_t> size = std::nullopt);
    /// Records the file digests of the checkpoints written since the last append now, not with the
    /// next block: a replica's checkpoints of blocks it holds already.
    void record_checkpoint_files();
    /// The SHA-256 of the checkpoint's stored file when it is stored intact: the file is there and
    /// has the SHA-256 recorded for it (or written since the last append); nullopt otherwise. Reads
    /// the whole file.
    [[nodiscard]] std::optional<Hash> intact_checkpoint_file(const Hash& digest) const;
    /// Removes the temporary files (`checkpoints/.partial/<digest>.zst.XXXXXX`) a writer killed
    /// while it wrote a checkpoint left behind; the checkpoints themselves are untouched. Only for
    /// the holder of the chain's writer lock (Chain::open does it): another writer's file in
    /// progress would go. Lists that directory only, not the checkpoints. Returns how many were
    /// removed.
    size_t remove_temporary_files();

    /// Stores one training state of an epoch's segments (sampled replay), compressed with zstd
    /// level 1 (a trainer writes some forty per epoch), as `segments/<sha256>.zst`, written
    /// atomically (0600, the directory 0700); a file already there intact is kept. Returns the
    /// SHA-256 of `bytes` (the state's leaf). `verify` never asks for these files. Touches files
    /// only, not the database: a trainer may call it (and segment_state) from a worker thread while
    /// the store is used elsewhere.
    Hash put_segment_state(std::span<const uint8_t> bytes);
    /// The training state with this digest, decompressed; nullopt when its file is absent.
    /// StoreError when the file is not a zstd frame or its content's SHA-256 is not `digest`.
    [[nodiscard]] std::optional<Bytes> segment_state(const Hash& digest) const;
    [[nodiscard]] std::filesystem::path segment_state_path(const Hash& digest) const;
    /// Records the leaves (state digests, in order) of the segment commitment with root `root`,
    /// every state counted as kept. std::invalid_argument when they are empty, more than
    /// max_segments + 2, or their merkle_root is not `root`.
    void put_segment_leaves(const Hash& root, std::span<const Hash> leaves);
    /// The leaves recorded for `root`; nullopt when none are.
    [[nodiscard]] std::optional<std::vector<Hash>> segment_leaves(const Hash& root) const;
    /// Removes the state files of `root`'s leaves whose index is not in `keep` (indices past the
    /// last are ignored), except a file that a kept index of `root` or of another recorded root
    /// still names (states are content-addressed: a retrained epoch shares its first state with
    /// the candidate it replaces). Records that only `keep` (and what was kept before) remains of
    /// `root`; its leaves stay recorded. Returns how many files were removed.
    size_t drop_segment_states(const Hash& root, std::span<const uint32_t> keep);

private:
    Store(std::filesystem::path dir, sqlite3* db);
    void exec(const std::string& sql) const;
    void rollback_quietly() noexcept;
    void load_config();
    /// Where checkpoint files are written before they are renamed into place (made when absent):
    /// `checkpoints/.partial`, so that finding what a killed writer left does not list every
    /// checkpoint.
    [[nodiscard]] std::filesystem::path partial_dir() const;
    /// Removes the temporary checkpoint files stores of format 2 wrote beside the checkpoints
    /// (`<digest>.zst.XXXXXX`); once, when such a store is migrated. Returns how many.
    size_t remove_format_2_temporary_files();
    /// A store of format 2 (the whole VM world after the last block in meta `vm_state`) to format
    /// 3: the world becomes the journal's first row, at the block it follows.
    void migrate_from_format_2();
    /// Sets the configuration's `format` to store_format (inside a migration's transaction).
    void write_current_format();
    /// A store of format 3 to format 4: only the configuration's format changes (format 4 adds
    /// what a store may hold, not how it holds what it has).
    void migrate_from_format_3();
    /// Writes `state`'s row for block `height` and applies it to the saved world (inside append's
    /// transaction).
    void put_state(uint64_t height, const StateRecord& state);
    [[nodiscard]] std::vector<GasProfileRecord> read_profiles(std::optional<uint64_t> height) const;

    std::filesystem::path dir_;
    sqlite3* db_;
    ChainConfig config_;
    int format_ = 0;
    std::map<Hash, Hash> pending_files_;  ///< checkpoints written since the last append: file digests
};

/// Writes `bytes` to `path` atomically and durably: a unique temporary file beside it, written and
/// fsynced, renamed over `path`, then the directory fsynced. Throws StoreError ("PATH: error: cannot
/// write file: WHY"); the temporary file never stays behind.
void write_file_atomically(const std::filesystem::path& path, std::span<const uint8_t> bytes);

/// One leaf of a stored segment commitment, as a replaying node needs it: the leaf (a state's
/// digest), its Merkle proof (merkle_proof) and, when asked for, the state itself.
struct SegmentOpening {
    Hash leaf{};
    std::vector<Hash> proof;
    Bytes state;  ///< empty unless asked for
};

/// Leaf `index` (0 to count) of the commitment with root `root` stored in `store`, with its proof
/// from the recorded leaves, and its state when `with_state`; nullopt when the leaves are not
/// recorded, the index is past the last, or the state was asked for and its file is absent
/// (StoreError when it is corrupt). What the in-process check and the NATS responder serve.
[[nodiscard]] std::optional<SegmentOpening> open_segment(const Store& store, const Hash& root, uint32_t index,
                                                         bool with_state);

/// Where a replaying node gets leaf `index` of the commitment with Merkle root `root`: the leaf, its
/// proof and (when `with_state`) the state itself, as open_segment gives them; nullopt when it
/// cannot be had. The server's own store (open_segment on it), or the server over NATS for a node
/// process. The node checks what it gets against the root it holds.
using SegmentSource =
    std::function<std::optional<SegmentOpening>(const Hash& root, uint32_t index, bool with_state)>;

}  // namespace trainchain::runtime
