// runtime/src/block.cpp - canonical encodings, Merkle root and hashes of blocks.
#include "trainchain/runtime/block.hpp"

#include <bit>
#include <cstring>

#include "trainchain/runtime/limits.hpp"
#include "trainchain/runtime/merkle.hpp"

namespace trainchain::runtime {
namespace {

void put_u64(uint8_t* p, uint64_t v) noexcept {
    for (int i = 7; i >= 0; --i, v >>= 8) p[i] = static_cast<uint8_t>(v);
}
void put_u32(uint8_t* p, uint32_t v) noexcept {
    for (int i = 3; i >= 0; --i, v >>= 8) p[i] = static_cast<uint8_t>(v);
}
uint64_t get_u64(const uint8_t* p) noexcept {
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v = (v << 8) | p[i];
    return v;
}
uint32_t get_u32(const uint8_t* p) noexcept {
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v = (v << 8) | p[i];
    return v;
}

void append_u64(Bytes& b, uint64_t v) {
    uint8_t t[8];
    put_u64(t, v);
    b.insert(b.end(), t, t + 8);
}
void append_u32(Bytes& b, uint32_t v) {
    uint8_t t[4];
    put_u32(t, v);
    b.insert(b.end(), t, t + 4);
}

/// One encoded proposal: node (4), target height (8), signature (64).
constexpr size_t proposal_size = 4 + 8 + 64;

/// The segment commitment field: tag (1), steps (4), count (4), root (32).
constexpr size_t segments_size = 1 + 4 + 4 + 32;
constexpr uint8_t segments_tag = 0x01;

/// The fields of a payload, each encoded on its own (the Merkle leaves); their concatenation is
/// the payload encoding. Eleven, and a twelfth when the payload carries a segment commitment.
std::vector<Bytes> fields(const Payload& p) {
    std::vector<Bytes> f(p.segments ? 12 : 11);
    f[0].push_back(static_cast<uint8_t>(p.kind));
    append_u64(f[1], p.run_id);
    append_u64(f[2], p.epoch);
    append_u64(f[3], std::bit_cast<uint64_t>(p.accuracy));
    append_u64(f[4], std::bit_cast<uint64_t>(p.loss));
    f[5].assign(p.checkpoint.begin(), p.checkpoint.end());
    append_u64(f[6], p.checkpoint_size);
    append_u32(f[7], p.proposer);
    append_u64(f[8], p.target_height);
    append_u32(f[9], static_cast<uint32_t>(p.note.size()));
    f[9].insert(f[9].end(), p.note.begin(), p.note.end());
    f[10].reserve(12 + p.proposals.size() * proposal_size);
    append_u64(f[10], p.failing_height);
    append_u32(f[10], static_cast<uint32_t>(p.proposals.size()));
    for (const auto& q : p.proposals) {
        append_u32(f[10], q.node);
        append_u64(f[10], q.target_height);
        f[10].insert(f[10].end(), q.signature.begin(), q.signature.end());
    }
    if (p.segments) {
        f[11].reserve(segments_size);
        f[11].push_back(segments_tag);
        append_u32(f[11], p.segments->steps);
        append_u32(f[11], p.segments->count);
        f[11].insert(f[11].end(), p.segments->root.begin(), p.segments->root.end());
    }
    return f;
}

constexpr size_t max_note = 4096;

}  // namespace

size_t utf8_sequence(std::string_view text, size_t i, uint32_t* code_point) noexcept {
    const auto* s = reinterpret_cast<const unsigned char*>(text.data());
    const size_t n = text.size();
    if (i >= n) return 0;
    const unsigned c = s[i];
    size_t len = 0;
    uint32_t cp = 0;
    if (c < 0x80)
        len = 1, cp = c;
    else if (c >= 0xc2 && c <= 0xdf)
        len = 2, cp = c & 0x1fu;
    else if (c >= 0xe0 && c <= 0xef)
        len = 3, cp = c & 0x0fu;
    else if (c >= 0xf0 && c <= 0xf4)
        len = 4, cp = c & 0x07u;
    else
        return 0;
    if (i + len > n) return 0;
    for (size_t k = 1; k < len; ++k) {
        if ((s[i + k] & 0xc0u) != 0x80u) return 0;
        cp = (cp << 6) | (s[i + k] & 0x3fu);
    }
    // No overlong forms, nothing past U+10FFFF, no surrogates.
    const uint32_t min = len == 1 ? 0 : len == 2 ? 0x80 : len == 3 ? 0x800 : 0x10000;
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
    if (code_point) *code_point = cp;
    return len;
}

bool valid_utf8(std::string_view text) noexcept {
    for (size_t i = 0; i < text.size();) {
        const size_t len = utf8_sequence(text, i);
        if (len == 0) return false;
        i += len;
    }
    return true;
}

std::string_view utf8_prefix(std::string_view text, size_t max_bytes) noexcept {
    if (text.size() <= max_bytes) return text;
    size_t end = max_bytes;
    // Back off continuation bytes: the cut then falls before a character's first byte.
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xc0u) == 0x80u) --end;
    return text.substr(0, end);
}

