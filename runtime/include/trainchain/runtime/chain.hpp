// runtime/include/trainchain/runtime/chain.hpp - the chain of one training run: user nodes,
// queues, contracts, proof-of-work consensus, rollback, and verification of a stored chain.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "trainchain/runtime/keys.hpp"
#include "trainchain/runtime/ledger.hpp"
#include "trainchain/runtime/node.hpp"
#include "trainchain/runtime/pow.hpp"
#include "trainchain/runtime/queues.hpp"
#include "trainchain/runtime/store.hpp"
#include "trainchain/runtime/transport.hpp"

namespace trainchain::runtime {

/// Per-process settings: how the nodes are reached, faults to inject and mining threads.
struct ChainOptions {
    std::map<uint32_t, Fault> faults;  ///< node index -> fault (in-process nodes)
    unsigned threads = 0;              ///< mining threads (0: hardware threads; in-process nodes)
    /// The nodes' transport; null: InProcessTransport(faults, threads).
    std::shared_ptr<Transport> transport;
    /// Chain::init: the public keys of external nodes to register (their private keys stay with
    /// them); empty: the chain makes a key per node and keeps it in node_key_file (in-process
    /// nodes).
    std::vector<PublicKey> node_keys;
    /// The server's private key file (keys.hpp); empty: default_key_paths(dir).server, beside the
    /// run directory. Chain::init uses the key there or creates one; Chain::open needs it, and
    /// refuses a key other than the one the run was made with (recorded in the store).
    std::filesystem::path server_key_file;
    /// The in-process nodes' private keys; empty: default_key_paths(dir).nodes. Chain::init writes
    /// it (replacing a file left by an earlier run at the same directory); Chain::open reads it
    /// and refuses keys other than the registered ones. Unused with external nodes.
    std::filesystem::path node_key_file;
    /// Chain::init: the training configuration (a run's run.toml text) to record with the chain
    /// (meta_key::run_config), so that a run rebuilt from the nodes' copies (`chain rebuild`) can
    /// resume; empty for chains made without training (`chain init`, the HTTP API).
    std::string run_config;
    /// The check in-process nodes run on epoch blocks carrying a segment commitment before they
    /// accept them (EpochCheck; empty: none). Chain hands it to the transport (set_epoch_check).
    EpochCheck epoch_check;
    /// How many nodes replay each epoch block carrying a segment commitment (replaying_nodes(block
    /// hash, nodes, count) names them; sampling.hpp). Once the contract accepts such a block, the
    /// round goes on until they have voted (or `replay_wait_seconds` after the acceptance, when a
    /// remote replayer stays silent), so that a veto is never outrun by the quorum. Only these
    /// nodes can veto. Blocks without a commitment are decided at the quorum.
    uint32_t replaying_nodes = 0;
    double replay_wait_seconds = 600;
};

/// A replaying node's reject vote, on a block carrying a segment commitment, whose reason is of
/// kind ValidationResult::Training (its replay of the epoch's sampled segments failed): it ends the
/// round, whatever the other votes say. (Such a reason from a node that does not replay the block,
/// or on a block without a commitment, is an ordinary reject.)
struct Veto {
    uint32_t node = 0;       ///< the vetoing node
    ValidationState reason;  ///< why (its token: bad-segment-replay, ...)
};

/// Where the time of one block went, in milliseconds, and what happened.
struct AppendReport {
    Block block;
    bool accepted = false;
    std::string reason;  ///< why not, when rejected
    /// The node that vetoed the block, when one did ("node R rejected the block: DETAIL (TOKEN)"
    /// in `reason`). A new candidate for the same height may follow (the server retrains).
    std::optional<Veto> veto;
    /// Replaying nodes drawn for the block that had not voted when it was decided (crashed, or
    /// silent past ChainOptions::replay_wait_seconds) or accepted without replaying (a remote node
    /// that does not run the check): their check did not happen.
    std::vector<uint32_t> unchecked;
    /// Replaying nodes drawn for the block that voted having run the check (Vote::replayed).
    std::vector<uint32_t> replayed;
    uint32_t winner = 0;
    uint64_t tries = 0;
    uint32_t accepts = 0, rejects = 0, invalid_votes = 0, forged_claims = 0;
    int64_t gas_used = 0;
    double mining_ms = 0, consensus_ms = 0, vm_ms = 0, storage_ms = 0, total_ms = 0;
};

/// What a rollback decided.
struct RollbackReport {
    uint64_t target = 0;
    std::map<uint64_t, uint32_t> proposals;  ///< restore height -> nodes proposing it
    /// Answers dropped before the contract saw them: from no registered node, naming no block of
    /// the chain or another block hash than the chain's, or with a signature that does not check.
    uint32_t invalid_proposals = 0;
    AppendReport block;
};

/// A chain that failed a check, at a block, for a reason.
struct ChainError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// Another writer (a `chain append`, `rollback`, `train` or `serve`, in this process or another)
/// holds the chain directory's writer lock (`DIR/chain.lock`, flock): "DIR: error: the chain is
/// busy ...". Nothing was written; trying again later may succeed. Reading a chain needs no lock.
struct ChainBusy : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// The epoch the next epoch block of a run must record: one more than the epoch of its current
/// training state (previous_state before the next block), 1 before any epoch.
[[nodiscard]] uint64_t next_epoch(const std::vector<Block>& blocks);

/// Checks an epoch result given from outside (the CLI, the HTTP API) before anything of it is
/// written: the epoch is the run's next (next_epoch: not 0, not repeated, not skipped), the
/// accuracy a finite number from 0 to 1, the note valid UTF-8. The loss may be any number, NaN and
/// infinities included: a diverged epoch is recorded so that it can be detected and rolled back.
/// A segment commitment needs at least 1 step per segment and 1 to max_segments segments.
/// Rejects with EpochZero, EpochOrder, Accuracy, NoteUtf8, NoteLength or SegmentCommitment.
[[nodiscard]] ValidationState check_epoch_result(const std::vector<Block>& blocks, const EpochResult& result);

/// Checks a rollback asked for from outside (the CLI, the HTTP API), before the nodes are asked:
/// the run has a training state (current_state); a requested block `to` is an epoch block other
/// than the current state, with a finite loss; without `to`, an epoch precedes the current state
/// on its line of training. Without `to`, pass the current state as Chain::rollback's `failing`:
/// the nodes then choose the best epoch before it on that line (UserNode::restore_point), never
/// the state itself nor an abandoned epoch. Rejects with RollbackNotEpoch, RollbackNoState,
/// RollbackIsState, RollbackLoss or RollbackNoEarlier.
[[nodiscard]] ValidationState check_rollback_request(const std::vector<Block>& blocks,
                                                     std::optional<uint64_t> to);

/// The chain of one run, with its nodes and contracts.
class Chain {
public:
    /// Creates a chain in `dir`: deploys the contracts, mines the genesis block, registers the
    /// nodes (one Node contract each) and appends the registration block through consensus.
    static std::unique_ptr<Chain> init(const std::filesystem::path& dir, const ChainConfig& config,
                                       const ChainOptions& options = {});
    /// Opens an existing chain for writing: takes the directory's writer lock (ChainBusy when
    /// another writer holds it) and removes the temporary files of checkpoints whose writer was
    /// killed (Store::remove_temporary_files). init takes the same lock. To only read a chain, open
    /// its Store.
    static std::unique_ptr<Chain> open(const std::filesystem::path& dir, const ChainOptions& options = {});
    ~Chain();
    Chain(const Chain&) = delete;
    Chain& operator=(const Chain&) = delete;

