// tests/golden/scripts/features/enums.sol - a copy of tests/golden/contracts/enums.sol run by
// enums.json against solc 0.8.26 (expectations generated). The contract: enums: members as constants (0, 1, ...), explicit conversions to
// and from integers (Panic 0x21 out of range), comparisons, packing in storage (one byte), public
// getters and parameters as uint8 (calldata out of range reverts with empty data), type(E).min/max,
// delete, an enum in a struct and as a mapping value, and a file-level enum.
// SPDX-License-Identifier: MIT
pragma solidity ^0.8.8;

enum Level { Low, Mid, High }

contract Enums {
    enum Status { Pending, Active, Closed }

    struct Job {
        Status status;
        Level level;
        uint16 id;
    }

    Status public status;
    Level public level = Level.Mid;
    uint8 public after_;
    mapping(uint256 => Status) public byId;
    Job public job;

    function set(Status s) public {
        status = s;
    }

    function fromInt(uint256 v) public pure returns (Status) {
        return Status(v);
    }

    function toInt(Status s) public pure returns (uint256) {
        return uint256(s);
    }

    function isAfter(Status a, Status b) public pure returns (bool, bool, bool) {
        return (a > b, a == b, a <= b);
    }

    function bounds() public pure returns (Status, Status, Level) {
        return (type(Status).min, type(Status).max, type(Level).max);
    }

    function packed() public returns (uint256) {
        status = Status.Closed;
        level = Level.High;
        after_ = 7;
        uint256 word;
        // status (slot 0, byte 0), level (byte 1), after_ (byte 2)
        word = uint256(uint8(status)) | (uint256(uint8(level)) << 8) | (uint256(after_) << 16);
        return word;
    }

    function clear() public returns (Status) {
        delete status;
        return status;
    }

    function store(uint256 id, Status s) public {
        byId[id] = s;
        job = Job(s, Level.Low, uint16(id));
    }

    function next(Status s) public pure returns (Status) {
        if (s == Status.Closed) return Status.Pending;
        return Status(uint8(s) + 1);
    }
}
