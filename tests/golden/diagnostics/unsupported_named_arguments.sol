// tests/golden/diagnostics/unsupported_named_arguments.sol - named call arguments are named as unsupported (function, struct, event), and the rest of the file is still checked.
pragma solidity ^0.8.20;

contract C {
    struct P { uint x; }
    event E(uint a);
    function g(uint a, uint b) public pure returns (uint) { return a + b; }
    function f() public returns (uint) {
        uint y = g({a: 1, b: 2});
        P memory p = P({x: 1});
        emit E({a: y});
        return y + p.x + z;
    }
}
