// contracts/Consensus.sol - proof-of-work consensus: verify the winning nonce through the SHA-256
// precompile, count the nodes' votes and accept a block at 51 % of the registered nodes. Only the
// open round is kept (one record, and one slot per node for its last vote): what the contract
// remembers does not grow with the chain; every round and vote is in its events.
// SPDX-License-Identifier: MIT
pragma solidity ^0.8.0;

contract Consensus {
    /// The round of voting on the block whose work was verified last.
    struct Round {
        bytes32 blockHash;
        uint64 height;
        uint32 accepts;
        uint32 rejects;
        bool verified;
        bool decided;
    }

    address public owner;
    uint256 public quorumPercent;
    Round public round;                             // the open (or last decided) round
    mapping(uint256 => uint256) public lastVote;    // node => height + 1 of its last counted vote

    event WorkVerified(uint256 indexed height, bytes32 blockHash, uint256 nonce);
    event Voted(uint256 indexed height, uint256 indexed node, bool accept);
    event BlockAccepted(uint256 indexed height, bytes32 blockHash, uint256 accepts, uint256 nodes);
    event BlockRejected(uint256 indexed height, bytes32 blockHash, uint256 rejects, uint256 nodes);

    error NotOwner(address caller);
    error BadProofOfWork(uint256 height, bytes32 computed, bytes32 claimed);
    error AboveTarget(uint256 height, bytes32 blockHash);
    error DuplicateVote(uint256 height, uint256 node);
    error NoRound(uint256 height);
    error AlreadyDecided(uint256 height);
    error StaleHeight(uint256 height, uint256 current);

    modifier onlyOwner() {
        if (msg.sender != owner) revert NotOwner(msg.sender);
        _;
    }

    constructor(uint256 quorum) {
        owner = msg.sender;
        quorumPercent = quorum;
    }

    /// Verifies the winner's work: the header hashes (SHA-256, via the precompile) to the claimed
    /// hash, and the hash is at or below the target. Opens the round for `height` (again, for
    /// another claim at an undecided height); a decided height, or one below the last round's, is
    /// refused.
    function submitWork(uint256 height, bytes memory header, bytes32 claimedHash, uint256 nonce, uint256 target)
        external
        onlyOwner
    {
        bytes32 computed = sha256(header);
        if (computed != claimedHash) revert BadProofOfWork(height, computed, claimedHash);
        if (uint256(computed) > target) revert AboveTarget(height, computed);
        if (round.verified && height < round.height) revert StaleHeight(height, round.height);
        if (round.verified && height == round.height && round.decided) revert AlreadyDecided(height);
        round = Round(computed, uint64(height), 0, 0, true, false);
        emit WorkVerified(height, computed, nonce);
    }

    /// Records one node's vote (its signature was checked by the runtime) in the round of
    /// `height`, once per node and height; decides the round once the quorum of `nodeCount` is
    /// reached either way. Returns 1 accepted, 2 rejected, 0 open.
    function vote(uint256 height, uint256 node, bool accept, uint256 nodeCount) external onlyOwner returns (uint256) {
        if (!round.verified || round.height != height) revert NoRound(height);
        if (lastVote[node] == height + 1) revert DuplicateVote(height, node);
        lastVote[node] = height + 1;
        if (accept) round.accepts += 1;
        else round.rejects += 1;
        emit Voted(height, node, accept);
        if (round.decided) return 0;
        if (uint256(round.accepts) * 100 >= quorumPercent * nodeCount) {
            round.decided = true;
            emit BlockAccepted(height, round.blockHash, round.accepts, nodeCount);
            return 1;
        }
        if (uint256(round.rejects) * 100 > (100 - quorumPercent) * nodeCount) {
            round.decided = true;
            emit BlockRejected(height, round.blockHash, round.rejects, nodeCount);
            return 2;
        }
        return 0;
    }
}
