// tests/golden/contracts/runtime_code.sol - type(C).runtimeCode: the runtime code of another contract
// of the file as bytes memory (it starts by setting the free memory pointer, 0x6080604052, and is
// shorter than the init code that returns it); the same bytes each time it is evaluated.
// SPDX-License-Identifier: MIT
pragma solidity ^0.8.0;

contract Small {
    uint256 public x = 5;

    function add(uint256 a) external view returns (uint256) {
        return x + a;
    }
}

contract Code {
    function prefix() public pure returns (bytes1, bytes1, bytes1, bytes1, bytes1) {
        bytes memory code = type(Small).runtimeCode;
        return (code[0], code[1], code[2], code[3], code[4]);
    }

    function shorter() public pure returns (bool, bool, bool) {
        bytes memory r = type(Small).runtimeCode;
        bytes memory c = type(Small).creationCode;
        bytes memory again = type(Small).runtimeCode;
        return (r.length > 20, r.length < c.length, keccak256(r) == keccak256(again));
    }
}
// ----
// prefix() -> 0x60, 0x80, 0x60, 0x40, 0x52
// shorter() -> true, true, true
