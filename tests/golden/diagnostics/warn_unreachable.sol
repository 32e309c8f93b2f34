// tests/golden/diagnostics/warn_unreachable.sol - statements after a return (warning only, once).
pragma solidity ^0.8.20;

contract C {
    uint x;

    function f() public returns (uint) {
        return 1;
        x = 2;
        x = 3;
    }
}
