// tests/unit/runtime/runtime_validation_test.cpp - the reject table (one distinct token per code,
// tokens and codes round-trip) and validate_next_block's rejection paths: each block of a real
// chain, tampered in memory one rule at a time (re-rooted, re-mined and re-signed with the nodes'
// own keys, so that only the rule under test breaks), must be rejected with that rule's code.
#include <doctest/doctest.h>

#include <algorithm>
#include <functional>
#include <set>

#include "runtime_support.hpp"
#include "trainchain/runtime/chain.hpp"
#include "trainchain/runtime/validation.hpp"

using namespace trainchain::runtime;
using trainchain::test::epoch_result;
using trainchain::test::Redo;
using trainchain::test::small_config;
using trainchain::test::tamper_block;
using trainchain::test::TempDir;

namespace trainchain::runtime {
// doctest prints codes as their tokens.
inline doctest::String toString(Reject code) { return std::string(reject_token(code)).c_str(); }
}  // namespace trainchain::runtime

TEST_CASE("reject table: every code once, in order, with a distinct well-formed token") {
    std::set<std::string_view> tokens;
    for (size_t i = 0; i < reject_table.size(); ++i) {
        const RejectInfo& row = reject_table[i];
        INFO("row " << i << ": " << std::string(row.token));
        CHECK(static_cast<size_t>(row.code) == i);
        CHECK(tokens.insert(row.token).second);  // distinct
        // Lower case letters, digits and inner hyphens, as Bitcoin's reject reasons.
        CHECK(row.token.size() >= 4);
        CHECK(std::all_of(row.token.begin(), row.token.end(), [](char c) {
            return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
        }));
        CHECK(row.token.front() != '-');
        CHECK(row.token.back() != '-');
        CHECK(reject_from_token(row.token) == row.code);
        CHECK(reject_token(row.code) == row.token);
        // Only None is valid; every rejection says what kind of rule it broke.
        CHECK((row.result == ValidationResult::Valid) == (row.code == Reject::None));
    }
    CHECK(tokens.size() == reject_table.size());
    CHECK_FALSE(reject_from_token("bad-nothing"));
    CHECK_FALSE(reject_from_token(""));
    // Bitcoin's spelling where the rule is Bitcoin's.
    CHECK(reject_token(Reject::PrevBlock) == "bad-prevblk");
    CHECK(reject_token(Reject::HighHash) == "high-hash");
    CHECK(reject_token(Reject::DiffBits) == "bad-diffbits");
    CHECK(reject_token(Reject::TimeTooOld) == "time-too-old");
    CHECK(reject_token(Reject::VoteQuorum) == "bad-votes-quorum");

    std::set<std::string_view> names;
    for (const auto r : {ValidationResult::Valid, ValidationResult::Request, ValidationResult::Claim,
                         ValidationResult::Header, ValidationResult::Link, ValidationResult::Mutated,
                         ValidationResult::Pow, ValidationResult::Consensus, ValidationResult::Votes,
                         ValidationResult::Proposals, ValidationResult::Checkpoint, ValidationResult::Store,
                         ValidationResult::State, ValidationResult::Training})
        CHECK(names.insert(result_name(r)).second);
    CHECK(names.size() == 14);
    // Sampled replay's tokens: a replaying node's checks are of kind Training (a veto).
    CHECK(result_name(ValidationResult::Training) == "training");
    CHECK(reject_token(Reject::SegmentsUnexpected) == "bad-segments-unexpected");
    CHECK(reject_info(Reject::SegmentsUnexpected).result == ValidationResult::Consensus);
    CHECK(reject_token(Reject::SegmentCommitment) == "bad-segment-commitment");
    CHECK(reject_token(Reject::SegmentProof) == "bad-segment-proof");
    CHECK(reject_token(Reject::SegmentReplay) == "bad-segment-replay");
    CHECK(reject_token(Reject::SegmentMissing) == "segment-missing");
    for (const auto code :
         {Reject::SegmentCommitment, Reject::SegmentProof, Reject::SegmentReplay, Reject::SegmentMissing})
        CHECK(reject_info(code).result == ValidationResult::Training);
    CHECK(result_name(ValidationResult::State) == "state");
    CHECK(reject_from_token("bad-state-digest") == Reject::StateDigest);
    // The rollback proposals' tokens.
    CHECK(reject_token(Reject::ProposalMissing) == "bad-proposals-missing");
    CHECK(reject_token(Reject::ProposalNode) == "bad-proposals-node");
    CHECK(reject_token(Reject::ProposalDuplicate) == "bad-proposals-duplicate");
    CHECK(reject_token(Reject::ProposalSignature) == "bad-proposals-sig");
    CHECK(reject_token(Reject::ProposalMajority) == "bad-proposals-majority");
    CHECK(reject_info(Reject::ProposalMajority).result == ValidationResult::Proposals);
}

