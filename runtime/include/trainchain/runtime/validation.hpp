// runtime/include/trainchain/runtime/validation.hpp - the outcome of a check as a value, after
// Bitcoin Core's ValidationState: a reject code from one table (its result kind and its short
// machine token, such as "bad-prevblk" or "high-hash") plus a human detail. Block checks, a node's
// check of a claim, the checks of outside requests and `verify` all return it; tests assert codes.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace trainchain::runtime {

/// What kind of rule a rejection broke (Bitcoin's BlockValidationResult).
enum class ValidationResult : uint8_t {
    Valid,       ///< nothing was rejected
    Request,     ///< an epoch result or a rollback asked for from outside (CLI, HTTP API)
    Claim,       ///< a winner's claim as a node checks it against its own candidate
    Header,      ///< a header field the chain fixes (height, difficulty, time)
    Link,        ///< the block does not extend the chain it is checked against
    Mutated,     ///< stored or sent bytes do not match what commits to them (payload root, hash)
    Pow,         ///< the proof of work does not meet the difficulty
    Consensus,   ///< a rule of the chain (run id, block kind, genesis, node keys, rollbacks)
    Votes,       ///< the votes (voters, signatures, quorum)
    Proposals,   ///< a rollback's signed restore points (proposers, signatures, majority)
    Checkpoint,  ///< a checkpoint file (missing, damaged, another size)
    Store,       ///< the store as a whole (unreadable, empty, rows out of place)
    State,       ///< the state journal (the VM world's changes, block by block) and the saved world
    Training,    ///< an epoch's committed training trajectory, as a replaying node checks it
};

/// Why a check rejected, one code per reject token; None when it passed.
enum class Reject : uint8_t {
    None,
    // Outside requests (check_epoch_result, check_rollback_request).
    EpochZero,
    EpochOrder,
    Accuracy,
    NoteUtf8,
    NoteLength,
    RollbackNotEpoch,
    RollbackNoState,
    RollbackIsState,
    RollbackLoss,
    RollbackNoEarlier,
    // A node's check of a claim (UserNode::check).
    NoCandidate,
    ClaimHash,
    // Blocks (validate_next_block; UserNode::check uses the first five too).
    Height,
    PrevBlock,
    PayloadRoot,
    HighHash,
    DiffBits,
    TimeTooOld,
    RunId,
    Kind,
    GenesisVotes,
    GenesisConfig,
    NodeKeys,
    VoteNode,
    VoteDuplicate,
    VoteSignature,
    VoteQuorum,
    RollbackTarget,
    RollbackCheckpoint,
    ProposalUnexpected,
    ProposalMissing,
    ProposalFailing,
    ProposalNode,
    ProposalDuplicate,
    ProposalTarget,
    ProposalSignature,
    ProposalMajority,
    // The stored chain (verify).
    StoreUnreadable,
    NoBlocks,
    NodeIndex,
    NodeCount,
    HeightGap,
    HeaderHeight,
    StoredHash,
    CheckpointMissing,
    CheckpointFile,
    CheckpointDigest,
    CheckpointSize,
    CheckpointUnreadable,
    // The state journal (verify).
    StateMissing,
    StateHeight,
    StateChanges,
    StateDigest,
    StateSaved,
    // Segment commitments (validate_next_block, verify, check_epoch_result).
    SegmentsUnexpected,
    // A replaying node's check of an epoch's segments (ChainOptions::epoch_check): a veto.
    SegmentCommitment,
    SegmentProof,
    SegmentReplay,
    SegmentMissing,
};

/// One row of the reject table.
struct RejectInfo {
    Reject code;              ///< the code (the row's index)
    ValidationResult result;  ///< the kind of rule it breaks
    std::string_view token;   ///< short, lower case, hyphenated; stable (logs and tests use it)
};

