// contracts/Rollback.sol - the Roll Back Module's decision: every node proposes its restore point
// (the earlier block with the highest accuracy) and the majority decides.
// SPDX-License-Identifier: MIT
pragma solidity ^0.8.0;

contract Rollback {
    /// One rollback request.
    struct Request {
        uint64 openedAtHeight;
        uint32 proposals;
        uint64 leader;       // the restore height with the most proposals so far
        uint32 leaderVotes;
        bool decided;
    }

    address public owner;
    uint256 public requests;
    mapping(uint256 => Request) public request;
    mapping(uint256 => mapping(uint256 => uint256)) public tally;     // id => height => proposals
    mapping(uint256 => mapping(uint256 => bool)) public proposed;     // id => node => proposed

    event RollbackOpened(uint256 indexed id, uint256 height, string reason);
    event RestorePointProposed(uint256 indexed id, uint256 indexed node, uint256 height);
    event RollbackDecided(uint256 indexed id, uint256 target, uint256 votes, uint256 nodes);

    error NotOwner(address caller);
    error UnknownRequest(uint256 id);
    error DuplicateProposal(uint256 id, uint256 node);
    error AlreadyDecided(uint256 id);
    error NoMajority(uint256 id, uint256 leaderVotes, uint256 nodes);

    modifier onlyOwner() {
        if (msg.sender != owner) revert NotOwner(msg.sender);
        _;
    }

    constructor() {
        owner = msg.sender;
    }

    function open(uint256 height, string memory reason) external onlyOwner returns (uint256 id) {
        id = ++requests;
        request[id].openedAtHeight = uint64(height);
        emit RollbackOpened(id, height, reason);
    }

    function propose(uint256 id, uint256 node, uint256 height) external onlyOwner {
        Request storage r = request[id];
        if (id == 0 || id > requests) revert UnknownRequest(id);
        if (r.decided) revert AlreadyDecided(id);
        if (proposed[id][node]) revert DuplicateProposal(id, node);
        proposed[id][node] = true;
        uint256 votes = ++tally[id][height];
        r.proposals += 1;
        // Ties go to the later block.
        if (votes > r.leaderVotes || (votes == r.leaderVotes && height > r.leader)) {
            r.leader = uint64(height);
            r.leaderVotes = uint32(votes);
        }
        emit RestorePointProposed(id, node, height);
    }

    /// Decides by majority of the `nodeCount` nodes: the leading restore point must hold more
    /// than half of them.
    function decide(uint256 id, uint256 nodeCount) external onlyOwner returns (uint256 target) {
        Request storage r = request[id];
        if (id == 0 || id > requests) revert UnknownRequest(id);
        if (r.decided) revert AlreadyDecided(id);
        if (uint256(r.leaderVotes) * 2 <= nodeCount) revert NoMajority(id, r.leaderVotes, nodeCount);
        r.decided = true;
        target = r.leader;
        emit RollbackDecided(id, target, r.leaderVotes, nodeCount);
    }
}
