// SPDX-License-Identifier: MIT
// tests/golden/scripts/gas/Exp.sol - `x ** y` for the gas comparison with solc (exp.json): general
// bases, the constant bases solc special-cases (0, 1, 2, 10), constant small exponents, narrow
// types, checked (Panic 0x11 on overflow) and unchecked (wrapping).
pragma solidity ^0.8.20;

contract Exp {
    function pow(uint256 x, uint256 y) external pure returns (uint256) {
        return x ** y;
    }

    function powUnchecked(uint256 x, uint256 y) external pure returns (uint256) {
        unchecked {
            return x ** y;
        }
    }

    function pow8(uint8 x, uint8 y) external pure returns (uint8) {
        return x ** y;
    }

    function pow8Unchecked(uint8 x, uint8 y) external pure returns (uint8) {
        unchecked {
            return x ** y;
        }
    }

    function pow128(uint128 x, uint256 y) external pure returns (uint128) {
        return x ** y;
    }

    function zeroTo(uint256 y) external pure returns (uint256) {
        return 0 ** y;
    }

    function oneTo(uint256 y) external pure returns (uint256) {
        return 1 ** y;
    }

    function twoTo(uint256 y) external pure returns (uint256) {
        return 2 ** y;
    }

    function tenTo(uint256 y) external pure returns (uint256) {
        return 10 ** y;
    }

    function threeTo(uint256 y) external pure returns (uint256) {
        return 3 ** y;
    }

    function square(uint256 x) external pure returns (uint256) {
        return x ** 2;
    }

    function cube(uint256 x) external pure returns (uint256) {
        return x ** 3;
    }

    function fourth(uint256 x) external pure returns (uint256) {
        return x ** 4;
    }

    function squareUnchecked(uint64 x) external pure returns (uint64) {
        unchecked {
            return x ** 2;
        }
    }

    /// Sums x ** i for i in [0, n): exponentiation in a loop.
    function series(uint256 x, uint256 n) external pure returns (uint256 s) {
        for (uint256 i = 0; i < n; i++) s += x ** i;
    }
}
