// tests/golden/contracts/bool_address_fixed_bytes.sol - bool, address, bytes4, bytes1, bytes31 and bytes32
// state variables packed into slots; their operators (!, ==, !=, &, |, ^, ~, shifts and ordering
// of bytesN, ordering of addresses) and the .length of bytesN.
// SPDX-License-Identifier: MIT
pragma solidity ^0.8.0;

contract Values {
    // One slot: 20 + 4 + 1 + 1 + 2 = 28 bytes.
    address public owner;
    bytes4 public tag;
    bool public flag;
    bool public other;
    uint16 public small;
    // A slot of its own.
    bytes32 public digest;
    // One slot, exactly full: 1 + 31 bytes.
    bytes1 public first;
    bytes31 public rest;

    function setOwner(address a) public {
        owner = a;
    }

    function setTag(bytes4 t) public {
        tag = t;
    }

    function setFlags(bool a, bool b) public {
        flag = a;
        other = b;
    }

    function setSmall(uint16 v) public {
        small = v;
    }

    function setDigest(bytes32 d) public {
        digest = d;
    }

    function setFirstRest(bytes1 a, bytes31 b) public {
        first = a;
        rest = b;
    }

    function setFirst(bytes1 a) public {
        first = a;
    }

    function isOwner(address a) public view returns (bool) {
        return a == owner;
    }

    function notFlag() public view returns (bool) {
        return !flag;
    }

    function flagsDiffer() public view returns (bool) {
        return flag != other;
    }

    function tagEquals(bytes4 t) public view returns (bool) {
        return tag == t;
    }

    function bitOps(bytes4 a, bytes4 b) public pure returns (bytes4, bytes4, bytes4, bytes4) {
        return (a & b, a | b, a ^ b, ~a);
    }

    function shifts(bytes4 a, uint8 n) public pure returns (bytes4, bytes4) {
        return (a << n, a >> n);
    }

    function order(bytes4 a, bytes4 b) public pure returns (bool, bool, bool) {
        return (a < b, a >= b, a != b);
    }

    function zeroAddress() public pure returns (address) {
        return address(0);
    }

    function addressOrder(address a, address b) public pure returns (bool, bool, bool) {
        return (a < b, a == b, a > b);
    }

    function lengths() public pure returns (uint256, uint256, uint256) {
        bytes4 x;
        bytes32 y;
        bytes1 z;
        return (x.length, y.length, z.length);
    }

    function defaults() public pure returns (bool, address, bytes4, bytes32) {
        bool b;
        address a;
        bytes4 f;
        bytes32 g;
        return (b, a, f, g);
    }
}
// ----
// owner() -> 0x0000000000000000000000000000000000000000
// flag() -> false
// tag() -> 0x00000000
// setOwner(address): 0xdeadbeefdeadbeefdeadbeefdeadbeefdeadbeef ->
// setTag(bytes4): 0x12345678 ->
// setFlags(bool,bool): true, false ->
// setSmall(uint16): 65535 ->
// owner() -> 0xdeadbeefdeadbeefdeadbeefdeadbeefdeadbeef
// tag() -> 0x12345678
// flag() -> true
// other() -> false
// small() -> 65535
// setFlags(bool,bool): false, true ->
// flag() -> false
// other() -> true
// owner() -> 0xdeadbeefdeadbeefdeadbeefdeadbeefdeadbeef
// tag() -> 0x12345678
// small() -> 65535
// setOwner(address): 0x0000000000000000000000000000000000000001 ->
// tag() -> 0x12345678
// other() -> true
// small() -> 65535
// isOwner(address): 0x0000000000000000000000000000000000000001 -> true
// isOwner(address): 0x0000000000000000000000000000000000000002 -> false
// notFlag() -> true
// flagsDiffer() -> true
// tagEquals(bytes4): 0x12345678 -> true
// tagEquals(bytes4): 0x12345679 -> false
// bitOps(bytes4,bytes4): 0xff00ff00, 0x0ff00ff0 -> 0x0f000f00, 0xfff0fff0, 0xf0f0f0f0, 0x00ff00ff
// shifts(bytes4,uint8): 0x12345678, 8 -> 0x34567800, 0x00123456
// shifts(bytes4,uint8): 0x12345678, 32 -> 0x00000000, 0x00000000
// order(bytes4,bytes4): 0x12345678, 0x12345679 -> true, false, true
// order(bytes4,bytes4): 0xff000000, 0x00ffffff -> false, true, true
// setDigest(bytes32): 0x5ad80d04e3bc4a4cdd4c1c1767b8aff77d70a087842d06f59d4264517c4b14c8 ->
// digest() -> 0x5ad80d04e3bc4a4cdd4c1c1767b8aff77d70a087842d06f59d4264517c4b14c8
// setFirstRest(bytes1,bytes31): 0xab, 0x0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f ->
// first() -> 0xab
// rest() -> 0x0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f
// setFirst(bytes1): 0x00 ->
// first() -> 0x00
// rest() -> 0x0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f
// zeroAddress() -> 0x0000000000000000000000000000000000000000
// addressOrder(address,address): 0x0000000000000000000000000000000000000001, 0x0000000000000000000000000000000000000002 -> true, false, false
// addressOrder(address,address): 0xffffffffffffffffffffffffffffffffffffffff, 0xffffffffffffffffffffffffffffffffffffffff -> false, true, false
// lengths() -> 4, 32, 1
// defaults() -> false, 0x0000000000000000000000000000000000000000, 0x00000000, 0x0000000000000000000000000000000000000000000000000000000000000000
