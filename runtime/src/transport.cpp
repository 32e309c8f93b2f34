// runtime/src/transport.cpp - the in-process transport (user nodes as objects in this process).
#include "trainchain/runtime/transport.hpp"

#include <algorithm>

namespace trainchain::runtime {

const std::vector<UserNode>& Transport::local_nodes() const {
    static const std::vector<UserNode> none;
    return none;
}

InProcessTransport::InProcessTransport(std::map<uint32_t, Fault> faults, unsigned threads)
    : faults_{std::move(faults)}, threads_{threads} {}

void InProcessTransport::open(const ChainConfig& config, const std::vector<NodeRecord>& nodes,
                              const std::vector<Block>& blocks, const KeyPair& /*server_key*/,
                              const Store& /*store*/) {
    difficulty_bits_ = config.difficulty_bits;
    nodes_.clear();
    nodes_.reserve(nodes.size());
    // One copy of the blocks, without their votes, which the nodes share (UserNode::load_replica).
    auto shared = std::make_shared<std::vector<Block>>();
    shared->reserve(blocks.size() + Store::append_headroom);  // the next appends copy no list
    shared->assign(blocks.begin(), blocks.end());
    for (auto& b : *shared) b.votes.clear();
    for (const auto& r : nodes) {
        if (r.index >= keys_.size())
            throw std::runtime_error("node " + std::to_string(r.index) +
                                     " has no private key here: its chain runs on external nodes "
                                     "(open it with their transport)");
        const KeyPair& key = keys_[r.index];
        if (key.public_key() != r.public_key)
            throw std::runtime_error("node " + std::to_string(r.index) +
                                     "'s private key is not the one the chain registered for it");
        const auto f = faults_.find(r.index);
        nodes_.emplace_back(r.index, key, f == faults_.end() ? Fault::None : f->second);
        nodes_.back().load_replica(shared);
        nodes_.back().set_epoch_check(epoch_check_);
    }
}

void InProcessTransport::set_epoch_check(EpochCheck check) {
    epoch_check_ = check ? std::make_shared<const EpochCheck>(std::move(check)) : nullptr;
    for (auto& node : nodes_) node.set_epoch_check(epoch_check_);
}

void InProcessTransport::broadcast(const BlockHeader& header, const Payload& payload,
                                   const std::vector<uint32_t>& recipients) {
    for (const uint32_t i : recipients)
        if (i < nodes_.size()) nodes_[i].receive_candidate(header, payload);
}

RaceOutcome InProcessTransport::race(BlockHeader& h, const Payload& payload, ConsensusQueue& claims) {
    RaceOutcome out;
    const auto n = static_cast<uint32_t>(nodes_.size());
    // Forged claims arrive first; the honest winner's claim follows.
    for (const auto& node : nodes_)
        if (node.fault() == Fault::ForgeNonce) {
            const auto [nonce, hash] = node.forge();
            claims.push({node.index(), nonce, hash, {}});
        }
    bool any_alive = false;
    for (const auto& node : nodes_) any_alive = any_alive || node.alive();
    if (!any_alive) {
        out.failure = "every node has crashed";
        return out;
    }
    // Nonce k belongs to node k mod N. A crashed node never finds its nonces: when one of them
    // comes out first, the candidate's timestamp moves on by a millisecond and the race restarts.
    for (;;) {
        const auto found = mine(h, {difficulty_bits_, threads_});
        if (!found) {
            out.failure = "no nonce found";
            return out;
        }
        out.tries += found->tries;
        if (nodes_[found->nonce % n].alive()) {
            claims.push({static_cast<uint32_t>(found->nonce % n), found->nonce, found->hash, {}});
            return out;
        }
        ++h.timestamp_ms;
        for (auto& node : nodes_)
            if (node.alive()) node.receive_candidate(h, payload);
    }
}

void InProcessTransport::collect_votes(const BlockHeader& /*claimed*/, const WorkClaim& claim,
                                       const VoteRound& round,
                                       const std::function<bool(const Vote&)>& on_vote) {
    for (const auto& node : nodes_) {
        const bool replays =
            std::find(round.replayers.begin(), round.replayers.end(), node.index()) != round.replayers.end();
        const auto v = node.vote(claim.nonce, claim.hash, replays);
        if (v && !on_vote(*v)) return;
    }
}

void InProcessTransport::accepted(const Block& block, const BlockRecords& /*records*/) {
    for (auto& node : nodes_) node.accept(block);
}

void InProcessTransport::collect_restore_points(const RestoreRequest& request,
                                                const std::function<void(const Proposal&)>& on_proposal) {
    for (const auto& node : nodes_)
        if (const auto p = node.proposal(request)) on_proposal(*p);
}

}  // namespace trainchain::runtime