    /// Posts an epoch result to the Results Queue and runs block creation and consensus for it.
    /// The result's segment commitment goes into the payload. A block that carries one is decided
    /// once its replaying nodes (ChainOptions::replaying_nodes; unset: every node) have voted, not
    /// at the quorum, so that a replaying node's veto is never outrun by the others' accepting
    /// votes; a veto rejects the block at once.
    AppendReport append_epoch(EpochResult result);

    /// Asks every node for its signed restore point (or, with `to`, for that block), checks each
    /// signature against the node's registered key, decides by majority through the Rollback
    /// contract, and appends a rollback block naming the target and carrying the signed proposals
    /// the contract counted (Payload::proposals, sorted by node) and the failing block they sign
    /// (`failing` when given, else the tip: RestoreRequest::subject). With `failing`, the nodes
    /// choose among the epochs that led to that block (see UserNode::restore_point). The rollback
    /// block's note is `note` when given (a JSON rollback note, epoch_note.hpp), else the reason.
    RollbackReport rollback(std::optional<uint64_t> to, const std::string& reason,
                            std::optional<uint64_t> failing = std::nullopt,
                            const std::optional<std::string>& note = std::nullopt);

    /// The chain's blocks, headers and payloads, without their votes (Store::blocks and
    /// Store::block have them; AppendReport::block holds the new block's).
    [[nodiscard]] const std::vector<Block>& blocks() const noexcept { return blocks_; }
    /// The in-process nodes (empty when the nodes are external).
    [[nodiscard]] const std::vector<UserNode>& nodes() const noexcept { return transport_->local_nodes(); }
    [[nodiscard]] Store& store() noexcept { return *store_; }
    [[nodiscard]] Ledger& ledger() noexcept { return ledger_; }
    /// The block whose checkpoint is the current training state: the last epoch block, or the
    /// target of the last rollback if that came later.
    [[nodiscard]] std::optional<uint64_t> current_state() const;
    /// The server's public key (its private key is in the server key file).
    [[nodiscard]] const PublicKey& server_public_key() const noexcept { return server_key_->public_key(); }

private:
    Chain(std::unique_ptr<Store> store, const ChainOptions& options);
    void give_node_keys(std::vector<KeyPair> keys);
    void load_nodes();
    void load_state();
    void load_contracts();
    AppendReport commit(Payload payload, bool broadcast_through_contract);

