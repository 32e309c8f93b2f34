// tests/golden/diagnostics/mutability_pure_reads_state.sol - a pure function that reads a state variable.
pragma solidity ^0.8.20;

contract C {
    uint x;

    function f() public pure returns (uint) {
        return x;
    }
}
