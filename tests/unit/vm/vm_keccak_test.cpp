// tests/unit/vm/vm_keccak_test.cpp - Keccak-256 (Ethereum's, the original padding) at lengths around
// the sponge's 136-byte rate, against known digests.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "trainchain/vm/keccak.hpp"

using namespace trainchain::vm;

namespace {

/// The digests of bytes (7 i + 3) mod 256, i = 0 .. n-1, from Crypto++ 8.7's Keccak_256 (the
/// implementation before this one); those of "" and "abc" are Ethereum's well-known values.
struct Vector {
    size_t length;
    const char* digest;
};
constexpr Vector vectors[] = {
    {0, "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"},
    {1, "69c322e3248a5dfc29d73c5b0553b0185a35cd5bb6386747517ef7e53b15e287"},
    {3, "7d228cdb40e661b0731cd20c876de675137701233a19b450a36e53a053407a22"},
    {64, "0251cf13aa5b18f1cbda7cddbe85f3dc536fc93df590c2d20ca9b28af1ed2c39"},
    {135, "00ef96af9cf4b24c7f269d922294444a197d0a33638c2e56634c57e892103a8f"},
    {136, "742061bcad767ed4c4f5883b1dcb1aad11afdcc140dc469d953759b127b9f9ed"},
    {137, "e3371f61e770abf254c34239c3b0099ad90594507415bc81dd0a10b9692bbf2a"},
    {200, "66d2cdf3ab4c5bd3c75add9b60b14ac5b7789534fa2da3f348853b847359a3a0"},
    {271, "4401c4afbe16ff911bdbf2d38e556e5b861f3fdf0f9d4306b1c46f6ae4f73584"},
    {272, "ac141fd7b0a0ffcd2e967254d508da3ec616596493c36fa304425647d90e6de5"},
    {273, "16192ea86793083e47731cb3c970600f04768414d92bc0540e54ce8607a0fce0"},
    {1000, "80cdc8dd52cbb3dbaea8f383209893fa2bb52efbd5aedbb4b26dcfe307fcdc9b"},
};

std::string digest_hex(const bytes32& d) {
    static const char* digits = "0123456789abcdef";
    std::string s;
    for (uint8_t b : d.bytes) {
        s += digits[b >> 4];
        s += digits[b & 15];
    }
    return s;
}

}  // namespace

TEST_CASE("keccak256: known digests at lengths around the 136-byte rate") {
    for (const auto& v : vectors) {
        std::vector<uint8_t> data(v.length);
        for (size_t i = 0; i < v.length; ++i) data[i] = static_cast<uint8_t>(i * 7 + 3);
        CAPTURE(v.length);
        CHECK(digest_hex(keccak256({data.data(), data.size()})) == v.digest);
    }
}

TEST_CASE("keccak256: Ethereum's digest of \"abc\", and every byte counts") {
    const std::vector<uint8_t> abc{'a', 'b', 'c'};
    CHECK(digest_hex(keccak256({abc.data(), abc.size()})) ==
          "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45");
    // A one-bit change anywhere in a two-block input changes the digest.
    std::vector<uint8_t> data(200, 0x5a);
    const auto base = keccak256({data.data(), data.size()});
    for (size_t i = 0; i < data.size(); i += 17) {
        data[i] ^= 1;
        CHECK(keccak256({data.data(), data.size()}) != base);
        data[i] ^= 1;
    }
}
