// tests/golden/diagnostics/syntax_missing_brace.sol - a function body without its '}' before the next function.
pragma solidity ^0.8.20;

contract C {
    function f() public pure {
        uint x = 1;

    function g() public pure {
    }
}
