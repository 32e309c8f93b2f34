// tests/golden/diagnostics/unsupported_assembly.sol - inline assembly is outside the subset.
pragma solidity ^0.8.20;

contract C {
    function f() public pure returns (uint r) {
        assembly {
            r := 1
        }
    }
}
