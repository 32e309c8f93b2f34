// contracts/BlockCreation.sol - block creation: on each epoch, check the Results Queue, broadcast
// the candidate block to every node and record it (the latest candidate in storage, every one in
// the events: what the contract remembers does not grow with the chain).
// SPDX-License-Identifier: MIT
pragma solidity ^0.8.0;

contract BlockCreation {
    /// A candidate block as the nodes receive it.
    struct Candidate {
        bytes32 payloadHash;
        uint64 epoch;
        uint64 height;
        uint32 nodes;
    }

    address public owner;
    /// The Results Queue's account: its balance is the number of pending results (the paper
    /// checks the queue with BALANCE).
    address public resultsQueue;
    uint256 public candidates;   // candidates recorded so far
    Candidate public latest;     // the last one

    event Broadcast(uint256 indexed node, uint256 indexed height, bytes32 payloadHash);
    event CandidateRecorded(uint256 indexed height, bytes32 payloadHash, uint256 epoch);

    error NotOwner(address caller);
    error EmptyQueue();
    error HeightTaken(uint256 height);

    modifier onlyOwner() {
        if (msg.sender != owner) revert NotOwner(msg.sender);
        _;
    }

    constructor(address queue) {
        owner = msg.sender;
        resultsQueue = queue;
    }

    /// Takes the next result off the queue as the candidate for `height`, and sends it to the
    /// `nodeCount` registered nodes. Heights only go up: one candidate per height.
    function create(uint256 height, bytes32 payloadHash, uint256 epoch, uint256 nodeCount) external onlyOwner {
        if (resultsQueue.balance == 0) revert EmptyQueue();
        if (candidates != 0 && height <= latest.height) revert HeightTaken(height);
        for (uint256 i = 0; i < nodeCount; i++) {
            emit Broadcast(i, height, payloadHash);
        }
        latest = Candidate(payloadHash, uint64(epoch), uint64(height), uint32(nodeCount));
        candidates += 1;
        emit CandidateRecorded(height, payloadHash, epoch);
    }
}
