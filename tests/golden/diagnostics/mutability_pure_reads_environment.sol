// tests/golden/diagnostics/mutability_pure_reads_environment.sol - a pure function that reads the block number.
pragma solidity ^0.8.20;

contract C {
    function f() public pure returns (uint) {
        return block.number;
    }
}
