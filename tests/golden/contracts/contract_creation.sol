// tests/golden/contracts/contract_creation.sol - two contracts in one file: the deployed Factory creates
// Counters with `new Counter(args)` (addresses from the factory's nonce, starting at 1), stores
// them in a contract-typed state variable, and calls them externally with `C(addr).f(x)` and
// through the variable: state-changing and view calls, several return values, msg.sender in the
// callee being the factory, events of the factory and of the counters, revert data of the callee
// (custom error, Error(string), panic) passed on unchanged, and a call to an address without code
// reverting.
// SPDX-License-Identifier: MIT
pragma solidity ^0.8.0;

error TooBig(uint256 x);

contract Counter {
    uint256 public count;
    address public creator;

    event Added(uint256 x, uint256 count);

    constructor(uint256 start) {
        count = start;
        creator = msg.sender;
    }

    function add(uint256 x) external returns (uint256) {
        if (x > 1000) revert TooBig(x);
        count += x;
        emit Added(x, count);
        return count;
    }

    function both(uint256 x) external view returns (uint256, bool, address) {
        return (count + x, x % 2 == 0, msg.sender);
    }

    function failing(uint256 x) external pure returns (uint256) {
        require(x != 1, "x is one");
        return 10 / x;
    }
}

contract Factory {
    Counter public last;
    uint256 public made;

    event Made(address indexed counter, uint256 start);

    function make(uint256 start) public returns (address) {
        last = new Counter(start);
        made++;
        emit Made(address(last), start);
        return address(last);
    }

    function addToLast(uint256 x) public returns (uint256) {
        return last.add(x);
    }

    function addTo(address c, uint256 x) public returns (uint256) {
        return Counter(c).add(x);
    }

    function countOf(address c) public view returns (uint256) {
        return Counter(c).count();
    }

    function creatorOf(address c) public view returns (address) {
        return Counter(c).creator();
    }

    function bothOf(address c, uint256 x) public view returns (uint256, bool, address) {
        (uint256 a, bool b, address s) = Counter(c).both(x);
        return (a, b, s);
    }

    function failingOf(address c, uint256 x) public view returns (uint256) {
        return Counter(c).failing(x);
    }

    function makeAndAdd(uint256 start, uint256 x) public returns (uint256, uint256) {
        Counter c = new Counter(start);
        uint256 after1 = c.add(x);
        uint256 after2 = c.add(x);
        return (after1, after2);
    }
}
// ----
// made() -> 0
// last() -> 0x0000000000000000000000000000000000000000
// make(uint256): 5 -> 0xab3e366f3fee30cb56525e1b6259cf9b7c54b960
// ~ emit Made(address,uint256): #0xab3e366f3fee30cb56525e1b6259cf9b7c54b960, 5
// last() -> 0xab3e366f3fee30cb56525e1b6259cf9b7c54b960
// countOf(address): 0xab3e366f3fee30cb56525e1b6259cf9b7c54b960 -> 5
// creatorOf(address): 0xab3e366f3fee30cb56525e1b6259cf9b7c54b960 -> 0x6fb1a2dee3e106113f85d408d80b69afe447b26e
// addToLast(uint256): 10 -> 15
// ~ from 0xab3e366f3fee30cb56525e1b6259cf9b7c54b960 emit Added(uint256,uint256): 10, 15
// addTo(address,uint256): 0xab3e366f3fee30cb56525e1b6259cf9b7c54b960, 1 -> 16
// ~ from 0xab3e366f3fee30cb56525e1b6259cf9b7c54b960 emit Added(uint256,uint256): 1, 16
// countOf(address): 0xab3e366f3fee30cb56525e1b6259cf9b7c54b960 -> 16
// bothOf(address,uint256): 0xab3e366f3fee30cb56525e1b6259cf9b7c54b960, 4 -> 20, true, 0x6fb1a2dee3e106113f85d408d80b69afe447b26e
// addToLast(uint256): 1001 -> REVERT TooBig(uint256): 1001
// countOf(address): 0xab3e366f3fee30cb56525e1b6259cf9b7c54b960 -> 16
// failingOf(address,uint256): 0xab3e366f3fee30cb56525e1b6259cf9b7c54b960, 1 -> REVERT Error("x is one")
// failingOf(address,uint256): 0xab3e366f3fee30cb56525e1b6259cf9b7c54b960, 0 -> PANIC 0x12
// failingOf(address,uint256): 0xab3e366f3fee30cb56525e1b6259cf9b7c54b960, 5 -> 2
// make(uint256): 7 -> 0x080a4e307dda6362557c4ba763ff70685cc5f7d3
// ~ emit Made(address,uint256): #0x080a4e307dda6362557c4ba763ff70685cc5f7d3, 7
// made() -> 2
// countOf(address): 0x080a4e307dda6362557c4ba763ff70685cc5f7d3 -> 7
// countOf(address): 0xab3e366f3fee30cb56525e1b6259cf9b7c54b960 -> 16
// addToLast(uint256): 3 -> 10
// ~ from 0x080a4e307dda6362557c4ba763ff70685cc5f7d3 emit Added(uint256,uint256): 3, 10
// countOf(address): 0x000000000000000000000000000000000000beef -> REVERT
// addTo(address,uint256): 0x000000000000000000000000000000000000beef, 1 -> REVERT
// makeAndAdd(uint256,uint256): 100, 5 -> 105, 110
// ~ from 0x602e67649c46a948ecd002ffb238b6fdc7069e40 emit Added(uint256,uint256): 5, 105
// ~ from 0x602e67649c46a948ecd002ffb238b6fdc7069e40 emit Added(uint256,uint256): 5, 110
// made() -> 2