TEST_CASE("ValidationState: valid by default; a rejection carries its code, kind, token and detail") {
    const ValidationState valid;
    CHECK(valid.ok());
    CHECK(valid.code == Reject::None);
    CHECK(valid.result() == ValidationResult::Valid);
    CHECK(valid.token() == "valid");
    CHECK(valid.detail.empty());
    const auto bad =
        ValidationState::invalid(Reject::HighHash, "the proof of work does not meet the difficulty");
    CHECK_FALSE(bad.ok());
    CHECK(bad.result() == ValidationResult::Pow);
    CHECK(bad.token() == "high-hash");
    CHECK(bad.detail == "the proof of work does not meet the difficulty");
}

namespace {

/// A chain of 5 honest in-process nodes: genesis 0, registration 1, epochs 2-4, a rollback 5 (to 3).
struct Fixture {
    TempDir tmp;
    ChainConfig config;
    std::vector<Block> blocks;
    std::vector<NodeRecord> nodes;
    std::vector<KeyPair> keys;  ///< the nodes' private keys (the run's node key file)
    Fixture() {
        auto c =
            Chain::init(tmp.path / "run", small_config(5), ChainOptions{{}, 2, {}, {}, {}, {}, {}, {}, {}});
        const double acc[] = {0.5, 0.8, 0.6};
        for (uint64_t e = 0; e < 3; ++e) REQUIRE(c->append_epoch(epoch_result(e + 1, acc[e])).accepted);
        REQUIRE(c->rollback(std::nullopt, "validation test").target == 3);
        blocks = c->store().blocks();  // with their votes (the chain in memory holds none)
        config = c->store().config();
        nodes = c->store().nodes();
        keys = trainchain::test::node_keys_of(tmp.path / "run");
        REQUIRE(blocks.size() == 6);
    }
};

Fixture& fixture() {
    static Fixture f;
    return f;
}

/// Block `height` of the fixture, changed by `tamper`, checked against the blocks before it.
ValidationState tampered(uint64_t height, const std::function<void(Block&)>& tamper, Redo redo = {},
                         VoteCheck votes = VoteCheck::Signed) {
    const Fixture& f = fixture();
    Block b = f.blocks.at(height);
    tamper_block(b, tamper, redo, f.keys);
    return validate_next_block(f.config, f.nodes, std::span(f.blocks).first(height), b, votes);
}

void no_change(Block&) {}

/// Signs `q` as node `q.node` (its key from the fixture's store) for rollback block `b` at
/// `height`, over the failing block `b` names: what an honest node would have signed.
void sign_proposal(RollbackProposal& q, const Block& b, uint64_t height, const KeyPair* key = nullptr) {
    const Fixture& f = fixture();
    const KeyPair& own = f.keys.at(q.node);
    q.signature =
        (key ? *key : own)
            .sign(proposal_message(f.config.run_id, height, f.blocks.at(b.payload.failing_height).hash(),
                                   q.target_height, f.blocks.at(q.target_height).hash()));
}

}  // namespace

