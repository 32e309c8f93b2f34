// tests/unit/runtime/runtime_crypto_test.cpp - SHA-256 against the FIPS 180-2 vectors, hex digests, and
// Ed25519 keys and signatures: RFC 8032 vectors, determinism, what verification rejects, and the
// same bytes as OpenSSL's.
#include <doctest/doctest.h>

#include <openssl/evp.h>

#include <cctype>
#include <random>
#include <string>
#include <vector>

#include "runtime_support.hpp"
#include "trainchain/runtime/crypto.hpp"

using namespace trainchain::runtime;
using trainchain::test::from_hex;
using trainchain::test::to_hex;

namespace {

Bytes text(const std::string& s) { return Bytes(s.begin(), s.end()); }

template <size_t N>
std::array<uint8_t, N> array_of(const std::string& hexdigits) {
    const Bytes b = from_hex(hexdigits);
    REQUIRE(b.size() == N);
    std::array<uint8_t, N> a;
    std::copy(b.begin(), b.end(), a.begin());
    return a;
}

}  // namespace

TEST_CASE("sha256: standard vectors") {
    CHECK(hex(sha256(Bytes{})) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    CHECK(hex(sha256(text("abc"))) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(hex(sha256(text("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"))) ==
          "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    CHECK(hex(sha256(Bytes(1000000, 'a'))) ==
          "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST_CASE("hex and parse_hash round-trip; parse_hash rejects malformed text") {
    const Hash h = sha256(text("abc"));
    const std::string s = hex(h);
    CHECK(s.size() == 64);
    CHECK(parse_hash(s) == h);
    std::string upper = s;
    for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    CHECK(parse_hash(upper) == h);
    CHECK_FALSE(parse_hash(""));
    CHECK_FALSE(parse_hash(s.substr(0, 63)));
    CHECK_FALSE(parse_hash(s + "0"));
    CHECK_FALSE(parse_hash("0x" + s.substr(2)));
    std::string bad = s;
    bad[10] = 'g';
    CHECK_FALSE(parse_hash(bad));
    bad[10] = ' ';
    CHECK_FALSE(parse_hash(bad));
}

TEST_CASE("Ed25519: RFC 8032 test vectors 1 (empty message) and 2") {
    struct Vector {
        const char *secret, *public_key, *message, *signature;
    };
    const Vector vectors[] = {
        {"9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
         "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
         "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
         "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"},
        {"4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
         "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
         "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
         "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"},
    };
    for (const auto& v : vectors) {
        INFO(v.public_key);
        const auto key = KeyPair::from_seed(from_hex(v.secret));
        REQUIRE(key);
        CHECK(to_hex(key->public_key()) == v.public_key);
        CHECK(to_hex(key->seed()) == v.secret);
        const Bytes message = from_hex(v.message);
        const Signature sig = key->sign(message);
        CHECK(to_hex(sig) == v.signature);
        CHECK(verify_signature(array_of<32>(v.public_key), message, array_of<64>(v.signature)));
    }
}

TEST_CASE("Ed25519: from_seed is deterministic and needs 32 bytes") {
    Bytes seed(32);
    for (size_t i = 0; i < seed.size(); ++i) seed[i] = static_cast<uint8_t>(i * 7 + 1);
    const auto a = KeyPair::from_seed(seed), b = KeyPair::from_seed(seed);
    REQUIRE(a);
    REQUIRE(b);
    CHECK(a->public_key() == b->public_key());
    const Bytes m = text("same message");
    CHECK(a->sign(m) == b->sign(m));  // Ed25519 signatures are deterministic
    seed[0] ^= 1;
    const auto c = KeyPair::from_seed(seed);
    REQUIRE(c);
    CHECK(c->public_key() != a->public_key());

    CHECK_FALSE(KeyPair::from_seed(Bytes(31, 1)));
    CHECK_FALSE(KeyPair::from_seed(Bytes(33, 1)));
    CHECK_FALSE(KeyPair::from_seed(Bytes{}));
}

TEST_CASE("Ed25519: generated keys differ and their seeds rebuild them") {
    const KeyPair a = KeyPair::generate(), b = KeyPair::generate();
    CHECK(a.public_key() != b.public_key());
    CHECK(a.seed() != b.seed());
    const auto again = KeyPair::from_seed(a.seed());
    REQUIRE(again);
    CHECK(again->public_key() == a.public_key());
}

TEST_CASE("Ed25519: sign and verify; wrong key, message or any flipped signature bit is rejected") {
    const KeyPair key = KeyPair::generate(), other = KeyPair::generate();
    const Bytes m = vote_message(sha256(text("block")), true);
    const Signature sig = key.sign(m);
    CHECK(verify_signature(key.public_key(), m, sig));

    CHECK_FALSE(verify_signature(other.public_key(), m, sig));
    CHECK_FALSE(verify_signature(key.public_key(), vote_message(sha256(text("block")), false), sig));
    Bytes longer = m;
    longer.push_back(0);
    CHECK_FALSE(verify_signature(key.public_key(), longer, sig));
    CHECK_FALSE(verify_signature(key.public_key(), Bytes(m.begin(), m.end() - 1), sig));
    for (size_t i = 0; i < m.size(); ++i) {
        Bytes changed = m;
        changed[i] ^= 0x01;
        CHECK_FALSE(verify_signature(key.public_key(), changed, sig));
    }
    int accepted = 0;
    for (size_t bit = 0; bit < sig.size() * 8; ++bit) {
        Signature flipped = sig;
        flipped[bit / 8] = static_cast<uint8_t>(flipped[bit / 8] ^ (1u << (bit % 8)));
        if (verify_signature(key.public_key(), m, flipped)) ++accepted;
    }
    CHECK(accepted == 0);
    PublicKey flipped_key = key.public_key();
    flipped_key[0] ^= 1;
    CHECK_FALSE(verify_signature(flipped_key, m, sig));
    CHECK_FALSE(verify_signature(key.public_key(), m, Signature{}));
    CHECK_FALSE(verify_signature(PublicKey{}, m, sig));
}

TEST_CASE("Ed25519: the same keys and signatures as OpenSSL's (stores signed before libsodium verify)") {
    // OpenSSL made every key and signature before libsodium did; both implement RFC 8032, and
    // Ed25519 signatures are deterministic: the bytes must be equal, both ways.
    std::mt19937_64 rng(20261204);
    for (int round = 0; round < 64; ++round) {
        std::array<uint8_t, 32> seed;
        for (auto& b : seed) b = static_cast<uint8_t>(rng());
        std::vector<uint8_t> message(static_cast<size_t>(rng() % 300));
        for (auto& b : message) b = static_cast<uint8_t>(rng());
        const auto ours = KeyPair::from_seed(seed);
        REQUIRE(ours);
        EVP_PKEY* key = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, seed.data(), seed.size());
        REQUIRE(key != nullptr);
        PublicKey theirs_public{};
        size_t len = theirs_public.size();
        REQUIRE(EVP_PKEY_get_raw_public_key(key, theirs_public.data(), &len) == 1);
        CHECK(ours->public_key() == theirs_public);
        Signature theirs{};
        len = theirs.size();
        EVP_MD_CTX* ctx = EVP_MD_CTX_new();
        REQUIRE(EVP_DigestSignInit(ctx, nullptr, nullptr, nullptr, key) == 1);
        REQUIRE(EVP_DigestSign(ctx, theirs.data(), &len, message.data(), message.size()) == 1);
        EVP_MD_CTX_free(ctx);
        EVP_PKEY_free(key);
        CHECK(ours->sign(message) == theirs);
        CHECK(verify_signature(theirs_public, message, theirs));
    }
}
