// tests/golden/diagnostics/unsupported_string_concat.sol - string.concat and bytes.concat are named as unsupported; the variables they initialise stay declared.
pragma solidity ^0.8.20;

contract C {
    function f(string memory a, bytes memory b) public pure returns (string memory, bytes memory) {
        string memory s = string.concat(a, a);
        bytes memory t = bytes.concat(b, b);
        return (s, t);
    }
}
