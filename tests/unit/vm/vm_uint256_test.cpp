// tests/unit/vm/vm_uint256_test.cpp - the 256-bit word checked against Boost.Multiprecision as an oracle,
// on many random operands for every arithmetic opcode, plus the EVM's edge cases.
#include <doctest/doctest.h>

#include <boost/multiprecision/cpp_int.hpp>
#include <functional>
#include <random>

#include "trainchain/vm/uint256.hpp"

namespace {

using trainchain::vm::uint256;
namespace mp = boost::multiprecision;
using big = mp::cpp_int;  // arbitrary precision, signed

const big two256 = big{1} << 256;

big to_big(const uint256& x) {
    big r = 0;
    for (int i = 3; i >= 0; --i) r = (r << 64) | big{x.w[static_cast<size_t>(i)]};
    return r;
}

/// Reduces modulo 2^256 (also for negative values) and converts.
uint256 from_big(big v) {
    v %= two256;
    if (v < 0) v += two256;
    uint256 r;
    for (size_t i = 0; i < 4; ++i) r.w[i] = static_cast<uint64_t>((v >> (64 * i)) & big{~0ULL});
    return r;
}

/// Two's complement reading of a word.
big to_signed(const uint256& x) {
    const big v = to_big(x);
    return (x.w[3] >> 63) ? v - two256 : v;
}

/// Random words with a distribution that hits the interesting cases: zero limbs, small values,
/// powers of two, all-ones, sign boundaries.
struct Gen {
    std::mt19937_64 rng{0x7ca1c4a1ULL};
    uint256 operator()() {
        const auto kind = rng() % 8;
        uint256 r{rng(), rng(), rng(), rng()};
        switch (kind) {
            case 0:
                return uint256{rng() % 300};
            case 1:
                return trainchain::vm::shl(uint256{1}, rng() % 256);
            case 2:
                return uint256::max() - uint256{rng() % 4};
            case 3:  // random limbs zeroed
                for (auto& w : r.w)
                    if (rng() % 2) w = 0;
                return r;
            case 4:
                return trainchain::vm::shr(r, rng() % 256);
            case 5:
                return uint256{0, 0, 0, 1ULL << 63} - uint256{rng() % 3};  // around -2^255
            default:
                return r;
        }
    }
};

constexpr int rounds = 20000;

void check_binary(const char* name, const std::function<uint256(const uint256&, const uint256&)>& op,
                  const std::function<big(const big&, const big&, const uint256&, const uint256&)>& oracle) {
    Gen g;
    for (int i = 0; i < rounds; ++i) {
        const uint256 a = g(), b = g();
        const uint256 got = op(a, b);
        const uint256 want = from_big(oracle(to_big(a), to_big(b), a, b));
        if (got != want) {
            INFO(name, " a=", a.to_hex(), " b=", b.to_hex(), " got=", got.to_hex(), " want=", want.to_hex());
            CHECK(got == want);
            return;
        }
    }
}

}  // namespace

TEST_CASE("uint256: ADD SUB MUL wrap modulo 2^256 like the oracle") {
    check_binary(
        "add", [](auto& a, auto& b) { return a + b; }, [](auto& a, auto& b, auto&, auto&) { return a + b; });
    check_binary(
        "sub", [](auto& a, auto& b) { return a - b; }, [](auto& a, auto& b, auto&, auto&) { return a - b; });
    check_binary(
        "mul", [](auto& a, auto& b) { return a * b; }, [](auto& a, auto& b, auto&, auto&) { return a * b; });
}

TEST_CASE("uint256: DIV and MOD agree with the oracle, x/0 = x%0 = 0") {
    check_binary(
        "div", [](auto& a, auto& b) { return a / b; },
        [](auto& a, auto& b, auto&, auto&) { return b == 0 ? big{0} : big{a / b}; });
    check_binary(
        "mod", [](auto& a, auto& b) { return a % b; },
        [](auto& a, auto& b, auto&, auto&) { return b == 0 ? big{0} : big{a % b}; });
    // Divisors of every limb length against full-width numerators.
    Gen g;
    for (int i = 0; i < rounds; ++i) {
        const uint256 a = uint256::max() - g();
        const uint256 b = trainchain::vm::shr(g(), g.rng() % 256);
        const auto [q, r] = trainchain::vm::udivrem(a, b);
        if (b) {
            REQUIRE(to_big(q) == to_big(a) / to_big(b));
            REQUIRE(to_big(r) == to_big(a) % to_big(b));
        } else {
            REQUIRE(!q);
            REQUIRE(!r);
        }
    }
}

