// tests/golden/diagnostics/syntax_missing_call_paren.sol - a call whose argument list is not closed.
pragma solidity ^0.8.20;

contract C {
    function g(uint a) public pure returns (uint) {
        return a;
    }
    function f() public pure returns (uint) {
        return g(1;
    }
}
