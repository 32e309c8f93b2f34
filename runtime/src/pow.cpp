// runtime/src/pow.cpp - proof-of-work checks, our own SHA-256 compression (SHA-NI and portable
// C++, after FIPS 180-4) and a multi-threaded midstate miner.
//
// The header is 92 bytes: the first 64 (height, previous hash, timestamp, half the payload root)
// are fixed for a candidate, so their compression is done once; each nonce then costs one
// compression of the second block (the rest of the root, the difficulty, the nonce, padding and
// length). In that block the nonce is words 5 (high half) and 6 (low half): rounds 0-3 and
// schedule words 16-19 need no nonce and are computed once per candidate, rounds 4-5 and word 20
// once per high half, so a try runs rounds 6-63. The difficulty is checked on the first two state
// words (HeadCheck); a 32-byte Hash is built only for the winner. The engine is picked at run
// time with cpuid; only the functions marked NI_TARGET use the SHA extensions, so the rest
// of the build stays portable.
#include "trainchain/runtime/pow.hpp"

#include <algorithm>
#include <bit>
#include <cstring>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>
#define TRAINCHAIN_HAVE_SHA_NI 1
#define NI_TARGET __attribute__((target("sha,sse4.1,ssse3")))
#define NI_INLINE __attribute__((target("sha,sse4.1,ssse3"), always_inline)) inline
#endif

