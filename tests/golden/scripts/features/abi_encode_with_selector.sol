// tests/golden/scripts/features/abi_encode_with_selector.sol - a copy of tests/golden/contracts/abi_encode_with_selector.sol run by
// abi_encode_with_selector.json against solc 0.8.26 (expectations generated). The contract: abi.encodeWithSelector, abi.encodeWithSignature
// (a literal signature hashed at compile time, a runtime one at run time) and abi.encodeCall(C.f, (...))
// checked against f's parameters (literals converted to them): the selector, then the standard encoding
// of the arguments, the same bytes in each form.
// SPDX-License-Identifier: MIT
pragma solidity ^0.8.0;

contract Token {
    function transfer(address to, uint256 amount) external returns (bool) {
        return to != address(0) && amount > 0;
    }

    function setName(string memory name) external pure returns (uint256) {
        return bytes(name).length;
    }
}

contract Encoder {
    function withSelector(uint256 a) public pure returns (bytes memory) {
        return abi.encodeWithSelector(bytes4(0x12345678), a, true);
    }

    function selectorOnly(bytes4 s) public pure returns (bytes memory) {
        return abi.encodeWithSelector(s);
    }

    function withSignature(uint256 a) public pure returns (bytes memory) {
        return abi.encodeWithSignature("transfer(address,uint256)", address(0xbeef), a);
    }

    function withRuntimeSignature(string memory sig, uint8 v) public pure returns (bytes memory) {
        return abi.encodeWithSignature(sig, v);
    }

    function withCall(address to, uint256 amount) public pure returns (bytes memory) {
        return abi.encodeCall(Token.transfer, (to, amount));
    }

    function withCallLiteral() public pure returns (bytes memory) {
        return abi.encodeCall(Token.setName, ("abc"));
    }

    function allSame(address to, uint256 amount) public pure returns (bool, bool) {
        bytes memory a = abi.encodeCall(Token.transfer, (to, amount));
        bytes memory b = abi.encodeWithSignature("transfer(address,uint256)", to, amount);
        bytes memory c = abi.encodeWithSelector(bytes4(keccak256("transfer(address,uint256)")), to, amount);
        return (keccak256(a) == keccak256(b), keccak256(b) == keccak256(c));
    }

    function lengths(string memory s) public pure returns (uint256, uint256) {
        return (abi.encodeWithSelector(bytes4(0)).length, abi.encodeWithSignature("setName(string)", s).length);
    }
}
