// tests/golden/scripts/features/abi_decode_memory.sol - a copy of tests/golden/contracts/abi_decode_memory.sol run by
// abi_decode_memory.json against solc 0.8.26 (expectations generated). The contract: abi.decode of memory bytes: value types (each validated:
// a uint8 word above 255 reverts), string and dynamic arrays, extra data ignored, and solc's reverts on
// malformed data: data shorter than the heads, an offset beyond 64 bits or past the end, a length past
// the end (empty revert data), and a length that cannot be allocated (Panic 0x41).
// SPDX-License-Identifier: MIT
pragma solidity ^0.8.0;

contract AbiDecode {
    function roundTrip(uint256 a, bool b, address c) public pure returns (uint256, bool, address) {
        bytes memory data = abi.encode(a, b, c);
        (uint256 x, bool y, address z) = abi.decode(data, (uint256, bool, address));
        return (x, y, z);
    }

    function decodeOne(bytes memory data) public pure returns (uint8) {
        return abi.decode(data, (uint8));
    }

    function decodeSigned(bytes memory data) public pure returns (int16, bytes2) {
        return abi.decode(data, (int16, bytes2));
    }

    function decodeString(bytes memory data) public pure returns (string memory, uint256) {
        (string memory s, uint256 n) = abi.decode(data, (string, uint256));
        return (s, n);
    }

    function decodeArray(bytes memory data) public pure returns (uint256[] memory) {
        return abi.decode(data, (uint256[]));
    }

    function decodeSmall(bytes memory data) public pure returns (uint8[] memory) {
        return abi.decode(data, (uint8[]));
    }

    function stringRoundTrip(string memory s, uint256 n) public pure returns (string memory, uint256, bytes32) {
        (string memory t, uint256 m) = abi.decode(abi.encode(s, n), (string, uint256));
        return (t, m, keccak256(bytes(t)));
    }
}
