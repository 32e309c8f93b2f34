// runtime/include/trainchain/runtime/node.hpp - a user node: its key, its own replica of the
// chain, how it checks a proposed block and votes, how it picks a restore point, and the faults
// tests and demos can give it.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "trainchain/runtime/block.hpp"
#include "trainchain/runtime/validation.hpp"

namespace trainchain::runtime {

/// How a node misbehaves.
enum class Fault {
    None,
    Crash,              ///< takes no part: no mining, no votes, no proposals, no replica updates
    WrongVote,          ///< votes the opposite of what its checks say
    ForgeNonce,         ///< posts a made-up nonce and hash to the Consensus Queue
    WrongRestorePoint,  ///< proposes the worst block as the restore point
    TamperedReplica,    ///< its replica holds altered payloads (accuracy raised on an early block)
};

/// A replaying node's check of an epoch block's committed training segments (sampled replay,
/// docs/chain.md), given from outside the runtime (the training server, which can replay): called
/// by a node that is about to accept `claimed` (the header with the winning nonce, so
/// claimed.hash() is the block hash) whose epoch `payload` carries a segment commitment, with the
/// node's index and its accept_signature, its Ed25519 signature of vote_message(claimed.hash(),
/// true) (segment_sample_seed draws the node's segments from it). Returns ok to accept; a rejection
/// (of kind ValidationResult::Training: SegmentCommitment, SegmentProof, SegmentReplay,
/// SegmentMissing) makes the vote a reject carrying it, which vetoes the block (Chain::commit).
/// It is called only for the nodes the chain drew to replay (VoteRound::replayers: replaying_nodes
/// of the block hash, ChainOptions::replaying_nodes of them). An exception it throws propagates out
/// of the vote.
using EpochCheck = std::function<ValidationState(const BlockHeader& claimed, const Payload& payload,
                                                 uint32_t node, const Signature& accept_signature)>;

/// Parses "none", "crash", "wrong-vote", "forge-nonce", "wrong-restore-point", "tampered-replica".
std::optional<Fault> parse_fault(std::string_view name);
std::string fault_name(Fault fault);

/// A rollback the server opened: the nodes answer it with their signed restore points.
struct RestoreRequest {
    uint64_t id = 0;                  ///< the Rollback contract's request id
    uint64_t run_id = 0;              ///< the chain's run id (part of every proposal's message)
    uint64_t tip = 0;                 ///< the chain's last block when it was opened
    std::optional<uint64_t> to;       ///< a requested block (else each node's own choice)
    std::optional<uint64_t> failing;  ///< choose among the epochs that led to this block
    /// The hash of block subject() in the server's chain: what transports check the proposals'
    /// signatures with (a node signs the hash its own replica holds).
    Hash failing_hash{};

    /// The failing block, the block the rollback is about: `failing` when given, else the tip.
    /// A rollback block records it (Payload::failing_height) and every proposal signs its hash.
    [[nodiscard]] uint64_t subject() const noexcept { return failing.value_or(tip); }
    /// The height the rollback block will have: one past the tip.
    [[nodiscard]] uint64_t rollback_height() const noexcept { return tip + 1; }
};

/// One node's answer to a RestoreRequest: the block it proposes, that block's hash in its replica,
/// and its signature over proposal_message(run id, rollback height, failing block's hash, height,
/// target_hash).
struct Proposal {
    uint32_t node = 0;
    uint64_t height = 0;
    Hash target_hash{};
    Signature signature{};
};

/// Whether `proposal` is signed by `key` as an answer to `request` (with request.failing_hash and
/// the proposal's own target_hash; the chain also checks that target_hash is its block's).
[[nodiscard]] bool proposal_signed(const RestoreRequest& request, const PublicKey& key,
                                   const Proposal& proposal);

/// A user node's logic: in this process (InProcessTransport), or in its own process (`trainchain
/// node run`, nats/).
class UserNode {
public:
    UserNode(uint32_t index, KeyPair key, Fault fault = Fault::None);

    [[nodiscard]] uint32_t index() const noexcept { return index_; }
    [[nodiscard]] const PublicKey& public_key() const noexcept { return key_.public_key(); }
    [[nodiscard]] Fault fault() const noexcept { return fault_; }
    [[nodiscard]] bool alive() const noexcept { return fault_ != Fault::Crash; }
    /// The node's replica: the blocks it accepted, headers and payloads (a node checks claims and
    /// chooses restore points by them; their votes are in the stores).
    [[nodiscard]] std::span<const Block> replica() const noexcept {
        return log_ ? std::span<const Block>(log_->data(), length_) : std::span<const Block>{};
    }

