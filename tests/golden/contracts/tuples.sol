// tests/golden/contracts/tuples.sol - tuple returns and destructuring: `(a, b) = f()`, declarations
// `(T a, U b) = f()`, skipped components, swaps and rotations of locals and state variables
// (the right-hand side is evaluated before any assignment), returning a call's tuple directly,
// tuples of mixed types.
// SPDX-License-Identifier: MIT
pragma solidity ^0.8.0;

contract Tuples {
    uint256 public a = 1;
    uint256 public b = 2;

    function pair(uint256 x) internal pure returns (uint256, bool) {
        return (x * 2, x % 2 == 0);
    }

    function triple() internal pure returns (uint8, int16, address) {
        return (255, -300, address(0xbeef));
    }

    function usePair(uint256 x) public pure returns (uint256 d, bool even) {
        (d, even) = pair(x);
    }

    function declarePair(uint256 x) public pure returns (uint256) {
        (uint256 d, bool even) = pair(x);
        return even ? d : d + 1;
    }

    function middle() public pure returns (int16) {
        (, int16 m, ) = triple();
        return m;
    }

    function swap(uint256 x, uint256 y) public pure returns (uint256, uint256) {
        (x, y) = (y, x);
        return (x, y);
    }

    function swapState() public {
        (a, b) = (b, a);
    }

    function rotate(uint256 x, uint256 y, uint256 z) public pure returns (uint256, uint256, uint256) {
        (x, y, z) = (y, z, x);
        return (x, y, z);
    }

    function mixed() public pure returns (uint8, int16, address, bool, bytes4) {
        (uint8 p, int16 q, address r) = triple();
        return (p, q, r, true, bytes4(0x01020304));
    }

    function first() public pure returns (uint256 w) {
        uint8 p;
        (p, , ) = triple();
        w = p;
    }

    function returnCall(uint256 x) public pure returns (uint256, bool) {
        return pair(x);
    }

    function stateAndLocal() public returns (uint256, uint256) {
        uint256 t;
        (t, a) = (a + 10, 5);
        return (t, a);
    }

    function widening() public pure returns (uint256, int256) {
        (uint256 p, int256 q, ) = triple();
        return (p, q);
    }

    function parens(uint256 x) public pure returns (uint256) {
        return ((x + 1)) * (2);
    }
}
// ----
// usePair(uint256): 3 -> 6, false
// usePair(uint256): 4 -> 8, true
// declarePair(uint256): 3 -> 7
// declarePair(uint256): 4 -> 8
// middle() -> -300
// swap(uint256,uint256): 1, 2 -> 2, 1
// a() -> 1
// b() -> 2
// swapState() ->
// a() -> 2
// b() -> 1
// rotate(uint256,uint256,uint256): 1, 2, 3 -> 2, 3, 1
// mixed() -> 255, -300, 0x000000000000000000000000000000000000beef, true, 0x01020304
// first() -> 255
// returnCall(uint256): 5 -> 10, false
// stateAndLocal() -> 12, 5
// a() -> 5
// b() -> 1
// widening() -> 255, -300
// parens(uint256): 4 -> 10
