// runtime/include/trainchain/runtime/block.hpp - blocks: header, payload and votes, with their
// canonical byte encodings (docs/chain.md) and hashes.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "trainchain/runtime/crypto.hpp"
#include "trainchain/runtime/validation.hpp"

namespace trainchain::runtime {

using Bytes = std::vector<uint8_t>;

/// What a block records.
enum class BlockKind : uint8_t {
    Genesis = 0,       ///< the first block of a run
    Registration = 1,  ///< the user nodes joined (their keys are in the store)
    Epoch = 2,         ///< one training epoch's result
    Rollback = 3,      ///< training went back to `target_height`'s checkpoint
};

/// The name of a kind: "genesis", "registration", "epoch", "rollback".
std::string kind_name(BlockKind kind);

/// The length (1 to 4) of the well-formed UTF-8 character starting at byte `i` of `text`, and its
/// code point in `*code_point` when given; 0 when the bytes there are not one (a bad lead or
/// continuation byte, a cut sequence, an overlong form, a surrogate, past U+10FFFF). The one
/// decoder behind valid_utf8 and the plot's XML escaping.
[[nodiscard]] size_t utf8_sequence(std::string_view text, size_t i, uint32_t* code_point = nullptr) noexcept;

/// Whether `text` is valid UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing past
/// U+10FFFF). Every text that reaches a block or JSON output must be (a note, a rollback reason).
[[nodiscard]] bool valid_utf8(std::string_view text) noexcept;

/// The longest prefix of valid UTF-8 `text` of at most `max_bytes` bytes that ends on a character
/// boundary.
[[nodiscard]] std::string_view utf8_prefix(std::string_view text, size_t max_bytes) noexcept;

/// The mined part of a block. Its SHA-256 is the block hash.
struct BlockHeader {
    uint64_t height = 0;
    Hash prev{};                   ///< hash of the previous block (zeros for the genesis block)
    uint64_t timestamp_ms = 0;     ///< Unix time in milliseconds
    Hash payload_root{};           ///< Merkle root of the payload's fields
    uint32_t difficulty_bits = 0;  ///< leading zero bits the hash must have
    uint64_t nonce = 0;

    /// Encoded size: 8 + 32 + 8 + 32 + 4 + 8 bytes, all integers big-endian.
    static constexpr size_t encoded_size = 92;
    /// Where the nonce starts: the first 64 bytes never change while mining.
    static constexpr size_t nonce_offset = 84;

    [[nodiscard]] std::array<uint8_t, encoded_size> encode() const noexcept;
    static std::optional<BlockHeader> decode(std::span<const uint8_t> bytes) noexcept;
    [[nodiscard]] Hash hash() const noexcept;
};

/// The proposer value that stands for the Deep Learning Server.
inline constexpr uint32_t server_proposer = 0xffffffff;

/// One node's signed restore point as a rollback block records it: the node, the block it
/// proposed, and its Ed25519 signature over proposal_message (built from the chain: the run id,
/// the rollback block's height, the failing block's hash, this target and its hash).
struct RollbackProposal {
    uint32_t node = 0;
    uint64_t target_height = 0;
    Signature signature{};
    friend bool operator==(const RollbackProposal&, const RollbackProposal&) = default;
};

/// The bytes a node signs for its restore point: "trainchain/proposal/v1", the run id, the height
/// the rollback block will have, the hash of the failing block (the block the rollback is about:
/// RestoreRequest::subject), the proposed target's height and its block hash; integers
/// big-endian, 110 bytes in all.
Bytes proposal_message(uint64_t run_id, uint64_t rollback_height, const Hash& failing_hash,
                       uint64_t target_height, const Hash& target_hash);

/// An epoch's commitment to its training trajectory (sampled replay, docs/chain.md): the SHA-256
/// digests of the full training state every `steps` optimiser steps, `count` segments and so
/// count + 1 states (state 0 before the first step, state count after the last), committed as the
/// root of the tagged Merkle tree (merkle_root) over those digests in order.
struct SegmentCommitment {
    uint32_t steps = 0;  ///< optimiser steps per segment (the last may have fewer), at least 1
    uint32_t count = 0;  ///< segments, 1 to max_segments (the tree has count + 2 leaves: the count + 1 states
                         ///< at the segments' ends, then the evaluation record)
    Hash root{};         ///< merkle_root of the count + 1 state digests
    friend bool operator==(const SegmentCommitment&, const SegmentCommitment&) = default;
};

/// What the block is about.
struct Payload {
    BlockKind kind = BlockKind::Epoch;
    uint64_t run_id = 0;
    uint64_t epoch = 0;
    double accuracy = 0;
    double loss = 0;
    Hash checkpoint{};  ///< SHA-256 of the checkpoint bytes (zeros when none)
    uint64_t checkpoint_size = 0;
    uint32_t proposer = server_proposer;  ///< who proposed the candidate: the server (the node that won
                                          ///< the proof of work is the nonce mod the node count)
    uint64_t target_height = 0;           ///< rollback blocks: the block restored
    std::string note;                     ///< free text (e.g. why a rollback happened), at most 4096 bytes
    /// Rollback blocks: the block the rollback is about (the failing block, whose hash the
    /// proposals sign); 0 in other blocks.
    uint64_t failing_height = 0;
    /// Rollback blocks: the nodes' signed restore points the decision counted (at most max_nodes
    /// when decoded); empty in other blocks.
    std::vector<RollbackProposal> proposals;
    /// Epoch blocks: the trajectory's segment commitment, when the trainer recorded one. Encoded
    /// as a twelfth field after the proposals (tag byte 1, steps, count, root: 41 bytes); absent,
    /// it adds no bytes, so payloads without it keep their encoding and root.
    std::optional<SegmentCommitment> segments;

    [[nodiscard]] Bytes encode() const;
    /// Decodes; on failure returns nullopt and says why in `error`.
    static std::optional<Payload> decode(std::span<const uint8_t> bytes, std::string* error = nullptr);
    /// Merkle root (legacy_merkle_root: SHA-256, pairs hashed, an odd last node paired with
    /// itself) over the SHA-256 of the encodings of the fields, one leaf each, in declaration
    /// order; `failing_height` and `proposals` make one leaf together (the eleventh); `segments`
    /// is a twelfth leaf only when present.
    [[nodiscard]] Hash root() const;
};

/// One node's signed opinion on a block hash.
struct Vote {
    uint32_t node = 0;
    bool accept = false;
    Signature signature{};
    /// A reject vote's reason, when the node gives one (a failed segment replay is a veto,
    /// Chain::commit). In memory and on the wire only: not signed, not in vote_message, not stored.
    std::optional<ValidationState> reason;
    /// The node was drawn to replay and ran the epoch check before it voted (in memory and on the
    /// wire only); a drawn node's accepting vote without it leaves the block unchecked by that node.
    bool replayed = false;
};

/// The bytes a node signs for a vote: "trainchain/vote/v1", the block hash, then 1 or 0.
Bytes vote_message(const Hash& block_hash, bool accept);

/// A whole block.
struct Block {
    BlockHeader header;
    Payload payload;
    std::vector<Vote> votes;  ///< the votes that accepted it (not covered by the hash)
    [[nodiscard]] Hash hash() const noexcept { return header.hash(); }
};

}  // namespace trainchain::runtime