TEST_CASE("uint256: division on every combination of edge limbs (0, 1, 2^63, 2^63 - 1, 2^64 - 1)") {
    // Exercises Knuth's rare branches: a quotient digit estimate of 2^64 - 1, and the add-back.
    const uint64_t edges[] = {0, 1, 1ULL << 63, (1ULL << 63) - 1, ~0ULL};
    std::vector<uint256> words;
    for (const uint64_t a : edges)
        for (const uint64_t b : edges)
            for (const uint64_t c : edges)
                for (const uint64_t d : edges) words.push_back(uint256{a, b, c, d});
    for (const auto& x : words) {
        for (const auto& y : words) {
            if (!y) continue;
            const auto [q, r] = trainchain::vm::udivrem(x, y);
            if (to_big(q) != to_big(x) / to_big(y) || to_big(r) != to_big(x) % to_big(y)) {
                INFO("x=", x.to_hex(), " y=", y.to_hex());
                REQUIRE(false);
            }
            if (trainchain::vm::mulmod(x, x, y) != from_big((to_big(x) * to_big(x)) % to_big(y))) {
                INFO("mulmod x=", x.to_hex(), " y=", y.to_hex());
                REQUIRE(false);
            }
        }
    }
}

TEST_CASE("uint256: SDIV and SMOD truncate toward zero and take the dividend's sign") {
    check_binary(
        "sdiv", [](auto& a, auto& b) { return trainchain::vm::sdiv(a, b); },
        [](auto&, auto&, auto& a, auto& b) {
            const big x = to_signed(a), y = to_signed(b);
            return y == 0 ? big{0} : big{x / y};  // cpp_int truncates toward zero
        });
    check_binary(
        "smod", [](auto& a, auto& b) { return trainchain::vm::smod(a, b); },
        [](auto&, auto&, auto& a, auto& b) {
            const big x = to_signed(a), y = to_signed(b);
            return y == 0 ? big{0} : big{x % y};  // sign follows the dividend
        });
    const uint256 min = uint256{0, 0, 0, 1ULL << 63};  // -2^255
    const uint256 minus_one = uint256::max();
    CHECK(trainchain::vm::sdiv(min, minus_one) == min);  // overflow wraps
    CHECK(!trainchain::vm::smod(min, minus_one));
    CHECK(trainchain::vm::sdiv(uint256{7}, -uint256{2}) == -uint256{3});
    CHECK(trainchain::vm::smod(-uint256{7}, uint256{2}) == -uint256{1});
    CHECK(trainchain::vm::smod(uint256{7}, -uint256{2}) == uint256{1});
    CHECK(!trainchain::vm::sdiv(min, uint256{}));
}

TEST_CASE("uint256: ADDMOD and MULMOD keep the 257- and 512-bit intermediates") {
    Gen g;
    for (int i = 0; i < rounds; ++i) {
        const uint256 a = g(), b = g(), m = g();
        const big bm = to_big(m);
        const uint256 want_add = bm == 0 ? uint256{} : from_big((to_big(a) + to_big(b)) % bm);
        const uint256 want_mul = bm == 0 ? uint256{} : from_big((to_big(a) * to_big(b)) % bm);
        const uint256 got_add = trainchain::vm::addmod(a, b, m);
        const uint256 got_mul = trainchain::vm::mulmod(a, b, m);
        if (got_add != want_add || got_mul != want_mul) {
            INFO("a=", a.to_hex(), " b=", b.to_hex(), " m=", m.to_hex());
            REQUIRE(got_add == want_add);
            REQUIRE(got_mul == want_mul);
        }
    }
    const uint256 max = uint256::max();
    CHECK(trainchain::vm::addmod(max, max, max - uint256{1}) == uint256{2});
    CHECK(trainchain::vm::mulmod(max, max, uint256{12}) == uint256{9});
}

TEST_CASE("uint256: EXP is modular exponentiation mod 2^256") {
    Gen g;
    for (int i = 0; i < rounds / 4; ++i) {
        const uint256 a = g(), e = g();
        const uint256 want = from_big(mp::powm(to_big(a), to_big(e), two256));
        REQUIRE(trainchain::vm::exp(a, e) == want);
    }
    CHECK(trainchain::vm::exp(uint256{2}, uint256{255}) == uint256{0, 0, 0, 1ULL << 63});
    CHECK(!trainchain::vm::exp(uint256{2}, uint256{256}));
    CHECK(trainchain::vm::exp(uint256{0}, uint256{0}) == uint256{1});
    CHECK(trainchain::vm::exp(uint256::max(), uint256{3}) == uint256::max());
}

