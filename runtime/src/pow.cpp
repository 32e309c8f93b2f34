// runtime/src/pow.cpp - proof-of-work checks and a multi-threaded midstate miner.
//
// The header is 92 bytes: the first 64 (height, previous hash, timestamp, half the payload root)
// are fixed for a candidate, so their SHA-256 compression is done once; each nonce then costs one
// compression of the second block (the rest of the root, the difficulty, the nonce, padding and
// length), through OpenSSL's SHA256_Transform (SHA-NI where the CPU has it).
#include "trainchain/runtime/pow.hpp"

#include <openssl/sha.h>

#include <cstring>
#include <thread>
#include <vector>

namespace trainchain::runtime {

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"  // SHA256_Transform: the fastest path

unsigned leading_zero_bits(const Hash& hash) noexcept {
    unsigned n = 0;
    for (uint8_t b : hash) {
        if (b == 0) {
            n += 8;
            continue;
        }
        for (int bit = 7; bit >= 0 && !(b >> bit & 1); --bit) ++n;
        break;
    }
    return n;
}

bool check_proof_of_work(const Hash& hash, unsigned bits) noexcept { return leading_zero_bits(hash) >= bits; }

Hash target_of(unsigned bits) noexcept {
    Hash t{};
    for (unsigned i = 0; i < 256; ++i)
        if (i >= bits) t[i / 8] = static_cast<uint8_t>(t[i / 8] | (0x80u >> (i % 8)));
    return t;
}

Miner::Miner(const BlockHeader& header) noexcept {
    const auto bytes = header.encode();
    SHA256_CTX ctx;
    SHA256_Init(&ctx);
    SHA256_Update(&ctx, bytes.data(), 64);
    for (int i = 0; i < 8; ++i) midstate_[i] = ctx.h[i];
    std::memset(tail_, 0, sizeof tail_);
    std::memcpy(tail_, bytes.data() + 64, BlockHeader::encoded_size - 64);
    tail_[BlockHeader::encoded_size - 64] = 0x80;
    const uint64_t bit_length = BlockHeader::encoded_size * 8;
    for (int i = 0; i < 8; ++i) tail_[63 - i] = static_cast<uint8_t>(bit_length >> (8 * i));
}

Hash Miner::hash(uint64_t nonce) const noexcept {
    SHA256_CTX ctx;
    for (int i = 0; i < 8; ++i) ctx.h[i] = midstate_[i];
    uint8_t block[64];
    std::memcpy(block, tail_, 64);
    constexpr size_t at = BlockHeader::nonce_offset - 64;
    for (int i = 7; i >= 0; --i, nonce >>= 8)
        block[at + static_cast<size_t>(i)] = static_cast<uint8_t>(nonce);
    SHA256_Transform(&ctx, block);
    Hash h;
    for (int i = 0; i < 8; ++i) {
        h[static_cast<size_t>(4 * i)] = static_cast<uint8_t>(ctx.h[i] >> 24);
        h[static_cast<size_t>(4 * i + 1)] = static_cast<uint8_t>(ctx.h[i] >> 16);
        h[static_cast<size_t>(4 * i + 2)] = static_cast<uint8_t>(ctx.h[i] >> 8);
        h[static_cast<size_t>(4 * i + 3)] = static_cast<uint8_t>(ctx.h[i]);
    }
    return h;
}

#pragma GCC diagnostic pop

std::optional<MiningResult> mine_range(const BlockHeader& header, unsigned bits, uint64_t start,
                                       uint64_t stride, const std::atomic<bool>& stop, uint64_t max_tries,
                                       uint64_t& tries) noexcept {
    const Miner miner(header);
    tries = 0;
    uint64_t nonce = start;
    while (tries < max_tries) {
        // Check the stop flag every 1024 tries: cheap, and a loser stops within microseconds.
        if ((tries & 1023) == 0 && stop.load(std::memory_order_relaxed)) return std::nullopt;
        const Hash h = miner.hash(nonce);
        ++tries;
        if (check_proof_of_work(h, bits)) return MiningResult{nonce, h, tries};
        if (nonce > UINT64_MAX - stride) return std::nullopt;
        nonce += stride;
    }
    return std::nullopt;
}

std::optional<MiningResult> mine(const BlockHeader& header, const PowParams& params) {
    unsigned threads = params.threads ? params.threads : std::max(1u, std::thread::hardware_concurrency());
    std::atomic<bool> stop{false};
    std::vector<std::optional<MiningResult>> found(threads);
    std::vector<uint64_t> tries(threads, 0);
    std::vector<std::thread> workers;
    try {
        for (unsigned t = 0; t < threads; ++t)
            workers.emplace_back([&, t] {
                found[t] = mine_range(header, params.difficulty_bits, t, threads, stop, UINT64_MAX, tries[t]);
                if (found[t]) stop.store(true, std::memory_order_relaxed);
            });
    } catch (...) {  // no more threads: stop the ones started, then report
        stop.store(true);
        for (auto& w : workers) w.join();
        throw;
    }
    for (auto& w : workers) w.join();
    // Several workers may finish in the same instant: the smallest nonce wins, deterministically
    // for a given set of finds.
    std::optional<MiningResult> best;
    uint64_t total = 0;
    for (unsigned t = 0; t < threads; ++t) {
        total += tries[t];
        if (found[t] && (!best || found[t]->nonce < best->nonce)) best = found[t];
    }
    if (best) best->tries = total;
    return best;
}

}  // namespace trainchain::runtime
