// tests/golden/contracts/functions_visibility.sol - public, external, internal and private functions:
// internal calls (nested, of public functions, of state-changing ones), an external call to
// `this`, internal/private functions and private/internal state variables not callable from
// outside, several parameters of mixed widths (their common type is checked), named and unnamed
// return values, early return, unnamed parameters, default return values.
// SPDX-License-Identifier: MIT
pragma solidity ^0.8.0;

contract Functions {
    uint256 private counter;
    uint256 internal hidden = 5;

    function pub(uint256 x) public pure returns (uint256) {
        return x + 1;
    }

    function ext(uint256 x) external pure returns (uint256) {
        return x * 2;
    }

    function _double(uint256 x) internal pure returns (uint256) {
        return x * 2;
    }

    function _inc(uint256 x) private pure returns (uint256) {
        return x + 1;
    }

    function internalCalls(uint256 x) public pure returns (uint256) {
        return _double(_inc(x)) + _inc(_double(x));
    }

    function callsPublic(uint256 x) public pure returns (uint256) {
        return pub(x) * 10;
    }

    function viaThis(uint256 x) public view returns (uint256) {
        return this.ext(x) + 1;
    }

    function bump() public {
        counter++;
    }

    function bumpThree() external {
        bump();
        _bumpBy(2);
    }

    function _bumpBy(uint256 n) private {
        counter += n;
    }

    function count() public view returns (uint256) {
        return counter;
    }

    function readHidden() public view returns (uint256) {
        return hidden;
    }

    function manyParams(uint8 a, uint16 b, uint32 c, uint64 d, uint128 e, uint256 f) public pure returns (uint256) {
        return a + b + c + d + e + f;
    }

    function namedReturns(uint256 x) public pure returns (uint256 doubled, uint256 squared) {
        doubled = x * 2;
        squared = x * x;
    }

    function earlyReturn(uint256 x) public pure returns (uint256 r) {
        r = 1;
        if (x > 5) return 100;
        r = 2;
    }

    function defaults() public pure returns (uint256, bool, int8) {}

    function overridden(uint256 x) public pure returns (uint256 a, uint256 b) {
        a = x;
        b = x;
        return (a + 1, b + 2);
    }

    function second(uint256, uint256 b) public pure returns (uint256) {
        return b;
    }
}
// ----
// pub(uint256): 3 -> 4
// ext(uint256): 3 -> 6
// internalCalls(uint256): 3 -> 15
// callsPublic(uint256): 3 -> 40
// viaThis(uint256): 3 -> 7
// _double(uint256): 1 -> REVERT
// _inc(uint256): 1 -> REVERT
// _bumpBy(uint256): 1 -> REVERT
// counter() -> REVERT
// hidden() -> REVERT
// readHidden() -> 5
// count() -> 0
// bump() ->
// count() -> 1
// bumpThree() ->
// count() -> 4
// manyParams(uint8,uint16,uint32,uint64,uint128,uint256): 1, 2, 3, 4, 5, 6 -> 21
// manyParams(uint8,uint16,uint32,uint64,uint128,uint256): 255, 65280, 0, 0, 0, 0 -> 65535
// manyParams(uint8,uint16,uint32,uint64,uint128,uint256): 255, 65281, 0, 0, 0, 0 -> PANIC 0x11
// manyParams(uint8,uint16,uint32,uint64,uint128,uint256): 0, 0, 4294967295, 1, 0, 0 -> 4294967296
// namedReturns(uint256): 7 -> 14, 49
// earlyReturn(uint256): 6 -> 100
// earlyReturn(uint256): 5 -> 2
// defaults() -> 0, false, 0
// overridden(uint256): 10 -> 11, 12
// second(uint256,uint256): 1, 2 -> 2
