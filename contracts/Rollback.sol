// contracts/Rollback.sol - the Roll Back Module's decision: every node proposes its restore point
// (the earlier block with the highest accuracy) and the majority decides. Only the latest request
// is open and kept; each node's last proposal is one slot, and the tally one slot per restore
// height ever proposed, so what the contract remembers does not grow with the rollbacks' nodes.
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

    /// The proposals for one restore height, in the request that counted them last.
    struct Tally {
        uint64 request;
        uint32 proposals;
    }

    address public owner;
    uint256 public requests;                           // requests opened so far; the last is `current`
    Request public current;
    mapping(uint256 => Tally) public tally;            // restore height => its proposals
    mapping(uint256 => uint256) public lastProposal;   // node => id of the request it last proposed to

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

    /// Opens a request (the one before is closed, decided or not).
    function open(uint256 height, string memory reason) external onlyOwner returns (uint256 id) {
        id = ++requests;
        current = Request(uint64(height), 0, 0, 0, false);
        emit RollbackOpened(id, height, reason);
    }

    /// Counts node `node`'s restore point `height` for the open request `id`, once per node.
    function propose(uint256 id, uint256 node, uint256 height) external onlyOwner {
        Request storage r = current;
        if (id == 0 || id != requests) revert UnknownRequest(id);
        if (r.decided) revert AlreadyDecided(id);
        if (lastProposal[node] == id) revert DuplicateProposal(id, node);
        lastProposal[node] = id;
        Tally storage t = tally[height];
        uint256 votes = t.request == id ? uint256(t.proposals) + 1 : 1;
        t.request = uint64(id);
        t.proposals = uint32(votes);
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
        Request storage r = current;
        if (id == 0 || id != requests) revert UnknownRequest(id);
        if (r.decided) revert AlreadyDecided(id);
        if (uint256(r.leaderVotes) * 2 <= nodeCount) revert NoMajority(id, r.leaderVotes, nodeCount);
        r.decided = true;
        target = r.leader;
        emit RollbackDecided(id, target, r.leaderVotes, nodeCount);
    }
}
