// runtime/src/crypto.cpp - SHA-256 and Ed25519 through OpenSSL's EVP interface.
#include "trainchain/runtime/crypto.hpp"
#include "trainchain/runtime/store.hpp"
#include "trainchain/vm/hex.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <map>
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

struct PkeyFree {
    void operator()(EVP_PKEY* k) const noexcept { EVP_PKEY_free(k); }
};
struct MdCtxFree {
    void operator()(EVP_MD_CTX* c) const noexcept { EVP_MD_CTX_free(c); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;
using MdCtx = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;

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
    if (seed.size() != 32) return std::nullopt;
    Pkey key(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, seed.data(), seed.size()));
    if (!key) return std::nullopt;
    KeyPair kp;
    std::copy(seed.begin(), seed.end(), kp.seed_.begin());
    size_t len = kp.public_.size();
    if (EVP_PKEY_get_raw_public_key(key.get(), kp.public_.data(), &len) != 1 || len != 32)
        return std::nullopt;
    kp.key_ = std::shared_ptr<EVP_PKEY>(key.release(), EVP_PKEY_free);
    return kp;
}

Signature KeyPair::sign(std::span<const uint8_t> message) const {
    MdCtx ctx(EVP_MD_CTX_new());
    Signature sig{};
    size_t len = sig.size();
    if (!key_ || !ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key_.get()) != 1 ||
        EVP_DigestSign(ctx.get(), sig.data(), &len, message.data(), message.size()) != 1 || len != sig.size())
        throw std::runtime_error("Ed25519 signing failed");
    return sig;
}

bool verify_signature(const PublicKey& key, std::span<const uint8_t> message,
                      const Signature& signature) noexcept {
    // Parsing a key costs about as much as a verification: each thread keeps the keys it has
    // seen (a run has at most a few thousand nodes). A digest context is not reused: OpenSSL 3.0
    // fails a second one-shot Ed25519 verification on the same context.
    thread_local std::map<PublicKey, Pkey> keys;
    MdCtx ctx(EVP_MD_CTX_new());
    auto it = keys.find(key);
    if (it == keys.end()) {
        Pkey pk(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, key.data(), key.size()));
        if (!pk) return false;
        if (keys.size() > 16384) keys.clear();
        it = keys.emplace(key, std::move(pk)).first;
    }
    if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, it->second.get()) != 1)
        return false;
    return EVP_DigestVerify(ctx.get(), signature.data(), signature.size(), message.data(), message.size()) ==
           1;
}

}  // namespace trainchain::runtime
