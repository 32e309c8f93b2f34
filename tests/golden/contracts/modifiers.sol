// tests/golden/contracts/modifiers.sol - modifiers: with and without a parameter list, with arguments
// that are expressions over the function's parameters or internal calls, code before and after
// `_` (also after a `return` in the body, even from inside nested loops), several modifiers
// nesting in order, `_` twice, `return` in a modifier skipping the body (default return values),
// require, custom errors and events in modifiers.
// SPDX-License-Identifier: MIT
pragma solidity ^0.8.0;

contract Modifiers {
    address public owner;
    uint256 public trace;
    uint256 public counter;

    error TooSmall(uint256 value, uint256 min);

    event Entered(uint256 trace);
    event Left(uint256 trace);

    modifier logged() {
        emit Entered(trace);
        _;
        emit Left(trace);
    }

    constructor() {
        owner = msg.sender;
    }

    modifier onlyOwner() {
        require(msg.sender == owner, "not owner");
        _;
    }

    modifier ownerNoParens {
        require(msg.sender == owner);
        _;
    }

    modifier atLeast(uint256 x, uint256 min) {
        if (x < min) revert TooSmall(x, min);
        _;
    }

    modifier outer() {
        trace = trace * 10 + 1;
        _;
        trace = trace * 10 + 2;
    }

    modifier inner() {
        trace = trace * 10 + 3;
        _;
        trace = trace * 10 + 4;
    }

    modifier twice() {
        _;
        _;
    }

    modifier skipIf(bool c) {
        if (c) return;
        _;
    }

    function setOwner(address o) public onlyOwner {
        owner = o;
    }

    function guarded(uint256 v) public atLeast(v, 10) returns (uint256) {
        return v * 2;
    }

    function nested() public outer inner {
        trace = trace * 10 + 5;
    }

    function findInLoop(uint256 n) public outer returns (uint256) {
        for (uint256 i = 0; i < 10; i++) {
            for (uint256 j = 0; j < 10; j++) {
                if (i * j == n) return i * 100 + j;
            }
        }
        return 999;
    }

    function _twice(uint256 x) internal pure returns (uint256) {
        return x * 2;
    }

    function viaInternal(uint256 x) public atLeast(_twice(x), 10) returns (uint256) {
        return x;
    }

    function loggedStep() public logged {
        trace = trace * 10 + 8;
    }

    function resetTrace() public {
        trace = 0;
    }

    function withReturn() public outer returns (uint256) {
        trace = trace * 10 + 9;
        return trace;
    }

    function increment() public twice {
        counter++;
    }

    function maybe(bool skip) public skipIf(skip) returns (uint256) {
        counter += 100;
        return 7;
    }

    function argsExpr(uint256 a) public atLeast(a * 2, 10) returns (uint256) {
        return a;
    }

    function plainOwner() public view ownerNoParens returns (bool) {
        return true;
    }

    function combined(uint256 v) public onlyOwner atLeast(v, 1) outer returns (uint256) {
        trace = trace * 10 + 7;
        return v;
    }
}
// ----
// owner() -> 0x000000000000000000000000000000000000ca11
// guarded(uint256): 10 -> 20
// guarded(uint256): 9 -> REVERT TooSmall(uint256,uint256): 9, 10
// nested() ->
// trace() -> 13542
// resetTrace() ->
// withReturn() -> 19
// trace() -> 192
// increment() ->
// counter() -> 2
// maybe(bool): true -> 0
// counter() -> 2
// maybe(bool): false -> 7
// counter() -> 102
// argsExpr(uint256): 5 -> 5
// argsExpr(uint256): 4 -> REVERT TooSmall(uint256,uint256): 8, 10
// plainOwner() -> true
// resetTrace() ->
// findInLoop(uint256): 12 -> 206
// trace() -> 12
// findInLoop(uint256): 1000 -> 999
// trace() -> 1212
// viaInternal(uint256): 5 -> 5
// viaInternal(uint256): 4 -> REVERT TooSmall(uint256,uint256): 8, 10
// resetTrace() ->
// combined(uint256): 3 -> 3
// trace() -> 172
// loggedStep() ->
// ~ emit Entered(uint256): 172
// ~ emit Left(uint256): 1728
// combined(uint256): 0 -> REVERT TooSmall(uint256,uint256): 0, 1
// trace() -> 1728
// setOwner(address): 0x000000000000000000000000000000000000beef ->
// owner() -> 0x000000000000000000000000000000000000beef
// setOwner(address): 0x000000000000000000000000000000000000ca11 -> REVERT Error("not owner")
// plainOwner() -> REVERT
// combined(uint256): 3 -> REVERT Error("not owner")
