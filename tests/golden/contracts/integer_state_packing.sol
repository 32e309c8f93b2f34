// tests/golden/contracts/integer_state_packing.sol - state variables of the integer widths uint8..uint256
// and int8..int256 (and odd ones: uint24, int40, uint56, uint200), packed several to a slot:
// writing one never disturbs its neighbours, negative values never leak their sign bits, and a
// reverted write leaves the slot as it was.
// SPDX-License-Identifier: MIT
pragma solidity ^0.8.0;

contract IntegerPacking {
    // One slot: 1 + 2 + 4 + 8 + 16 = 31 bytes.
    uint8 public u8;
    uint16 public u16;
    uint32 public u32;
    uint64 public u64;
    uint128 public u128;
    // Does not fit beside them: a slot of its own.
    uint256 public u256;
    // One slot: 31 bytes again, signed.
    int8 public i8;
    int16 public i16;
    int32 public i32;
    int64 public i64;
    int128 public i128;
    int256 public i256;
    // 3 + 5 bytes, then 25 bytes that do not fit (33 > 32) start a slot, 7 more fill it exactly.
    uint24 public u24;
    int40 public i40;
    uint200 public u200;
    uint56 public u56;

    function setUnsigned(uint8 a, uint16 b, uint32 c, uint64 d, uint128 e, uint256 f) public {
        u8 = a;
        u16 = b;
        u32 = c;
        u64 = d;
        u128 = e;
        u256 = f;
    }

    function setSigned(int8 a, int16 b, int32 c, int64 d, int128 e, int256 f) public {
        i8 = a;
        i16 = b;
        i32 = c;
        i64 = d;
        i128 = e;
        i256 = f;
    }

    function setU16(uint16 v) public {
        u16 = v;
    }

    function setI8(int8 v) public {
        i8 = v;
    }

    function setI16(int16 v) public {
        i16 = v;
    }

    function setOdd(uint24 a, int40 b, uint200 c, uint56 d) public {
        u24 = a;
        i40 = b;
        u200 = c;
        u56 = d;
    }

    function sumUnsigned() public view returns (uint256) {
        return uint256(u8) + u16 + u32 + u64 + u128;
    }

    function sumSigned() public view returns (int256) {
        return int256(i8) + i16 + i32 + i64 + i128;
    }

    // u16 is written before u8 overflows: the revert must undo that write too.
    function incrementBoth() public {
        u16 += 1;
        u8 += 1;
    }

    function bumpOdd() public {
        u24 -= 1;
        i40 += 1;
        u56 -= 1;
    }
}
// ----
// u8() -> 0
// u256() -> 0
// i128() -> 0
// setUnsigned(uint8,uint16,uint32,uint64,uint128,uint256): 255, 65535, 4294967295, 18446744073709551615, 340282366920938463463374607431768211455, 115792089237316195423570985008687907853269984665640564039457584007913129639935 ->
// u8() -> 255
// u16() -> 65535
// u32() -> 4294967295
// u64() -> 18446744073709551615
// u128() -> 340282366920938463463374607431768211455
// u256() -> 115792089237316195423570985008687907853269984665640564039457584007913129639935
// setU16(uint16): 1 ->
// u8() -> 255
// u16() -> 1
// u32() -> 4294967295
// sumUnsigned() -> 340282366920938463481821351509772730621
// incrementBoth() -> PANIC 0x11
// u16() -> 1
// u8() -> 255
// setSigned(int8,int16,int32,int64,int128,int256): -128, -32768, -2147483648, -9223372036854775808, -170141183460469231731687303715884105728, -57896044618658097711785492504343953926634992332820282019728792003956564819968 ->
// i8() -> -128
// i16() -> -32768
// i32() -> -2147483648
// i64() -> -9223372036854775808
// i128() -> -170141183460469231731687303715884105728
// i256() -> -57896044618658097711785492504343953926634992332820282019728792003956564819968
// setI8(int8): 5 ->
// i8() -> 5
// i16() -> -32768
// setI8(int8): -1 ->
// setI16(int16): 1 ->
// i8() -> -1
// i16() -> 1
// i32() -> -2147483648
// sumSigned() -> -170141183460469231740910675754886365184
// u8() -> 255
// u128() -> 340282366920938463463374607431768211455
// setOdd(uint24,int40,uint200,uint56): 16777215, -549755813888, 1606938044258990275541962092341162602522202993782792835301375, 72057594037927935 ->
// u24() -> 16777215
// i40() -> -549755813888
// u200() -> 1606938044258990275541962092341162602522202993782792835301375
// u56() -> 72057594037927935
// bumpOdd() ->
// u24() -> 16777214
// i40() -> -549755813887
// u200() -> 1606938044258990275541962092341162602522202993782792835301375
// u56() -> 72057594037927934
