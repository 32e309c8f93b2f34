// tests/golden/diagnostics/syntax_keyword_as_identifier.sol - a keyword where a variable name should be.
pragma solidity ^0.8.20;

contract C {
    function f() public pure returns (uint) {
        uint256 while = 3;
        return 1;
    }
}
