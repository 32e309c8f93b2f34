// tests/golden/contracts/errors_require.sol - failing on purpose: custom errors (file-level, without
// parameters, with uint256/string/int8/address parameters, raised in an internal function),
// require with and without a message (a literal, a long one, a runtime string), revert() and
// revert("..."), assert (PANIC 0x01), and state written before a revert being undone.
// SPDX-License-Identifier: MIT
pragma solidity ^0.8.0;

error Unauthorized();

contract Errors {
    error Insufficient(uint256 available, uint256 required);
    error WithText(string reason, int8 code);
    error Who(address sender);

    address owner;
    uint256 public value;

    constructor() {
        owner = msg.sender;
    }

    function onlyOwner(address who) public view {
        if (who != owner) revert Unauthorized();
    }

    function deposit(uint256 amount) public {
        value += amount;
    }

    function withdraw(uint256 amount) public {
        if (amount > value) revert Insufficient(value, amount);
        value -= amount;
    }

    function text(int8 c) public pure {
        revert WithText("bad code", c);
    }

    function who() public view {
        revert Who(msg.sender);
    }

    function requireNoMessage(uint256 x) public pure returns (uint256) {
        require(x > 10);
        return x;
    }

    function requireMessage(uint256 x) public pure returns (uint256) {
        require(x > 10, "x must be greater than 10");
        return x;
    }

    function requireLong(bool ok) public pure {
        require(ok, "a revert reason that is longer than thirty-two bytes in total");
    }

    function requireRuntime(string memory m) public pure {
        require(false, m);
    }

    function revertPlain() public pure {
        revert();
    }

    function revertMessage() public pure {
        revert("plain revert");
    }

    function assertion(uint256 x) public pure returns (uint256) {
        assert(x != 0);
        return 100 / x;
    }

    function undone(uint256 x) public {
        value = x;
        require(x == 0, "undone");
    }

    function inInternal(uint256 x) public pure returns (uint256) {
        return _check(x);
    }

    function _check(uint256 x) internal pure returns (uint256) {
        if (x == 0) revert Insufficient(0, 1);
        return x;
    }
}
// ----
// onlyOwner(address): 0x000000000000000000000000000000000000ca11 ->
// onlyOwner(address): 0x000000000000000000000000000000000000beef -> REVERT Unauthorized()
// deposit(uint256): 5 ->
// withdraw(uint256): 6 -> REVERT Insufficient(uint256,uint256): 5, 6
// withdraw(uint256): 5 ->
// value() -> 0
// text(int8): -3 -> REVERT WithText(string,int8): "bad code", -3
// who() -> REVERT Who(address): 0x000000000000000000000000000000000000ca11
// requireNoMessage(uint256): 11 -> 11
// requireNoMessage(uint256): 10 -> REVERT
// requireMessage(uint256): 10 -> REVERT Error("x must be greater than 10")
// requireMessage(uint256): 12 -> 12
// requireLong(bool): false -> REVERT Error("a revert reason that is longer than thirty-two bytes in total")
// requireLong(bool): true ->
// requireRuntime(string): "dynamic" -> REVERT Error("dynamic")
// requireRuntime(string): "" -> REVERT Error("")
// revertPlain() -> REVERT
// revertMessage() -> REVERT Error("plain revert")
// assertion(uint256): 0 -> PANIC 0x01
// assertion(uint256): 4 -> 25
// undone(uint256): 7 -> REVERT Error("undone")
// value() -> 0
// undone(uint256): 0 ->
// inInternal(uint256): 0 -> REVERT Insufficient(uint256,uint256): 0, 1
// inInternal(uint256): 3 -> 3
