// tests/golden/diagnostics/mixed_errors_and_warnings.sol - errors and warnings together, in source order.
pragma solidity ^0.8.20;

contract C {
    function f() public pure returns (uint) {
        uint unused = 1;
        return missing;
    }
    function g() public pure returns (uint) {
        return 2;
        return 3;
    }
}
