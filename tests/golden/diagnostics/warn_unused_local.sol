// tests/golden/diagnostics/warn_unused_local.sol - a local variable that is never used (warning only).
pragma solidity ^0.8.20;

contract C {
    function f() public pure returns (uint) {
        uint unused = 5;
        return 1;
    }
}