namespace trainchain::runtime {

namespace {

// FIPS 180-4, 4.2.2: the round constants; 5.3.3: the initial hash value.
alignas(16) constexpr uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};
constexpr uint32_t initial_state[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                       0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};

// Where the nonce sits in the second block: words 5 and 6, big-endian, so its high half is word 5.
constexpr size_t nonce_in_block = BlockHeader::nonce_offset - 64;
static_assert(BlockHeader::encoded_size > 64 && BlockHeader::encoded_size + 9 <= 128,
              "the header is two SHA-256 blocks with its padding");
static_assert(nonce_in_block == 20 && BlockHeader::nonce_offset + 8 == BlockHeader::encoded_size,
              "the fast path assumes the nonce is the second block's words 5 and 6");
constexpr int nonce_hi_word = 5, nonce_lo_word = 6;

uint32_t load_be32(const uint8_t* p) noexcept {
    return uint32_t{p[0]} << 24 | uint32_t{p[1]} << 16 | uint32_t{p[2]} << 8 | uint32_t{p[3]};
}

Hash to_hash(const uint32_t state[8]) noexcept {
    Hash h;
    for (size_t i = 0; i < 8; ++i) {
        const uint32_t be =
            std::endian::native == std::endian::little ? __builtin_bswap32(state[i]) : state[i];
        std::memcpy(h.data() + 4 * i, &be, 4);
    }
    return h;
}

/// A try's result as the scans see it: the head (state words 0 and 1) the difficulty check reads,
/// and the whole state for the 32-byte Hash. The Hash takes its first 8 bytes from the head, so
/// that checking the hashes checks the head too.
Hash to_hash(uint64_t head, const uint32_t state[8]) noexcept {
    uint32_t s[8];
    std::memcpy(s, state, sizeof s);
    s[0] = static_cast<uint32_t>(head >> 32);
    s[1] = static_cast<uint32_t>(head);
    return to_hash(s);
}

// FIPS 180-4, 4.1.2 and 6.2.2.
constexpr uint32_t rotr(uint32_t x, int n) noexcept { return x >> n | x << (32 - n); }
constexpr uint32_t big_sigma0(uint32_t x) noexcept { return rotr(x, 2) ^ rotr(x, 13) ^ rotr(x, 22); }
constexpr uint32_t big_sigma1(uint32_t x) noexcept { return rotr(x, 6) ^ rotr(x, 11) ^ rotr(x, 25); }
constexpr uint32_t small_sigma0(uint32_t x) noexcept { return rotr(x, 7) ^ rotr(x, 18) ^ x >> 3; }
constexpr uint32_t small_sigma1(uint32_t x) noexcept { return rotr(x, 17) ^ rotr(x, 19) ^ x >> 10; }
constexpr uint32_t ch(uint32_t x, uint32_t y, uint32_t z) noexcept { return (x & y) ^ (~x & z); }
constexpr uint32_t maj(uint32_t x, uint32_t y, uint32_t z) noexcept { return (x & y) ^ (x & z) ^ (y & z); }

/// Schedule word t >= 16 from the 16 before it.
constexpr uint32_t schedule(const uint32_t* w, int t) noexcept {
    return small_sigma1(w[t - 2]) + w[t - 7] + small_sigma0(w[t - 15]) + w[t - 16];
}

// ---- Portable engine ----

/// One round with the working variables named by role: adds T1 to d (the new e) and puts
/// T1 + T2 in h (the new a); the caller rotates the names for the next round.
inline void round(uint32_t a, uint32_t b, uint32_t c, uint32_t& d, uint32_t e, uint32_t f, uint32_t g,
                  uint32_t& h, uint32_t wk) noexcept {
    const uint32_t t1 = h + big_sigma1(e) + ch(e, f, g) + wk;
    d += t1;
    h = t1 + big_sigma0(a) + maj(a, b, c);
}

/// Rounds t .. t + 7 (w and k point at word t); the names come back to their roles after eight.
inline void rounds8(uint32_t& a, uint32_t& b, uint32_t& c, uint32_t& d, uint32_t& e, uint32_t& f, uint32_t& g,
                    uint32_t& h, const uint32_t* w, const uint32_t* k) noexcept {
    round(a, b, c, d, e, f, g, h, w[0] + k[0]);
    round(h, a, b, c, d, e, f, g, w[1] + k[1]);
    round(g, h, a, b, c, d, e, f, w[2] + k[2]);
    round(f, g, h, a, b, c, d, e, w[3] + k[3]);
    round(e, f, g, h, a, b, c, d, w[4] + k[4]);
    round(d, e, f, g, h, a, b, c, w[5] + k[5]);
    round(c, d, e, f, g, h, a, b, w[6] + k[6]);
    round(b, c, d, e, f, g, h, a, w[7] + k[7]);
}

/// One round on a state array (the precomputation's rounds; not on the per-try path).
void round_on(uint32_t s[8], uint32_t wk) noexcept {
    const uint32_t t1 = s[7] + big_sigma1(s[4]) + ch(s[4], s[5], s[6]) + wk;
    const uint32_t t2 = big_sigma0(s[0]) + maj(s[0], s[1], s[2]);
    for (int i = 7; i > 0; --i) s[i] = s[i - 1];
    s[4] += t1;
    s[0] = t1 + t2;
}

/// The SHA-256 compression of one block of 16 words into `state`.
void compress_portable(uint32_t state[8], const uint32_t block[16]) noexcept {
    uint32_t w[64];
    std::memcpy(w, block, 16 * sizeof(uint32_t));
    for (int t = 16; t < 64; ++t) w[t] = schedule(w, t);
    uint32_t a = state[0], b = state[1], c = state[2], d = state[3];
    uint32_t e = state[4], f = state[5], g = state[6], h = state[7];
    for (int t = 0; t < 64; t += 8) rounds8(a, b, c, d, e, f, g, h, w + t, K + t);
    state[0] += a, state[1] += b, state[2] += c, state[3] += d;
    state[4] += e, state[5] += f, state[6] += g, state[7] += h;
}

/// The per-try loop of the portable engine over `count` nonces from `nonce` by `stride`. With
/// `out`, stores every hash and returns count; without, returns the index of the first try whose
/// head passes `check`, or count.
uint64_t scan_portable(const Miner::Prepared& p, uint64_t nonce, uint64_t stride, uint64_t count,
                       HeadCheck check, Hash* out) noexcept {
    uint32_t w[64];
    std::memcpy(w, p.w, sizeof p.w);
    uint32_t round6[8];  // the state after round 5 for the high half `hi`
    uint32_t hi = 0;
    const auto set_high = [&](uint32_t high) {
        hi = w[nonce_hi_word] = high;
        std::memcpy(round6, p.round4, sizeof round6);
        round_on(round6, w[4] + K[4]);
        round_on(round6, w[5] + K[5]);
        w[20] = schedule(w, 20);
    };
    set_high(static_cast<uint32_t>(nonce >> 32));
    for (uint64_t i = 0; i < count; ++i, nonce += stride) {
        if (static_cast<uint32_t>(nonce >> 32) != hi) set_high(static_cast<uint32_t>(nonce >> 32));
        w[nonce_lo_word] = static_cast<uint32_t>(nonce);
        for (int t = 21; t < 64; ++t) w[t] = schedule(w, t);
        // Rounds 6 and 7 are the last two of an eight-round group: name the state for them.
        uint32_t c = round6[0], d = round6[1], e = round6[2], f = round6[3];
        uint32_t g = round6[4], h = round6[5], a = round6[6], b = round6[7];
        round(c, d, e, f, g, h, a, b, w[6] + K[6]);
        round(b, c, d, e, f, g, h, a, w[7] + K[7]);
        for (int t = 8; t < 64; t += 8) rounds8(a, b, c, d, e, f, g, h, w + t, K + t);
        const uint64_t head = uint64_t{p.midstate[0] + a} << 32 | (p.midstate[1] + b);
        if (out) {
            const uint32_t s[8] = {0,
                                   0,
                                   p.midstate[2] + c,
                                   p.midstate[3] + d,
                                   p.midstate[4] + e,
                                   p.midstate[5] + f,
                                   p.midstate[6] + g,
                                   p.midstate[7] + h};
            out[i] = to_hash(head, s);
        } else if (check.passes(head)) {
            return i;
        }
    }
    return count;
}

// ---- SHA-NI engine ----
//
// sha256rnds2(cdgh, abef, wk) runs two rounds on the state held as {A, B, E, F} and {C, D, G, H}
// (lanes 3..0) with W+K of the two rounds in lanes 0 and 1 of wk, and returns the new {A, B, E, F};
// the new {C, D, G, H} is the old {A, B, E, F}. sha256msg1 and sha256msg2 compute the sigma0 and
// sigma1 parts of four schedule words (Intel SDM, SHA extensions).

#ifdef TRAINCHAIN_HAVE_SHA_NI

/// Rounds 4g .. 4g + 3 with W+K of the four in `wk`.
NI_INLINE void rounds4(__m128i& abef, __m128i& cdgh, __m128i wk) noexcept {
    cdgh = _mm_sha256rnds2_epu32(cdgh, abef, wk);
    abef = _mm_sha256rnds2_epu32(abef, cdgh, _mm_shuffle_epi32(wk, 0x0e));
}

/// Schedule words 4g .. 4g + 3 from groups g - 4 .. g - 1.
NI_INLINE __m128i next_words(__m128i m4, __m128i m3, __m128i m2, __m128i m1) noexcept {
    return _mm_sha256msg2_epu32(_mm_add_epi32(_mm_sha256msg1_epu32(m4, m3), _mm_alignr_epi8(m1, m2, 4)), m1);
}

NI_INLINE __m128i load4(const uint32_t* p) noexcept {
    return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
}

/// Rounds `from` .. 63 (`from` a multiple of 16), each group's schedule words computed from the
/// four groups before it, which m0 .. m3 hold on entry (the words `from` - 16 .. `from` - 1).
NI_INLINE void rounds_to_64(__m128i& abef, __m128i& cdgh, __m128i m0, __m128i m1, __m128i m2, __m128i m3,
                            int from) noexcept {
    for (int t = from; t < 64; t += 16) {
        m0 = next_words(m0, m1, m2, m3);
        rounds4(abef, cdgh, _mm_add_epi32(m0, load4(K + t)));
        m1 = next_words(m1, m2, m3, m0);
        rounds4(abef, cdgh, _mm_add_epi32(m1, load4(K + t + 4)));
        m2 = next_words(m2, m3, m0, m1);
        rounds4(abef, cdgh, _mm_add_epi32(m2, load4(K + t + 8)));
        m3 = next_words(m3, m0, m1, m2);
        rounds4(abef, cdgh, _mm_add_epi32(m3, load4(K + t + 12)));
    }
}

NI_INLINE __m128i abef_of(const uint32_t s[8]) noexcept {
    return _mm_set_epi32(static_cast<int>(s[0]), static_cast<int>(s[1]), static_cast<int>(s[4]),
                         static_cast<int>(s[5]));
}

NI_INLINE __m128i cdgh_of(const uint32_t s[8]) noexcept {
    return _mm_set_epi32(static_cast<int>(s[2]), static_cast<int>(s[3]), static_cast<int>(s[6]),
                         static_cast<int>(s[7]));
}

NI_INLINE void store_state(__m128i abef, __m128i cdgh, uint32_t s[8]) noexcept {
    s[0] = static_cast<uint32_t>(_mm_extract_epi32(abef, 3));
    s[1] = static_cast<uint32_t>(_mm_extract_epi32(abef, 2));
    s[4] = static_cast<uint32_t>(_mm_extract_epi32(abef, 1));
    s[5] = static_cast<uint32_t>(_mm_extract_epi32(abef, 0));
    s[2] = static_cast<uint32_t>(_mm_extract_epi32(cdgh, 3));
    s[3] = static_cast<uint32_t>(_mm_extract_epi32(cdgh, 2));
    s[6] = static_cast<uint32_t>(_mm_extract_epi32(cdgh, 1));
    s[7] = static_cast<uint32_t>(_mm_extract_epi32(cdgh, 0));
}

NI_TARGET void compress_ni(uint32_t state[8], const uint32_t block[16]) noexcept {
    const __m128i abef0 = abef_of(state), cdgh0 = cdgh_of(state);
    __m128i abef = abef0, cdgh = cdgh0;
    __m128i m0 = load4(block), m1 = load4(block + 4), m2 = load4(block + 8), m3 = load4(block + 12);
    rounds4(abef, cdgh, _mm_add_epi32(m0, load4(K)));
    rounds4(abef, cdgh, _mm_add_epi32(m1, load4(K + 4)));
    rounds4(abef, cdgh, _mm_add_epi32(m2, load4(K + 8)));
    rounds4(abef, cdgh, _mm_add_epi32(m3, load4(K + 12)));
    rounds_to_64(abef, cdgh, m0, m1, m2, m3, 16);
    store_state(_mm_add_epi32(abef, abef0), _mm_add_epi32(cdgh, cdgh0), state);
}

/// What the SHA-NI tries share, as vectors.
struct NiSetup {
    __m128i mid_abef, mid_cdgh;  // the midstate
    __m128i round4_abef;         // the state after round 3 ({A, B, E, F}; its {C, D, G, H} goes into x)
    __m128i round4_cdgh;
    __m128i m1_base;        // words 4-7 with the nonce words zero
    __m128i m2, m3, m4;     // words 8-11, 12-15, 16-19
    __m128i wk2, wk3, wk4;  // the same plus K
    __m128i m2m3, m3m4;     // sha256msg1 of (m2, m3) and (m3, m4)
    __m128i m4m3;           // words 13-16, the W[t-7] part of words 20-23
    __m128i k67;            // {K6, W7 + K7, 0, 0}
};

/// What depends on the nonce's high half: words 4-7 with it, and the state after rounds 4 and 5
/// as sha256rnds2 returns it ({A, B, E, F} after round 5).
struct NiHigh {
    uint32_t hi;
    __m128i m1;
    __m128i x;
};

NI_INLINE NiSetup ni_setup(const Miner::Prepared& p) noexcept {
    NiSetup s;
    s.mid_abef = abef_of(p.midstate);
    s.mid_cdgh = cdgh_of(p.midstate);
    s.round4_abef = abef_of(p.round4);
    s.round4_cdgh = cdgh_of(p.round4);
    s.m1_base = load4(p.w + 4);
    s.m2 = load4(p.w + 8);
    s.m3 = load4(p.w + 12);
    s.m4 = load4(p.w + 16);
    s.wk2 = _mm_add_epi32(s.m2, load4(K + 8));
    s.wk3 = _mm_add_epi32(s.m3, load4(K + 12));
    s.wk4 = _mm_add_epi32(s.m4, load4(K + 16));
    s.m2m3 = _mm_sha256msg1_epu32(s.m2, s.m3);
    s.m3m4 = _mm_sha256msg1_epu32(s.m3, s.m4);
    s.m4m3 = _mm_alignr_epi8(s.m4, s.m3, 4);
    s.k67 = _mm_set_epi32(0, 0, static_cast<int>(p.w[7] + K[7]), static_cast<int>(K[6]));
    return s;
}

NI_INLINE NiHigh ni_high(const NiSetup& s, uint32_t hi) noexcept {
    NiHigh h;
    h.hi = hi;
    h.m1 = _mm_insert_epi32(s.m1_base, static_cast<int>(hi), 1);
    h.x = _mm_sha256rnds2_epu32(s.round4_cdgh, s.round4_abef, _mm_add_epi32(h.m1, load4(K + 4)));
    return h;
}

/// Rounds 6-63 of one try with the nonce's low half `lo`; returns the final {A, B, E, F} and
/// {C, D, G, H} with the midstate added.
NI_INLINE void ni_try(const NiSetup& s, const NiHigh& h, uint32_t lo, __m128i& abef_out,
                      __m128i& cdgh_out) noexcept {
    const __m128i m1 = _mm_insert_epi32(h.m1, static_cast<int>(lo), 2);
    __m128i cdgh = h.x;
    __m128i abef = _mm_sha256rnds2_epu32(s.round4_abef, cdgh,
                                         _mm_add_epi32(_mm_cvtsi32_si128(static_cast<int>(lo)), s.k67));
    rounds4(abef, cdgh, s.wk2);
    rounds4(abef, cdgh, s.wk3);
    rounds4(abef, cdgh, s.wk4);
    const __m128i m5 = _mm_sha256msg2_epu32(_mm_add_epi32(_mm_sha256msg1_epu32(m1, s.m2), s.m4m3), s.m4);
    rounds4(abef, cdgh, _mm_add_epi32(m5, load4(K + 20)));
    const __m128i m6 = _mm_sha256msg2_epu32(_mm_add_epi32(s.m2m3, _mm_alignr_epi8(m5, s.m4, 4)), m5);
    rounds4(abef, cdgh, _mm_add_epi32(m6, load4(K + 24)));
    const __m128i m7 = _mm_sha256msg2_epu32(_mm_add_epi32(s.m3m4, _mm_alignr_epi8(m6, m5, 4)), m6);
    rounds4(abef, cdgh, _mm_add_epi32(m7, load4(K + 28)));
    rounds_to_64(abef, cdgh, s.m4, m5, m6, m7, 32);  // groups 4 .. 7 hold words 16 .. 31
    abef_out = _mm_add_epi32(abef, s.mid_abef);
    cdgh_out = _mm_add_epi32(cdgh, s.mid_cdgh);
}

/// The first 64 bits of a final state: A and B, lanes 3 and 2.
NI_INLINE uint64_t ni_head(__m128i abef) noexcept {
    return static_cast<uint64_t>(_mm_extract_epi64(abef, 1));
}

/// The SHA-NI per-try loop; the same contract as scan_portable. Consecutive tries do not depend on
/// each other, so the core's out-of-order window overlaps their sha256rnds2 chains by itself (two
/// nonces interleaved by hand measured the same, docs/performance.md).
NI_TARGET uint64_t scan_ni(const Miner::Prepared& p, uint64_t nonce, uint64_t stride, uint64_t count,
                           HeadCheck check, Hash* out) noexcept {
    const NiSetup s = ni_setup(p);
    NiHigh high = ni_high(s, static_cast<uint32_t>(nonce >> 32));
    for (uint64_t i = 0; i < count; ++i, nonce += stride) {
        if (static_cast<uint32_t>(nonce >> 32) != high.hi)
            high = ni_high(s, static_cast<uint32_t>(nonce >> 32));
        __m128i abef, cdgh;
        ni_try(s, high, static_cast<uint32_t>(nonce), abef, cdgh);
        const uint64_t head = ni_head(abef);
        if (out) {
            uint32_t st[8];
            store_state(abef, cdgh, st);
            out[i] = to_hash(head, st);
        } else if (check.passes(head)) {
            return i;
        }
    }
    return count;
}

bool cpu_has_sha_ni() noexcept {
    unsigned a = 0, b = 0, c = 0, d = 0;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return false;
    if (!(c & bit_SSSE3) || !(c & bit_SSE4_1)) return false;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return false;
    return (b & bit_SHA) != 0;
}

#endif  // TRAINCHAIN_HAVE_SHA_NI

void compress(Sha256Engine engine, uint32_t state[8], const uint32_t block[16]) noexcept {
#ifdef TRAINCHAIN_HAVE_SHA_NI
    if (engine == Sha256Engine::ShaNi) return compress_ni(state, block);
#endif
    (void)engine;
    compress_portable(state, block);
}

uint64_t scan(Sha256Engine engine, const Miner::Prepared& p, uint64_t nonce, uint64_t stride, uint64_t count,
              HeadCheck check, Hash* out) noexcept {
#ifdef TRAINCHAIN_HAVE_SHA_NI
    if (engine == Sha256Engine::ShaNi) return scan_ni(p, nonce, stride, count, check, out);
#endif
    (void)engine;
    return scan_portable(p, nonce, stride, count, check, out);
}

void require_supported(Sha256Engine engine) {
    if (!engine_supported(engine))
        throw std::invalid_argument(std::string("this CPU cannot run the ") + engine_name(engine) +
                                    " SHA-256 engine");
}

}  // namespace

