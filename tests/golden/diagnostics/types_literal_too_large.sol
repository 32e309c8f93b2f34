// tests/golden/diagnostics/types_literal_too_large.sol - literals that do not fit the declared type.
pragma solidity ^0.8.20;

contract C {
    function f(int8 tiny, uint positive) public pure returns (uint) {
        uint8 small = 300;
        tiny = -129;
        positive = -1;
        return 0;
    }
}
