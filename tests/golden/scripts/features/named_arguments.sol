// tests/golden/scripts/features/named_arguments.sol - a copy of tests/golden/contracts/named_arguments.sol run by
// named_arguments.json against solc 0.8.26 (expectations generated). The contract: named call arguments `f({b: 1, a: 2})` for internal and
// external calls, struct constructors, events and custom errors, matched to the declaration's names in
// any order and evaluated in the declaration's order (as solc does).
// SPDX-License-Identifier: MIT
pragma solidity ^0.8.0;

contract Other {
    function sub(uint256 a, uint256 b) external pure returns (uint256) {
        return a - b;
    }
}

contract Named {
    struct Point {
        uint256 x;
        uint256 y;
    }

    event Moved(uint256 indexed x, uint256 y);
    error Bad(uint256 code, bool flag);

    Other public o;
    uint256 public counter;

    constructor() {
        o = new Other();
    }

    function diff(uint256 a, uint256 b) internal pure returns (uint256) {
        return a - b;
    }

    function pair(uint256 a, uint256 b) internal pure returns (uint256) {
        return a * 10 + b;
    }

    function next() internal returns (uint256) {
        counter += 1;
        return counter;
    }

    function internalNamed() public pure returns (uint256) {
        return diff({b: 3, a: 10});
    }

    function externalNamed() public view returns (uint256) {
        return o.sub({b: 4, a: 10});
    }

    function structNamed() public pure returns (uint256, uint256) {
        Point memory p = Point({y: 2, x: 1});
        return (p.x, p.y);
    }

    function eventNamed() public {
        emit Moved({y: 5, x: 6});
    }

    function errorNamed() public pure {
        revert Bad({flag: true, code: 7});
    }

    function order() public returns (uint256) {
        return pair({b: next(), a: next()});
    }
}
