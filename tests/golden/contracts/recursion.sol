// tests/golden/contracts/recursion.sol - recursive internal functions: factorial (up to the largest that
// fits in uint256, then PANIC 0x11), doubly recursive fibonacci, gcd, Ackermann, mutual recursion,
// recursion 100 deep, recursion that writes state, recursion through external calls to `this`,
// and exponentiation by squaring.
// SPDX-License-Identifier: MIT
pragma solidity ^0.8.0;

contract Recursion {
    uint256 public calls;

    function factorial(uint256 n) public pure returns (uint256) {
        return n <= 1 ? 1 : n * factorial(n - 1);
    }

    function fib(uint256 n) public pure returns (uint256) {
        if (n < 2) return n;
        return fib(n - 1) + fib(n - 2);
    }

    function gcd(uint256 a, uint256 b) public pure returns (uint256) {
        return b == 0 ? a : gcd(b, a % b);
    }

    function ackermann(uint256 m, uint256 n) public pure returns (uint256) {
        if (m == 0) return n + 1;
        if (n == 0) return ackermann(m - 1, 1);
        return ackermann(m - 1, ackermann(m, n - 1));
    }

    function isEven(uint256 n) public pure returns (bool) {
        return n == 0 ? true : isOdd(n - 1);
    }

    function isOdd(uint256 n) public pure returns (bool) {
        return n == 0 ? false : isEven(n - 1);
    }

    function sumTo(uint256 n) public pure returns (uint256) {
        if (n == 0) return 0;
        return n + sumTo(n - 1);
    }

    function countDown(uint256 n) public {
        if (n == 0) return;
        calls++;
        countDown(n - 1);
    }

    function viaThis(uint256 n) public view returns (uint256) {
        return n == 0 ? 0 : n + this.viaThis(n - 1);
    }

    function power(uint256 base, uint256 e) public pure returns (uint256) {
        if (e == 0) return 1;
        uint256 h = power(base, e / 2);
        return e % 2 == 0 ? h * h : h * h * base;
    }
}
// ----
// factorial(uint256): 0 -> 1
// factorial(uint256): 5 -> 120
// factorial(uint256): 57 -> 40526919504877216755680601905432322134980384796226602145184481280000000000000
// factorial(uint256): 58 -> PANIC 0x11
// fib(uint256): 0 -> 0
// fib(uint256): 1 -> 1
// fib(uint256): 20 -> 6765
// gcd(uint256,uint256): 1071, 462 -> 21
// gcd(uint256,uint256): 17, 0 -> 17
// ackermann(uint256,uint256): 2, 3 -> 9
// isEven(uint256): 10 -> true
// isOdd(uint256): 10 -> false
// isOdd(uint256): 7 -> true
// sumTo(uint256): 100 -> 5050
// countDown(uint256): 12 ->
// calls() -> 12
// viaThis(uint256): 10 -> 55
// power(uint256,uint256): 3, 100 -> 515377520732011331036461129765621272702107522001
// power(uint256,uint256): 2, 255 -> 57896044618658097711785492504343953926634992332820282019728792003956564819968
// power(uint256,uint256): 2, 256 -> PANIC 0x11