    int lock_fd_ = -1;  ///< the writer lock; released in ~Chain, after everything else
    std::unique_ptr<Store> store_;
    std::optional<KeyPair> server_key_;  ///< signs what the server sends remote nodes
    ChainOptions options_;
    Ledger ledger_;
    std::shared_ptr<Transport> transport_;
    std::vector<Block> blocks_;
    std::vector<PublicKey>
        registered_keys_;  ///< the stored node keys, by index (votes are checked against them)
    ResultsQueue results_;
    ConsensusQueue claims_;
    vm::address registry_{}, creation_{}, consensus_{}, rollback_{}, results_account_{};
};

/// True when the run's nodes are in-process (their private keys in the run's node key file,
/// ChainOptions::node_key_file), false when they are external (each holds its own key). Read from
/// the store (meta `node_keys`; a store made before the key files: from the seeds it kept).
bool in_process_nodes(const Store& store);

/// The text a genesis block's note holds: the configuration it commits to (node count, difficulty,
/// fork, quorum), which `verify` compares with the stored configuration.
std::string config_note(const ChainConfig& config);

/// Checks a block a node receives for its replica (`chain`, valid up to here): it must stand at
/// the next height, link to the tip, match its payload root, meet the chain's difficulty, keep
/// time monotonic, carry the run id, be of a kind allowed at its height (genesis: the
/// configuration; registration: the node keys), carry distinct valid signatures of registered
/// nodes reaching the quorum, and (rollbacks) name an earlier epoch block and its checkpoint and
/// carry the proposals that chose it: at least one, each from a distinct registered node, naming
/// an earlier block, signed over proposal_message (run id, this block's height, the hash of the
/// failing block it names, the target and its hash, all from `chain`), and more than half of the
/// registered nodes proposing the block's target. Other blocks carry no proposals. Only epoch blocks
/// may carry a segment commitment (steps at least 1, 1 to max_segments segments).
/// `votes` says how much of the votes to check: all (Signed), all but the signatures (Unsigned:
/// verify checks those, and the proposals' signatures, in parallel afterwards), or nothing (None: a
/// candidate a node is asked to vote on; its proposals are checked in full, signatures included).
/// Rejects with Height, PrevBlock, PayloadRoot, DiffBits, HighHash, TimeTooOld, RunId, Kind,
/// ProposalUnexpected, SegmentsUnexpected, SegmentCommitment, GenesisVotes, GenesisConfig, NodeKeys,
/// VoteNode, VoteDuplicate, VoteSignature, VoteQuorum, RollbackTarget, RollbackCheckpoint, ProposalMissing,
/// ProposalFailing, ProposalNode, ProposalDuplicate, ProposalTarget, ProposalSignature or ProposalMajority
/// (see validation.hpp for their tokens).
enum class VoteCheck { Signed, Unsigned, None };
ValidationState validate_next_block(const ChainConfig& config, const std::vector<NodeRecord>& nodes,
                                    std::span<const Block> chain, const Block& block,
                                    VoteCheck votes = VoteCheck::Signed);

/// The outcome of verifying a stored chain.
struct VerifyReport {
    bool ok = true;
    size_t blocks = 0;
    std::optional<uint64_t> bad_height;  ///< the first bad block
    Reject code = Reject::None;          ///< why (its token: reject_token), None when ok
    std::string reason;                  ///< why, in words (what `chain verify` prints)
};

/// Every block of a stored chain as a JSON array (height, kind, epoch, accuracy, loss, hash, prev,
/// nonce, winner, timestamp_ms, votes, checkpoint, checkpoint_size, rollbacks: target, failing and
/// proposals (their count), note, gas), as `history --json` prints it; non-finite accuracy or loss
/// is null.
std::string history_json(const Store& store, int indent = 2);
/// One block as a JSON object: its history entry plus `vote_list` (node, accept, signature),
/// rollbacks' `proposal_list` (node, target, signature: the signed restore points the block
/// records) and `transactions` (contract, function, gas_used, success); nullopt past the last block.
std::optional<std::string> block_json(const Store& store, uint64_t height, int indent = 2);

/// Re-checks everything stored: header and payload encodings, hash links, payload roots, proof of
/// work, vote signatures against the registered keys, the quorum, each rollback's signed proposals
/// and their majority, every checkpoint's digest, and the state journal: a row for each block from
/// its first to the last block and none for a block that is not there, each row applying to the
/// world the rows before it leave (the first to the empty world), each row's digest that of the
/// world after it, and the saved world (what Chain::open loads) the one after the last row.
VerifyReport verify(const Store& store);

/// What rebuild_from copied.
struct RebuildReport {
    size_t blocks = 0;       ///< blocks, with their votes, gas records and profiles
    size_t checkpoints = 0;  ///< checkpoint files, byte for byte
    VerifyReport verify;     ///< the rebuilt directory, verified
};

/// Rebuilds a run directory `dir` (absent or empty) from `source`, another copy of the run: a user
/// node's replica (which holds what the server's store holds, without the server's key) or a
/// server's store. Copies the configuration, the nodes, every block with its votes, gas records,
/// gas profiles and state journal row, the contract addresses and every epoch's checkpoint file
/// byte for byte, then verifies the result as `verify` does. Throws ChainError naming what is
/// missing (a checkpoint, a journal that does not reach the last block) or what does not
/// verify; nothing of `dir` stays behind then. Records `server_key` as the run's server key (the
/// private key stays in the operator's key file; Chain::open checks it), and refuses (KeyFileError)
/// a copy that recorded another.
RebuildReport rebuild_from(const Store& source, const std::filesystem::path& dir,
                           const PublicKey& server_key);

}  // namespace trainchain::runtime