TEST_CASE("uint256: SIGNEXTEND and BYTE") {
    Gen g;
    for (int i = 0; i < rounds; ++i) {
        const uint256 x = g();
        const uint256 b{g.rng() % 40};
        big want;
        if (b.w[0] >= 31) {
            want = to_big(x);
        } else {
            const unsigned bits = static_cast<unsigned>(b.w[0]) * 8 + 8;
            const big low = to_big(x) % (big{1} << bits);
            want = bit_test(low, bits - 1) ? low - (big{1} << bits) : low;
        }
        REQUIRE(trainchain::vm::signextend(b, x) == from_big(want));
        const uint256 idx{g.rng() % 40};
        const big want_byte = idx.w[0] >= 32 ? big{0} : (to_big(x) >> (8 * (31 - idx.w[0]))) & 0xff;
        REQUIRE(trainchain::vm::byte(idx, x) == from_big(want_byte));
    }
    CHECK(trainchain::vm::signextend(uint256::max(), uint256{0xff}) == uint256{0xff});
    CHECK(trainchain::vm::signextend(uint256{0}, uint256{0x80}) == uint256::max() - uint256{0x7f});
    CHECK(!trainchain::vm::byte(uint256{0, 1, 0, 0}, uint256::max()));
}

TEST_CASE("uint256: SHL SHR SAR for shifts 0..300 and huge") {
    Gen g;
    for (int i = 0; i < rounds; ++i) {
        const uint256 x = g();
        const uint256 n = (g.rng() % 10 == 0) ? g() : uint256{g.rng() % 300};
        const bool big_shift = !(n < uint256{256});
        const big bx = to_big(x);
        const unsigned s = big_shift ? 0 : static_cast<unsigned>(n.w[0]);
        const uint256 want_shl = big_shift ? uint256{} : from_big(bx << s);
        const uint256 want_shr = big_shift ? uint256{} : from_big(bx >> s);
        // SAR is floor division by 2^n of the signed value.
        const big sx = to_signed(x);
        big want_sar;
        if (big_shift) {
            want_sar = sx < 0 ? big{-1} : big{0};
        } else {
            const big d = big{1} << s;
            want_sar = sx / d;
            if (sx < 0 && want_sar * d != sx) want_sar -= 1;
        }
        REQUIRE((x << n) == want_shl);
        REQUIRE((x >> n) == want_shr);
        REQUIRE(trainchain::vm::sar(x, n) == from_big(want_sar));
    }
}

TEST_CASE("uint256: comparisons, signed comparisons and bitwise operations") {
    Gen g;
    for (int i = 0; i < rounds; ++i) {
        const uint256 a = g(), b = (i % 5 == 0) ? a : g();
        REQUIRE((a < b) == (to_big(a) < to_big(b)));
        REQUIRE((a == b) == (to_big(a) == to_big(b)));
        REQUIRE(trainchain::vm::slt(a, b) == (to_signed(a) < to_signed(b)));
        REQUIRE((a & b) == from_big(to_big(a) & to_big(b)));
        REQUIRE((a | b) == from_big(to_big(a) | to_big(b)));
        REQUIRE((a ^ b) == from_big(to_big(a) ^ to_big(b)));
        REQUIRE(~a == from_big(two256 - 1 - to_big(a)));
    }
}

TEST_CASE("uint256: text and byte conversions round-trip") {
    Gen g;
    for (int i = 0; i < 2000; ++i) {
        const uint256 x = g();
        REQUIRE(uint256::parse(x.to_hex()) == x);
        REQUIRE(uint256::parse(x.to_dec()) == x);
        REQUIRE(x.to_dec() == to_big(x).str());
        uint8_t be[32];
        x.to_be(be);
        REQUIRE(uint256::from_be(be, 32) == x);
    }
    CHECK(uint256::parse("0x") == std::nullopt);
    CHECK(uint256::parse("12a") == std::nullopt);
    CHECK(uint256::parse("0x1" + std::string(64, '0')) == std::nullopt);  // 2^256
    CHECK(uint256::parse(to_big(uint256::max()).str()) == uint256::max());
    CHECK(uint256::parse((to_big(uint256::max()) + 1).str()) == std::nullopt);
    CHECK(uint256::parse("0x00000000000000000000000000000000000000000000000000000000000000000001") ==
          uint256{1});
    CHECK(trainchain::vm::significant_bytes(uint256{0x100}) == 2);
    CHECK(trainchain::vm::significant_bytes(uint256{}) == 0);
}
