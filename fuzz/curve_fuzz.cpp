// fuzz/curve_fuzz.cpp - libFuzzer target: random bytes into the elliptic-curve precompiles
// (bn254 ECADD, ECMUL and the pairing check; the EIP-4844 point evaluation).
//
// Input layout: byte 0 picks the precompile (mod 4), the rest is its input. Checked on every
// input: no crash, outputs have their fixed sizes, a point ECADD or ECMUL returns is itself a
// valid input (adding the point at infinity gives it back), ECMUL by 2 equals ECADD of the point
// to itself, the pairing check answers 0 or 1, and the point evaluation fails on any length but
// 192 (random bytes almost never carry a matching versioned hash, so mode 3 also feeds
// verify_kzg_proof directly with the input's first 160 bytes).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "bn254.hpp"
#include "kzg.hpp"

using namespace trainchain::vm;

namespace {

void require(bool ok) {
    if (!ok) std::abort();
}

/// A returned point must read back as a valid one: P + O = P.
void check_point(const bytes& p) {
    require(p.size() == 64);
    bytes in(p);
    in.resize(128, 0);
    const auto again = bn254::add(in);
    require(again && *again == p);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 1) return 0;
    const bytes_view input{data + 1, size - 1};
    switch (data[0] % 4) {
        case 0:
            if (const auto out = bn254::add(input)) check_point(*out);
            break;
        case 1:
            if (const auto out = bn254::mul(input)) {
                check_point(*out);
                // ECMUL(P, 2) = ECADD(P, P) for the same point.
                bytes twice(96, 0);
                std::memcpy(twice.data(), input.data(), std::min<size_t>(input.size(), 64));
                twice[95] = 2;
                bytes pp(128, 0);
                std::memcpy(pp.data(), twice.data(), 64);
                std::memcpy(pp.data() + 64, twice.data(), 64);
                const auto m = bn254::mul(twice);
                const auto a = bn254::add(pp);
                require(m && a && *m == *a);
            }
            break;
        case 3: {
            const auto out = kzg::point_evaluation(input);
            if (input.size() != 192) require(!out);
            if (out) require(out->size() == 64);
            if (input.size() >= 160) {
                const uint8_t* d = input.data();
                (void)kzg::verify_kzg_proof(d, d + 48, d + 80, d + 112);
            }
            break;
        }
        default: {
            const auto out = bn254::pairing(input);
            if (input.size() % 192 != 0) require(!out);
            if (out) {
                require(out->size() == 32 && (*out)[31] <= 1);
                for (size_t i = 0; i < 31; ++i) require((*out)[i] == 0);
            }
            break;
        }
    }
    return 0;
}
