// tests/golden/diagnostics/types_wrong_argument_count.sol - a call with too few and one with too many arguments.
pragma solidity ^0.8.20;

contract C {
    function add(uint a, uint b) internal pure returns (uint) {
        return a + b;
    }
    function f() public pure returns (uint) {
        return add(1) + add(1, 2, 3);
    }
}
