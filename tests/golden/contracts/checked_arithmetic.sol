// tests/golden/contracts/checked_arithmetic.sol - checked arithmetic (the default): + - * / % ** and unary
// minus at the edges of uint8, uint32, uint256, int8 and int256; overflow and underflow give
// PANIC 0x11 (also int8 -128 / -1, -type(int256).min and products of two negatives), division
// and modulo by zero PANIC 0x12; the operation's type is the common type of its operands, so
// uint8 + uint8 overflows even when the result is widened afterwards.
// SPDX-License-Identifier: MIT
pragma solidity ^0.8.0;

contract Checked {
    function addU8(uint8 a, uint8 b) public pure returns (uint8) {
        return a + b;
    }

    function subU8(uint8 a, uint8 b) public pure returns (uint8) {
        return a - b;
    }

    function mulU8(uint8 a, uint8 b) public pure returns (uint8) {
        return a * b;
    }

    function addU32(uint32 a, uint32 b) public pure returns (uint32) {
        return a + b;
    }

    function addU256(uint256 a, uint256 b) public pure returns (uint256) {
        return a + b;
    }

    function subU256(uint256 a, uint256 b) public pure returns (uint256) {
        return a - b;
    }

    function mulU256(uint256 a, uint256 b) public pure returns (uint256) {
        return a * b;
    }

    function divU256(uint256 a, uint256 b) public pure returns (uint256) {
        return a / b;
    }

    function modU256(uint256 a, uint256 b) public pure returns (uint256) {
        return a % b;
    }

    function addI8(int8 a, int8 b) public pure returns (int8) {
        return a + b;
    }

    function subI8(int8 a, int8 b) public pure returns (int8) {
        return a - b;
    }

    function mulI8(int8 a, int8 b) public pure returns (int8) {
        return a * b;
    }

    function divI8(int8 a, int8 b) public pure returns (int8) {
        return a / b;
    }

    function modI8(int8 a, int8 b) public pure returns (int8) {
        return a % b;
    }

    function negI8(int8 a) public pure returns (int8) {
        return -a;
    }

    function addI256(int256 a, int256 b) public pure returns (int256) {
        return a + b;
    }

    function subI256(int256 a, int256 b) public pure returns (int256) {
        return a - b;
    }

    function mulI256(int256 a, int256 b) public pure returns (int256) {
        return a * b;
    }

    function divI256(int256 a, int256 b) public pure returns (int256) {
        return a / b;
    }

    function negI256(int256 a) public pure returns (int256) {
        return -a;
    }

    function expU8(uint8 a, uint256 e) public pure returns (uint8) {
        return a ** e;
    }

    function expU256(uint256 a, uint256 e) public pure returns (uint256) {
        return a ** e;
    }

    function widenedTooLate(uint8 a, uint8 b) public pure returns (uint16) {
        return a + b;
    }

    function widenedFirst(uint8 a, uint8 b) public pure returns (uint16) {
        return uint16(a) + b;
    }

    function mixedWidths(uint8 a, uint256 b) public pure returns (uint256) {
        return a + b;
    }

    function timesLiteral(uint8 a) public pure returns (uint8) {
        return a * 2;
    }
}
// ----
// addU8(uint8,uint8): 200, 55 -> 255
// addU8(uint8,uint8): 200, 56 -> PANIC 0x11
// subU8(uint8,uint8): 5, 5 -> 0
// subU8(uint8,uint8): 0, 1 -> PANIC 0x11
// mulU8(uint8,uint8): 16, 15 -> 240
// mulU8(uint8,uint8): 16, 16 -> PANIC 0x11
// mulU8(uint8,uint8): 0, 255 -> 0
// addU32(uint32,uint32): 4294967295, 0 -> 4294967295
// addU32(uint32,uint32): 4294967295, 1 -> PANIC 0x11
// addU256(uint256,uint256): 115792089237316195423570985008687907853269984665640564039457584007913129639934, 1 -> 115792089237316195423570985008687907853269984665640564039457584007913129639935
// addU256(uint256,uint256): 115792089237316195423570985008687907853269984665640564039457584007913129639935, 1 -> PANIC 0x11
// addU256(uint256,uint256): 115792089237316195423570985008687907853269984665640564039457584007913129639935, 115792089237316195423570985008687907853269984665640564039457584007913129639935 -> PANIC 0x11
// subU256(uint256,uint256): 0, 1 -> PANIC 0x11
// subU256(uint256,uint256): 115792089237316195423570985008687907853269984665640564039457584007913129639935, 115792089237316195423570985008687907853269984665640564039457584007913129639935 -> 0
// mulU256(uint256,uint256): 340282366920938463463374607431768211456, 170141183460469231731687303715884105728 -> 57896044618658097711785492504343953926634992332820282019728792003956564819968
// mulU256(uint256,uint256): 340282366920938463463374607431768211456, 340282366920938463463374607431768211456 -> PANIC 0x11
// mulU256(uint256,uint256): 0, 115792089237316195423570985008687907853269984665640564039457584007913129639935 -> 0
// mulU256(uint256,uint256): 115792089237316195423570985008687907853269984665640564039457584007913129639935, 1 -> 115792089237316195423570985008687907853269984665640564039457584007913129639935
// mulU256(uint256,uint256): 115792089237316195423570985008687907853269984665640564039457584007913129639935, 2 -> PANIC 0x11
// divU256(uint256,uint256): 7, 2 -> 3
// divU256(uint256,uint256): 7, 0 -> PANIC 0x12
// divU256(uint256,uint256): 0, 0 -> PANIC 0x12
// modU256(uint256,uint256): 7, 2 -> 1
// modU256(uint256,uint256): 7, 0 -> PANIC 0x12
// addI8(int8,int8): 127, 1 -> PANIC 0x11
// addI8(int8,int8): -128, -1 -> PANIC 0x11
// addI8(int8,int8): -100, 100 -> 0
// addI8(int8,int8): -1, -127 -> -128
// subI8(int8,int8): -128, 1 -> PANIC 0x11
// subI8(int8,int8): 127, -1 -> PANIC 0x11
// subI8(int8,int8): 0, -127 -> 127
// subI8(int8,int8): 0, -128 -> PANIC 0x11
// subI8(int8,int8): -1, 127 -> -128
// mulI8(int8,int8): -128, -1 -> PANIC 0x11
// mulI8(int8,int8): -64, 2 -> -128
// mulI8(int8,int8): 64, 2 -> PANIC 0x11
// mulI8(int8,int8): -1, -127 -> 127
// mulI8(int8,int8): -128, 1 -> -128
// mulI8(int8,int8): -16, -16 -> PANIC 0x11
// divI8(int8,int8): -128, -1 -> PANIC 0x11
// divI8(int8,int8): -7, 2 -> -3
// divI8(int8,int8): 7, -2 -> -3
// divI8(int8,int8): -128, 1 -> -128
// divI8(int8,int8): 1, 0 -> PANIC 0x12
// modI8(int8,int8): -7, 2 -> -1
// modI8(int8,int8): 7, -2 -> 1
// modI8(int8,int8): -128, -1 -> 0
// modI8(int8,int8): 5, 0 -> PANIC 0x12
// negI8(int8): -128 -> PANIC 0x11
// negI8(int8): 127 -> -127
// negI8(int8): -127 -> 127
// negI8(int8): 0 -> 0
// addI256(int256,int256): 57896044618658097711785492504343953926634992332820282019728792003956564819967, 1 -> PANIC 0x11
// addI256(int256,int256): -57896044618658097711785492504343953926634992332820282019728792003956564819968, -1 -> PANIC 0x11
// addI256(int256,int256): -57896044618658097711785492504343953926634992332820282019728792003956564819968, 57896044618658097711785492504343953926634992332820282019728792003956564819967 -> -1
// subI256(int256,int256): -57896044618658097711785492504343953926634992332820282019728792003956564819968, 1 -> PANIC 0x11
// subI256(int256,int256): 0, -57896044618658097711785492504343953926634992332820282019728792003956564819968 -> PANIC 0x11
// subI256(int256,int256): -1, -57896044618658097711785492504343953926634992332820282019728792003956564819968 -> 57896044618658097711785492504343953926634992332820282019728792003956564819967
// mulI256(int256,int256): -57896044618658097711785492504343953926634992332820282019728792003956564819968, -1 -> PANIC 0x11
// mulI256(int256,int256): -1, -57896044618658097711785492504343953926634992332820282019728792003956564819968 -> PANIC 0x11
// mulI256(int256,int256): -340282366920938463463374607431768211456, 170141183460469231731687303715884105728 -> -57896044618658097711785492504343953926634992332820282019728792003956564819968
// mulI256(int256,int256): 340282366920938463463374607431768211456, 170141183460469231731687303715884105728 -> PANIC 0x11
// mulI256(int256,int256): -57896044618658097711785492504343953926634992332820282019728792003956564819968, 1 -> -57896044618658097711785492504343953926634992332820282019728792003956564819968
// divI256(int256,int256): -57896044618658097711785492504343953926634992332820282019728792003956564819968, -1 -> PANIC 0x11
// divI256(int256,int256): -57896044618658097711785492504343953926634992332820282019728792003956564819968, 1 -> -57896044618658097711785492504343953926634992332820282019728792003956564819968
// divI256(int256,int256): -7, 0 -> PANIC 0x12
// negI256(int256): -57896044618658097711785492504343953926634992332820282019728792003956564819968 -> PANIC 0x11
// negI256(int256): 57896044618658097711785492504343953926634992332820282019728792003956564819967 -> -57896044618658097711785492504343953926634992332820282019728792003956564819967
// expU8(uint8,uint256): 2, 7 -> 128
// expU8(uint8,uint256): 2, 8 -> PANIC 0x11
// expU8(uint8,uint256): 3, 5 -> 243
// expU8(uint8,uint256): 3, 6 -> PANIC 0x11
// expU8(uint8,uint256): 0, 0 -> 1
// expU8(uint8,uint256): 0, 5 -> 0
// expU8(uint8,uint256): 1, 115792089237316195423570985008687907853269984665640564039457584007913129639935 -> 1
// expU8(uint8,uint256): 255, 1 -> 255
// expU256(uint256,uint256): 10, 77 -> 100000000000000000000000000000000000000000000000000000000000000000000000000000
// expU256(uint256,uint256): 10, 78 -> PANIC 0x11
// expU256(uint256,uint256): 2, 255 -> 57896044618658097711785492504343953926634992332820282019728792003956564819968
// expU256(uint256,uint256): 2, 256 -> PANIC 0x11
// expU256(uint256,uint256): 115792089237316195423570985008687907853269984665640564039457584007913129639935, 2 -> PANIC 0x11
// widenedTooLate(uint8,uint8): 200, 55 -> 255
// widenedTooLate(uint8,uint8): 200, 100 -> PANIC 0x11
// widenedFirst(uint8,uint8): 200, 100 -> 300
// mixedWidths(uint8,uint256): 255, 1 -> 256
// timesLiteral(uint8): 127 -> 254
// timesLiteral(uint8): 128 -> PANIC 0x11
