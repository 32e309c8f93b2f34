// SPDX-License-Identifier: MIT
// tests/golden/scripts/cli/Bank.sol - a small token for the hand-written exec --script scenarios
// (bank.json, bank_mismatch.fail.json): constructor arguments, events, a custom error, require
// reasons, a panic, strings, arrays, block values and received ether.
pragma solidity ^0.8.0;

contract Bank {
    mapping(address => uint256) public balanceOf;
    uint256 public totalSupply;

    event Transfer(address indexed from, address indexed to, uint256 value);
    event Noted(string indexed tag, string text);
    error InsufficientBalance(address account, uint256 balance, uint256 needed);

    constructor(address owner, uint256 supply) {
        balanceOf[owner] = supply;
        totalSupply = supply;
        emit Transfer(address(0), owner, supply);
    }

    function transfer(address to, uint256 amount) public returns (bool) {
        uint256 have = balanceOf[msg.sender];
        if (have < amount) revert InsufficientBalance(msg.sender, have, amount);
        balanceOf[msg.sender] = have - amount;
        balanceOf[to] += amount;
        emit Transfer(msg.sender, to, amount);
        return true;
    }

    function ratio(uint256 a, uint256 b) public pure returns (uint256) {
        return a / b;
    }

    function small(uint256 a) public pure returns (uint256) {
        require(a < 100, "too big");
        return a * 2;
    }

    function echo(string memory text) public pure returns (string memory) {
        return text;
    }

    function sum(int256[] memory xs) public pure returns (int256 total, uint256 count) {
        for (uint256 i = 0; i < xs.length; i++) total += xs[i];
        count = xs.length;
    }

    function stamp() public view returns (uint256, uint256, address) {
        return (block.number, block.timestamp, msg.sender);
    }

    function note(string memory tag, string memory text) public {
        emit Noted(tag, text);
    }

    receive() external payable {}
}
