// tests/golden/diagnostics/lvalue_expression.sol - assigning to expressions that are not variables.
pragma solidity ^0.8.20;

contract C {
    function g() internal pure returns (uint) {
        return 1;
    }
    function f(uint a, uint b) public pure {
        a + b = 3;
        g() = a;
    }
}
