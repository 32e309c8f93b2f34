// runtime/include/trainchain/runtime/transport.hpp - how the chain reaches its user nodes. The
// block-creation, consensus and rollback procedures (Chain) are written once against this
// interface; the in-process transport runs the nodes as objects in this process (the default),
// the NATS JetStream transport (nats/) reaches node processes on other machines.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "trainchain/runtime/node.hpp"
#include "trainchain/runtime/pow.hpp"
#include "trainchain/runtime/queues.hpp"
#include "trainchain/runtime/store.hpp"

namespace trainchain::runtime {

/// What a vote round asks beyond the claim.
struct VoteRound {
    /// The nodes that check the epoch by sampled replay before they vote (replaying_nodes of the
    /// claimed hash); empty for blocks without a segment commitment.
    std::vector<uint32_t> replayers;
    /// Called with the seconds waited while no vote arrives; false ends the round.
    std::function<bool(double waited_seconds)> keep_waiting;
    /// The chain's store while the round lasts, when it has replayers: remote transports serve
    /// the committed states their replaying nodes fetch from it (open_segment), on the thread that
    /// called collect_votes.
    const Store* store = nullptr;
};

/// What a race for one candidate block produced.
struct RaceOutcome {
    uint64_t tries = 0;   ///< hashes counted (in-process: all workers; remote: as the nodes report)
    std::string failure;  ///< empty when at least one claim was posted
};

/// What the acceptance of a block stored besides the block (Store::append): the gas records of the
/// calls that made it, their gas profiles and its row of the state journal (what they changed in
/// the VM world, and the world's digest after them; a block of a run made before the journal,
/// published again, may have none). Remote transports send them with the block, so that a node's
/// replica holds what the server's store holds.
struct BlockRecords {
    std::vector<GasRecord> gas;
    std::vector<GasProfileRecord> profiles;
    std::optional<StateRecord> state;
};

/// How the chain talks with its user nodes.
class Transport {
public:
    virtual ~Transport() = default;

    /// The chain is open: its configuration, its registered nodes, its blocks so far and the
    /// server's key (what the server's messages are signed with). Called again after each reopen.
    /// `store` is the chain's store, for this call only: remote transports read from it what their
    /// nodes may lack (the contract addresses, the records of blocks not yet delivered).
    virtual void open(const ChainConfig& config, const std::vector<NodeRecord>& nodes,
                      const std::vector<Block>& blocks, const KeyPair& server_key, const Store& store) = 0;

    /// An epoch result entered the Results Queue (remote transports keep a durable record).
    virtual void post_result(const EpochResult& /*result*/, const Hash& /*checkpoint*/) {}

    /// The block about to be broadcast names the checkpoint `digest` (an epoch's, or a rollback
    /// target's), stored in `store` (for this call only). Remote transports deliver the stored file
    /// to every node before the race, so that the nodes can check it before they vote.
    virtual void publish_checkpoint(const Store& /*store*/, const Hash& /*digest*/) {}

    /// Delivers a candidate (header without nonce, payload) to `recipients` (node indices, as the
    /// BlockCreation contract's Broadcast events name them).
    virtual void broadcast(const BlockHeader& header, const Payload& payload,
                           const std::vector<uint32_t>& recipients) = 0;

    /// Runs the proof-of-work race for the candidate broadcast last and posts each claim that
    /// arrives to the Consensus Queue (forged ones included: the Consensus contract judges them).
    /// May move `header`'s timestamp on (and re-broadcast) when the race has to restart.
    virtual RaceOutcome race(BlockHeader& header, const Payload& payload, ConsensusQueue& claims) = 0;

    /// Asks the nodes to check `claim` against their replicas and sign their votes, the nodes in
    /// `round.replayers` also checking the epoch by sampled replay (EpochCheck); calls `on_vote`
    /// with each vote as it arrives until it returns false (the contract decided) or no more votes
    /// can come. Each node votes at most once per claim. Transports that wait for votes call
    /// `round.keep_waiting` (when set) while none arrives, and end the round when it says false.
    virtual void collect_votes(const BlockHeader& claimed, const WorkClaim& claim, const VoteRound& round,
                               const std::function<bool(const Vote&)>& on_vote) = 0;

    /// A block was accepted and stored with `records`: every node appends it to its replica.
    virtual void accepted(const Block& block, const BlockRecords& records) = 0;

    /// Asks every node for its signed restore point; calls `on_proposal` with each answer (a
    /// remote transport first drops the answers whose signature does not check out against the
    /// node's registered key: proposal_signed). Returns once every node answered or one height
    /// holds more than half of them.
    virtual void collect_restore_points(const RestoreRequest& request,
                                        const std::function<void(const Proposal&)>& on_proposal) = 0;

    /// The nodes when they live in this process (tests and the API show them); empty otherwise.
    [[nodiscard]] virtual const std::vector<UserNode>& local_nodes() const;

    /// The check nodes run on epoch blocks carrying a segment commitment (EpochCheck,
    /// ChainOptions::epoch_check), given before open(). Transports whose nodes run their own
    /// checks elsewhere ignore it (the default).
    virtual void set_epoch_check(EpochCheck /*check*/) {}

    /// The in-process nodes' private keys, by node index, before open() (Chain reads them from the
    /// run's node key file, keys.hpp). Transports whose nodes hold their own keys ignore them.
    virtual void set_node_keys(std::vector<KeyPair> /*keys*/) {}
};

/// The default transport: every registered node is a UserNode object in this process, with its
/// own replica; the race runs on this machine's cores over the nodes' nonce spaces (nonce k
/// belongs to node k mod N).
class InProcessTransport final : public Transport {
public:
    /// `faults`: node index -> fault; `threads`: mining threads (0: hardware threads).
    InProcessTransport(std::map<uint32_t, Fault> faults, unsigned threads);

    /// open() runs a node for each registered key and refuses a key that is missing or is not the
    /// registered one.
    void set_node_keys(std::vector<KeyPair> keys) override { keys_ = std::move(keys); }
    /// Every node, present and opened later, runs `check` (null or empty: none).
    void set_epoch_check(EpochCheck check) override;

    void open(const ChainConfig& config, const std::vector<NodeRecord>& nodes,
              const std::vector<Block>& blocks, const KeyPair& server_key, const Store& store) override;
    void broadcast(const BlockHeader& header, const Payload& payload,
                   const std::vector<uint32_t>& recipients) override;
    RaceOutcome race(BlockHeader& header, const Payload& payload, ConsensusQueue& claims) override;
    void collect_votes(const BlockHeader& claimed, const WorkClaim& claim, const VoteRound& round,
                       const std::function<bool(const Vote&)>& on_vote) override;
    void accepted(const Block& block, const BlockRecords& records) override;
    void collect_restore_points(const RestoreRequest& request,
                                const std::function<void(const Proposal&)>& on_proposal) override;
    [[nodiscard]] const std::vector<UserNode>& local_nodes() const override { return nodes_; }

private:
    std::map<uint32_t, Fault> faults_;
    std::vector<KeyPair> keys_;
    unsigned threads_ = 0;
    unsigned difficulty_bits_ = 0;
    std::vector<UserNode> nodes_;
    std::shared_ptr<const EpochCheck> epoch_check_;
};

}  // namespace trainchain::runtime
