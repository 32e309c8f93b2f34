// tests/golden/scripts/features/libraries.sol - a copy of tests/golden/contracts/libraries.sol run by
// libraries.json against solc 0.8.26 (expectations generated). The contract: libraries with internal functions, compiled into the
// contract that calls them: called as L.f(...), bound with `using L for T` (in a contract and at file
// level) so that x.f(a) is f(x, a), on value types and on storage structs passed by reference, a
// library constant, a library calling itself, overloads in a library, and `using {L.f} for T`.
// SPDX-License-Identifier: MIT
pragma solidity ^0.8.0;

library MathLib {
    uint256 internal constant SCALE = 1000;

    function scaled(uint256 x) internal pure returns (uint256) {
        return x * SCALE;
    }

    function max(uint256 a, uint256 b) internal pure returns (uint256) {
        return a > b ? a : b;
    }

    function max(uint256 a, uint256 b, uint256 c) internal pure returns (uint256) {
        return max(max(a, b), c);
    }

    function clampTo(uint256 x, uint256 hi) internal pure returns (uint256) {
        return x > hi ? hi : x;
    }
}

library Tally {
    struct Counter {
        uint256 value;
        uint256 bumps;
    }

    error Underflow(uint256 value);

    function bump(Counter storage c, uint256 by) internal {
        c.value += by;
        c.bumps += 1;
    }

    function drop(Counter storage c) internal {
        if (c.value == 0) revert Underflow(c.value);
        c.value -= 1;
    }

    function current(Counter storage c) internal view returns (uint256) {
        return c.value;
    }
}

using {MathLib.clampTo} for uint256;

contract UsesLibraries {
    using MathLib for uint256;
    using Tally for Tally.Counter;

    Tally.Counter private counter;

    function direct(uint256 x) public pure returns (uint256, uint256, uint256) {
        return (MathLib.scaled(x), MathLib.max(x, 7), MathLib.max(1, x, 5));
    }

    function bound(uint256 x) public pure returns (uint256, uint256, uint256) {
        return (x.scaled(), x.max(9), x.clampTo(4));
    }

    function constantOf() public pure returns (uint256) {
        return MathLib.SCALE + 1;
    }

    function bumpTwice(uint256 by) public returns (uint256) {
        counter.bump(by);
        counter.bump(by);
        return counter.current();
    }

    function drop() public {
        counter.drop();
    }

    function bumps() public view returns (uint256) {
        return counter.bumps;
    }
}
