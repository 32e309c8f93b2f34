// tests/golden/contracts/type_min_max.sol - type(T).min and type(T).max for unsigned and signed integers
// of several widths, as values, in comparisons against other widths, and in arithmetic that
// overflows (PANIC 0x11, including -type(int256).min) or does not.
// SPDX-License-Identifier: MIT
pragma solidity ^0.8.0;

contract TypeMinMax {
    function unsignedMax() public pure returns (uint256, uint8, uint16, uint128) {
        return (type(uint256).max, type(uint8).max, type(uint16).max, type(uint128).max);
    }

    function unsignedMin() public pure returns (uint256, uint8) {
        return (type(uint256).min, type(uint8).min);
    }

    function signedRange() public pure returns (int256, int256, int8, int8, int64) {
        return (type(int256).min, type(int256).max, type(int8).min, type(int8).max, type(int64).min);
    }

    function maxPlusOne() public pure returns (uint256) {
        uint256 m = type(uint256).max;
        return m + 1;
    }

    function minMinusOne() public pure returns (int8) {
        int8 m = type(int8).min;
        return m - 1;
    }

    function negateMin() public pure returns (int256) {
        int256 m = type(int256).min;
        return -m;
    }

    function halfMaxPlusOne() public pure returns (uint256) {
        return type(uint256).max / 2 + 1;
    }

    function isMaxU8(uint8 x) public pure returns (bool) {
        return x == type(uint8).max;
    }

    function fitsInt8(int16 x) public pure returns (bool) {
        return x >= type(int8).min && x <= type(int8).max;
    }

    function maxMinusMin() public pure returns (uint256) {
        return type(uint256).max - type(uint256).min;
    }

    function wrapToMin() public pure returns (int256) {
        unchecked {
            return type(int256).max + 1;
        }
    }
}
// ----
// unsignedMax() -> 115792089237316195423570985008687907853269984665640564039457584007913129639935, 255, 65535, 340282366920938463463374607431768211455
// unsignedMin() -> 0, 0
// signedRange() -> -57896044618658097711785492504343953926634992332820282019728792003956564819968, 57896044618658097711785492504343953926634992332820282019728792003956564819967, -128, 127, -9223372036854775808
// maxPlusOne() -> PANIC 0x11
// minMinusOne() -> PANIC 0x11
// negateMin() -> PANIC 0x11
// halfMaxPlusOne() -> 57896044618658097711785492504343953926634992332820282019728792003956564819968
// isMaxU8(uint8): 255 -> true
// isMaxU8(uint8): 254 -> false
// fitsInt8(int16): 127 -> true
// fitsInt8(int16): 128 -> false
// fitsInt8(int16): -128 -> true
// fitsInt8(int16): -129 -> false
// maxMinusMin() -> 115792089237316195423570985008687907853269984665640564039457584007913129639935
// wrapToMin() -> -57896044618658097711785492504343953926634992332820282019728792003956564819968
