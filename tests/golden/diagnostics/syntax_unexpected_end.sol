// tests/golden/diagnostics/syntax_unexpected_end.sol - the file ends inside a function body.
pragma solidity ^0.8.20;

contract C {
    function f() public pure {
        uint x = 1;
