// tests/golden/diagnostics/control_break_outside_loop.sol - break and continue outside a loop.
pragma solidity ^0.8.20;

contract C {
    function f(uint x) public pure returns (uint) {
        if (x > 1) {
            break;
        }
        return x;
    }
    function g(uint x) public pure returns (uint) {
        if (x > 1) {
            continue;
        }
        return x;
    }
}
