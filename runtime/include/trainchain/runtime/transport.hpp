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

/// A rollback the server opened: the nodes answer it with their restore points.
struct RestoreRequest {
    uint64_t id = 0;                  ///< the Rollback contract's request id
    uint64_t tip = 0;                 ///< the chain's last block when it was opened
    std::optional<uint64_t> to;       ///< a requested block (else each node's own choice)
    std::optional<uint64_t> failing;  ///< choose among the epochs that led to this block
};

/// One node's answer to a RestoreRequest.
struct Proposal {
    uint32_t node = 0;
    uint64_t height = 0;
};

/// What a race for one candidate block produced.
struct RaceOutcome {
    uint64_t tries = 0;   ///< hashes counted (in-process: all workers; remote: as the nodes report)
    std::string failure;  ///< empty when at least one claim was posted
};

/// How the chain talks with its user nodes.
class Transport {
public:
    virtual ~Transport() = default;

    /// The chain is open: its configuration, its registered nodes, its blocks so far and the
    /// server's key (what the server's messages are signed with). Called again after each reopen.
    virtual void open(const ChainConfig& config, const std::vector<NodeRecord>& nodes,
                      const std::vector<Block>& blocks, const KeyPair& server_key) = 0;

    /// An epoch result entered the Results Queue (remote transports keep a durable record).
    virtual void post_result(const EpochResult& /*result*/, const Hash& /*checkpoint*/) {}

    /// Delivers a candidate (header without nonce, payload) to `recipients` (node indices, as the
    /// BlockCreation contract's Broadcast events name them).
    virtual void broadcast(const BlockHeader& header, const Payload& payload,
                           const std::vector<uint32_t>& recipients) = 0;

    /// Runs the proof-of-work race for the candidate broadcast last and posts each claim that
    /// arrives to the Consensus Queue (forged ones included: the Consensus contract judges them).
    /// May move `header`'s timestamp on (and re-broadcast) when the race has to restart.
    virtual RaceOutcome race(BlockHeader& header, const Payload& payload, ConsensusQueue& claims) = 0;

    /// Asks the nodes to check `claim` against their replicas and sign their votes; calls
    /// `on_vote` with each vote as it arrives until it returns false (the contract decided) or
    /// no more votes can come. Each node votes at most once per claim.
    virtual void collect_votes(const BlockHeader& claimed, const WorkClaim& claim,
                               const std::function<bool(const Vote&)>& on_vote) = 0;

    /// A block was accepted and stored: every node appends it to its replica.
    virtual void accepted(const Block& block) = 0;

    /// Asks every node for its restore point; calls `on_proposal` with each answer. Returns once
    /// every node answered or one height holds more than half of them.
    virtual void collect_restore_points(const RestoreRequest& request,
                                        const std::function<void(const Proposal&)>& on_proposal) = 0;

    /// The nodes when they live in this process (tests and the API show them); empty otherwise.
    [[nodiscard]] virtual const std::vector<UserNode>& local_nodes() const;
};

/// The default transport: every registered node is a UserNode object in this process, with its
/// own replica; the race runs on this machine's cores over the nodes' nonce spaces (nonce k
/// belongs to node k mod N).
class InProcessTransport final : public Transport {
public:
    /// `faults`: node index -> fault; `threads`: mining threads (0: hardware threads).
    InProcessTransport(std::map<uint32_t, Fault> faults, unsigned threads);

    /// The nodes' private keys, by node index (Chain reads them from the run's node key file,
    /// keys.hpp): open() runs a node for each registered key and refuses a key that is missing or
    /// is not the registered one.
    void set_node_keys(std::vector<KeyPair> keys) { keys_ = std::move(keys); }

    void open(const ChainConfig& config, const std::vector<NodeRecord>& nodes,
              const std::vector<Block>& blocks, const KeyPair& server_key) override;
    void broadcast(const BlockHeader& header, const Payload& payload,
                   const std::vector<uint32_t>& recipients) override;
    RaceOutcome race(BlockHeader& header, const Payload& payload, ConsensusQueue& claims) override;
    void collect_votes(const BlockHeader& claimed, const WorkClaim& claim,
                       const std::function<bool(const Vote&)>& on_vote) override;
    void accepted(const Block& block) override;
    void collect_restore_points(const RestoreRequest& request,
                                const std::function<void(const Proposal&)>& on_proposal) override;
    [[nodiscard]] const std::vector<UserNode>& local_nodes() const override { return nodes_; }

private:
    std::map<uint32_t, Fault> faults_;
    std::vector<KeyPair> keys_;
    unsigned threads_ = 0;
    unsigned difficulty_bits_ = 0;
    std::vector<UserNode> nodes_;
};

}  // namespace trainchain::runtime
