// tests/golden/diagnostics/syntax_several_errors.sol - three independent syntax errors, each reported once.
pragma solidity ^0.8.20;

contract C {
    function f() public {
        uint x = 1
        x = 2;
    }
    function g() public {
        g(;
    }
    uint y
}
