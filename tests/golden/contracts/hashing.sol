// tests/golden/contracts/hashing.sol - keccak256 and sha256 (the 0x02 precompile) over abi.encodePacked
// and abi.encode of mixed types (uint8, uint16, string, address, bool, int8, bytes4), over bytes
// parameters and the empty string; a literal's hash folded at compile time; a selector as
// bytes4(keccak256(signature)); hashing a hash; abi.encode and abi.encodePacked results returned.
// Expected values were computed independently (Python: hashlib.sha256 and a Keccak-256).
// SPDX-License-Identifier: MIT
pragma solidity ^0.8.0;

contract Hashing {
    function keccakPacked(uint8 a, uint16 b, string memory s) public pure returns (bytes32) {
        return keccak256(abi.encodePacked(a, b, s));
    }

    function keccakEncoded(uint8 a, uint16 b, string memory s) public pure returns (bytes32) {
        return keccak256(abi.encode(a, b, s));
    }

    function sha256Packed(uint8 a, uint16 b, string memory s) public pure returns (bytes32) {
        return sha256(abi.encodePacked(a, b, s));
    }

    function sha256Encoded(uint8 a, uint16 b, string memory s) public pure returns (bytes32) {
        return sha256(abi.encode(a, b, s));
    }

    function keccakBytes(bytes memory b) public pure returns (bytes32) {
        return keccak256(b);
    }

    function sha256Bytes(bytes memory b) public pure returns (bytes32) {
        return sha256(b);
    }

    function keccakLiteral() public pure returns (bytes32) {
        return keccak256("abc");
    }

    function emptyHashes() public pure returns (bytes32, bytes32) {
        return (keccak256(""), sha256(""));
    }

    function packedAddresses(address a, address b) public pure returns (bytes32) {
        return keccak256(abi.encodePacked(a, b));
    }

    function encodedMixed(address a, bool f, int8 x, bytes4 s) public pure returns (bytes32) {
        return keccak256(abi.encode(a, f, x, s));
    }

    function selectorOf() public pure returns (bytes4) {
        return bytes4(keccak256("transfer(address,uint256)"));
    }

    function hashTwice(bytes32 x) public pure returns (bytes32) {
        return keccak256(abi.encodePacked(keccak256(abi.encodePacked(x))));
    }

    function packedSigned(int16 x, bytes3 y, bool z) public pure returns (bytes memory) {
        return abi.encodePacked(x, y, z);
    }

    function encodeLong(string memory a, uint256 n) public pure returns (bytes memory) {
        return abi.encode(a, n);
    }

    function encodeLiteral() public pure returns (bytes memory) {
        return abi.encode(uint8(1), "xy");
    }

    function hashOfHash(string memory s) public pure returns (bool) {
        return keccak256(bytes(s)) == keccak256(abi.encodePacked(s));
    }
}
// ----
// keccakPacked(uint8,uint16,string): 1, 2, "abc" -> 0x98f67df3b00e25d2fb824579f204b7fa48a2e20437750ef929ad1968a990fdfc
// keccakEncoded(uint8,uint16,string): 1, 2, "abc" -> 0xf922d98b66c37e577386147df2cec6189b574ddea6f87da4455f1d90eee9f21a
// sha256Packed(uint8,uint16,string): 1, 2, "abc" -> 0xf2dfef166305b94b4b1993c6ada1147aab348b9c777ce7a8a42f63326f61e3fe
// sha256Encoded(uint8,uint16,string): 1, 2, "abc" -> 0xf29ef607c965eac4e5148c3b57ef4fd2f386e286428fecd5a98e0137f2c82043
// keccakBytes(bytes): 0x0102 -> 0x22ae6da6b482f9b1b19b0b897c3fd43884180a1c5ee361e1107a1bc635649dda
// sha256Bytes(bytes): 0x0102 -> 0xa12871fee210fb8619291eaea194581cbd2531e4b23759d225f6806923f63222
// keccakBytes(bytes): 0x -> 0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470
// keccakLiteral() -> 0x4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45
// emptyHashes() -> 0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470, 0xe3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
// packedAddresses(address,address): 0x000000000000000000000000000000000000ca11, 0xdeadbeefdeadbeefdeadbeefdeadbeefdeadbeef -> 0x84adfef49eccbf5d0b79a1170266656353e6dec7bbfac59db6107b4cddf392d7
// encodedMixed(address,bool,int8,bytes4): 0x000000000000000000000000000000000000ca11, true, -1, 0x12345678 -> 0xe7238ec2ff0b61e365497af26388410bb3d240351aa63c49fab727280b44b609
// selectorOf() -> 0xa9059cbb
// hashTwice(bytes32): 0x5ad80d04e3bc4a4cdd4c1c1767b8aff77d70a087842d06f59d4264517c4b14c8 -> 0x3bec290c0d38163082e0055461e0c04b55c53dc1be6430820085c3a86d07f6da
// packedSigned(int16,bytes3,bool): -2, 0xabcdef, true -> 0xfffeabcdef01
// encodeLong(string,uint256): "a string longer than thirty-two bytes in total", 7 -> 0x00000000000000000000000000000000000000000000000000000000000000400000000000000000000000000000000000000000000000000000000000000007000000000000000000000000000000000000000000000000000000000000002e6120737472696e67206c6f6e676572207468616e207468697274792d74776f20627974657320696e20746f74616c000000000000000000000000000000000000
// encodeLiteral() -> 0x0000000000000000000000000000000000000000000000000000000000000001000000000000000000000000000000000000000000000000000000000000004000000000000000000000000000000000000000000000000000000000000000027879000000000000000000000000000000000000000000000000000000000000
// hashOfHash(string): "trainchain" -> true
