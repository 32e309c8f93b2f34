// tests/golden/contracts/bytes_index.sol - index access into bytes (memory) and bytesN values: b[i] is a
// bytes1, out-of-range indices give PANIC 0x32.
// SPDX-License-Identifier: MIT
pragma solidity ^0.8.0;

contract BytesIndex {
    function memoryByte(bytes memory b, uint256 i) public pure returns (bytes1) {
        return b[i];
    }

    function fixedByte(bytes4 b, uint256 i) public pure returns (bytes1) {
        return b[i];
    }

    function setByte(bytes memory b, uint256 i) public pure returns (bytes memory) {
        b[i] = 0xff;
        return b;
    }
}
// ----
// memoryByte(bytes,uint256): 0x0a0b0c, 1 -> 0x0b
// memoryByte(bytes,uint256): 0x0a0b0c, 3 -> PANIC 0x32
// fixedByte(bytes4,uint256): 0x12345678, 0 -> 0x12
// fixedByte(bytes4,uint256): 0x12345678, 3 -> 0x78
// fixedByte(bytes4,uint256): 0x12345678, 4 -> PANIC 0x32
// setByte(bytes,uint256): 0x0000, 1 -> 0x00ff
