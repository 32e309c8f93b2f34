// tests/support/runtime_support.hpp - what the runtime tests share: temporary chain directories, hex
// (over vm/hex.hpp), small chain configurations and deterministic checkpoint bytes.
#pragma once

#include <doctest/doctest.h>
#include <unistd.h>

#include <bit>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "shared_support.hpp"
#include "trainchain/runtime/chain.hpp"
#include "trainchain/runtime/keys.hpp"
#include "trainchain/vm/hex.hpp"

namespace trainchain::runtime {
// doctest prints digests as hex through argument-dependent lookup.
inline doctest::String toString(const Hash& h) { return hex(h).c_str(); }
}  // namespace trainchain::runtime

namespace trainchain::test {

namespace fs = std::filesystem;
using runtime::Bytes;

/// Where to put many short-lived copies: a memory file system when there is one (creating files
/// there is much cheaper than on a disk), else the temporary directory.
inline fs::path scratch_root() {
    std::error_code ec;
    const fs::path shm = "/dev/shm";
    if (fs::is_directory(shm, ec) && access(shm.c_str(), W_OK) == 0) return shm;
    return fs::temp_directory_path();
}

/// Bytes of a hex string (no prefix, even length; the tests' own literals, which must be well formed).
inline Bytes from_hex(std::string_view text) {
    auto b = vm::parse_hex_digits(text);
    REQUIRE_MESSAGE(b, "malformed hex literal: " << std::string(text));
    return b ? std::move(*b) : Bytes{};
}

/// Lowercase hex of bytes (the project's one encoder).
using vm::to_hex;

/// A chain small and easy enough to mine in milliseconds.
inline runtime::ChainConfig small_config(uint32_t nodes, uint32_t bits = 8) {
    runtime::ChainConfig c;
    c.nodes = nodes;
    c.difficulty_bits = bits;
    c.run_id = 0x7e57;
    return c;
}

/// Checkpoint bytes that differ per `seed`: half compressible, half pseudo-random.
inline Bytes checkpoint_bytes(uint64_t seed, size_t size = 2048) {
    Bytes b(size);
    uint64_t x = seed * 0x9e3779b97f4a7c15ULL + 1;
    for (size_t i = 0; i < size; ++i) {
        if (i < size / 2) {
            b[i] = static_cast<uint8_t>(i % 7 + seed);
        } else {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            b[i] = static_cast<uint8_t>(x);
        }
    }
    return b;
}

inline runtime::EpochResult epoch_result(uint64_t epoch, double accuracy, double loss = 0.5,
                                         size_t size = 2048) {
    runtime::EpochResult r;
    r.epoch = epoch;
    r.accuracy = accuracy;
    r.loss = loss;
    r.checkpoint = checkpoint_bytes(epoch * 1000003 + std::bit_cast<uint64_t>(accuracy), size);
    return r;
}

/// How a tampered block is made consistent again around the change, so that only the rule under
/// test breaks.
struct Redo {
    bool root = true;  ///< recompute the payload root
    bool mine = true;  ///< find a nonce meeting the header's difficulty
    bool sign = true;  ///< sign the votes again with the nodes' own keys
};

/// The private keys of a run's in-process nodes, by index: its node key file (`DIR.keys/nodes.key`
/// unless the run was made with another).
inline std::vector<runtime::KeyPair> node_keys_of(const std::filesystem::path& run_dir) {
    return runtime::read_key_list_file(runtime::default_key_paths(run_dir).nodes);
}

/// Changes `b` by `tamper`, then redoes what `redo` says; `keys` are the nodes' private keys, by
/// index (node_keys_of). Votes from nodes without a key there keep their signatures.
inline void tamper_block(runtime::Block& b, const std::function<void(runtime::Block&)>& tamper, Redo redo,
                         const std::vector<runtime::KeyPair>& keys) {
    tamper(b);
    if (redo.root) b.header.payload_root = b.payload.root();
    if (redo.mine) {
        const auto found = runtime::mine(b.header, runtime::PowParams{b.header.difficulty_bits, 1});
        REQUIRE(found);
        b.header.nonce = found->nonce;
    }
    if (redo.sign)
        for (auto& v : b.votes)
            if (v.node < keys.size())
                v.signature = keys[v.node].sign(runtime::vote_message(b.hash(), v.accept));
}

}  // namespace trainchain::test