/// The reject table, in the order of Reject: every code once, with its kind and its token.
inline constexpr std::array<RejectInfo, 60> reject_table{{
    {Reject::None, ValidationResult::Valid, "valid"},
    {Reject::EpochZero, ValidationResult::Request, "bad-epoch-zero"},
    {Reject::EpochOrder, ValidationResult::Request, "bad-epoch-order"},
    {Reject::Accuracy, ValidationResult::Request, "bad-accuracy"},
    {Reject::NoteUtf8, ValidationResult::Request, "bad-note-utf8"},
    {Reject::NoteLength, ValidationResult::Request, "bad-note-length"},
    {Reject::RollbackNotEpoch, ValidationResult::Request, "rollback-not-epoch"},
    {Reject::RollbackNoState, ValidationResult::Request, "rollback-no-state"},
    {Reject::RollbackIsState, ValidationResult::Request, "rollback-is-state"},
    {Reject::RollbackLoss, ValidationResult::Request, "rollback-loss-nonfinite"},
    {Reject::RollbackNoEarlier, ValidationResult::Request, "rollback-no-earlier"},
    {Reject::NoCandidate, ValidationResult::Claim, "claim-no-candidate"},
    {Reject::ClaimHash, ValidationResult::Claim, "bad-claim-hash"},
    {Reject::Height, ValidationResult::Link, "bad-height"},
    {Reject::PrevBlock, ValidationResult::Link, "bad-prevblk"},
    {Reject::PayloadRoot, ValidationResult::Mutated, "bad-payload-root"},
    {Reject::HighHash, ValidationResult::Pow, "high-hash"},
    {Reject::DiffBits, ValidationResult::Header, "bad-diffbits"},
    {Reject::TimeTooOld, ValidationResult::Header, "time-too-old"},
    {Reject::RunId, ValidationResult::Consensus, "bad-run-id"},
    {Reject::Kind, ValidationResult::Consensus, "bad-kind"},
    {Reject::GenesisVotes, ValidationResult::Consensus, "bad-genesis-votes"},
    {Reject::GenesisConfig, ValidationResult::Consensus, "bad-genesis-config"},
    {Reject::NodeKeys, ValidationResult::Consensus, "bad-node-keys"},
    {Reject::VoteNode, ValidationResult::Votes, "bad-votes-node"},
    {Reject::VoteDuplicate, ValidationResult::Votes, "bad-votes-duplicate"},
    {Reject::VoteSignature, ValidationResult::Votes, "bad-votes-sig"},
    {Reject::VoteQuorum, ValidationResult::Votes, "bad-votes-quorum"},
    {Reject::RollbackTarget, ValidationResult::Consensus, "bad-rollback-target"},
    {Reject::RollbackCheckpoint, ValidationResult::Consensus, "bad-rollback-checkpoint"},
    {Reject::ProposalUnexpected, ValidationResult::Proposals, "bad-proposals-unexpected"},
    {Reject::ProposalMissing, ValidationResult::Proposals, "bad-proposals-missing"},
    {Reject::ProposalFailing, ValidationResult::Proposals, "bad-proposals-failing"},
    {Reject::ProposalNode, ValidationResult::Proposals, "bad-proposals-node"},
    {Reject::ProposalDuplicate, ValidationResult::Proposals, "bad-proposals-duplicate"},
    {Reject::ProposalTarget, ValidationResult::Proposals, "bad-proposals-target"},
    {Reject::ProposalSignature, ValidationResult::Proposals, "bad-proposals-sig"},
    {Reject::ProposalMajority, ValidationResult::Proposals, "bad-proposals-majority"},
    {Reject::StoreUnreadable, ValidationResult::Store, "bad-store"},
    {Reject::NoBlocks, ValidationResult::Store, "store-no-blocks"},
    {Reject::NodeIndex, ValidationResult::Store, "bad-node-index"},
    {Reject::NodeCount, ValidationResult::Store, "bad-node-count"},
    {Reject::HeightGap, ValidationResult::Store, "bad-height-gap"},
    {Reject::HeaderHeight, ValidationResult::Mutated, "bad-header-height"},
    {Reject::StoredHash, ValidationResult::Mutated, "bad-stored-hash"},
    {Reject::CheckpointMissing, ValidationResult::Checkpoint, "checkpoint-missing"},
    {Reject::CheckpointFile, ValidationResult::Checkpoint, "bad-checkpoint-file"},
    {Reject::CheckpointDigest, ValidationResult::Checkpoint, "bad-checkpoint-digest"},
    {Reject::CheckpointSize, ValidationResult::Checkpoint, "bad-checkpoint-size"},
    {Reject::CheckpointUnreadable, ValidationResult::Checkpoint, "bad-checkpoint-read"},
    {Reject::StateMissing, ValidationResult::State, "state-missing"},
    {Reject::StateHeight, ValidationResult::State, "bad-state-height"},
    {Reject::StateChanges, ValidationResult::State, "bad-state-changes"},
    {Reject::StateDigest, ValidationResult::State, "bad-state-digest"},
    {Reject::StateSaved, ValidationResult::State, "bad-state-saved"},
    {Reject::SegmentsUnexpected, ValidationResult::Consensus, "bad-segments-unexpected"},
    {Reject::SegmentCommitment, ValidationResult::Training, "bad-segment-commitment"},
    {Reject::SegmentProof, ValidationResult::Training, "bad-segment-proof"},
    {Reject::SegmentReplay, ValidationResult::Training, "bad-segment-replay"},
    {Reject::SegmentMissing, ValidationResult::Training, "segment-missing"},
}};

static_assert(
    [] {
        for (size_t i = 0; i < reject_table.size(); ++i)
            if (static_cast<size_t>(reject_table[i].code) != i) return false;
        return reject_table.back().code == Reject::SegmentMissing;
    }(),
    "reject_table lists every Reject code once, in the enum's order");

/// A code's row of the reject table.
[[nodiscard]] constexpr const RejectInfo& reject_info(Reject code) noexcept {
    return reject_table[static_cast<size_t>(code)];
}
/// A code's token ("valid" for None).
[[nodiscard]] constexpr std::string_view reject_token(Reject code) noexcept {
    return reject_info(code).token;
}
/// The code of a token; nullopt for a token the table does not hold.
[[nodiscard]] std::optional<Reject> reject_from_token(std::string_view token) noexcept;
/// A result kind's name ("valid", "request", "claim", "header", "link", "mutated", "pow",
/// "consensus", "votes", "proposals", "checkpoint", "store", "state", "training").
[[nodiscard]] std::string_view result_name(ValidationResult result) noexcept;

/// The outcome of a check: a reject code (None when it passed) and the human detail the CLI, the
/// API and the logs print.
struct ValidationState {
    Reject code = Reject::None;  ///< why, as a code (None: valid)
    std::string detail;          ///< why, in words; empty when valid

    /// A rejection with its detail.
    [[nodiscard]] static ValidationState invalid(Reject code, std::string detail) {
        return {code, std::move(detail)};
    }
    /// True when nothing was rejected.
    [[nodiscard]] bool ok() const noexcept { return code == Reject::None; }
    /// The kind of rule the rejection broke (Valid when ok).
    [[nodiscard]] ValidationResult result() const noexcept { return reject_info(code).result; }
    /// The code's token ("valid" when ok).
    [[nodiscard]] std::string_view token() const noexcept { return reject_token(code); }
};

}  // namespace trainchain::runtime
