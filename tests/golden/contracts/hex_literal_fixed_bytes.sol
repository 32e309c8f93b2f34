// tests/golden/contracts/hex_literal_fixed_bytes.sol - hexadecimal literals with exactly as many digits as
// a bytesN has convert to it implicitly: in declarations, assignments, compound assignments,
// comparisons and constants.
// SPDX-License-Identifier: MIT
pragma solidity ^0.8.0;

contract HexLiterals {
    bytes4 public constant MAGIC = 0xcafebabe;
    bytes4 public tag = 0x12345678;

    function declared() public pure returns (bytes4, bytes2, bytes1) {
        bytes4 a = 0xdeadbeef;
        bytes2 b = 0x00ff;
        bytes1 c = 0x7f;
        return (a, b, c);
    }

    function masked(bytes4 b) public pure returns (bytes4) {
        b &= 0xffff0000;
        b |= 0x000000ff;
        return b;
    }

    function isMagic(bytes4 b) public pure returns (bool) {
        return b == 0xcafebabe;
    }

    function setTag() public {
        tag = 0xabcdef01;
    }
}
// ----
// tag() -> 0x12345678
// declared() -> 0xdeadbeef, 0x00ff, 0x7f
// masked(bytes4): 0x12345678 -> 0x123400ff
// isMagic(bytes4): 0xcafebabe -> true
// isMagic(bytes4): 0xcafebabf -> false
// setTag() ->
// tag() -> 0xabcdef01
