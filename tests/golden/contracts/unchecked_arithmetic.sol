// tests/golden/contracts/unchecked_arithmetic.sol - unchecked blocks: + - * ** ++ -- and unary minus wrap
// around modulo 2^N for uint8, uint16, uint256, int8 and int256 (int8 -128 / -1 and -(-128) give
// -128), while division and modulo by zero still give PANIC 0x12; code after the block and
// functions called from inside it are checked again.
// SPDX-License-Identifier: MIT
pragma solidity ^0.8.0;

contract Unchecked {
    function addU8(uint8 a, uint8 b) public pure returns (uint8) {
        unchecked {
            return a + b;
        }
    }

    function subU256(uint256 a, uint256 b) public pure returns (uint256) {
        unchecked {
            return a - b;
        }
    }

    function mulU8(uint8 a, uint8 b) public pure returns (uint8) {
        unchecked {
            return a * b;
        }
    }

    function mulI8(int8 a, int8 b) public pure returns (int8) {
        unchecked {
            return a * b;
        }
    }

    function negI8(int8 a) public pure returns (int8) {
        unchecked {
            return -a;
        }
    }

    function divI8(int8 a, int8 b) public pure returns (int8) {
        unchecked {
            return a / b;
        }
    }

    function addI256(int256 a, int256 b) public pure returns (int256) {
        unchecked {
            return a + b;
        }
    }

    function divByZero(uint256 a, uint256 b) public pure returns (uint256) {
        unchecked {
            return a / b;
        }
    }

    function modByZero(int256 a, int256 b) public pure returns (int256) {
        unchecked {
            return a % b;
        }
    }

    function incWrap() public pure returns (uint8) {
        uint8 x = 255;
        unchecked {
            x++;
        }
        return x;
    }

    function decWrap(int8 x) public pure returns (int8, int8) {
        int8 before;
        unchecked {
            before = x--;
        }
        return (before, x);
    }

    function expU8(uint8 a, uint256 e) public pure returns (uint8) {
        unchecked {
            return a ** e;
        }
    }

    function expU256(uint256 a, uint256 e) public pure returns (uint256) {
        unchecked {
            return a ** e;
        }
    }

    function compoundU16(uint16 x) public pure returns (uint16) {
        unchecked {
            x += 65535;
            x *= 3;
        }
        return x;
    }

    function checkedAfter(uint8 a) public pure returns (uint8, uint8) {
        uint8 w;
        unchecked {
            w = a + 1;
        }
        uint8 c = a + 1;
        return (w, c);
    }

    function _add(uint8 a, uint8 b) internal pure returns (uint8) {
        return a + b;
    }

    function callInside(uint8 a) public pure returns (uint8) {
        unchecked {
            return _add(a, 1);
        }
    }

    function breakInside(uint256 n) public pure returns (uint256 i) {
        while (true) {
            unchecked {
                i++;
                if (i >= n) break;
            }
        }
    }

    function loopIncrement(uint256 n) public pure returns (uint256 s) {
        for (uint256 i = 0; i < n; ) {
            s += i;
            unchecked {
                ++i;
            }
        }
    }
}
// ----
// addU8(uint8,uint8): 200, 100 -> 44
// addU8(uint8,uint8): 255, 255 -> 254
// subU256(uint256,uint256): 0, 1 -> 115792089237316195423570985008687907853269984665640564039457584007913129639935
// subU256(uint256,uint256): 5, 3 -> 2
// mulU8(uint8,uint8): 16, 16 -> 0
// mulU8(uint8,uint8): 255, 255 -> 1
// mulI8(int8,int8): 100, 2 -> -56
// mulI8(int8,int8): -128, -1 -> -128
// negI8(int8): -128 -> -128
// negI8(int8): 5 -> -5
// divI8(int8,int8): -128, -1 -> -128
// divI8(int8,int8): -7, 2 -> -3
// addI256(int256,int256): 57896044618658097711785492504343953926634992332820282019728792003956564819967, 1 -> -57896044618658097711785492504343953926634992332820282019728792003956564819968
// addI256(int256,int256): -57896044618658097711785492504343953926634992332820282019728792003956564819968, -1 -> 57896044618658097711785492504343953926634992332820282019728792003956564819967
// divByZero(uint256,uint256): 1, 0 -> PANIC 0x12
// modByZero(int256,int256): -1, 0 -> PANIC 0x12
// incWrap() -> 0
// decWrap(int8): -128 -> -128, 127
// expU8(uint8,uint256): 2, 8 -> 0
// expU8(uint8,uint256): 3, 6 -> 217
// expU8(uint8,uint256): 3, 5 -> 243
// expU256(uint256,uint256): 2, 256 -> 0
// expU256(uint256,uint256): 10, 78 -> 73663286101470436611432119930496737173840122674875487684339327936694962880512
// compoundU16(uint16): 2 -> 3
// checkedAfter(uint8): 1 -> 2, 2
// checkedAfter(uint8): 255 -> PANIC 0x11
// callInside(uint8): 1 -> 2
// callInside(uint8): 255 -> PANIC 0x11
// loopIncrement(uint256): 5 -> 10
// breakInside(uint256): 5 -> 5
