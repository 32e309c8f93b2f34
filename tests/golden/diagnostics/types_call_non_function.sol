// tests/golden/diagnostics/types_call_non_function.sol - calling a variable.
pragma solidity ^0.8.20;

contract C {
    function f(uint x) public pure returns (uint) {
        return x(1);
    }
}
