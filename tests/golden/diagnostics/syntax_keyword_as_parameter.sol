// tests/golden/diagnostics/syntax_keyword_as_parameter.sol - a top-level keyword as a parameter name.
pragma solidity ^0.8.20;

contract C {
    function f(uint contract) public pure returns (uint) {
        return 1;
    }
}