const char* engine_name(Sha256Engine engine) noexcept {
    switch (engine) {
        case Sha256Engine::Portable:
            return "portable";
        case Sha256Engine::ShaNi:
            return "sha-ni";
    }
    return "unknown";
}

bool engine_supported(Sha256Engine engine) noexcept {
    switch (engine) {
        case Sha256Engine::Portable:
            return true;
        case Sha256Engine::ShaNi: {
#ifdef TRAINCHAIN_HAVE_SHA_NI
            static const bool has = cpu_has_sha_ni();
            return has;
#else
            return false;
#endif
        }
    }
    return false;
}

Sha256Engine best_engine() noexcept {
    return engine_supported(Sha256Engine::ShaNi) ? Sha256Engine::ShaNi : Sha256Engine::Portable;
}

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

Miner::Miner(const BlockHeader& header, Sha256Engine engine) : engine_(engine) {
    require_supported(engine);
    const auto bytes = header.encode();
    uint8_t tail[64] = {};
    std::copy(bytes.begin() + 64, bytes.end(), tail);
    tail[BlockHeader::encoded_size - 64] = 0x80;  // FIPS 180-4, 5.1.1: a one bit, zeros, the length
    const uint64_t bit_length = BlockHeader::encoded_size * 8;
    for (int i = 0; i < 8; ++i) tail[63 - i] = static_cast<uint8_t>(bit_length >> (8 * i));

    uint32_t first[16];
    for (int i = 0; i < 16; ++i) first[i] = load_be32(bytes.data() + 4 * i);
    std::memcpy(prepared_.midstate, initial_state, sizeof initial_state);
    compress(engine, prepared_.midstate, first);

    uint32_t* w = prepared_.w;
    for (int i = 0; i < 16; ++i) w[i] = load_be32(tail + 4 * i);
    w[nonce_hi_word] = w[nonce_lo_word] = 0;
    for (int t = 16; t < 20; ++t) w[t] = schedule(w, t);  // words 16-19 do not read words 5 and 6
    std::memcpy(prepared_.round4, prepared_.midstate, sizeof prepared_.round4);
    for (int t = 0; t < 4; ++t) round_on(prepared_.round4, w[t] + K[t]);
}

