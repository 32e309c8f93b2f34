// tests/golden/contracts/ternary_common_type.sol - the ternary operator takes the common type of its two
// branches (uint8 and uint16 give uint16, whichever branch is the smaller type).
// SPDX-License-Identifier: MIT
pragma solidity ^0.8.0;

contract TernaryCommonType {
    function smallFirst(bool c) public pure returns (uint16) {
        uint8 a = 200;
        uint16 b = 1000;
        return c ? a : b;
    }

    function smallSecond(bool c) public pure returns (uint16) {
        uint8 a = 200;
        uint16 b = 1000;
        return c ? b : a;
    }
}
// ----
// smallFirst(bool): true -> 200
// smallFirst(bool): false -> 1000
// smallSecond(bool): true -> 1000
// smallSecond(bool): false -> 200
