// tests/golden/contracts/constants_immutables.sol - constant state variables (folded expressions, a
// keccak256 of a literal, a power of two, an address) and immutables set from
// constructor arguments, msg.sender and block.timestamp, or inline; their public getters.
// SPDX-License-Identifier: MIT
pragma solidity ^0.8.0;

contract Constants {
    uint256 public constant MAX = 100;
    uint8 constant SMALL = 7;
    int16 public constant NEG = -300;
    uint256 constant DERIVED = 201;
    uint256 public constant BIG = 2 ** 200 - 1;
    address public constant DEAD = address(0xdead);
    bytes32 public constant HASH = keccak256("trainchain");
    bytes4 constant SEL = bytes4(0x12345678);

    uint256 public immutable factor;
    int8 public immutable offset;
    address public immutable deployer;
    uint256 public immutable created;
    uint256 public immutable inlineValue = 42;

    constructor(uint256 f, int8 o) {
        factor = f;
        offset = o;
        deployer = msg.sender;
        created = block.timestamp;
    }

    function scaled(uint256 x) public view returns (uint256) {
        return x * factor;
    }

    function shifted(int8 x) public view returns (int8) {
        return x + offset;
    }

    function constants() public pure returns (uint256, uint8, int16, uint256) {
        return (MAX, SMALL, NEG, DERIVED);
    }

    function selector() public pure returns (bytes4) {
        return SEL;
    }

    function isDeployer() public view returns (bool) {
        return msg.sender == deployer;
    }

    function belowMax(uint256 x) public pure returns (bool) {
        return x < MAX;
    }
}
// ----
// constructor(uint256,int8): 3, -5 ->
// MAX() -> 100
// NEG() -> -300
// BIG() -> 1606938044258990275541962092341162602522202993782792835301375
// DEAD() -> 0x000000000000000000000000000000000000dead
// HASH() -> 0x5ad80d04e3bc4a4cdd4c1c1767b8aff77d70a087842d06f59d4264517c4b14c8
// factor() -> 3
// offset() -> -5
// deployer() -> 0x000000000000000000000000000000000000ca11
// created() -> 1000
// inlineValue() -> 42
// scaled(uint256): 7 -> 21
// shifted(int8): 10 -> 5
// shifted(int8): -123 -> -128
// shifted(int8): -124 -> PANIC 0x11
// constants() -> 100, 7, -300, 201
// selector() -> 0x12345678
// isDeployer() -> true
// belowMax(uint256): 99 -> true
// belowMax(uint256): 100 -> false
