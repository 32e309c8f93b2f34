// tests/golden/contracts/storage_array_push_reference.sol - push() without an argument appends a zero
// element and returns a reference to it, which can be assigned to (`a.push() = v`) or used as a
// storage pointer.
// SPDX-License-Identifier: MIT
pragma solidity ^0.8.0;

contract PushReference {
    uint256[] public list;
    uint8[] public small;

    function pushAssign(uint256 v) public returns (uint256) {
        list.push() = v;
        return list.length;
    }

    function pushCompound(uint8 v) public returns (uint256) {
        small.push() += v;
        return small.length;
    }
}
// ----
// pushAssign(uint256): 5 -> 1
// pushAssign(uint256): 6 -> 2
// list(uint256): 0 -> 5
// list(uint256): 1 -> 6
// pushCompound(uint8): 7 -> 1
// small(uint256): 0 -> 7
