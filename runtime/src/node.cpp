// runtime/src/node.cpp - user nodes: checks, votes, restore points, faults.
#include "trainchain/runtime/node.hpp"

#include <algorithm>

#include <cmath>

#include "trainchain/runtime/pow.hpp"

namespace trainchain::runtime {

std::optional<Fault> parse_fault(std::string_view name) {
    if (name == "none") return Fault::None;
    if (name == "crash") return Fault::Crash;
    if (name == "wrong-vote") return Fault::WrongVote;
    if (name == "forge-nonce") return Fault::ForgeNonce;
    if (name == "wrong-restore-point") return Fault::WrongRestorePoint;
    if (name == "tampered-replica") return Fault::TamperedReplica;
    return std::nullopt;
}

std::string fault_name(Fault fault) {
    switch (fault) {
        case Fault::None:
            return "none";
        case Fault::Crash:
            return "crash";
        case Fault::WrongVote:
            return "wrong-vote";
        case Fault::ForgeNonce:
            return "forge-nonce";
        case Fault::WrongRestorePoint:
            return "wrong-restore-point";
        case Fault::TamperedReplica:
            return "tampered-replica";
    }
    return "none";
}

UserNode::UserNode(uint32_t index, KeyPair key, Fault fault)
    : index_{index}, key_{std::move(key)}, fault_{fault} {}

void UserNode::load_replica(std::vector<Block> blocks) {
    if (!alive()) return;
    for (auto& b : blocks) b.votes.clear();
    length_ = blocks.size();
    log_ = std::make_shared<std::vector<Block>>(std::move(blocks));
    if (fault_ == Fault::TamperedReplica) tamper();
}

void UserNode::load_replica(std::shared_ptr<std::vector<Block>> shared) {
    if (!alive()) return;
    if (fault_ == Fault::TamperedReplica) {
        load_replica(std::vector<Block>(*shared));
        return;
    }
    length_ = shared->size();
    log_ = std::move(shared);
}

void UserNode::tamper() {
    // Raise the accuracy of the first epoch block: this replica now "remembers" a better model.
    for (auto& b : *log_)
        if (b.payload.kind == BlockKind::Epoch) {
            b.payload.accuracy = 1.0;
            break;
        }
}

void UserNode::receive_candidate(const BlockHeader& header, const Payload& payload) {
    candidate_header_ = header;
    candidate_payload_ = payload;
}

ValidationState UserNode::check(uint64_t nonce, const Hash& claimed) const {
    using V = ValidationState;
    if (!candidate_header_ || !candidate_payload_)
        return V::invalid(Reject::NoCandidate, "no candidate received");
    BlockHeader h = *candidate_header_;
    h.nonce = nonce;
    const Hash actual = h.hash();
    if (actual != claimed)
        return V::invalid(Reject::ClaimHash, "the header with this nonce does not hash to the claimed hash");
    if (!check_proof_of_work(actual, h.difficulty_bits))
        return V::invalid(Reject::HighHash, "the hash does not meet the difficulty");
    if (candidate_payload_->root() != h.payload_root)
        return V::invalid(Reject::PayloadRoot, "the payload root does not match the payload");
    const auto chain = replica();
    const uint64_t expected_height = chain.empty() ? 0 : chain.back().header.height + 1;
    if (h.height != expected_height)
        return V::invalid(Reject::Height, "the block does not extend this replica's tip");
    const Hash tip = chain.empty() ? Hash{} : chain.back().header.hash();
    if (h.prev != tip) return V::invalid(Reject::PrevBlock, "the previous hash is not this replica's tip");
    return {};
}

std::optional<Vote> UserNode::vote(uint64_t nonce, const Hash& claimed, bool replays) const {
    if (!alive()) return std::nullopt;
    ValidationState state = check(nonce, claimed);
    bool replayed = false;
    if (replays && state.ok() && epoch_check_ && *epoch_check_ &&
        candidate_payload_->kind == BlockKind::Epoch && candidate_payload_->segments) {
        BlockHeader header = *candidate_header_;
        header.nonce = nonce;
        const Signature accept_signature = key_.sign(vote_message(claimed, true));
        state = (*epoch_check_)(header, *candidate_payload_, index_, accept_signature);
        replayed = true;
    }
    bool accept = state.ok();
    const bool flipped = fault_ == Fault::WrongVote;
    if (flipped) accept = !accept;
    Vote v;
    v.node = index_;
    v.accept = accept;
    v.signature = key_.sign(vote_message(claimed, accept));
    if (!accept && !flipped) v.reason = std::move(state);
    v.replayed = replayed;
    return v;
}

std::pair<uint64_t, Hash> UserNode::forge() const {
    Hash h{};  // all zeros: "meets" any difficulty but no header hashes to it
    return {0xdeadbeefULL + index_, h};
}

void UserNode::accept(const Block& block) {
    if (!alive()) return;
    if (!log_) log_ = std::make_shared<std::vector<Block>>();
    if (length_ < log_->size()) {
        // Another node sharing the log appended first: the same block is taken by moving on.
        // Another one means this replica differs from here on: it keeps its blocks to itself.
        if ((*log_)[length_].hash() == block.hash()) {
            ++length_;
            return;
        }
        if (log_.use_count() > 1)
            log_ = std::make_shared<std::vector<Block>>(log_->begin(),
                                                        log_->begin() + static_cast<std::ptrdiff_t>(length_));
        else
            log_->resize(length_);
    }
    Block b = block;
    b.votes.clear();
    log_->push_back(std::move(b));
    ++length_;
}

std::optional<uint64_t> UserNode::restore_point(std::optional<uint64_t> failing) const {
    if (!alive()) return std::nullopt;
    const auto chain = replica();
    std::vector<uint64_t> candidates;
    if (failing) {
        for (auto h = previous_state(chain, *failing); h; h = previous_state(chain, *h))
            candidates.push_back(*h);
        std::reverse(candidates.begin(), candidates.end());  // oldest first, so ties go to the later
    } else {
        for (const auto& b : chain) candidates.push_back(b.header.height);
    }
    std::optional<uint64_t> best;
    double best_accuracy = 0;
    for (const uint64_t h : candidates) {
        if (h >= chain.size()) continue;
        const Block& b = chain[h];
        if (b.payload.kind != BlockKind::Epoch || std::isnan(b.payload.accuracy)) continue;
        const double a = b.payload.accuracy;
        const bool better = fault_ == Fault::WrongRestorePoint ? (!best || a <= best_accuracy)
                                                               : (!best || a >= best_accuracy);
        if (better) {
            best = b.header.height;
            best_accuracy = a;
        }
    }
    return best;
}

std::optional<uint64_t> UserNode::propose(std::optional<uint64_t> to, std::optional<uint64_t> failing) const {
    if (!to) return restore_point(failing);
    const auto chain = replica();
    // The requested block, if this node's replica holds it as an epoch block.
    if (alive() && *to < chain.size() && chain[*to].payload.kind == BlockKind::Epoch)
        return fault_ == Fault::WrongRestorePoint ? restore_point() : to;
    return std::nullopt;
}

std::optional<Proposal> UserNode::proposal(const RestoreRequest& request) const {
    const auto point = propose(request.to, request.failing);
    const uint64_t subject = request.subject();
    const auto chain = replica();
    if (!point || *point >= chain.size() || subject >= chain.size()) return std::nullopt;
    Proposal p;
    p.node = index_;
    p.height = *point;
    p.target_hash = chain[*point].hash();
    p.signature = key_.sign(proposal_message(request.run_id, request.rollback_height(), chain[subject].hash(),
                                             p.height, p.target_hash));
    return p;
}

bool proposal_signed(const RestoreRequest& request, const PublicKey& key, const Proposal& p) {
    return verify_signature(key,
                            proposal_message(request.run_id, request.rollback_height(), request.failing_hash,
                                             p.height, p.target_hash),
                            p.signature);
}

std::optional<uint64_t> previous_state(std::span<const Block> blocks, uint64_t height) {
    for (uint64_t h = std::min<uint64_t>(height, blocks.size()); h-- > 0;) {
        const auto& p = blocks[h].payload;
        if (p.kind == BlockKind::Epoch) return h;
        if (p.kind == BlockKind::Rollback)
            return p.target_height < h ? std::optional<uint64_t>(p.target_height) : std::nullopt;
    }
    return std::nullopt;
}

}  // namespace trainchain::runtime
