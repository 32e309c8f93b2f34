// tests/golden/contracts/short_circuit.sol - && and || evaluate their right operand only when needed:
// side effects (state writes in the called functions) show which operands ran; guards that
// would otherwise divide by zero or index out of bounds; && binding tighter than ||; the
// ternary operator evaluating only the chosen branch.
// SPDX-License-Identifier: MIT
pragma solidity ^0.8.0;

contract ShortCircuit {
    uint256 public calls;

    function t() internal returns (bool) {
        calls += 1;
        return true;
    }

    function f() internal returns (bool) {
        calls += 10;
        return false;
    }

    function andFalseFirst() public returns (bool, uint256) {
        calls = 0;
        bool r = f() && t();
        return (r, calls);
    }

    function andTrueFirst() public returns (bool, uint256) {
        calls = 0;
        bool r = t() && f();
        return (r, calls);
    }

    function orTrueFirst() public returns (bool, uint256) {
        calls = 0;
        bool r = t() || f();
        return (r, calls);
    }

    function orFalseFirst() public returns (bool, uint256) {
        calls = 0;
        bool r = f() || t();
        return (r, calls);
    }

    function mixed() public returns (bool, uint256) {
        calls = 0;
        bool r = f() || t() && f();
        return (r, calls);
    }

    function mixedTrue() public returns (bool, uint256) {
        calls = 0;
        bool r = t() || f() && t();
        return (r, calls);
    }

    function chain() public returns (bool, uint256) {
        calls = 0;
        bool r = t() && t() && f() && t();
        return (r, calls);
    }

    function inCondition() public returns (uint256) {
        calls = 0;
        if (f() && t()) calls += 100;
        if (t() || f()) calls += 1000;
        return calls;
    }

    function guardDivision(uint256 x) public pure returns (bool) {
        return x != 0 && 100 / x > 10;
    }

    function guardIndex(uint256[] memory xs, uint256 i) public pure returns (bool) {
        return i >= xs.length || xs[i] == 1;
    }

    function ternaryBranches(bool c) public returns (uint256, uint256) {
        calls = 0;
        uint256 r = c ? (t() ? 1 : 2) : (f() ? 3 : 4);
        return (r, calls);
    }
}
// ----
// andFalseFirst() -> false, 10
// andTrueFirst() -> false, 11
// orTrueFirst() -> true, 1
// orFalseFirst() -> true, 11
// mixed() -> false, 21
// mixedTrue() -> true, 1
// chain() -> false, 12
// inCondition() -> 1011
// calls() -> 1011
// guardDivision(uint256): 0 -> false
// guardDivision(uint256): 5 -> true
// guardDivision(uint256): 20 -> false
// guardIndex(uint256[],uint256): [1, 2], 5 -> true
// guardIndex(uint256[],uint256): [1, 2], 0 -> true
// guardIndex(uint256[],uint256): [1, 2], 1 -> false
// ternaryBranches(bool): true -> 1, 1
// ternaryBranches(bool): false -> 4, 10
