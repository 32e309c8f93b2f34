// tests/golden/contracts/abi_encode_with_selector.sol - abi.encodeWithSelector, abi.encodeWithSignature
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
// ----
// withSelector(uint256): 5 -> 0x1234567800000000000000000000000000000000000000000000000000000000000000050000000000000000000000000000000000000000000000000000000000000001
// selectorOnly(bytes4): 0xdeadbeef -> 0xdeadbeef
// withSignature(uint256): 7 -> 0xa9059cbb000000000000000000000000000000000000000000000000000000000000beef0000000000000000000000000000000000000000000000000000000000000007
// withRuntimeSignature(string,uint8): "ping(uint256)", 3 -> 0x773acdef0000000000000000000000000000000000000000000000000000000000000003
// withRuntimeSignature(string,uint8): "", 0 -> 0xc5d246010000000000000000000000000000000000000000000000000000000000000000
// withCall(address,uint256): 0x000000000000000000000000000000000000beef, 9 -> 0xa9059cbb000000000000000000000000000000000000000000000000000000000000beef0000000000000000000000000000000000000000000000000000000000000009
// withCallLiteral() -> 0xc47f0027000000000000000000000000000000000000000000000000000000000000002000000000000000000000000000000000000000000000000000000000000000036162630000000000000000000000000000000000000000000000000000000000
// allSame(address,uint256): 0x000000000000000000000000000000000000beef, 9 -> true, true
// lengths(string): "abc" -> 4, 100
