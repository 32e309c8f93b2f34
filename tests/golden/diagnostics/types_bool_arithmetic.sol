// tests/golden/diagnostics/types_bool_arithmetic.sol - arithmetic on booleans.
pragma solidity ^0.8.20;

contract C {
    function f(bool p, bool q) public pure returns (uint) {
        if (p + q) {
            return 1;
        }
        return p + 1;
    }
}
