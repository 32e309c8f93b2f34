// tests/golden/contracts/storage_composites.sol - storage values inside other storage values: a mapping
// to dynamic arrays (push/pop/length/index per key), a nested mapping to structs reached through a
// storage pointer, a fixed-size array of structs, storage array and mapping parameters of
// internal functions, a local shadowing a state variable, and a storage pointer that keeps
// pointing at its element while others change.
// SPDX-License-Identifier: MIT
pragma solidity ^0.8.0;

contract StorageComposites {
    struct Account {
        uint96 balance;
        uint32 nonce;
        address owner;
    }

    mapping(uint256 => uint256[]) public lists;
    mapping(address => mapping(uint256 => Account)) accounts;
    Account[3] slots;
    uint256[] numbers;
    uint256 public x = 7;

    function pushTo(uint256 key, uint256 v) public returns (uint256) {
        lists[key].push(v);
        return lists[key].length;
    }

    function popFrom(uint256 key) public {
        lists[key].pop();
    }

    function lengthOf(uint256 key) public view returns (uint256) {
        return lists[key].length;
    }

    function open(uint256 id, uint96 amount) public {
        Account storage a = accounts[msg.sender][id];
        a.owner = msg.sender;
        a.balance = amount;
        a.nonce++;
    }

    function accountOf(address who, uint256 id) public view returns (uint96, uint32, address) {
        Account storage a = accounts[who][id];
        return (a.balance, a.nonce, a.owner);
    }

    function setSlot(uint256 i, uint96 b, uint32 n) public {
        slots[i].balance = b;
        slots[i].nonce = n;
        slots[i].owner = address(uint160(i + 1));
    }

    function slot(uint256 i) public view returns (uint96, uint32, address) {
        return (slots[i].balance, slots[i].nonce, slots[i].owner);
    }

    function fill(uint256 n) public {
        for (uint256 i = 1; i <= n; i++) numbers.push(i);
    }

    function _sum(uint256[] storage arr) internal view returns (uint256 s) {
        for (uint256 i = 0; i < arr.length; i++) s += arr[i];
    }

    function _double(uint256[] storage arr) internal {
        for (uint256 i = 0; i < arr.length; i++) arr[i] *= 2;
    }

    function sums(uint256 key) public view returns (uint256, uint256) {
        return (_sum(numbers), _sum(lists[key]));
    }

    function doubleList(uint256 key) public {
        _double(lists[key]);
    }

    function _bump(mapping(uint256 => uint256[]) storage m, uint256 key) internal {
        m[key].push(42);
    }

    function bumpVia(uint256 key) public returns (uint256) {
        _bump(lists, key);
        return lists[key].length;
    }

    function shadowed() public view returns (uint256, uint256) {
        uint256 outer = x;
        uint256 x = 100;
        return (outer, x);
    }

    function pointerStays() public returns (uint256, uint256) {
        numbers.push(5);
        uint256 last = numbers.length - 1;
        numbers[last] = 9;
        numbers.push(11);
        return (numbers[last], numbers.length);
    }
}
// ----
// lengthOf(uint256): 1 -> 0
// pushTo(uint256,uint256): 1, 10 -> 1
// pushTo(uint256,uint256): 1, 20 -> 2
// pushTo(uint256,uint256): 2, 30 -> 1
// lists(uint256,uint256): 1, 1 -> 20
// lists(uint256,uint256): 2, 0 -> 30
// lists(uint256,uint256): 2, 1 -> REVERT
// lists(uint256,uint256): 3, 0 -> REVERT
// popFrom(uint256): 1 ->
// lengthOf(uint256): 1 -> 1
// popFrom(uint256): 3 -> PANIC 0x31
// open(uint256,uint96): 5, 1000 ->
// open(uint256,uint96): 5, 2000 ->
// accountOf(address,uint256): 0x000000000000000000000000000000000000ca11, 5 -> 2000, 2, 0x000000000000000000000000000000000000ca11
// accountOf(address,uint256): 0x000000000000000000000000000000000000ca11, 6 -> 0, 0, 0x0000000000000000000000000000000000000000
// accountOf(address,uint256): 0x000000000000000000000000000000000000beef, 5 -> 0, 0, 0x0000000000000000000000000000000000000000
// setSlot(uint256,uint96,uint32): 2, 79228162514264337593543950335, 4294967295 ->
// slot(uint256): 2 -> 79228162514264337593543950335, 4294967295, 0x0000000000000000000000000000000000000003
// slot(uint256): 1 -> 0, 0, 0x0000000000000000000000000000000000000000
// setSlot(uint256,uint96,uint32): 3, 1, 1 -> PANIC 0x32
// fill(uint256): 4 ->
// sums(uint256): 1 -> 10, 10
// doubleList(uint256): 1 ->
// sums(uint256): 1 -> 10, 20
// bumpVia(uint256): 7 -> 1
// lists(uint256,uint256): 7, 0 -> 42
// shadowed() -> 7, 100
// pointerStays() -> 9, 6
