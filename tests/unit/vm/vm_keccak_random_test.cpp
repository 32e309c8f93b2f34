// tests/unit/vm/vm_keccak_random_test.cpp - the VM's own Keccak-256 (vm/src/keccak.cpp) against
// Crypto++'s Keccak_256 on random inputs of every length from 0 to 700 bytes (five rates and more,
// so every way a message ends relative to the 136-byte rate), and on a few long ones.
#include <cryptopp/keccak.h>
#include <doctest/doctest.h>

#include <cstdint>
#include <random>
#include <vector>

#include "trainchain/vm/keccak.hpp"

using namespace trainchain::vm;

namespace {

bytes32 reference(const std::vector<uint8_t>& data) {
    bytes32 out;
    CryptoPP::Keccak_256 h;
    h.CalculateDigest(out.bytes.data(), data.data(), data.size());
    return out;
}

std::vector<uint8_t> random_bytes(std::mt19937_64& rng, size_t n) {
    std::vector<uint8_t> v(n);
    for (auto& b : v) b = static_cast<uint8_t>(rng());
    return v;
}

}  // namespace

TEST_CASE("keccak256 equals Crypto++'s Keccak_256 on random inputs of every length up to 700 bytes") {
    std::mt19937_64 rng(20261204);
    for (size_t n = 0; n <= 700; ++n) {
        for (int i = 0; i < 4; ++i) {
            const auto data = random_bytes(rng, n);
            CAPTURE(n);
            REQUIRE(keccak256({data.data(), data.size()}) == reference(data));
        }
    }
    for (const size_t n : {4096, 24576, 100001}) {
        const auto data = random_bytes(rng, n);
        CAPTURE(n);
        CHECK(keccak256({data.data(), data.size()}) == reference(data));
    }
}

TEST_CASE("keccak256 of the empty string and of \"abc\" are Ethereum's well-known digests") {
    const auto hex = [](const bytes32& d) {
        std::string s;
        for (const uint8_t b : d.bytes) {
            s += "0123456789abcdef"[b >> 4];
            s += "0123456789abcdef"[b & 15];
        }
        return s;
    };
    CHECK(hex(keccak256({})) == "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
    const uint8_t abc[] = {'a', 'b', 'c'};
    CHECK(hex(keccak256(abc)) == "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45");
}
