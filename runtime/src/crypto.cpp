// runtime/src/crypto.cpp - SHA-256 through OpenSSL, Ed25519 through libsodium (its verification
// takes under half the time of OpenSSL 3.0's, which bounds `verify` and the nodes' vote checks;
// both implement RFC 8032, so keys and signatures are the same bytes).
#include "trainchain/runtime/crypto.hpp"
#include "trainchain/runtime/store.hpp"
#include "trainchain/vm/hex.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <sodium.h>

#include <stdexcept>

namespace trainchain::runtime {

Hash sha256(std::span<const uint8_t> data) noexcept {
    Hash h;
    SHA256(data.data(), data.size(), h.data());
    return h;
}

struct Sha256Stream::Ctx {
    EVP_MD_CTX* md = EVP_MD_CTX_new();
    ~Ctx() { EVP_MD_CTX_free(md); }
};

Sha256Stream::Sha256Stream() : ctx_{std::make_unique<Ctx>()} {
    if (!ctx_->md || EVP_DigestInit_ex(ctx_->md, EVP_sha256(), nullptr) != 1)
        throw std::runtime_error("OpenSSL: cannot start a SHA-256 digest");
}

Sha256Stream::~Sha256Stream() = default;

void Sha256Stream::update(std::span<const uint8_t> data) noexcept {
    EVP_DigestUpdate(ctx_->md, data.data(), data.size());
}

Hash Sha256Stream::finish() noexcept {
    Hash h{};
    unsigned n = 0;
    EVP_DigestFinal_ex(ctx_->md, h.data(), &n);
    return h;
}

uint64_t random_run_id() {
    uint64_t id = 0;
    if (RAND_bytes(reinterpret_cast<unsigned char*>(&id), sizeof id) != 1)
        throw std::runtime_error("OpenSSL: no randomness for a run id");
    return id;
}

std::string hex(const Hash& h) { return vm::to_hex(h); }

std::optional<Hash> parse_hash(std::string_view text) { return vm::parse_hex_digits_n<32>(text); }

namespace {

/// libsodium's one-time set-up (idempotent and thread-safe); false when it fails, and then no key
/// is made and no signature checks.
bool sodium_ready() noexcept {
    static const bool ready = sodium_init() >= 0;
    return ready;
}

}  // namespace

KeyPair KeyPair::generate() {
    std::array<uint8_t, 32> seed;
    if (RAND_bytes(seed.data(), static_cast<int>(seed.size())) != 1)
        throw std::runtime_error("RAND_bytes failed");
    auto k = from_seed(seed);
    if (!k) throw std::runtime_error("Ed25519 key generation failed");
    return *k;
}

std::optional<KeyPair> KeyPair::from_seed(std::span<const uint8_t> seed) {
    if (seed.size() != crypto_sign_SEEDBYTES || !sodium_ready()) return std::nullopt;
    KeyPair kp;
    std::array<uint8_t, crypto_sign_SECRETKEYBYTES> secret;
    if (crypto_sign_seed_keypair(kp.public_.data(), secret.data(), seed.data()) != 0) return std::nullopt;
    sodium_memzero(secret.data(), secret.size());
    std::copy(seed.begin(), seed.end(), kp.seed_.begin());
    return kp;
}

Signature KeyPair::sign(std::span<const uint8_t> message) const {
    static_assert(crypto_sign_SECRETKEYBYTES == 64 && crypto_sign_BYTES == 64);
    // libsodium's secret key is the seed followed by the public key.
    std::array<uint8_t, crypto_sign_SECRETKEYBYTES> secret;
    std::copy(seed_.begin(), seed_.end(), secret.begin());
    std::copy(public_.begin(), public_.end(), secret.begin() + 32);
    Signature sig{};
    const int rc = sodium_ready() ? crypto_sign_detached(sig.data(), nullptr, message.data(), message.size(),
                                                         secret.data())
                                  : -1;
    sodium_memzero(secret.data(), secret.size());
    if (rc != 0) throw std::runtime_error("Ed25519 signing failed");
    return sig;
}

bool verify_signature(const PublicKey& key, std::span<const uint8_t> message,
                      const Signature& signature) noexcept {
    static_assert(crypto_sign_PUBLICKEYBYTES == 32);
    return sodium_ready() &&
           crypto_sign_verify_detached(signature.data(), message.data(), message.size(), key.data()) == 0;
}

}  // namespace trainchain::runtime
