// tests/golden/diagnostics/syntax_unterminated_string.sol - a string literal that runs to the end of the line.
pragma solidity ^0.8.20;

contract C {
    function f() public pure returns (string memory) {
        string memory s = "abc;
        return s;
    }
}
