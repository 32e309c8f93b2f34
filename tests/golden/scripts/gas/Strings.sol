// SPDX-License-Identifier: MIT
// tests/golden/scripts/gas/Strings.sol - string-heavy code for the gas comparison with solc
// (strings.json): decimal and hexadecimal formatting in the manner of OpenZeppelin's Strings (in
// plain Solidity: the digits are prepended with abi.encodePacked, as the subset has no `new bytes`),
// concatenation with abi.encodePacked, equality through keccak256, string literals, stored strings.
pragma solidity ^0.8.20;

contract Strings {
    bytes16 private constant HEX_DIGITS = "0123456789abcdef";
    uint8 private constant ADDRESS_LENGTH = 20;

    error StringsInsufficientHexLength(uint256 value, uint256 length);

    event Named(uint256 indexed id, string name);

    string public title = "Strings probe";
    mapping(uint256 => string) private names;

    function toString(uint256 value) public pure returns (string memory) {
        if (value == 0) return "0";
        bytes memory buffer = "";
        while (value != 0) {
            buffer = abi.encodePacked(bytes1(uint8(48 + (value % 10))), buffer);
            value /= 10;
        }
        return string(buffer);
    }

    function toHexString(uint256 value) public pure returns (string memory) {
        uint256 length = 0;
        for (uint256 temp = value; temp != 0; temp >>= 8) length++;
        return toHexString(value, length == 0 ? 1 : length);
    }

    function toHexString(uint256 value, uint256 length) public pure returns (string memory) {
        uint256 localValue = value;
        bytes memory buffer = "";
        for (uint256 i = 0; i < 2 * length; ++i) {
            buffer = abi.encodePacked(HEX_DIGITS[localValue & 0xf], buffer);
            localValue >>= 4;
        }
        if (localValue != 0) revert StringsInsufficientHexLength(value, length);
        return string(abi.encodePacked("0x", buffer));
    }

    function toHexString(address addr) public pure returns (string memory) {
        return toHexString(uint256(uint160(addr)), ADDRESS_LENGTH);
    }

    function equal(string memory a, string memory b) public pure returns (bool) {
        return bytes(a).length == bytes(b).length && keccak256(bytes(a)) == keccak256(bytes(b));
    }

    function concat(string memory a, string memory b) public pure returns (string memory) {
        return string(abi.encodePacked(a, b));
    }

    function greet(string memory name) public pure returns (string memory) {
        return string(abi.encodePacked("Hello, ", name, "! Welcome to the strings probe."));
    }

    function describe(uint256 id, address owner) public pure returns (string memory) {
        return string(abi.encodePacked("token #", toString(id), " owned by ", toHexString(owner)));
    }

    function setName(uint256 id, string memory name) public {
        require(bytes(name).length != 0, "Strings: empty name");
        names[id] = name;
        emit Named(id, name);
    }

    function label(uint256 id) public view returns (string memory) {
        return string(abi.encodePacked(title, ": ", names[id], " (", toString(id), ")"));
    }

    function isNamed(uint256 id, string memory name) public view returns (bool) {
        return equal(names[id], name);
    }
}
