// runtime/include/trainchain/runtime/crypto.hpp - SHA-256 digests and Ed25519 keys and
// signatures (OpenSSL), as the chain uses them.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>

namespace trainchain::runtime {

/// A SHA-256 digest.
using Hash = std::array<uint8_t, 32>;
/// An Ed25519 public key.
using PublicKey = std::array<uint8_t, 32>;
/// An Ed25519 signature.
using Signature = std::array<uint8_t, 64>;

/// SHA-256 of `data`.
Hash sha256(std::span<const uint8_t> data) noexcept;

/// SHA-256 over data that arrives in pieces (an upload streamed to disk, a file read in chunks):
/// update() with each piece in order, then finish() once.
class Sha256Stream {
public:
    Sha256Stream();
    ~Sha256Stream();
    Sha256Stream(const Sha256Stream&) = delete;
    Sha256Stream& operator=(const Sha256Stream&) = delete;
    /// Adds the next piece.
    void update(std::span<const uint8_t> data) noexcept;
    /// The digest of everything added; the object is spent afterwards.
    [[nodiscard]] Hash finish() noexcept;

private:
    struct Ctx;
    std::unique_ptr<Ctx> ctx_;
};

/// Lowercase hex of a digest (64 characters): vm::to_hex, typed for digests.
std::string hex(const Hash& h);
/// Parses 64 hex digits (vm::parse_hex_digits_n).
std::optional<Hash> parse_hash(std::string_view text);

/// An Ed25519 key pair.
class KeyPair {
public:
    /// A fresh random key.
    static KeyPair generate();
    /// The key of a 32-byte seed (the private key as Ed25519 stores it).
    static std::optional<KeyPair> from_seed(std::span<const uint8_t> seed);

    [[nodiscard]] const PublicKey& public_key() const noexcept { return public_; }
    [[nodiscard]] const std::array<uint8_t, 32>& seed() const noexcept { return seed_; }
    /// Signs `message`.
    [[nodiscard]] Signature sign(std::span<const uint8_t> message) const;

private:
    std::array<uint8_t, 32> seed_{};
    PublicKey public_{};
};

/// True when `signature` is `key`'s signature of `message`.
bool verify_signature(const PublicKey& key, std::span<const uint8_t> message,
                      const Signature& signature) noexcept;

}  // namespace trainchain::runtime
