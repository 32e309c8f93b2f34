// tests/golden/diagnostics/names_failed_declaration_cascade.sol - a declaration with a bad initial value is still declared (one error only).
pragma solidity ^0.8.20;

contract C {
    function f(uint a) public pure returns (int) {
        int z = a;
        return z + 1;
    }
}
