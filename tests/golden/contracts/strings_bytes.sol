// tests/golden/contracts/strings_bytes.sol - string and bytes parameters and return values (empty, short,
// longer than a word), concatenation through string(abi.encodePacked(...)), bytes(s).length,
// abi.encodePacked and abi.encode of mixed types returned as bytes, comparison through
// keccak256, escape sequences and hex"..." literals, strings chosen by a ternary, several
// dynamic return values.
// SPDX-License-Identifier: MIT
pragma solidity ^0.8.0;

contract Strings {
    function echo(string memory s) public pure returns (string memory) {
        return s;
    }

    function echoBytes(bytes memory b) public pure returns (bytes memory) {
        return b;
    }

    function greet(string memory name) public pure returns (string memory) {
        return string(abi.encodePacked("Hello, ", name, "!"));
    }

    function concat(string memory a, string memory b) public pure returns (string memory) {
        return string(abi.encodePacked(a, b));
    }

    function thrice(string memory a) public pure returns (string memory) {
        return string(abi.encodePacked(a, a, a));
    }

    function byteLength(string memory s) public pure returns (uint256) {
        return bytes(s).length;
    }

    function bytesLength(bytes memory b) public pure returns (uint256) {
        return b.length;
    }

    function long() public pure returns (string memory) {
        return "a string literal that is longer than thirty-two bytes, so it spans words";
    }

    function empty() public pure returns (string memory) {
        return "";
    }

    function emptyBytes() public pure returns (bytes memory) {
        bytes memory b;
        return b;
    }

    function packed(uint16 a, bytes2 b, bool c, address d, int8 e) public pure returns (bytes memory) {
        return abi.encodePacked(a, b, c, d, e);
    }

    function encoded(uint8 a, string memory s) public pure returns (bytes memory) {
        return abi.encode(a, s);
    }

    function same(string memory a, string memory b) public pure returns (bool) {
        return keccak256(bytes(a)) == keccak256(bytes(b));
    }

    function three(string memory a) public pure returns (string memory, uint256, string memory) {
        return (a, bytes(a).length, "x");
    }

    function escapes() public pure returns (bytes memory) {
        return bytes("\x41\n\"\\");
    }

    function yesNo(bool c) public pure returns (string memory) {
        return c ? "yes" : "no";
    }

    function orDefault(bool c, string memory a) public pure returns (string memory) {
        return c ? a : "default";
    }

    function hexLiteral() public pure returns (bytes memory) {
        return hex"deadbeef";
    }
}
// ----
// echo(string): "hello" -> "hello"
// echo(string): "" -> ""
// echo(string): "0123456789012345678901234567890123456789012345678901234567890123456789" -> "0123456789012345678901234567890123456789012345678901234567890123456789"
// echoBytes(bytes): 0x0102 -> 0x0102
// echoBytes(bytes): 0x -> 0x
// greet(string): "Bob" -> "Hello, Bob!"
// concat(string,string): "foo", "bar" -> "foobar"
// concat(string,string): "", "" -> ""
// thrice(string): "0123456789" -> "012345678901234567890123456789"
// thrice(string): "abcdefghijklmnopqrstuvwxyz" -> "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz"
// byteLength(string): "hello" -> 5
// bytesLength(bytes): 0x000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20 -> 33
// long() -> "a string literal that is longer than thirty-two bytes, so it spans words"
// empty() -> ""
// emptyBytes() -> 0x
// packed(uint16,bytes2,bool,address,int8): 0x1234, 0xabcd, true, 0x000000000000000000000000000000000000beef, -1 -> 0x1234abcd01000000000000000000000000000000000000beefff
// encoded(uint8,string): 7, "abc" -> 0x0000000000000000000000000000000000000000000000000000000000000007000000000000000000000000000000000000000000000000000000000000004000000000000000000000000000000000000000000000000000000000000000036162630000000000000000000000000000000000000000000000000000000000
// same(string,string): "abc", "abc" -> true
// same(string,string): "abc", "abd" -> false
// three(string): "hey" -> "hey", 3, "x"
// escapes() -> 0x410a225c
// yesNo(bool): true -> "yes"
// yesNo(bool): false -> "no"
// orDefault(bool,string): true, "abc" -> "abc"
// orDefault(bool,string): false, "abc" -> "default"
// hexLiteral() -> 0xdeadbeef
