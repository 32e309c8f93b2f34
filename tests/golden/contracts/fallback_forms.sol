// tests/golden/contracts/fallback_forms.sol - fallback(bytes calldata input) external returns (bytes
// memory output): the input is the whole calldata (selector included, also when shorter than a
// selector or empty without a receive), and the output is the raw return data, not ABI-encoded.
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
// ----
// fallback(): calldata 0x12345678 -> 0x0412345678
// calls() -> 1
// lastLength() -> 4
// fallback(): calldata 0x01 -> 0x0101
// fallback(): {value: 7}, calldata 0xaabbccddeeff00 -> 0x07aabbccddeeff00
// fallback(): calldata 0xff00 -> REVERT Error("ff")
// calls() -> 3
// receive() ->
// lastLength() -> 0
// calls() -> 4
