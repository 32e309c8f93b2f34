// tests/golden/scripts/basics/Counter.sol - a counter for the first script scenario
// (counter.json): a constructor argument, state changes, a view, an event, a custom error, a
// require, a payable function and a panic.
// SPDX-License-Identifier: MIT
pragma solidity ^0.8.0;

contract Counter {
    error TooLarge(uint256 requested, uint256 limit);

    event Increased(address indexed by, uint256 amount, uint256 total);
    event Paid(address indexed from, uint256 value);

    address public owner;
    uint256 public count;
    uint256 public limit;

    constructor(uint256 initial) {
        owner = msg.sender;
        count = initial;
        limit = 100;
    }

    function increase(uint256 amount) external returns (uint256) {
        if (count + amount > limit) revert TooLarge(count + amount, limit);
        count += amount;
        emit Increased(msg.sender, amount, count);
        return count;
    }

    function setLimit(uint256 newLimit) external {
        require(msg.sender == owner, "only the owner");
        limit = newLimit;
    }

    /// Sets the count back to zero (a storage refund).
    function reset() external {
        count = 0;
    }

    function get() external view returns (uint256) {
        return count;
    }

    /// Divides the count into `parts` (a panic for 0).
    function share(uint256 parts) external view returns (uint256) {
        return count / parts;
    }

    function pay() external payable {
        emit Paid(msg.sender, msg.value);
    }

    function balance() external view returns (uint256) {
        return address(this).balance;
    }
}