    /// Loads the node's replica: its own copy (a tampered node alters it), without the votes.
    void load_replica(std::vector<Block> blocks);
    /// Loads the node's replica from blocks other nodes of this process start from too: the nodes
    /// share them (and the blocks they all accept later) until one's replica differs, which then
    /// copies its own (a tampered node copies at once). So a hundred in-process nodes hold the
    /// chain once, not a hundred times.
    void load_replica(std::shared_ptr<std::vector<Block>> shared);

    /// Receives a candidate block (header without nonce, and payload) from the broadcast.
    void receive_candidate(const BlockHeader& header, const Payload& payload);

    /// Checks a winner's claim against the node's own candidate and replica: the header with
    /// `nonce` hashes to `claimed`, meets the difficulty, extends the replica's tip, and the
    /// payload root matches. Rejects with NoCandidate, ClaimHash, HighHash, PayloadRoot, Height or
    /// PrevBlock.
    [[nodiscard]] ValidationState check(uint64_t nonce, const Hash& claimed) const;

    /// Checks and signs a vote; nullopt for a crashed node. When `replays` (the block hash drew
    /// this node: VoteRound::replayers), the node's own check passes and the candidate is an epoch
    /// block carrying a segment commitment, the epoch check (when set) decides too. A reject vote
    /// carries its reason (Vote::reason) unless a WrongVote fault flipped it; a WrongVote node flips
    /// whatever the checks decided.
    [[nodiscard]] std::optional<Vote> vote(uint64_t nonce, const Hash& claimed, bool replays = false) const;

    /// The check the node runs on epoch blocks with a segment commitment before it accepts them
    /// (null: none). Shared, not copied, by the nodes of a transport.
    void set_epoch_check(std::shared_ptr<const EpochCheck> check) { epoch_check_ = std::move(check); }

    /// A forged claim (ForgeNonce nodes): a nonce and a hash that do not match.
    [[nodiscard]] std::pair<uint64_t, Hash> forge() const;

    /// Appends an accepted block, without its votes, to the replica (not for crashed nodes).
    void accept(const Block& block);

    /// The restore point: the epoch block with the highest accuracy in the replica (ties: the
    /// later one; NaN accuracies never win). WrongRestorePoint nodes name the lowest instead.
    /// With `failing`, only the epochs that led to block `failing` count (its line of training,
    /// see previous_state), not the failing block itself nor epochs abandoned by earlier rollbacks.
    [[nodiscard]] std::optional<uint64_t> restore_point(std::optional<uint64_t> failing = std::nullopt) const;

    /// The node's answer to a rollback request: with `to`, that block when the replica holds it as
    /// an epoch block (a WrongRestorePoint node names its worst instead); else restore_point.
    [[nodiscard]] std::optional<uint64_t> propose(std::optional<uint64_t> to,
                                                  std::optional<uint64_t> failing) const;

    /// The node's signed answer to `request`: propose(request.to, request.failing), with the
    /// target's hash and the failing block's hash (request.subject()) taken from the replica, signed
    /// with the node's key (a faulty node's choice may be wrong, but its signature is its own).
    /// nullopt for a crashed node, when it proposes nothing, or when its replica lacks either block.
    [[nodiscard]] std::optional<Proposal> proposal(const RestoreRequest& request) const;

private:
    uint32_t index_;
    KeyPair key_;
    Fault fault_;
    void tamper();
    /// The replica's blocks: the first length_ of log_, which other nodes may share.
    std::shared_ptr<std::vector<Block>> log_;
    size_t length_ = 0;
    std::optional<BlockHeader> candidate_header_;
    std::optional<Payload> candidate_payload_;
    std::shared_ptr<const EpochCheck> epoch_check_;
};

/// The block whose checkpoint was the training state before block `height`: the latest epoch block
/// below it, or the target of a rollback block that came later; nullopt when training started from
/// the initial weights. Following it from a block gives that block's line of training.
std::optional<uint64_t> previous_state(std::span<const Block> blocks, uint64_t height);

}  // namespace trainchain::runtime