std::string kind_name(BlockKind kind) {
    switch (kind) {
        case BlockKind::Genesis:
            return "genesis";
        case BlockKind::Registration:
            return "registration";
        case BlockKind::Epoch:
            return "epoch";
        case BlockKind::Rollback:
            return "rollback";
    }
    return "unknown";
}

std::array<uint8_t, BlockHeader::encoded_size> BlockHeader::encode() const noexcept {
    std::array<uint8_t, encoded_size> out{};
    uint8_t* p = out.data();
    put_u64(p, height);
    std::memcpy(p + 8, prev.data(), 32);
    put_u64(p + 40, timestamp_ms);
    std::memcpy(p + 48, payload_root.data(), 32);
    put_u32(p + 80, difficulty_bits);
    put_u64(p + nonce_offset, nonce);
    return out;
}

std::optional<BlockHeader> BlockHeader::decode(std::span<const uint8_t> bytes) noexcept {
    if (bytes.size() != encoded_size) return std::nullopt;
    BlockHeader h;
    const uint8_t* p = bytes.data();
    h.height = get_u64(p);
    std::memcpy(h.prev.data(), p + 8, 32);
    h.timestamp_ms = get_u64(p + 40);
    std::memcpy(h.payload_root.data(), p + 48, 32);
    h.difficulty_bits = get_u32(p + 80);
    h.nonce = get_u64(p + nonce_offset);
    return h;
}

Hash BlockHeader::hash() const noexcept {
    const auto e = encode();
    return sha256(e);
}

Bytes Payload::encode() const {
    Bytes out;
    for (const auto& f : fields(*this)) out.insert(out.end(), f.begin(), f.end());
    return out;
}

