// tests/unit/vm/vm_precompiles_test.cpp - the precompile table (which fork has which, at what
// price) and the implementations against published vectors: ecrecover (a signature made here
// with libsecp256k1, go-ethereum's benchmark vector, malformed signatures), RIPEMD-160 (the
// algorithm's own test vectors), modexp (EIP-198's examples, go-ethereum's EIP-2565 gas vectors,
// absurd declared lengths) and BLAKE2b F (EIP-152's test vectors 0-8); then the same through
// InMemoryHost: gas charged, out of gas below it, failures consuming everything.
//
// Sources: repository ethereum/EIPs, EIPS/eip-152.md ("Test Cases"), eip-198.md (examples),
// eip-2565.md (pricing); go-ethereum core/vm/testdata/precompiles/modexp_eip2565.json
// (nagydani-1-pow0x10001, nagydani-2-pow0x10001: input, output and the Berlin gas); expected
// modexp results and EIP-198 prices checked with Python's pow() and the EIPs' formulas.
#include <secp256k1.h>
#include <secp256k1_recovery.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include <doctest/doctest.h>

#include "test_support.hpp"
#include "trainchain/vm/fork.hpp"
#include "trainchain/vm/hex.hpp"
#include "trainchain/vm/keccak.hpp"
#include "trainchain/vm/precompiles.hpp"
#include "trainchain/vm/state.hpp"

