// tests/golden/diagnostics/syntax_missing_semicolon.sol - a statement without its ';' (error at the next token).
pragma solidity ^0.8.20;

contract C {
    function f() public pure returns (uint) {
        uint x = 1
        return x;
    }
}
