// tests/golden/scripts/features/FallbackForms.sol - fallback(bytes calldata) returns (bytes memory): raw
// calldata in, raw return data out; run by fallback_forms.json against solc.
// SPDX-License-Identifier: MIT
pragma solidity ^0.8.0;

contract Echo {
    uint256 public calls;
    uint256 public lastLength;

    fallback(bytes calldata input) external payable returns (bytes memory output) {
        calls++;
        lastLength = input.length;
        if (input.length == 0) return output;
        if (input[0] == 0xff) revert("ff");
        output = abi.encodePacked(bytes1(uint8(input.length)), input);
    }
}
