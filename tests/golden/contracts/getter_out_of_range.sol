// tests/golden/contracts/getter_out_of_range.sol - public getters of arrays called with an index out of
// range revert with empty data, as solc's generated getters do (not Panic(0x32)): dynamic and
// fixed-size arrays of value types, of addresses and of a contract type, a mapping to arrays and
// an array of structs (arrays of arrays are not in the language); in-range indices still read the
// element, and the same access in an ordinary function still panics.
// SPDX-License-Identifier: MIT
pragma solidity ^0.8.0;

contract Other {}

contract Getters {
    uint256[] public dyn;
    uint16[4] public fixedSmall;
    address[] public addrs;
    Other[] public others;
    Other[2] public fixedOthers;
    mapping(uint256 => uint256[]) public lists;
    struct Pair {
        uint256 a;
        bool b;
    }
    Pair[] public pairs;

    constructor() {
        dyn.push(7);
        fixedSmall[3] = 9;
        addrs.push(address(0xbeef));
        others.push(Other(address(0xcafe)));
        fixedOthers[1] = Other(address(0xf00d));
        lists[5].push(55);
        pairs.push();
        pairs[0].a = 3;
        pairs[0].b = true;
    }

    function dynAt(uint256 i) public view returns (uint256) {
        return dyn[i];
    }

    function othersAt(uint256 i) public view returns (Other) {
        return others[i];
    }
}
// ----
// dyn(uint256): 0 -> 7
// dyn(uint256): 1 -> REVERT
// dynAt(uint256): 1 -> PANIC 0x32
// fixedSmall(uint256): 3 -> 9
// fixedSmall(uint256): 4 -> REVERT
// addrs(uint256): 0 -> 0x000000000000000000000000000000000000beef
// addrs(uint256): 1 -> REVERT
// others(uint256): 0 -> 0x000000000000000000000000000000000000cafe
// others(uint256): 1 -> REVERT
// othersAt(uint256): 1 -> PANIC 0x32
// fixedOthers(uint256): 1 -> 0x000000000000000000000000000000000000f00d
// fixedOthers(uint256): 2 -> REVERT
// lists(uint256,uint256): 5, 0 -> 55
// lists(uint256,uint256): 5, 1 -> REVERT
// lists(uint256,uint256): 6, 0 -> REVERT
// pairs(uint256): 0 -> 3, true
// pairs(uint256): 1 -> REVERT
