// vm/src/precompiles.cpp - the precompiled contracts: the table (the one place that says which
// fork has which precompile, at what price, implemented by what) and the implementations:
// ecrecover (libsecp256k1), SHA-256 and RIPEMD-160 (OpenSSL), identity, modexp (GMP) and the
// BLAKE2b F compression (by hand: no Debian library exposes F with a round count). The bn254
// curve operations (0x06-0x08) and the KZG point evaluation (0x0a) have their prices here and no
// implementation yet: they run as Unsupported.
#include "trainchain/vm/precompiles.hpp"

#include <gmp.h>
#include <openssl/evp.h>
#include <openssl/provider.h>
#include <openssl/sha.h>
#include <secp256k1.h>
#include <secp256k1_recovery.h>

#include <algorithm>
#include <array>
#include <climits>
#include <limits>

#include "bn254.hpp"
#include "kzg.hpp"
#include "precompile_input.hpp"
#include "trainchain/vm/keccak.hpp"

namespace trainchain::vm {
namespace {

using PStatus = PrecompileResult::Status;

constexpr int64_t gas_max = std::numeric_limits<int64_t>::max();

PrecompileResult success(bytes output) { return {PStatus::Success, std::move(output)}; }

/// `base + per_word * ceil(size / 32)`, saturated.
int64_t per_word(int64_t base, int64_t word_cost, size_t size) noexcept {
    const uint64_t words = size / 32 + (size % 32 != 0 ? 1 : 0);
    int64_t product = 0;
    if (words > static_cast<uint64_t>(gas_max) ||
        __builtin_mul_overflow(static_cast<int64_t>(words), word_cost, &product) ||
        __builtin_add_overflow(product, base, &product))
        return gas_max;
    return product;
}

// ---- 0x01 ecrecover ------------------------------------------------------------------------------

int64_t ecrecover_gas(bytes_view, Fork) noexcept { return 3000; }

const secp256k1_context* secp256k1_ctx() noexcept {
    // Created once and kept for the process (recovery needs no randomisation).
    static const secp256k1_context* const ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
    return ctx;
}

/// Input (padded or cut to 128 bytes): hash, v (27 or 28 as a whole word), r, s. Any invalid
/// signature is a success with empty output, as on Ethereum.
PrecompileResult ecrecover_run(bytes_view input) {
    std::array<uint8_t, 128> in{};
    read_padded(input, size_t{0}, in);
    const uint8_t* v = in.data() + 32;
    if (std::any_of(v, v + 31, [](uint8_t b) { return b != 0; }) || (v[31] != 27 && v[31] != 28))
        return success({});
    const secp256k1_context* ctx = secp256k1_ctx();
    secp256k1_ecdsa_recoverable_signature sig;
    // Rejects r or s of n or more; recovery rejects r or s of zero.
    if (ctx == nullptr ||
        secp256k1_ecdsa_recoverable_signature_parse_compact(ctx, &sig, in.data() + 64, v[31] - 27) != 1)
        return success({});
    secp256k1_pubkey pubkey;
    if (secp256k1_ecdsa_recover(ctx, &pubkey, &sig, in.data()) != 1) return success({});
    std::array<uint8_t, 65> serialized{};
    size_t len = serialized.size();
    secp256k1_ec_pubkey_serialize(ctx, serialized.data(), &len, &pubkey, SECP256K1_EC_UNCOMPRESSED);
    const bytes32 hash = keccak256(bytes_view{serialized}.subspan(1, 64));
    bytes out(32, 0);
    std::copy(hash.bytes.begin() + 12, hash.bytes.end(), out.begin() + 12);
    return success(std::move(out));
}

// ---- 0x02 SHA-256 --------------------------------------------------------------------------------

int64_t sha256_gas(bytes_view input, Fork) noexcept { return per_word(60, 12, input.size()); }

PrecompileResult sha256_run(bytes_view input) {
    bytes out(SHA256_DIGEST_LENGTH);
    SHA256(input.data(), input.size(), out.data());
    return success(std::move(out));
}

// ---- 0x03 RIPEMD-160 -----------------------------------------------------------------------------

int64_t ripemd160_gas(bytes_view input, Fork) noexcept { return per_word(600, 120, input.size()); }

/// OpenSSL 3.0.7 and later have RIPEMD-160 in the default provider; older 3.0 releases only in
/// the legacy one, which is loaded (with the default, as loading one stops the automatic
/// default) if the first fetch fails. Null if neither has it.
const EVP_MD* ripemd160_md() noexcept {
    static EVP_MD* const md = [] {
        EVP_MD* m = EVP_MD_fetch(nullptr, "RIPEMD160", nullptr);
        if (m == nullptr && OSSL_PROVIDER_load(nullptr, "legacy") != nullptr) {
            OSSL_PROVIDER_load(nullptr, "default");
            m = EVP_MD_fetch(nullptr, "RIPEMD160", nullptr);
        }
        return m;
    }();
    return md;
}

PrecompileResult ripemd160_run(bytes_view input) {
    const EVP_MD* md = ripemd160_md();
    std::array<uint8_t, EVP_MAX_MD_SIZE> digest{};
    unsigned int len = 0;
    if (md == nullptr || EVP_Digest(input.data(), input.size(), digest.data(), &len, md, nullptr) != 1 ||
        len != 20)
        return {PStatus::Unsupported, {}};
    bytes out(32, 0);
    std::copy_n(digest.begin(), 20, out.begin() + 12);
    return success(std::move(out));
}

// ---- 0x04 identity -------------------------------------------------------------------------------

int64_t identity_gas(bytes_view input, Fork) noexcept { return per_word(15, 3, input.size()); }

PrecompileResult identity_run(bytes_view input) { return success(bytes(input.begin(), input.end())); }

// ---- 0x05 modexp (EIP-198, repriced by EIP-2565) -------------------------------------------------

__extension__ using u128 = unsigned __int128;

/// A declared length: its 32-byte word at `offset`, capped at 2^70 (any length from there on makes
/// the price exceed INT64_MAX under both rules unless the price does not depend on it).
u128 modexp_length(bytes_view input, size_t offset) noexcept {
    std::array<uint8_t, 32> word{};
    read_padded(input, offset, word);
    constexpr u128 cap = u128{1} << 70;
    if (std::any_of(word.begin(), word.begin() + 16, [](uint8_t b) { return b != 0; })) return cap;
    u128 v = 0;
    for (size_t i = 16; i < 32; ++i) v = (v << 8) | word[i];
    return std::min(v, cap);
}

struct ModexpLengths {
    u128 base = 0, exp = 0, mod = 0;
};

ModexpLengths modexp_lengths(bytes_view input) noexcept {
    return {modexp_length(input, 0), modexp_length(input, 32), modexp_length(input, 64)};
}

/// EIP-198's adjusted exponent length (EIP-2565's iteration count before its max with 1): from
/// the bit length of the exponent's first (up to) 32 bytes and the bytes past them.
u128 modexp_iterations(bytes_view input, const ModexpLengths& len) noexcept {
    std::array<uint8_t, 32> head{};
    const size_t head_len = static_cast<size_t>(std::min<u128>(len.exp, 32));
    read_padded(input, u128{96} + len.base, std::span<uint8_t>{head}.first(head_len));
    int bits = 0;  // bit length of the head
    for (size_t i = 0; i < head_len; ++i)
        if (head[i] != 0) {
            bits = static_cast<int>(8 * (head_len - i - 1)) + (32 - __builtin_clz(unsigned{head[i]}));
            break;
        }
    const u128 top = bits > 0 ? static_cast<u128>(bits - 1) : 0;
    return len.exp <= 32 ? top : 8 * (len.exp - 32) + top;
}

int64_t to_gas(u128 v) noexcept {
    return v >= static_cast<u128>(gas_max) ? gas_max : static_cast<int64_t>(v);
}

/// EIP-198's mult_complexity; nullopt when it does not fit 128 bits.
std::optional<u128> eip198_complexity(u128 x) noexcept {
    u128 sq = 0;
    if (__builtin_mul_overflow(x, x, &sq)) return std::nullopt;
    if (x <= 64) return sq;
    if (x <= 1024) return sq / 4 + 96 * x - 3072;
    return sq / 16 + 480 * x - 199680;
}

int64_t modexp_gas(bytes_view input, Fork fork) noexcept {
    const ModexpLengths len = modexp_lengths(input);
    const u128 iterations = std::max<u128>(modexp_iterations(input, len), 1);
    const u128 longest = std::max(len.base, len.mod);
    u128 product = 0;
    if (fork >= Fork::Berlin) {  // EIP-2565
        const u128 words = (longest + 7) / 8;
        if (__builtin_mul_overflow(words, words, &product) ||
            __builtin_mul_overflow(product, iterations, &product))
            return gas_max;
        return std::max<int64_t>(200, to_gas(product / 3));
    }
    const std::optional<u128> complexity = eip198_complexity(longest);
    if (!complexity || __builtin_mul_overflow(*complexity, iterations, &product)) return gas_max;
    return to_gas(product / 20);  // GQUADDIVISOR
}

/// A GMP integer, cleared on scope exit.
struct Mpz {
    mpz_t v;
    Mpz() { mpz_init(v); }
    ~Mpz() { mpz_clear(v); }
    Mpz(const Mpz&) = delete;
    Mpz& operator=(const Mpz&) = delete;
};

/// Reads the `length` bytes at `offset` (zero-padded) as a big-endian integer.
void import_padded(mpz_t out, bytes_view input, size_t offset, size_t length) {
    bytes buf(length);
    read_padded(input, offset, buf);
    mpz_import(out, buf.size(), 1, 1, 1, 0, buf.data());
}

/// Lengths up to this are run; a larger one needs more than 10^10 gas under either rule (the
/// modulus or base far more), beyond any block, and fails instead of allocating gigabytes.
constexpr u128 modexp_max_length = u128{1} << 32;

PrecompileResult modexp_run(bytes_view input) {
    const ModexpLengths len = modexp_lengths(input);
    if (len.mod == 0) return success({});
    if (len.base > modexp_max_length || len.exp > modexp_max_length || len.mod > modexp_max_length)
        return {PStatus::Failure, {}};
    const auto base_len = static_cast<size_t>(len.base);
    const auto exp_len = static_cast<size_t>(len.exp);
    const auto mod_len = static_cast<size_t>(len.mod);
    Mpz base, exp, mod, result;
    import_padded(base.v, input, 96, base_len);
    import_padded(exp.v, input, 96 + base_len, exp_len);
    import_padded(mod.v, input, 96 + base_len + exp_len, mod_len);
    bytes out(mod_len, 0);
    if (mpz_sgn(mod.v) == 0) return success(std::move(out));
    mpz_powm(result.v, base.v, exp.v, mod.v);
    const size_t result_len = (mpz_sizeinbase(result.v, 2) + 7) / 8;
    if (mpz_sgn(result.v) != 0) {
        size_t written = 0;
        mpz_export(out.data() + (mod_len - result_len), &written, 1, 1, 1, 0, result.v);
    }
    return success(std::move(out));
}

// ---- 0x06-0x08 bn254, 0x0a point evaluation: their prices -------------------------

int64_t bn254_add_gas(bytes_view, Fork fork) noexcept { return fork >= Fork::Istanbul ? 150 : 500; }
int64_t bn254_mul_gas(bytes_view, Fork fork) noexcept { return fork >= Fork::Istanbul ? 6000 : 40000; }

/// 192 bytes per (G1, G2) pair; EIP-1108 (Istanbul) lowers both parts.
int64_t bn254_pairing_gas(bytes_view input, Fork fork) noexcept {
    const uint64_t pairs = input.size() / 192;
    const int64_t base = fork >= Fork::Istanbul ? 45000 : 100000;
    const int64_t per_pair = fork >= Fork::Istanbul ? 34000 : 80000;
    int64_t cost = 0;
    if (pairs > static_cast<uint64_t>(gas_max) ||
        __builtin_mul_overflow(static_cast<int64_t>(pairs), per_pair, &cost) ||
        __builtin_add_overflow(cost, base, &cost))
        return gas_max;
    return cost;
}

int64_t point_evaluation_gas(bytes_view, Fork) noexcept { return 50000; }

// ---- 0x09 BLAKE2b F (EIP-152) --------------------------------------------------------------------

constexpr size_t blake2f_input_size = 213;

uint32_t blake2f_rounds(bytes_view input) noexcept {
    return (uint32_t{input[0]} << 24) | (uint32_t{input[1]} << 16) | (uint32_t{input[2]} << 8) | input[3];
}

/// One gas per round; an input of the wrong length costs nothing (and then fails).
int64_t blake2f_gas(bytes_view input, Fork) noexcept {
    return input.size() == blake2f_input_size ? int64_t{blake2f_rounds(input)} : 0;
}

uint64_t load_le64(const uint8_t* p) noexcept {
    uint64_t v = 0;
    for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
    return v;
}

void store_le64(uint8_t* p, uint64_t v) noexcept {
    for (int i = 0; i < 8; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}

/// Input: rounds (4 bytes, big-endian), h (8 words), m (16 words), t (2 words), all words 64-bit
/// little-endian, then the final-block flag, 0 or 1. Output: the new h.
PrecompileResult blake2f_run(bytes_view input) {
    if (input.size() != blake2f_input_size) return {PStatus::Failure, {}};
    const uint8_t flag = input[212];
    if (flag > 1) return {PStatus::Failure, {}};
    uint64_t h[8];
    uint64_t m[16];
    uint64_t t[2];
    for (size_t i = 0; i < 8; ++i) h[i] = load_le64(input.data() + 4 + 8 * i);
    for (size_t i = 0; i < 16; ++i) m[i] = load_le64(input.data() + 68 + 8 * i);
    for (size_t i = 0; i < 2; ++i) t[i] = load_le64(input.data() + 196 + 8 * i);
    blake2b_compress(blake2f_rounds(input), h, m, t, flag == 1);
    bytes out(64);
    for (size_t i = 0; i < 8; ++i) store_le64(out.data() + 8 * i, h[i]);
    return success(std::move(out));
}

// ---- the table -----------------------------------------------------------------------------------

// bn254 and point evaluation are ours (vm/src/bn254.cpp, kzg.cpp on the field tower of
// pairing_field.hpp): Debian ships no library for either curve.
constexpr std::array<PrecompileInfo, max_precompile> table{{
    {0x01, "ecrecover", Fork::Frontier, ecrecover_gas, ecrecover_run, "libsecp256k1"},
    {0x02, "sha256", Fork::Frontier, sha256_gas, sha256_run, "OpenSSL"},
    {0x03, "ripemd160", Fork::Frontier, ripemd160_gas, ripemd160_run, "OpenSSL"},
    {0x04, "identity", Fork::Frontier, identity_gas, identity_run, "trainchain"},
    {0x05, "modexp", Fork::Byzantium, modexp_gas, modexp_run, "GMP"},
    {0x06, "bn254_add", Fork::Byzantium, bn254_add_gas, from_optional<bn254::add>, "trainchain"},
    {0x07, "bn254_mul", Fork::Byzantium, bn254_mul_gas, from_optional<bn254::mul>, "trainchain"},
    {0x08, "bn254_pairing", Fork::Byzantium, bn254_pairing_gas, from_optional<bn254::pairing>, "trainchain"},
    {0x09, "blake2f", Fork::Istanbul, blake2f_gas, blake2f_run, "trainchain"},
    {0x0a, "point_evaluation", Fork::Cancun, point_evaluation_gas, from_optional<kzg::point_evaluation>,
     "trainchain (the ceremony's trusted setup)"},
}};

constexpr bool table_is_ordered() {
    for (size_t i = 0; i < table.size(); ++i)
        if (table[i].number != i + 1 || (i > 0 && table[i].since < table[i - 1].since)) return false;
    return true;
}
// Numbers are 1..n in order and forks never decrease, so each fork's set is 0x01..last.
static_assert(table_is_ordered());

}  // namespace

void blake2b_compress(uint32_t rounds, uint64_t h[8], const uint64_t m[16], const uint64_t t[2],
                      bool last) noexcept {
    static constexpr uint64_t iv[8] = {0x6a09e667f3bcc908, 0xbb67ae8584caa73b, 0x3c6ef372fe94f82b,
                                       0xa54ff53a5f1d36f1, 0x510e527fade682d1, 0x9b05688c2b3e6c1f,
                                       0x1f83d9abfb41bd6b, 0x5be0cd19137e2179};
    static constexpr uint8_t sigma[10][16] = {
        {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15},
        {14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3},
        {11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4},
        {7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8},
        {9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13},
        {2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9},
        {12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11},
        {13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10},
        {6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5},
        {10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0},
    };
    const auto rotr = [](uint64_t x, int n) { return (x >> n) | (x << (64 - n)); };
    uint64_t v[16];
    for (size_t i = 0; i < 8; ++i) {
        v[i] = h[i];
        v[i + 8] = iv[i];
    }
    v[12] ^= t[0];
    v[13] ^= t[1];
    if (last) v[14] = ~v[14];
    const auto g = [&](size_t a, size_t b, size_t c, size_t d, uint64_t x, uint64_t y) {
        v[a] = v[a] + v[b] + x;
        v[d] = rotr(v[d] ^ v[a], 32);
        v[c] = v[c] + v[d];
        v[b] = rotr(v[b] ^ v[c], 24);
        v[a] = v[a] + v[b] + y;
        v[d] = rotr(v[d] ^ v[a], 16);
        v[c] = v[c] + v[d];
        v[b] = rotr(v[b] ^ v[c], 63);
    };
    for (uint32_t r = 0; r < rounds; ++r) {
        const uint8_t* s = sigma[r % 10];
        g(0, 4, 8, 12, m[s[0]], m[s[1]]);
        g(1, 5, 9, 13, m[s[2]], m[s[3]]);
        g(2, 6, 10, 14, m[s[4]], m[s[5]]);
        g(3, 7, 11, 15, m[s[6]], m[s[7]]);
        g(0, 5, 10, 15, m[s[8]], m[s[9]]);
        g(1, 6, 11, 12, m[s[10]], m[s[11]]);
        g(2, 7, 8, 13, m[s[12]], m[s[13]]);
        g(3, 4, 9, 14, m[s[14]], m[s[15]]);
    }
    for (size_t i = 0; i < 8; ++i) h[i] ^= v[i] ^ v[i + 8];
}

std::span<const PrecompileInfo> precompile_table() noexcept { return table; }

const PrecompileInfo* find_precompile(uint8_t number) noexcept {
    if (number == 0 || number > max_precompile) return nullptr;
    return &table[number - 1];
}

std::optional<uint8_t> precompile_id(const address& addr, Fork fork) noexcept {
    for (size_t i = 0; i + 1 < addr.bytes.size(); ++i)
        if (addr.bytes[i] != 0) return std::nullopt;
    const PrecompileInfo* info = find_precompile(addr.bytes.back());
    if (info == nullptr || info->since > fork) return std::nullopt;
    return info->number;
}

bool is_precompile(const address& addr, Fork fork) noexcept { return precompile_id(addr, fork).has_value(); }

uint8_t last_precompile(Fork fork) noexcept {
    uint8_t last = 0;
    for (const PrecompileInfo& p : table)
        if (p.since <= fork) last = p.number;
    return last;
}

int64_t precompile_gas(uint8_t number, bytes_view input, Fork fork) noexcept {
    const PrecompileInfo* info = find_precompile(number);
    return info == nullptr ? gas_max : info->gas(input, fork);
}

PrecompileResult run_precompile(uint8_t number, bytes_view input) {
    const PrecompileInfo* info = find_precompile(number);
    return info == nullptr ? PrecompileResult{PStatus::Unsupported, {}} : info->execute(input);
}

}  // namespace trainchain::vm