Hash Miner::hash(uint64_t nonce) const noexcept {
    uint32_t block[16];
    std::memcpy(block, prepared_.w, sizeof block);
    block[nonce_hi_word] = static_cast<uint32_t>(nonce >> 32);
    block[nonce_lo_word] = static_cast<uint32_t>(nonce);
    uint32_t state[8];
    std::memcpy(state, prepared_.midstate, sizeof state);
    compress(engine_, state, block);
    return to_hash(state);
}

void Miner::hashes(uint64_t start, uint64_t stride, std::span<Hash> out) const noexcept {
    scan(engine_, prepared_, start, stride, out.size(), HeadCheck(0), out.data());
}

std::optional<uint64_t> Miner::find(uint64_t start, uint64_t stride, uint64_t count,
                                    unsigned bits) const noexcept {
    const HeadCheck check(bits);
    uint64_t done = 0;
    while (done < count) {
        const uint64_t k =
            done + scan(engine_, prepared_, start + done * stride, stride, count - done, check, nullptr);
        if (k == count) break;
        // Above 64 bits the head is only a candidate: the full hash decides.
        if (check.exact() || check_proof_of_work(hash(start + k * stride), bits)) return k;
        done = k + 1;
    }
    return std::nullopt;
}

std::optional<MiningResult> mine_range(const BlockHeader& header, unsigned bits, uint64_t start,
                                       uint64_t stride, const std::atomic<bool>& stop, uint64_t max_tries,
                                       uint64_t& tries, Sha256Engine engine) {
    tries = 0;
    const Miner miner(header, engine);
    // The index of the last nonce before the nonce space would wrap.
    const uint64_t last = stride ? (UINT64_MAX - start) / stride : UINT64_MAX;
    const uint64_t limit = last < max_tries ? last + 1 : max_tries;
    while (tries < limit) {
        // Check the stop flag every 1024 tries: cheap, and a loser stops within microseconds.
        if (stop.load(std::memory_order_relaxed)) return std::nullopt;
        const uint64_t n = std::min<uint64_t>(1024, limit - tries);
        if (const auto k = miner.find(start + tries * stride, stride, n, bits)) {
            tries += *k + 1;
            const uint64_t nonce = start + (tries - 1) * stride;
            return MiningResult{nonce, miner.hash(nonce), tries};
        }
        tries += n;
    }
    return std::nullopt;
}

std::optional<MiningResult> mine(const BlockHeader& header, const PowParams& params) {
    require_supported(params.engine);
    unsigned threads = params.threads ? params.threads : std::max(1u, std::thread::hardware_concurrency());
    std::atomic<bool> stop{false};
    std::vector<std::optional<MiningResult>> found(threads);
    std::vector<uint64_t> tries(threads, 0);
    std::vector<std::thread> workers;
    try {
        for (unsigned t = 0; t < threads; ++t)
            workers.emplace_back([&, t] {
                found[t] = mine_range(header, params.difficulty_bits, t, threads, stop, UINT64_MAX, tries[t],
                                      params.engine);
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