std::optional<Payload> Payload::decode(std::span<const uint8_t> b, std::string* error) {
    auto fail = [&](const std::string& why) -> std::optional<Payload> {
        if (error) *error = why;
        return std::nullopt;
    };
    // The fields before the note's text; after it, the proposals field: failing height (8) and
    // count (4), then `count` proposals of proposal_size bytes.
    constexpr size_t fixed = 1 + 8 + 8 + 8 + 8 + 32 + 8 + 4 + 8 + 4;
    constexpr size_t proposals_fixed = 8 + 4;
    if (b.size() < fixed + proposals_fixed)
        return fail("payload of " + std::to_string(b.size()) + " bytes is shorter than " +
                    std::to_string(fixed + proposals_fixed));
    Payload p;
    const uint8_t* q = b.data();
    if (q[0] > static_cast<uint8_t>(BlockKind::Rollback))
        return fail("unknown block kind " + std::to_string(q[0]));
    p.kind = static_cast<BlockKind>(q[0]);
    p.run_id = get_u64(q + 1);
    p.epoch = get_u64(q + 9);
    p.accuracy = std::bit_cast<double>(get_u64(q + 17));
    p.loss = std::bit_cast<double>(get_u64(q + 25));
    std::memcpy(p.checkpoint.data(), q + 33, 32);
    p.checkpoint_size = get_u64(q + 65);
    p.proposer = get_u32(q + 73);
    p.target_height = get_u64(q + 77);
    const uint32_t note_size = get_u32(q + 85);
    if (note_size > max_note) return fail("note of " + std::to_string(note_size) + " bytes exceeds 4096");
    if (b.size() < fixed + note_size + proposals_fixed)
        return fail("payload size does not match its note length");
    p.note.assign(reinterpret_cast<const char*>(q + fixed), note_size);
    const uint8_t* r = q + fixed + note_size;
    p.failing_height = get_u64(r);
    const uint32_t count = get_u32(r + 8);
    if (count > max_nodes)
        return fail(std::to_string(count) + " proposals exceed the node limit (" + std::to_string(max_nodes) +
                    ")");
    const size_t through_proposals = fixed + note_size + proposals_fixed + size_t{count} * proposal_size;
    if (b.size() < through_proposals)
        return fail("payload size does not match its note length and proposal count");
    const size_t rest = b.size() - through_proposals;
    if (rest != 0 && rest != segments_size)
        return fail(
            "payload size does not match its note length and proposal count: " + std::to_string(rest) +
            " bytes follow the proposals (a segment commitment has " + std::to_string(segments_size) + ")");
    if (rest != 0) {
        const uint8_t* s = q + through_proposals;
        if (s[0] != segments_tag)
            return fail("unknown segment commitment tag " + std::to_string(s[0]) + " (expected 1)");
        SegmentCommitment c;
        c.steps = get_u32(s + 1);
        c.count = get_u32(s + 5);
        std::memcpy(c.root.data(), s + 9, 32);
        if (c.steps == 0) return fail("the segment commitment has 0 steps per segment (at least 1)");
        if (c.count == 0 || c.count > max_segments)
            return fail("the segment commitment has " + std::to_string(c.count) + " segments (1 to " +
                        std::to_string(max_segments) + ")");
        p.segments = c;
    }
    p.proposals.resize(count);
    r += proposals_fixed;
    for (auto& one : p.proposals) {
        one.node = get_u32(r);
        one.target_height = get_u64(r + 4);
        std::memcpy(one.signature.data(), r + 12, one.signature.size());
        r += proposal_size;
    }
    return p;
}

Hash Payload::root() const {
    std::vector<Hash> leaves;
    for (const auto& f : fields(*this)) leaves.push_back(sha256(f));
    return legacy_merkle_root(leaves);
}

Bytes vote_message(const Hash& block_hash, bool accept) {
    static constexpr std::string_view tag = "trainchain/vote/v1";
    Bytes m(tag.size() + block_hash.size() + 1);
    std::memcpy(m.data(), tag.data(), tag.size());
    std::memcpy(m.data() + tag.size(), block_hash.data(), block_hash.size());
    m.back() = accept ? 1 : 0;
    return m;
}

Bytes proposal_message(uint64_t run_id, uint64_t rollback_height, const Hash& failing_hash,
                       uint64_t target_height, const Hash& target_hash) {
    static constexpr std::string_view tag = "trainchain/proposal/v1";
    Bytes m(tag.begin(), tag.end());
    m.reserve(tag.size() + 8 + 8 + 32 + 8 + 32);
    append_u64(m, run_id);
    append_u64(m, rollback_height);
    m.insert(m.end(), failing_hash.begin(), failing_hash.end());
    append_u64(m, target_height);
    m.insert(m.end(), target_hash.begin(), target_hash.end());
    return m;
}

}  // namespace trainchain::runtime
