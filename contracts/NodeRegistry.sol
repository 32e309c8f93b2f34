// contracts/NodeRegistry.sol - the user nodes of a run: one Node contract per node (a CREATE
// each, as the paper counts), their Ed25519 public keys, and who may register them.
// SPDX-License-Identifier: MIT
pragma solidity ^0.8.0;

/// One registered user node: its public key and its index in the registry.
contract Node {
    address public registry;
    bytes32 public publicKey;
    uint256 public index;

    constructor(bytes32 key, uint256 nodeIndex) {
        registry = msg.sender;
        publicKey = key;
        index = nodeIndex;
    }
}

/// The node set. Only the owner (the Deep Learning Server) registers nodes.
contract NodeRegistry {
    address public owner;
    uint256 public count;
    mapping(uint256 => address) public nodes;
    mapping(uint256 => bytes32) public keys;
    mapping(bytes32 => uint256) public indexOfKey;  // index + 1; 0 means not registered

    event NodeRegistered(uint256 indexed index, address node, bytes32 publicKey);

    error NotOwner(address caller);
    error DuplicateKey(bytes32 key);

    modifier onlyOwner() {
        if (msg.sender != owner) revert NotOwner(msg.sender);
        _;
    }

    constructor() {
        owner = msg.sender;
    }

    /// Registers a node with its public key; returns its index.
    function register(bytes32 key) external onlyOwner returns (uint256 index) {
        if (indexOfKey[key] != 0) revert DuplicateKey(key);
        index = count;
        Node node = new Node(key, index);
        nodes[index] = address(node);
        keys[index] = key;
        indexOfKey[key] = index + 1;
        count = index + 1;
        emit NodeRegistered(index, address(node), key);
    }

    function isRegistered(bytes32 key) external view returns (bool) {
        return indexOfKey[key] != 0;
    }
}