TEST_CASE("validate_next_block: an honest rollback carries every node's signed proposal") {
    const Fixture& f = fixture();
    const Block& r = f.blocks.at(5);
    REQUIRE(r.payload.kind == BlockKind::Rollback);
    CHECK(r.payload.failing_height == 4);  // no failing block was named: the tip when it was opened
    REQUIRE(r.payload.proposals.size() == 5);
    for (uint32_t i = 0; i < 5; ++i) {
        const auto& q = r.payload.proposals[i];
        CHECK(q.node == i);  // sorted by node
        CHECK(q.target_height == 3);
        CHECK(verify_signature(
            f.nodes[i].public_key,
            proposal_message(f.config.run_id, 5, f.blocks[4].hash(), 3, f.blocks[3].hash()), q.signature));
    }
    for (uint64_t h = 0; h < 5; ++h) {
        CHECK(f.blocks[h].payload.proposals.empty());
        CHECK(f.blocks[h].payload.failing_height == 0);
    }
}

TEST_CASE("validate_next_block: the untouched blocks, re-mined and re-signed, are valid") {
    for (uint64_t h = 0; h < fixture().blocks.size(); ++h) {
        INFO("block " << h);
        const auto as_stored = tampered(h, no_change, {false, false, false});
        INFO(as_stored.detail);
        CHECK(as_stored.ok());
        const auto redone = tampered(h, no_change);
        INFO(redone.detail);
        CHECK(redone.ok());
    }
}

