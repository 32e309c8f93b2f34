// tests/golden/contracts/assignments.sol - the ternary operator (nested, right associative), every
// compound assignment (+= -= *= /= %= |= &= ^= <<= >>=) on unsigned and signed values, checked
// (PANIC 0x11) except for shifts, compound assignments and chained assignments used as values,
// and prefix/postfix ++ and -- on locals, state variables and memory array elements.
// SPDX-License-Identifier: MIT
pragma solidity ^0.8.0;

contract Assignments {
    uint256 public s;
    uint8 public small;

    function ternary(uint256 x) public pure returns (uint256) {
        return x > 10 ? x - 10 : x < 5 ? 0 : x;
    }

    function ternaryLiterals(bool c) public pure returns (uint16) {
        return c ? 1 : 300;
    }

    function compound(uint256 x) public pure returns (uint256) {
        x += 5;
        x -= 2;
        x *= 3;
        x /= 2;
        x %= 7;
        x |= 8;
        x &= 12;
        x ^= 5;
        x <<= 2;
        x >>= 1;
        return x;
    }

    function compoundChecked(uint8 x) public pure returns (uint8) {
        x += 100;
        return x;
    }

    function compoundShift(uint8 x) public pure returns (uint8) {
        x <<= 4;
        return x;
    }

    function compoundValue(uint256 x) public pure returns (uint256, uint256) {
        uint256 y = (x += 5) * 2;
        return (x, y);
    }

    function chained(uint256 v) public pure returns (uint256, uint256, uint256) {
        uint256 a;
        uint256 b;
        uint256 c = a = b = v;
        return (a, b, c);
    }

    function incDec(uint256 x) public pure returns (uint256, uint256, uint256, uint256, uint256) {
        uint256 a = x++;
        uint256 b = ++x;
        uint256 c = x--;
        uint256 d = --x;
        return (a, b, c, d, x);
    }

    function incState() public returns (uint256, uint256) {
        uint256 before = s++;
        return (before, ++s);
    }

    function incSmall() public returns (uint8) {
        return ++small;
    }

    function decSmall() public returns (uint8) {
        return small--;
    }

    function incElements(uint256[] memory xs) public pure returns (uint256[] memory) {
        xs[0]++;
        ++xs[1];
        xs[2] += xs[0];
        return xs;
    }

    function signedCompound(int256 x) public pure returns (int256) {
        x -= 10;
        x *= -3;
        x /= 4;
        return x;
    }

    function signedShiftCompound(int16 x) public pure returns (int16) {
        x >>= 2;
        return x;
    }

    function signedDecrement(int8 x) public pure returns (int8) {
        x--;
        return x;
    }

    function bytesCompound(bytes4 b) public pure returns (bytes4) {
        b |= bytes4(0x000000ff);
        b &= bytes4(0xffff00ff);
        b ^= bytes4(0x10000000);
        b <<= 8;
        return b;
    }
}
// ----
// ternary(uint256): 15 -> 5
// ternary(uint256): 3 -> 0
// ternary(uint256): 7 -> 7
// ternary(uint256): 10 -> 10
// ternaryLiterals(bool): true -> 1
// ternaryLiterals(bool): false -> 300
// compound(uint256): 10 -> 18
// compoundChecked(uint8): 155 -> 255
// compoundChecked(uint8): 156 -> PANIC 0x11
// compoundShift(uint8): 255 -> 240
// compoundValue(uint256): 1 -> 6, 12
// chained(uint256): 7 -> 7, 7, 7
// incDec(uint256): 5 -> 5, 7, 7, 5, 5
// incDec(uint256): 115792089237316195423570985008687907853269984665640564039457584007913129639934 -> PANIC 0x11
// incDec(uint256): 0 -> 0, 2, 2, 0, 0
// incState() -> 0, 2
// s() -> 2
// incState() -> 2, 4
// decSmall() -> PANIC 0x11
// incSmall() -> 1
// decSmall() -> 1
// small() -> 0
// incElements(uint256[]): [1, 2, 3] -> [2, 3, 5]
// signedCompound(int256): 2 -> 6
// signedCompound(int256): 20 -> -7
// signedShiftCompound(int16): -7 -> -2
// signedShiftCompound(int16): 7 -> 1
// signedDecrement(int8): -127 -> -128
// signedDecrement(int8): -128 -> PANIC 0x11
// bytesCompound(bytes4): 0x12345678 -> 0x3400ff00
