// runtime/src/sampling.cpp - reproducible draws without modulo bias from a SHA-256 stream.
#include "trainchain/runtime/sampling.hpp"

#include <algorithm>
#include <string_view>
#include <unordered_map>

namespace trainchain::runtime {
namespace {

/// 32-bit words from SHA-256(seed || counter), counter 8 bytes big-endian from 0, eight words per
/// block, each read big-endian.
class WordStream {
public:
    explicit WordStream(const Hash& seed) { std::copy(seed.begin(), seed.end(), input_.begin()); }
    uint32_t next() {
        if (used_ == 8) refill();
        const uint8_t* p = block_.data() + 4 * used_++;
        return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
    }
    /// Uniform in [0, bound), bound >= 1: words at or above the largest multiple of bound are drawn
    /// again.
    uint32_t below(uint32_t bound) {
        const uint64_t range = uint64_t{1} << 32;
        const uint64_t limit = range - range % bound;
        for (;;) {
            const uint32_t w = next();
            if (w < limit) return static_cast<uint32_t>(w % bound);
        }
    }

private:
    void refill() {
        for (int i = 0; i < 8; ++i) input_[32 + i] = static_cast<uint8_t>(counter_ >> (56 - 8 * i));
        ++counter_;
        block_ = sha256(input_);
        used_ = 0;
    }
    std::array<uint8_t, 40> input_{};
    Hash block_{};
    uint64_t counter_ = 0;
    unsigned used_ = 8;
};

Hash tagged_hash(std::string_view tag, std::span<const uint8_t> a, std::span<const uint8_t> b = {}) {
    std::vector<uint8_t> m(tag.begin(), tag.end());
    m.insert(m.end(), a.begin(), a.end());
    m.insert(m.end(), b.begin(), b.end());
    return sha256(m);
}

}  // namespace

std::vector<uint32_t> sample_indices(const Hash& seed, uint32_t n, uint32_t q) {
    const uint32_t k = std::min(q, n);
    std::vector<uint32_t> out;
    out.reserve(k);
    // The shuffled array 0..n-1, only where it differs from the identity.
    std::unordered_map<uint32_t, uint32_t> moved;
    auto at = [&](uint32_t i) {
        const auto it = moved.find(i);
        return it == moved.end() ? i : it->second;
    };
    WordStream words(seed);
    for (uint32_t i = 0; i < k; ++i) {
        const uint32_t j = i + words.below(n - i);
        const uint32_t picked = at(j);
        moved[j] = at(i);
        out.push_back(picked);
    }
    return out;
}

Hash segment_sample_seed(const Hash& block_hash, const Signature& accept_signature) {
    return tagged_hash("trainchain/sample/v1", block_hash, accept_signature);
}

std::vector<uint32_t> replaying_nodes(const Hash& block_hash, uint32_t nodes, uint32_t count) {
    return sample_indices(tagged_hash("trainchain/replayers/v1", block_hash), nodes, count);
}

}  // namespace trainchain::runtime
