// tests/golden/contracts/conversions.sol - explicit conversions between value types: narrowing integers
// keeps the low bits (uint8(300) = 44), same-width signed/unsigned conversions reinterpret the
// bits (int8(uint8(200)) = -56), widening signed values sign-extends, bytesN to bytesM keeps the
// leftmost bytes or pads on the right, uintN <-> bytesN of the same size, address <-> uint160 and
// bytes20, literal conversions, and implicit widening (uint8 to int16, also as the common type of
// comparisons and arithmetic).
// SPDX-License-Identifier: MIT
pragma solidity ^0.8.0;

contract Conversions {
    function toU8(uint256 x) public pure returns (uint8) {
        return uint8(x);
    }

    function toU16(uint256 x) public pure returns (uint16) {
        return uint16(x);
    }

    function widen(uint8 x) public pure returns (uint256) {
        return uint256(x);
    }

    function toI8(uint8 x) public pure returns (int8) {
        return int8(x);
    }

    function toU8FromI8(int8 x) public pure returns (uint8) {
        return uint8(x);
    }

    function signExtend(int8 x) public pure returns (int256) {
        return int256(x);
    }

    function narrowSigned(int256 x) public pure returns (int8) {
        return int8(x);
    }

    function signedToUnsigned(int256 x) public pure returns (uint256) {
        return uint256(x);
    }

    function unsignedToSigned(uint256 x) public pure returns (int256) {
        return int256(x);
    }

    function twoSteps(int8 x) public pure returns (uint16, uint16) {
        return (uint16(uint8(x)), uint16(int16(x)));
    }

    function bytes4Of(bytes32 b) public pure returns (bytes4) {
        return bytes4(b);
    }

    function bytes32Of(bytes4 b) public pure returns (bytes32) {
        return bytes32(b);
    }

    function bytes1Of(bytes4 b) public pure returns (bytes1) {
        return bytes1(b);
    }

    function uintOf(bytes32 b) public pure returns (uint256) {
        return uint256(b);
    }

    function bytesOf(uint256 x) public pure returns (bytes32) {
        return bytes32(x);
    }

    function uint32Of(bytes4 b) public pure returns (uint32) {
        return uint32(b);
    }

    function bytes4OfUint(uint32 x) public pure returns (bytes4) {
        return bytes4(x);
    }

    function narrowThenBytes(uint256 x) public pure returns (bytes2) {
        return bytes2(uint16(x));
    }

    function addressOf(uint160 x) public pure returns (address) {
        return address(x);
    }

    function uint160Of(address a) public pure returns (uint160) {
        return uint160(a);
    }

    function addressOfWord(uint256 x) public pure returns (address) {
        return address(uint160(x));
    }

    function wordOfAddress(address a) public pure returns (uint256) {
        return uint256(uint160(a));
    }

    function addressOfBytes20(bytes20 b) public pure returns (address) {
        return address(b);
    }

    function bytes20Of(address a) public pure returns (bytes20) {
        return bytes20(a);
    }

    function literals() public pure returns (uint8, int8, bytes2, address, uint256) {
        return (uint8(255), int8(-128), bytes2(0x1234), address(0x1234), uint256(1));
    }

    function mixedCompare(uint8 a, int16 b) public pure returns (bool, bool, bool) {
        return (a < b, a > b, a == b);
    }

    function mixedAdd(uint8 a, int16 b) public pure returns (int16) {
        return a + b;
    }

    function implicitWidening(uint8 a, int8 b) public pure returns (uint256, int256, int16) {
        uint256 x = a;
        int256 y = b;
        int16 z = a;
        return (x, y, z);
    }
}
// ----
// toU8(uint256): 300 -> 44
// toU8(uint256): 255 -> 255
// toU8(uint256): 256 -> 0
// toU8(uint256): 115792089237316195423570985008687907853269984665640564039457584007913129639935 -> 255
// toU16(uint256): 305419896 -> 22136
// widen(uint8): 255 -> 255
// toI8(uint8): 200 -> -56
// toI8(uint8): 127 -> 127
// toI8(uint8): 128 -> -128
// toU8FromI8(int8): -1 -> 255
// toU8FromI8(int8): -128 -> 128
// signExtend(int8): -5 -> -5
// signExtend(int8): 127 -> 127
// narrowSigned(int256): 200 -> -56
// narrowSigned(int256): -129 -> 127
// narrowSigned(int256): -1 -> -1
// narrowSigned(int256): 384 -> -128
// signedToUnsigned(int256): -1 -> 115792089237316195423570985008687907853269984665640564039457584007913129639935
// unsignedToSigned(uint256): 115792089237316195423570985008687907853269984665640564039457584007913129639935 -> -1
// unsignedToSigned(uint256): 57896044618658097711785492504343953926634992332820282019728792003956564819968 -> -57896044618658097711785492504343953926634992332820282019728792003956564819968
// twoSteps(int8): -1 -> 255, 65535
// twoSteps(int8): 5 -> 5, 5
// bytes4Of(bytes32): 0x5ad80d04e3bc4a4cdd4c1c1767b8aff77d70a087842d06f59d4264517c4b14c8 -> 0x5ad80d04
// bytes32Of(bytes4): 0x12345678 -> 0x1234567800000000000000000000000000000000000000000000000000000000
// bytes1Of(bytes4): 0x12345678 -> 0x12
// uintOf(bytes32): 0x5ad80d04e3bc4a4cdd4c1c1767b8aff77d70a087842d06f59d4264517c4b14c8 -> 41089885193011749233578741723419701683114691209535844598897714072372204213448
// uintOf(bytes32): 0x0000000000000000000000000000000000000000000000000000000000000001 -> 1
// bytesOf(uint256): 1 -> 0x0000000000000000000000000000000000000000000000000000000000000001
// uint32Of(bytes4): 0x12345678 -> 305419896
// bytes4OfUint(uint32): 305419896 -> 0x12345678
// narrowThenBytes(uint256): 305419896 -> 0x5678
// addressOf(uint160): 1461501637330902918203684832716283019655932542975 -> 0xffffffffffffffffffffffffffffffffffffffff
// uint160Of(address): 0x000000000000000000000000000000000000beef -> 48879
// addressOfWord(uint256): 1461501637330902918203684832716283019655932542981 -> 0x0000000000000000000000000000000000000005
// wordOfAddress(address): 0xffffffffffffffffffffffffffffffffffffffff -> 1461501637330902918203684832716283019655932542975
// addressOfBytes20(bytes20): 0xdeadbeefdeadbeefdeadbeefdeadbeefdeadbeef -> 0xdeadbeefdeadbeefdeadbeefdeadbeefdeadbeef
// bytes20Of(address): 0x000000000000000000000000000000000000beef -> 0x000000000000000000000000000000000000beef
// literals() -> 255, -128, 0x1234, 0x0000000000000000000000000000000000001234, 1
// implicitWidening(uint8,int8): 255, -1 -> 255, -1, 255
// mixedCompare(uint8,int16): 200, -1 -> false, true, false
// mixedCompare(uint8,int16): 200, 200 -> false, false, true
// mixedAdd(uint8,int16): 255, -300 -> -45
// mixedAdd(uint8,int16): 255, 32767 -> PANIC 0x11