TEST_CASE("validate_next_block: each rule's rejection gives its code") {
    struct Case {
        const char* what;
        uint64_t height;
        std::function<void(Block&)> tamper;
        Reject code;
        Redo redo{};
    };
    const Fixture& f = fixture();
    const std::vector<Case> cases{
        {"height one past its place", 3, [](Block& b) { ++b.header.height; }, Reject::Height},
        {"previous hash changed", 3, [](Block& b) { b.header.prev[7] ^= 1; }, Reject::PrevBlock},
        {"payload changed, root kept", 3, [](Block& b) { b.payload.accuracy = 0.99; }, Reject::PayloadRoot,
         Redo{false, true, true}},
        {"one more difficulty bit", 3, [](Block& b) { ++b.header.difficulty_bits; }, Reject::DiffBits},
        {"a nonce that misses the difficulty", 3,
         [&f](Block& b) {
             for (b.header.nonce = 0; check_proof_of_work(b.hash(), f.config.difficulty_bits);)
                 ++b.header.nonce;
         },
         Reject::HighHash, Redo{true, false, true}},
        {"time before the previous block", 3,
         [&f](Block& b) { b.header.timestamp_ms = f.blocks[2].header.timestamp_ms - 1; }, Reject::TimeTooOld},
        {"another run id", 3, [](Block& b) { b.payload.run_id ^= 1; }, Reject::RunId},
        {"a registration block at height 2", 2, [](Block& b) { b.payload.kind = BlockKind::Registration; },
         Reject::Kind},
        {"an epoch block at height 1", 1, [](Block& b) { b.payload.kind = BlockKind::Epoch; }, Reject::Kind},
        {"a rollback block at height 0", 0, [](Block& b) { b.payload.kind = BlockKind::Rollback; },
         Reject::Kind},
        {"a vote on the genesis block", 0, [&f](Block& b) { b.votes.push_back(f.blocks[2].votes.at(0)); },
         Reject::GenesisVotes},
        {"another configuration in the genesis note", 0, [](Block& b) { b.payload.note += " "; },
         Reject::GenesisConfig},
        {"another node set digest", 1, [](Block& b) { b.payload.checkpoint[0] ^= 1; }, Reject::NodeKeys},
        {"a vote from node 99", 3, [](Block& b) { b.votes.at(0).node = 99; }, Reject::VoteNode},
        {"a vote counted twice", 3, [](Block& b) { b.votes.push_back(b.votes.at(0)); },
         Reject::VoteDuplicate},
        {"a vote signature changed", 3, [](Block& b) { b.votes.at(0).signature[3] ^= 1; },
         Reject::VoteSignature, Redo{true, true, false}},
        {"one accepting vote of five", 3, [](Block& b) { b.votes.resize(1); }, Reject::VoteQuorum},
        {"no votes", 4, [](Block& b) { b.votes.clear(); }, Reject::VoteQuorum},
        {"a rollback to the registration block", 5, [](Block& b) { b.payload.target_height = 1; },
         Reject::RollbackTarget},
        {"a rollback to itself", 5, [](Block& b) { b.payload.target_height = 5; }, Reject::RollbackTarget},
        {"a rollback naming another epoch's checkpoint", 5, [](Block& b) { b.payload.target_height = 4; },
         Reject::RollbackCheckpoint},
        {"an epoch block carrying a proposal", 3,
         [&f](Block& b) { b.payload.proposals.push_back(f.blocks[5].payload.proposals.at(0)); },
         Reject::ProposalUnexpected},
        {"an epoch block naming a failing block", 3, [](Block& b) { b.payload.failing_height = 2; },
         Reject::ProposalUnexpected},
        {"a rollback block carrying a segment commitment", 5,
         [](Block& b) {
             b.payload.segments = SegmentCommitment{4, 2, {}};
         },
         Reject::SegmentsUnexpected},
        {"the registration block carrying a segment commitment", 1,
         [](Block& b) {
             b.payload.segments = SegmentCommitment{4, 2, {}};
         },
         Reject::SegmentsUnexpected},
        {"an epoch block's commitment of 0 segments", 3,
         [](Block& b) {
             b.payload.segments = SegmentCommitment{4, 0, {}};
         },
         Reject::SegmentCommitment},
        {"an epoch block's commitment of 0 steps per segment", 3,
         [](Block& b) {
             b.payload.segments = SegmentCommitment{0, 2, {}};
         },
         Reject::SegmentCommitment},
        {"a rollback without proposals", 5, [](Block& b) { b.payload.proposals.clear(); },
         Reject::ProposalMissing},
        {"a rollback whose failing block is itself", 5, [](Block& b) { b.payload.failing_height = 5; },
         Reject::ProposalFailing},
        {"a proposal from node 99", 5, [](Block& b) { b.payload.proposals.at(0).node = 99; },
         Reject::ProposalNode},
        {"a proposal counted twice", 5,
         [](Block& b) { b.payload.proposals.push_back(b.payload.proposals.at(2)); },
         Reject::ProposalDuplicate},
        {"node 1 proposing twice, once for another block, both signed", 5,
         [](Block& b) {
             RollbackProposal q{1, 2, {}};
             sign_proposal(q, b, 5);
             b.payload.proposals.push_back(q);
         },
         Reject::ProposalDuplicate},
        {"a proposal naming the rollback block itself", 5,
         [](Block& b) { b.payload.proposals.at(4).target_height = 5; }, Reject::ProposalTarget},
        {"a proposal's signature changed", 5, [](Block& b) { b.payload.proposals.at(0).signature[3] ^= 1; },
         Reject::ProposalSignature},
        {"an unsigned proposal (zero signature)", 5,
         [](Block& b) { b.payload.proposals.at(1).signature = {}; }, Reject::ProposalSignature},
        {"a proposal signed by a key no node registered", 5,
         [](Block& b) {
             const KeyPair stranger = KeyPair::generate();
             sign_proposal(b.payload.proposals.at(2), b, 5, &stranger);
         },
         Reject::ProposalSignature},
        {"a proposal signed by another registered node", 5,
         [&f](Block& b) { sign_proposal(b.payload.proposals.at(3), b, 5, &f.keys.at(0)); },
         Reject::ProposalSignature},
        {"the failing block changed: the signatures were over another", 5,
         [](Block& b) { b.payload.failing_height = 3; }, Reject::ProposalSignature},
        {"a proposal's target changed, its signature kept", 5,
         [](Block& b) { b.payload.proposals.at(0).target_height = 2; }, Reject::ProposalSignature},
        {"two of five proposals", 5, [](Block& b) { b.payload.proposals.resize(2); },
         Reject::ProposalMajority},
        {"three of five, one of them (re-signed) for another block", 5,
         [](Block& b) {
             b.payload.proposals.resize(3);
             b.payload.proposals[2].target_height = 4;
             sign_proposal(b.payload.proposals[2], b, 5);
         },
         Reject::ProposalMajority},
        {"a majority for another block, re-signed (the block names the minority's target)", 5,
         [](Block& b) {
             for (size_t k = 0; k < 3; ++k) {
                 b.payload.proposals[k].target_height = 2;
                 sign_proposal(b.payload.proposals[k], b, 5);
             }
         },
         Reject::ProposalMajority},
    };
    std::set<Reject> seen;
    for (const auto& c : cases) {
        const auto r = tampered(c.height, c.tamper, c.redo);
        INFO(c.what << " (block " << c.height << "): " << r.token() << ": " << r.detail);
        CHECK(r.code == c.code);
        CHECK_FALSE(r.detail.empty());
        seen.insert(r.code);
    }
    // Every block rule of the table has a case here.
    const std::set<Reject> block_rules{Reject::Height,
                                       Reject::PrevBlock,
                                       Reject::PayloadRoot,
                                       Reject::DiffBits,
                                       Reject::HighHash,
                                       Reject::TimeTooOld,
                                       Reject::RunId,
                                       Reject::Kind,
                                       Reject::GenesisVotes,
                                       Reject::GenesisConfig,
                                       Reject::NodeKeys,
                                       Reject::VoteNode,
                                       Reject::VoteDuplicate,
                                       Reject::VoteSignature,
                                       Reject::VoteQuorum,
                                       Reject::RollbackTarget,
                                       Reject::RollbackCheckpoint,
                                       Reject::ProposalUnexpected,
                                       Reject::SegmentsUnexpected,
                                       Reject::SegmentCommitment,
                                       Reject::ProposalMissing,
                                       Reject::ProposalFailing,
                                       Reject::ProposalNode,
                                       Reject::ProposalDuplicate,
                                       Reject::ProposalTarget,
                                       Reject::ProposalSignature,
                                       Reject::ProposalMajority};
    CHECK(seen == block_rules);
}

