// tests/golden/diagnostics/syntax_missing_paren.sol - an 'if' condition without its ')'.
pragma solidity ^0.8.20;

contract C {
    function f(uint x) public pure returns (uint) {
        if (x > 1 {
            return 1;
        }
        return 0;
    }
}
