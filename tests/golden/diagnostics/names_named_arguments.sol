// tests/golden/diagnostics/names_named_arguments.sol - named call arguments must match the declaration (an unknown name, a name given twice, a missing argument) and cannot be given to built-ins; the rest of the file is still checked.
pragma solidity ^0.8.20;

contract C {
    struct P { uint x; uint y; }
    event E(uint a);
    function g(uint a, uint b) public pure returns (uint) { return a + b; }
    function f() public returns (uint) {
        uint y = g({a: 1, c: 2});
        P memory p = P({x: 1, x: 2});
        emit E({});
        require({a: true});
        return y + p.x + z;
    }
}
