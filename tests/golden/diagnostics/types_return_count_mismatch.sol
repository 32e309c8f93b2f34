// tests/golden/diagnostics/types_return_count_mismatch.sol - return statements with the wrong number of values.
pragma solidity ^0.8.20;

contract C {
    function f() public pure returns (uint, uint) {
        return 1;
    }
    function g() public pure {
        return 2;
    }
}