TEST_CASE("validate_next_block: an epoch block may carry a segment commitment within the bounds") {
    for (const auto& c : {SegmentCommitment{1, 1, {}}, SegmentCommitment{8, 40, {}},
                          SegmentCommitment{1, max_segments, {}}}) {
        const auto r = tampered(3, [&](Block& b) { b.payload.segments = c; });
        INFO(r.detail);
        CHECK(r.ok());
    }
    CHECK(tampered(3, [](Block& b) {
              b.payload.segments = SegmentCommitment{1, max_segments + 1, {}};
          }).code == Reject::SegmentCommitment);
}

TEST_CASE("validate_next_block: VoteCheck decides how much of the votes is checked") {
    auto bad_signature = [](Block& b) { b.votes.at(0).signature[3] ^= 1; };
    const Redo keep_signatures{true, true, false};
    CHECK(tampered(3, bad_signature, keep_signatures, VoteCheck::Signed).code == Reject::VoteSignature);
    CHECK(tampered(3, bad_signature, keep_signatures, VoteCheck::Unsigned).ok());
    auto duplicate = [](Block& b) { b.votes.push_back(b.votes.at(0)); };
    CHECK(tampered(3, duplicate, {}, VoteCheck::Unsigned).code == Reject::VoteDuplicate);
    CHECK(tampered(3, duplicate, {}, VoteCheck::None).ok());  // a candidate carries no votes yet
    auto none = [](Block& b) { b.votes.clear(); };
    CHECK(tampered(3, none, {}, VoteCheck::Unsigned).code == Reject::VoteQuorum);
    CHECK(tampered(3, none, {}, VoteCheck::None).ok());
    // A rollback's proposals are in its payload: a candidate's are checked in full (a node checks
    // them before it votes); verify's first pass leaves their signatures for later.
    auto bad_proposal = [](Block& b) { b.payload.proposals.at(0).signature[3] ^= 1; };
    CHECK(tampered(5, bad_proposal, {}, VoteCheck::Signed).code == Reject::ProposalSignature);
    CHECK(tampered(5, bad_proposal, {}, VoteCheck::None).code == Reject::ProposalSignature);
    CHECK(tampered(5, bad_proposal, {}, VoteCheck::Unsigned).ok());
    auto short_of_majority = [](Block& b) { b.payload.proposals.resize(2); };
    CHECK(tampered(5, short_of_majority, {}, VoteCheck::Unsigned).code == Reject::ProposalMajority);
    CHECK(tampered(5, short_of_majority, {}, VoteCheck::None).code == Reject::ProposalMajority);
}