namespace {

using namespace trainchain::vm;
using PStatus = PrecompileResult::Status;

constexpr int64_t gas_max = std::numeric_limits<int64_t>::max();

bytes hex(std::string_view text) {
    ParseResult<bytes> r = from_hex(text);
    REQUIRE(r);
    return *r.value;
}

/// A 32-byte big-endian word holding `v`.
std::string word(uint64_t v) {
    std::string s(64, '0');
    for (size_t i = 0; i < 16; ++i) s[63 - i] = "0123456789abcdef"[(v >> (4 * i)) & 0xf];
    return s;
}

address precompile_address(uint8_t n) {
    address a;
    a.bytes.back() = n;
    return a;
}

struct Outcome {
    Status status = Status::Failure;
    int64_t used = 0;
    bytes output;
};

/// A message call from a funded account to `to` with `gas` and `input`, on a fresh host.
Outcome call(Fork fork, const address& to, int64_t gas, const bytes& input) {
    const address origin = trainchain::test::make_address(0x0a, 0x041917);
    InMemoryHost host(fork);
    host.accounts[origin].balance = uint256{1'000'000};
    host.begin_transaction(origin, &to);
    Message msg;
    msg.gas = gas;
    msg.sender = origin;
    msg.recipient = msg.code_address = to;
    msg.input = input;
    const Result r = host.call(msg);
    return {r.status, gas - r.gas_left, r.output};
}

// ---- the table ------------------------------------------------------------------------------------

TEST_CASE("the table: numbers, names and the first fork of each precompile") {
    const auto table = precompile_table();
    REQUIRE(table.size() == 10);
    const std::array<std::pair<std::string_view, Fork>, 10> expected = {{
        {"ecrecover", Fork::Frontier},
        {"sha256", Fork::Frontier},
        {"ripemd160", Fork::Frontier},
        {"identity", Fork::Frontier},
        {"modexp", Fork::Byzantium},
        {"bn254_add", Fork::Byzantium},
        {"bn254_mul", Fork::Byzantium},
        {"bn254_pairing", Fork::Byzantium},
        {"blake2f", Fork::Istanbul},
        {"point_evaluation", Fork::Cancun},
    }};
    for (size_t i = 0; i < table.size(); ++i) {
        CHECK(table[i].number == i + 1);
        CHECK(table[i].name == expected[i].first);
        CHECK(table[i].since == expected[i].second);
        CHECK(find_precompile(static_cast<uint8_t>(i + 1)) == &table[i]);
    }
    CHECK(find_precompile(0) == nullptr);
    CHECK(find_precompile(11) == nullptr);
}

TEST_CASE("which addresses are precompiles in which fork") {
    for (int f = 0; f < num_forks; ++f) {
        const auto fork = static_cast<Fork>(f);
        INFO(fork_name(fork));
        const uint8_t last = fork >= Fork::Cancun      ? 0x0a
                             : fork >= Fork::Istanbul  ? 0x09
                             : fork >= Fork::Byzantium ? 0x08
                                                       : 0x04;
        CHECK(last_precompile(fork) == last);
        for (uint8_t n = 0; n <= 0x10; ++n) {
            const bool expected = n >= 1 && n <= last;
            CHECK(is_precompile(precompile_address(n), fork) == expected);
            CHECK(InMemoryHost(fork).is_precompile(precompile_address(n)) == expected);
            CHECK(precompile_id(precompile_address(n), fork) ==
                  (expected ? std::optional<uint8_t>{n} : std::nullopt));
        }
        // Any other byte set: not a precompile.
        address a = precompile_address(1);
        a.bytes[0] = 1;
        CHECK_FALSE(is_precompile(a, fork));
        a = precompile_address(1);
        a.bytes[18] = 1;  // 0x...0101
        CHECK_FALSE(is_precompile(a, fork));
    }
}

TEST_CASE("fixed and per-word prices, per fork") {
    const bytes b33(33, 0x61);
    for (const Fork fork : {Fork::Frontier, Fork::Byzantium, Fork::Istanbul, Fork::Berlin, Fork::Cancun}) {
        INFO(fork_name(fork));
        CHECK(precompile_gas(0x01, {}, fork) == 3000);
        CHECK(precompile_gas(0x01, b33, fork) == 3000);
        CHECK(precompile_gas(0x02, {}, fork) == 60);
        CHECK(precompile_gas(0x02, b33, fork) == 60 + 12 * 2);
        CHECK(precompile_gas(0x03, {}, fork) == 600);
        CHECK(precompile_gas(0x03, b33, fork) == 600 + 120 * 2);
        CHECK(precompile_gas(0x04, {}, fork) == 15);
        CHECK(precompile_gas(0x04, b33, fork) == 15 + 3 * 2);
        CHECK(precompile_gas(0x0a, {}, fork) == 50000);
        CHECK(precompile_gas(0x00, {}, fork) == gas_max);
        CHECK(precompile_gas(0x0b, {}, fork) == gas_max);
    }
}

TEST_CASE("bn254 prices: Byzantium's, then EIP-1108's from Istanbul") {
    const bytes two_pairs(384, 0);
    const bytes two_pairs_and_a_bit(400, 0);  // a partial pair is not counted
    for (const Fork fork : {Fork::Byzantium, Fork::Constantinople, Fork::Petersburg}) {
        CHECK(precompile_gas(0x06, {}, fork) == 500);
        CHECK(precompile_gas(0x07, {}, fork) == 40000);
        CHECK(precompile_gas(0x08, {}, fork) == 100000);
        CHECK(precompile_gas(0x08, two_pairs, fork) == 100000 + 2 * 80000);
        CHECK(precompile_gas(0x08, two_pairs_and_a_bit, fork) == 100000 + 2 * 80000);
    }
    for (const Fork fork : {Fork::Istanbul, Fork::Berlin, Fork::Cancun}) {
        CHECK(precompile_gas(0x06, {}, fork) == 150);
        CHECK(precompile_gas(0x07, {}, fork) == 6000);
        CHECK(precompile_gas(0x08, {}, fork) == 45000);
        CHECK(precompile_gas(0x08, two_pairs, fork) == 45000 + 2 * 34000);
    }
}

TEST_CASE("bn254 and point evaluation run through the table; an unknown number is Unsupported") {
    // Two pairs of points at infinity: the empty product, 1 (EIP-197).
    const PrecompileResult pairing = run_precompile(0x08, bytes(2 * 192, 0));
    CHECK(pairing.status == PStatus::Success);
    CHECK(pairing.output == hex(word(1)));
    CHECK(run_precompile(0x06, bytes(128, 0)).output == bytes(64, 0));      // O + O = O
    CHECK(run_precompile(0x08, bytes(191, 0)).status == PStatus::Failure);  // not a multiple of 192
    CHECK(run_precompile(0x0a, bytes(192, 0)).status == PStatus::Failure);  // versioned hash mismatch
    CHECK(run_precompile(0x0b, {}).status == PStatus::Unsupported);
}

/// A stand-in of the shape the bn254 and KZG implementations will have: nullopt for invalid input.
std::optional<bytes> reverse_or_reject(bytes_view input) {
    if (input.empty()) return std::nullopt;
    return bytes(input.rbegin(), input.rend());
}

TEST_CASE("from_optional adapts a `std::optional<bytes> fn(bytes_view)` to a table entry") {
    const PrecompileExecuteFn execute = from_optional<reverse_or_reject>;
    const PrecompileResult ok = execute(bytes{1, 2, 3});
    CHECK(ok.status == PStatus::Success);
    CHECK(ok.output == bytes{3, 2, 1});
    const PrecompileResult bad = execute({});
    CHECK(bad.status == PStatus::Failure);
    CHECK(bad.output.empty());
}

// ---- 0x01 ecrecover -------------------------------------------------------------------------------

constexpr std::string_view secp256k1_n = "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141";

/// Signs `hash` with a fixed private key; returns the precompile input and the expected output.
std::pair<bytes, bytes> signed_input(const bytes& hash) {
    secp256k1_context* ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
    REQUIRE(ctx != nullptr);
    const bytes key = hex("4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318");
    REQUIRE(secp256k1_ec_seckey_verify(ctx, key.data()) == 1);
    secp256k1_ecdsa_recoverable_signature sig;
    REQUIRE(secp256k1_ecdsa_sign_recoverable(ctx, &sig, hash.data(), key.data(), nullptr, nullptr) == 1);
    std::array<uint8_t, 64> rs{};
    int recid = -1;
    secp256k1_ecdsa_recoverable_signature_serialize_compact(ctx, rs.data(), &recid, &sig);
    secp256k1_pubkey pub;
    REQUIRE(secp256k1_ec_pubkey_create(ctx, &pub, key.data()) == 1);
    std::array<uint8_t, 65> serialized{};
    size_t len = serialized.size();
    secp256k1_ec_pubkey_serialize(ctx, serialized.data(), &len, &pub, SECP256K1_EC_UNCOMPRESSED);
    secp256k1_context_destroy(ctx);

    bytes input = hash;
    const bytes v = hex(word(static_cast<uint64_t>(27 + recid)));
    input.insert(input.end(), v.begin(), v.end());
    input.insert(input.end(), rs.begin(), rs.end());
    const bytes32 h = keccak256(bytes_view{serialized}.subspan(1));
    bytes expected(12, 0);
    expected.insert(expected.end(), h.bytes.begin() + 12, h.bytes.end());
    return {input, expected};
}

TEST_CASE("ecrecover: a signature made here recovers the signer's address") {
    const bytes32 h = keccak256(bytes{'t', 'r', 'a', 'i', 'n'});
    const bytes hash(h.bytes.begin(), h.bytes.end());
    const auto [input, expected] = signed_input(hash);
    REQUIRE(input.size() == 128);
    const PrecompileResult r = run_precompile(0x01, input);
    CHECK(r.status == PStatus::Success);
    CHECK(to_hex(r.output) == to_hex(expected));

    // Bytes past 128 are ignored.
    bytes longer = input;
    longer.resize(200, 0xff);
    CHECK(run_precompile(0x01, longer).output == expected);

    // The other v recovers some other key (or none): never the signer.
    bytes flipped = input;
    flipped[63] = static_cast<uint8_t>(flipped[63] == 27 ? 28 : 27);
    CHECK(run_precompile(0x01, flipped).output != expected);

    // A different hash: a different address.
    bytes other = input;
    other[0] ^= 1;
    CHECK(run_precompile(0x01, other).output != expected);

    // (r, n - s) with the other v is the same signature: ecrecover allows a high s.
    std::array<uint8_t, 32> n{};
    std::ranges::copy(hex(secp256k1_n), n.begin());
    bytes malleated = flipped;
    int borrow = 0;
    for (int i = 31; i >= 0; --i) {
        const int d = n[static_cast<size_t>(i)] - input[96 + static_cast<size_t>(i)] - borrow;
        malleated[96 + static_cast<size_t>(i)] = static_cast<uint8_t>(d & 0xff);
        borrow = d < 0 ? 1 : 0;
    }
    CHECK(run_precompile(0x01, malleated).output == expected);
}

TEST_CASE("ecrecover: go-ethereum's vector") {
    const bytes input =
        hex("38d18acb67d25c8bb9942764b62f18e17054f66a817bd4295423adf9ed98873e"
            "000000000000000000000000000000000000000000000000000000000000001b"
            "38d18acb67d25c8bb9942764b62f18e17054f66a817bd4295423adf9ed98873e"
            "789d1dd423d25f0772d2748d60f7e4b81bb14d086eba8e8e8efb6dcff8a4ae02");
    const PrecompileResult r = run_precompile(0x01, input);
    CHECK(r.status == PStatus::Success);
    CHECK(to_hex(r.output) == "000000000000000000000000ceaccac640adf55b2028469bd36ba501f28b699d");
}

TEST_CASE("ecrecover: an invalid signature is a success with empty output") {
    const bytes hash = hex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const bytes good = signed_input(hash).first;
    REQUIRE(run_precompile(0x01, good).output.size() == 32);
    const auto with = [&](size_t offset, std::string_view word_hex) {
        bytes in = good;
        const bytes w = hex(word_hex);
        std::ranges::copy(w, in.begin() + static_cast<std::ptrdiff_t>(offset));
        return in;
    };
    const std::array<std::pair<const char*, bytes>, 9> cases = {{
        {"v = 26", with(32, word(26))},
        {"v = 29", with(32, word(29))},
        {"v = 0", with(32, word(0))},
        {"v = 27 + 2^8", with(32, word(27 + 256))},
        {"v = 27 with a high byte set",
         with(32, "010000000000000000000000000000000000000000000000000000000000001b")},
        {"r = 0", with(64, word(0))},
        {"s = 0", with(96, word(0))},
        {"r = n", with(64, secp256k1_n)},
        {"s = n", with(96, secp256k1_n)},
    }};
    for (const auto& [what, input] : cases) {
        INFO(what);
        const PrecompileResult r = run_precompile(0x01, input);
        CHECK(r.status == PStatus::Success);
        CHECK(r.output.empty());
    }
    // Empty input: v = 0.
    CHECK(run_precompile(0x01, {}).status == PStatus::Success);
    CHECK(run_precompile(0x01, {}).output.empty());
}

// ---- 0x03 RIPEMD-160 ------------------------------------------------------------------------------

TEST_CASE("RIPEMD-160: the algorithm's test vectors, left-padded to 32 bytes") {
    const std::array<std::pair<std::string_view, std::string_view>, 4> cases = {{
        {"", "9c1185a5c5e9fc54612808977ee8f548b2258d31"},
        {"abc", "8eb208f7e05d987a9b044a8e98c6b087f15a0bfc"},
        {"message digest", "5d0689ef49d2fae572b881b123a85ffa21595f36"},
        {"abcdefghijklmnopqrstuvwxyz", "f71c27109c692c1b56bbdceb5b9d2865b3708dbc"},
    }};
    for (const auto& [text, digest] : cases) {
        INFO(text);
        const bytes input(text.begin(), text.end());
        const PrecompileResult r = run_precompile(0x03, input);
        CHECK(r.status == PStatus::Success);
        CHECK(to_hex(r.output) == std::string(24, '0') + std::string(digest));
    }
}

// ---- 0x05 modexp ----------------------------------------------------------------------------------

constexpr std::string_view p_minus_1 = "fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2e";
constexpr std::string_view p = "fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f";

TEST_CASE("modexp: EIP-198's examples and their prices") {
    SUBCASE("3^(p-1) mod p = 1 (Fermat): 13056 gas (EIP-198), 1360 (EIP-2565)") {
        const bytes in = hex(word(1) + word(32) + word(32) + "03" + std::string(p_minus_1) + std::string(p));
        CHECK(precompile_gas(0x05, in, Fork::Byzantium) == 13056);
        CHECK(precompile_gas(0x05, in, Fork::Istanbul) == 13056);
        CHECK(precompile_gas(0x05, in, Fork::Berlin) == 1360);
        CHECK(precompile_gas(0x05, in, Fork::Cancun) == 1360);
        const PrecompileResult r = run_precompile(0x05, in);
        CHECK(r.status == PStatus::Success);
        CHECK(to_hex(r.output) == word(1));
    }
    SUBCASE("an empty base is 0") {
        const bytes in = hex(word(0) + word(32) + word(32) + std::string(p_minus_1) + std::string(p));
        CHECK(precompile_gas(0x05, in, Fork::Byzantium) == 13056);
        CHECK(precompile_gas(0x05, in, Fork::Berlin) == 1360);
        CHECK(to_hex(run_precompile(0x05, in).output) == word(0));
    }
    SUBCASE("a modulus length of 2^256 - 1 can never be paid") {
        const bytes in = hex(word(0) + word(32) + std::string(64, 'f') +
                             "fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe"
                             "fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffd");
        CHECK(precompile_gas(0x05, in, Fork::Byzantium) == gas_max);
        CHECK(precompile_gas(0x05, in, Fork::Berlin) == gas_max);
    }
    SUBCASE("3^65535 mod 2^255, extra input ignored; then the modulus padded from 0x80") {
        const std::string expected = "3b01b01ac41f2d6e917c6d6a221ce793802469026d9ab7578fa2e79e4da6aaab";
        const bytes full = hex(word(1) + word(2) + word(32) + "03" + "ffff" +
                               "8000000000000000000000000000000000000000000000000000000000000000" + "07");
        const bytes short_mod = hex(word(1) + word(2) + word(32) + "03" + "ffff" + "80");
        for (const bytes& in : {full, short_mod}) {
            // max(1, 32) = 32 -> 1024; exponent 65535 -> 15 iterations: 1024 * 15 / 20.
            CHECK(precompile_gas(0x05, in, Fork::Byzantium) == 768);
            // 4 words -> 16 * 15 / 3 = 80, below the minimum.
            CHECK(precompile_gas(0x05, in, Fork::Berlin) == 200);
            const PrecompileResult r = run_precompile(0x05, in);
            CHECK(r.status == PStatus::Success);
            CHECK(to_hex(r.output) == expected);
        }
    }
}

TEST_CASE("modexp: go-ethereum's EIP-2565 vectors (output and Berlin gas), with their EIP-198 price") {
    struct Case {
        const char* name;
        const char* input;
        const char* output;
        int64_t eip198;
        int64_t eip2565;
    };
    const std::array<Case, 2> cases = {{
        {"nagydani-1-pow0x10001",
         "0000000000000000000000000000000000000000000000000000000000000040"
         "0000000000000000000000000000000000000000000000000000000000000003"
         "0000000000000000000000000000000000000000000000000000000000000040"
         "e09ad9675465c53a109fac66a445c91b292d2bb2c5268addb30cd82f80fcb0033ff97c80a5fc6f39193ae969c6ede6710a6"
         "b"
         "7ac27078a06d90ef1c72e5c85fb5010001fc9e1f6beb81516545975218075ec2af118cd8798df6e08a147c60fd6095ac2bb"
         "0"
         "2c2908cf4dd7c81f11c289e4bce98f3553768f392a80ce22bf5c4f4a248c6b",
         "c36d804180c35d4426b57b50c5bfcca5c01856d104564cd513b461d3c8b8409128a5573e416d0ebe38f5f736766d9dc2714"
         "3"
         "e4da981dfa4d67f7dc474cbee6d2",
         3276, 341},
        {"nagydani-2-pow0x10001",
         "0000000000000000000000000000000000000000000000000000000000000080"
         "0000000000000000000000000000000000000000000000000000000000000003"
         "0000000000000000000000000000000000000000000000000000000000000080"
         "cad7d991a00047dd54d3399b6b0b937c718abddef7917c75b6681f40cc15e2be0003657d8d4c34167b2f0bbbca0ccaa407c"
         "2"
         "a6a07d50f1517a8f22979ce12a81dcaf707cc0cebfc0ce2ee84ee7f77c38b9281b9822a8d3de62784c089c9b18dcb9a2a5e"
         "e"
         "cbede90ea788a862a9ddd9d609c2c52972d63e289e28f6a590ffbf51010001e6d893b80aeed5e6e9ce9afa8a5d5675c93a3"
         "2"
         "ac05554cb20e9951b2c140e3ef4e433068cf0fb73bc9f33af1853f64aa27a0028cbf570d7ac9048eae5dc7b28c87c31e581"
         "0"
         "f1e7fa2cda6adf9f1076dbc1ec1238560071e7efc4e9565c49be9e7656951985860a558a754594115830bcdb421f7414083"
         "4"
         "6dd5997bb01c287087",
         "ad85e8ef13fd1dd46eae44af8b91ad1ccae5b7a1c92944f92a19f21b0b658139e0cabe9c1f679507c2de354bf2c91ebd965"
         "d"
         "1e633978a830d517d2f6f8dd5fd58065d58559de7e2334a878f8ec6992d9b9e77430d4764e863d77c0f87beede8f2f7f2ab"
         "2"
         "e7222f85cc9d98b8467f4bb72e87ef2882423ebdb6daf02dddac6db2",
         10649, 1365},
    }};
    for (const Case& c : cases) {
        INFO(c.name);
        const bytes in = hex(c.input);
        CHECK(precompile_gas(0x05, in, Fork::Byzantium) == c.eip198);
        CHECK(precompile_gas(0x05, in, Fork::Istanbul) == c.eip198);
        CHECK(precompile_gas(0x05, in, Fork::Berlin) == c.eip2565);
        CHECK(precompile_gas(0x05, in, Fork::Cancun) == c.eip2565);
        const PrecompileResult r = run_precompile(0x05, in);
        CHECK(r.status == PStatus::Success);
        CHECK(to_hex(r.output) == c.output);
    }
}

TEST_CASE("modexp: edge cases of the arithmetic") {
    // 2^10 mod 1000, modulus in 2 bytes: 24, left-padded.
    CHECK(to_hex(run_precompile(0x05, hex(word(1) + word(1) + word(2) + "02" + "0a" + "03e8")).output) ==
          "0018");
    // x^0 mod 1 = 0; 5^0 mod 7 = 1.
    CHECK(to_hex(run_precompile(0x05, hex(word(1) + word(1) + word(1) + "05" + "00" + "01")).output) == "00");
    CHECK(to_hex(run_precompile(0x05, hex(word(1) + word(1) + word(1) + "05" + "00" + "07")).output) == "01");
    // Modulus 0: zeros of its length.
    CHECK(to_hex(run_precompile(0x05, hex(word(1) + word(1) + word(3) + "05" + "02" + "000000")).output) ==
          "000000");
    // Modulus length 0: empty output.
    const PrecompileResult empty = run_precompile(0x05, hex(word(1) + word(1) + word(0) + "05" + "02"));
    CHECK(empty.status == PStatus::Success);
    CHECK(empty.output.empty());
    // No input at all: every length 0. EIP-198 prices it 0, EIP-2565 at its minimum 200.
    CHECK(precompile_gas(0x05, {}, Fork::Byzantium) == 0);
    CHECK(precompile_gas(0x05, {}, Fork::Berlin) == 200);
    CHECK(run_precompile(0x05, {}).output.empty());
    // EIP-198's 100-byte exponent 00 00 01 00 ... 00: its first 32 bytes are 2^232, so by the
    // EIP's definition (and go-ethereum's) the adjusted length is 8 * (100 - 32) + 232 = 776 (the
    // EIP's text says 253 for the bit index, which its own definition does not give).
    const bytes exp100 =
        hex(word(1) + word(100) + word(1) + "02" + "000001" + std::string(2 * 97, '0') + "07");
    CHECK(precompile_gas(0x05, exp100, Fork::Byzantium) == 776 / 20);  // mult_complexity(1) = 1
    CHECK(precompile_gas(0x05, exp100, Fork::Berlin) == 776 / 3);      // 1 word
    // 2^(2^776) mod 7 = 2: 2^3 = 1 (mod 7) and 2^776 = 1 (mod 3).
    CHECK(to_hex(run_precompile(0x05, exp100).output) == "02");
}

TEST_CASE("modexp: absurd declared lengths are priced without allocating, saturating at INT64_MAX") {
    const std::string max_word(64, 'f');
    SUBCASE("a base or modulus length of 2^256 - 1 or 2^64") {
        for (const std::string& huge :
             {max_word, std::string("0000000000000000000000000000000000000000000000010000000000000000")}) {
            for (const Fork fork : {Fork::Byzantium, Fork::Berlin}) {
                CHECK(precompile_gas(0x05, hex(huge + word(1) + word(1)), fork) == gas_max);
                CHECK(precompile_gas(0x05, hex(word(1) + word(1) + huge), fork) == gas_max);
            }
        }
    }
    SUBCASE("an exponent length of 2^64: exact just under INT64_MAX (EIP-198), saturated (EIP-2565)") {
        const std::string two64 = "0000000000000000000000000000000000000000000000010000000000000000";
        // 1 * 8 * (2^64 - 32) / 20
        CHECK(precompile_gas(0x05, hex(word(1) + two64 + word(1)), Fork::Byzantium) == 7378697629483820633);
        // 8 * (2^64 + 2^62 - 32) / 20 = INT64_MAX - 12
        const std::string two64_62 = "0000000000000000000000000000000000000000000000014000000000000000";
        CHECK(precompile_gas(0x05, hex(word(1) + two64_62 + word(1)), Fork::Byzantium) == gas_max - 12);
        CHECK(precompile_gas(0x05, hex(word(1) + two64 + word(1)), Fork::Berlin) == gas_max);
        CHECK(precompile_gas(0x05, hex(word(1) + max_word + word(1)), Fork::Byzantium) == gas_max);
    }
    SUBCASE(
        "a huge exponent with empty base and modulus costs nothing (EIP-198) or 200, and returns nothing") {
        const bytes in = hex(word(0) + max_word + word(0));
        CHECK(precompile_gas(0x05, in, Fork::Byzantium) == 0);
        CHECK(precompile_gas(0x05, in, Fork::Berlin) == 200);
        const PrecompileResult r = run_precompile(0x05, in);
        CHECK(r.status == PStatus::Success);
        CHECK(r.output.empty());
    }
    SUBCASE("through the host: out of gas, nothing run") {
        const bytes in = hex(word(1) + word(1) + max_word + "02" + "03");
        const Outcome out = call(Fork::Cancun, precompile_address(0x05), 10'000'000, in);
        CHECK(out.status == Status::OutOfGas);
        CHECK(out.used == 10'000'000);
    }
}

// ---- 0x09 BLAKE2b F -------------------------------------------------------------------------------

// EIP-152's inputs differ only in the rounds, the length and the final flag.
constexpr std::string_view blake_h =
    "48c9bdf267e6096a3ba7ca8485ae67bb2bf894fe72f36e3cf1361d5f3af54fa5d182e6ad7f520e511f6c3e2b8c68059b"
    "6bbd41fbabd9831f79217e1319cde05b";
constexpr std::string_view blake_m_t =
    "6162630000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000003000000000000000000000000000000";

bytes blake_input(std::string_view rounds, std::string_view flag) {
    return hex(std::string(rounds) + std::string(blake_h) + std::string(blake_m_t) + std::string(flag));
}

TEST_CASE("BLAKE2b F: EIP-152's test vectors") {
    SUBCASE("vectors 0-3: a wrong length or final flag fails; the price is 0 for a wrong length") {
        const bytes v1 = hex("00000c" + std::string(blake_h) + std::string(blake_m_t) + "01");  // 212 bytes
        const bytes v2 =
            hex("000000000c" + std::string(blake_h) + std::string(blake_m_t) + "01");  // 214 bytes
        const bytes v3 = blake_input("0000000c", "02");
        REQUIRE(v1.size() == 212);
        REQUIRE(v2.size() == 214);
        REQUIRE(v3.size() == 213);
        for (const bytes& in : {bytes{}, v1, v2}) {
            CHECK(precompile_gas(0x09, in, Fork::Istanbul) == 0);
            CHECK(run_precompile(0x09, in).status == PStatus::Failure);
        }
        CHECK(precompile_gas(0x09, v3, Fork::Istanbul) == 12);
        CHECK(run_precompile(0x09, v3).status == PStatus::Failure);
    }
    struct Case {
        const char* rounds;
        const char* flag;
        int64_t gas;
        const char* output;
    };
    const std::array<Case, 4> cases = {{
        {"00000000", "01", 0,
         "08c9bcf367e6096a3ba7ca8485ae67bb2bf894fe72f36e3cf1361d5f3af54fa5d282e6ad7f520e511f6c3e2b8c68059b"
         "9442be0454267ce079217e1319cde05b"},
        {"0000000c", "01", 12,
         "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d17d87c5392aab792dc252d5de4533cc95"
         "18d38aa8dbf1925ab92386edd4009923"},
        {"0000000c", "00", 12,
         "75ab69d3190a562c51aef8d88f1c2775876944407270c42c9844252c26d2875298743e7f6d5ea2f2d3e8d226039cd31b"
         "4e426ac4f2d3d666a610c2116fde4735"},
        {"00000001", "01", 1,
         "b63a380cb2897d521994a85234ee2c181b5f844d2c624c002677e9703449d2fba551b3a8333bcdf5f2f7e08993d53923"
         "de3d64fcc68c034e717b9293fed7a421"},
    }};
    for (const Case& c : cases) {
        INFO("rounds ", c.rounds, " flag ", c.flag);
        const bytes in = blake_input(c.rounds, c.flag);
        CHECK(precompile_gas(0x09, in, Fork::Istanbul) == c.gas);
        CHECK(precompile_gas(0x09, in, Fork::Cancun) == c.gas);
        const PrecompileResult r = run_precompile(0x09, in);
        CHECK(r.status == PStatus::Success);
        CHECK(to_hex(r.output) == c.output);
    }
    // Vector 8: 2^32 - 1 rounds (output fc59093a...2615 per the EIP); priced here, not run.
    CHECK(precompile_gas(0x09, blake_input("ffffffff", "01"), Fork::Istanbul) == 4294967295);
}

// ---- through InMemoryHost -------------------------------------------------------------------------

TEST_CASE("the host charges the table's price, runs out of gas below it, and fails consuming all") {
    const bytes abc = {'a', 'b', 'c'};
    SUBCASE("RIPEMD-160 at exactly its price, and one gas short") {
        const Outcome ok = call(Fork::Frontier, precompile_address(0x03), 720, abc);
        CHECK(ok.status == Status::Success);
        CHECK(ok.used == 720);
        CHECK(to_hex(ok.output) == std::string(24, '0') + "8eb208f7e05d987a9b044a8e98c6b087f15a0bfc");
        const Outcome shy = call(Fork::Frontier, precompile_address(0x03), 719, abc);
        CHECK(shy.status == Status::OutOfGas);
        CHECK(shy.used == 719);
        CHECK(shy.output.empty());
    }
    SUBCASE("ecrecover of a bad signature: success, empty output, 3000 gas") {
        const Outcome out = call(Fork::Homestead, precompile_address(0x01), 5000, bytes(128, 0));
        CHECK(out.status == Status::Success);
        CHECK(out.used == 3000);
        CHECK(out.output.empty());
    }
    SUBCASE("blake2f with a bad final flag fails and takes all the gas") {
        const Outcome out =
            call(Fork::Istanbul, precompile_address(0x09), 5000, blake_input("0000000c", "02"));
        CHECK(out.status == Status::Failure);
        CHECK(out.used == 5000);
    }
    SUBCASE("a point off the curve fails and takes all the gas") {
        const Outcome out = call(Fork::Istanbul, precompile_address(0x06), 5000, hex(word(1) + word(1)));
        CHECK(out.status == Status::Failure);
        CHECK(out.used == 5000);
        // Below its price it is out of gas, as any precompile.
        CHECK(call(Fork::Istanbul, precompile_address(0x06), 149, {}).status == Status::OutOfGas);
    }
    SUBCASE("before its fork a precompile's address is an empty account") {
        const bytes in = hex(word(1) + word(1) + word(1) + "02" + "03" + "05");
        const Outcome before = call(Fork::SpuriousDragon, precompile_address(0x05), 5000, in);
        CHECK(before.status == Status::Success);
        CHECK(before.used == 0);
        CHECK(before.output.empty());
        const Outcome after = call(Fork::Byzantium, precompile_address(0x05), 5000, in);
        CHECK(after.status == Status::Success);
        CHECK(after.used == 0);               // mult_complexity(1) * max(1, 1) / 20
        CHECK(to_hex(after.output) == "03");  // 2^3 mod 5
        const Outcome blake =
            call(Fork::Petersburg, precompile_address(0x09), 5000, blake_input("0000000c", "02"));
        CHECK(blake.status == Status::Success);  // no precompile yet: an empty account
        CHECK(blake.used == 0);
    }
}

}  // namespace
