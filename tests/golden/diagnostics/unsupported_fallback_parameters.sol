// tests/golden/diagnostics/unsupported_fallback_parameters.sol - a fallback function with an input and output is named as unsupported, and the rest of the file is still checked.
pragma solidity ^0.8.20;

contract C {
    uint public n;
    fallback(bytes calldata input) external returns (bytes memory) {
        n = input.length;
        return input;
    }
    function f() public view returns (uint) {
        return n + z;
    }
}
