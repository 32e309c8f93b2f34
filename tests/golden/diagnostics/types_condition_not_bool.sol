// tests/golden/diagnostics/types_condition_not_bool.sol - an integer where a condition is expected.
pragma solidity ^0.8.20;

contract C {
    function f(uint x) public pure returns (uint) {
        if (x) {
            return 1;
        }
        return 0;
    }
}
