// tests/golden/contracts/memory_arrays.sol - memory arrays: `new T[](n)` (zero-filled, PANIC 0x41 when
// too large), index reads and writes with bounds checks (PANIC 0x32), .length, dynamic arrays
// as parameters and return values, element types of several widths (uint8 truncation on
// conversion, int16, bool, address, bytes32), aliasing of memory references, passing arrays
// between internal functions, and the empty default array.
// SPDX-License-Identifier: MIT
pragma solidity ^0.8.0;

contract MemoryArrays {
    function squares(uint256 n) public pure returns (uint256[] memory out) {
        out = new uint256[](n);
        for (uint256 i = 0; i < n; i++) out[i] = i * i;
    }

    function sum(uint256[] memory xs) public pure returns (uint256 s) {
        for (uint256 i = 0; i < xs.length; i++) s += xs[i];
    }

    function reverse(uint256[] memory xs) public pure returns (uint256[] memory) {
        uint256 n = xs.length;
        for (uint256 i = 0; i < n / 2; i++) {
            uint256 t = xs[i];
            xs[i] = xs[n - 1 - i];
            xs[n - 1 - i] = t;
        }
        return xs;
    }

    function sumOfSquares(uint256 n) public pure returns (uint256) {
        return sum(squares(n));
    }

    function freshIsZero(uint256 n) public pure returns (uint256[] memory) {
        uint256[] memory used = new uint256[](n);
        for (uint256 i = 0; i < n; i++) used[i] = type(uint256).max;
        uint256[] memory fresh = new uint256[](n);
        return fresh;
    }

    function at(uint256[] memory xs, uint256 i) public pure returns (uint256) {
        return xs[i];
    }

    function writeAt(uint256 n, uint256 i) public pure returns (uint256) {
        uint256[] memory a = new uint256[](n);
        a[i] = 1;
        return a.length;
    }

    function allocate(uint256 n) public pure returns (uint256) {
        uint256[] memory a = new uint256[](n);
        return a.length;
    }

    function smallTypes(uint256 n) public pure returns (uint8[] memory r) {
        r = new uint8[](n);
        for (uint256 i = 0; i < n; i++) r[i] = uint8(i * 100);
    }

    function signedValues() public pure returns (int16[] memory r) {
        r = new int16[](3);
        r[0] = -1;
        r[1] = type(int16).min;
        r[2] = 5;
    }

    function evens(uint256 n) public pure returns (bool[] memory r) {
        r = new bool[](n);
        for (uint256 i = 0; i < n; i++) r[i] = i % 2 == 0;
    }

    function addresses() public view returns (address[] memory r) {
        r = new address[](2);
        r[0] = msg.sender;
        r[1] = address(this);
    }

    function aliasing() public pure returns (uint256, uint256) {
        uint256[] memory a = new uint256[](2);
        uint256[] memory b = a;
        b[0] = 5;
        return (a[0], b.length);
    }

    function signedSum(int256[] memory xs) public pure returns (int256 s) {
        for (uint256 i = 0; i < xs.length; i++) s += xs[i];
    }

    function last(bytes32[] memory xs) public pure returns (bytes32) {
        return xs[xs.length - 1];
    }

    function emptyDefault() public pure returns (uint256, uint256[] memory) {
        uint256[] memory a;
        return (a.length, a);
    }
}
// ----
// squares(uint256): 5 -> [0, 1, 4, 9, 16]
// squares(uint256): 0 -> []
// sum(uint256[]): [1, 2, 3, 4] -> 10
// sum(uint256[]): [] -> 0
// sum(uint256[]): [115792089237316195423570985008687907853269984665640564039457584007913129639935, 1] -> PANIC 0x11
// reverse(uint256[]): [1, 2, 3, 4, 5] -> [5, 4, 3, 2, 1]
// reverse(uint256[]): [7] -> [7]
// sumOfSquares(uint256): 5 -> 30
// freshIsZero(uint256): 3 -> [0, 0, 0]
// at(uint256[],uint256): [10, 20, 30], 2 -> 30
// at(uint256[],uint256): [10, 20, 30], 3 -> PANIC 0x32
// writeAt(uint256,uint256): 4, 3 -> 4
// writeAt(uint256,uint256): 4, 4 -> PANIC 0x32
// writeAt(uint256,uint256): 0, 0 -> PANIC 0x32
// allocate(uint256): 1000 -> 1000
// allocate(uint256): 18446744073709551616 -> PANIC 0x41
// allocate(uint256): 115792089237316195423570985008687907853269984665640564039457584007913129639935 -> PANIC 0x41
// smallTypes(uint256): 4 -> [0, 100, 200, 44]
// signedValues() -> [-1, -32768, 5]
// evens(uint256): 3 -> [true, false, true]
// addresses() -> [0x000000000000000000000000000000000000ca11, 0x6fb1a2dee3e106113f85d408d80b69afe447b26e]
// aliasing() -> 5, 2
// signedSum(int256[]): [-5, 3, -10] -> -12
// signedSum(int256[]): [-57896044618658097711785492504343953926634992332820282019728792003956564819968, -1] -> PANIC 0x11
// last(bytes32[]): [0x0000000000000000000000000000000000000000000000000000000000000001, 0x5ad80d04e3bc4a4cdd4c1c1767b8aff77d70a087842d06f59d4264517c4b14c8] -> 0x5ad80d04e3bc4a4cdd4c1c1767b8aff77d70a087842d06f59d4264517c4b14c8
// last(bytes32[]): [] -> PANIC 0x11
// emptyDefault() -> 0, []
