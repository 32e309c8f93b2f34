// tests/golden/diagnostics/types_fallback_signature.sol - a fallback takes nothing or bytes calldata and returns bytes memory, and the rest of the file is still checked.
pragma solidity ^0.8.20;

contract C {
    uint public n;
    fallback(bytes calldata input) external returns (string memory) {
        n = input.length;
        return "";
    }
    function f() public view returns (uint) {
        return n + z;
    }
}

contract D {
    fallback(bytes memory input) external {
    }
}
