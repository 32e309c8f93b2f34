// tests/golden/contracts/operators_precedence.sol - every binary and unary operator with Solidity's
// precedence and associativity, on literals (folded by the compiler) and on variables (computed
// at run time): `**` right associative and above `*`, `+` above shifts, shifts above `&`, `&`
// above `^` above `|`, all of them above comparisons, `<` above `==`, `&&` above `||`; left
// associative `-`, `/` and `%`; unary -, ~ and !.
// SPDX-License-Identifier: MIT
pragma solidity ^0.8.0;

contract Operators {
    function literals() public pure returns (uint256, uint256, uint256, uint256, uint256, uint256) {
        return (2 + 3 * 4 ** 2, 2 ** 3 ** 2, 100 - 10 - 1, (2 + 3) * 4, 1 << 2 + 1, 0xff & 0x0f | 0x30);
    }

    function literalBits() public pure returns (uint256, uint256, uint256, bool, bool) {
        return (1 | 2 ^ 3 & 6, 12 | 10 & 3, 12 & 10 << 1, 12 & 10 == 8, 2 + 3 < 2 * 3);
    }

    function arithmetic(uint256 a, uint256 b, uint256 c, uint256 d)
        public
        pure
        returns (uint256, uint256, uint256, uint256)
    {
        return (a + b * c ** d, a ** d ** b, 10 + c - b - a, (a + b) * c);
    }

    function divisions(uint256 a, uint256 b, uint256 c) public pure returns (uint256, uint256, uint256, uint256) {
        return (a / b * c, a * c / b, a % b * c, a / b / c);
    }

    function bits(uint256 a, uint256 b) public pure returns (uint256, uint256, uint256, uint256, uint256) {
        return (a & b << 1, a | b & 3, a | b ^ 6, a + b << 2, a << b + 1);
    }

    function comparisons(uint256 a, uint256 b) public pure returns (bool, bool, bool, bool, bool, bool) {
        return (a < b, a <= b, a > b, a >= b, a == b, a != b);
    }

    function comparePrecedence(uint256 a, uint256 b) public pure returns (bool, bool, bool) {
        return (a + 1 > b * 2, a < b == b > a, a & b == 8);
    }

    function logic(bool p, bool q, bool r) public pure returns (bool, bool, bool) {
        return (p || q && r, !p && q || r, !(p || q) == (!p && !q));
    }

    function unaries(int256 x, uint8 y, bool z) public pure returns (int256, int256, uint8, int256, bool) {
        return (-x, -(-x), ~y, ~x, !z);
    }

    function signedOps(int256 a, int256 b) public pure returns (int256, int256, int256, int256, bool) {
        return (a / b, a % b, a * b, a - b, a < b);
    }

    function signedShifts(int256 a, uint256 n) public pure returns (int256, int256) {
        return (a >> n, a << n);
    }

    function uintShifts(uint8 a, uint256 n) public pure returns (uint8, uint8) {
        return (a << n, a >> n);
    }

    // A literal base or shifted literal with a non-literal exponent or shift is uint256.
    function literalBase(uint8 e) public pure returns (uint256, uint256, bool) {
        return ((2 ** e) / 2, (1 << e) / 2, 2 ** e > 255);
    }

    function bitwiseSigned(int8 a, int8 b) public pure returns (int8, int8, int8, int8) {
        return (a & b, a | b, a ^ b, ~a);
    }
}
// ----
// literals() -> 50, 512, 89, 20, 8, 63
// literalBits() -> 1, 14, 4, true, true
// arithmetic(uint256,uint256,uint256,uint256): 2, 3, 4, 2 -> 50, 256, 9, 20
// divisions(uint256,uint256,uint256): 7, 2, 2 -> 6, 7, 2, 1
// divisions(uint256,uint256,uint256): 100, 10, 2 -> 20, 20, 0, 5
// bits(uint256,uint256): 12, 10 -> 4, 14, 12, 88, 24576
// comparisons(uint256,uint256): 1, 2 -> true, true, false, false, false, true
// comparisons(uint256,uint256): 2, 2 -> false, true, false, true, true, false
// comparisons(uint256,uint256): 3, 2 -> false, false, true, true, false, true
// comparePrecedence(uint256,uint256): 12, 10 -> false, true, true
// comparePrecedence(uint256,uint256): 21, 10 -> true, true, false
// logic(bool,bool,bool): true, false, false -> true, false, true
// logic(bool,bool,bool): false, true, false -> false, true, true
// logic(bool,bool,bool): false, true, true -> true, true, true
// logic(bool,bool,bool): false, false, false -> false, false, true
// unaries(int256,uint8,bool): 5, 5, true -> -5, 5, 250, -6, false
// unaries(int256,uint8,bool): -57896044618658097711785492504343953926634992332820282019728792003956564819967, 0, false -> 57896044618658097711785492504343953926634992332820282019728792003956564819967, -57896044618658097711785492504343953926634992332820282019728792003956564819967, 255, 57896044618658097711785492504343953926634992332820282019728792003956564819966, true
// signedOps(int256,int256): -7, 2 -> -3, -1, -14, -9, true
// signedOps(int256,int256): 7, -2 -> -3, 1, -14, 9, false
// signedOps(int256,int256): -7, -2 -> 3, -1, 14, -5, true
// signedShifts(int256,uint256): -7, 1 -> -4, -14
// signedShifts(int256,uint256): -1, 300 -> -1, 0
// signedShifts(int256,uint256): 7, 1 -> 3, 14
// signedShifts(int256,uint256): -57896044618658097711785492504343953926634992332820282019728792003956564819968, 255 -> -1, 0
// uintShifts(uint8,uint256): 255, 4 -> 240, 15
// uintShifts(uint8,uint256): 1, 8 -> 0, 0
// uintShifts(uint8,uint256): 129, 1 -> 2, 64
// literalBase(uint8): 8 -> 128, 128, true
// literalBase(uint8): 255 -> 28948022309329048855892746252171976963317496166410141009864396001978282409984, 28948022309329048855892746252171976963317496166410141009864396001978282409984, true
// literalBase(uint8): 0 -> 0, 0, false
// bitwiseSigned(int8,int8): -1, 5 -> 5, -1, -6, 0
// bitwiseSigned(int8,int8): -128, 127 -> 0, -1, -1, 127
