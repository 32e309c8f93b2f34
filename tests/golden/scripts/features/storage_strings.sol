// tests/golden/scripts/features/storage_strings.sol - a copy of tests/golden/contracts/storage_strings.sol run by
// storage_strings.json against solc 0.8.26 (expectations generated). The contract: string and bytes in storage, laid out as solc lays them
// out: short values (up to 31 bytes) in their slot, longer ones at keccak256(slot). Assignment from
// memory, calldata, literals and other storage strings, public getters, copies into memory,
// .length, push/pop/index on bytes across the 31/32-byte boundary, delete, string members of
// structs (with the struct getter returning them), mapping(uint256 => string), state variable
// initialisers, storage strings as event data and hashed.
// SPDX-License-Identifier: MIT
pragma solidity ^0.8.0;

contract StorageStrings {
    struct Item {
        uint64 id;
        string label;
        bool flag;
    }

    string public name;
    bytes public data;
    uint8 public small = 7;
    Item public item;
    Item internal backup;
    mapping(uint256 => string) public notes;
    string public greeting = "hello";

    event Named(string s);

    function setName(string memory s) public {
        name = s;
    }

    function setNameCalldata(string calldata s) external {
        name = s;
    }

    function setLiteral() public {
        name = "a literal longer than thirty-one bytes!!";
    }

    function nameLength() public view returns (uint256) {
        return bytes(name).length;
    }

    function copyName() public view returns (string memory) {
        string memory m = name;
        return m;
    }

    function nameFromGreeting() public {
        name = greeting;
    }

    function pushByte(bytes1 b) public {
        data.push(b);
    }

    function pushN(uint256 n) public {
        for (uint256 i = 0; i < n; i++) data.push(bytes1(uint8(0x41 + i)));
    }

    function popByte() public {
        data.pop();
    }

    function byteAt(uint256 i) public view returns (bytes1) {
        return data[i];
    }

    function setByte(uint256 i, bytes1 b) public {
        data[i] = b;
    }

    function orByte(uint256 i, bytes1 b) public {
        data[i] |= b;
    }

    function dataLength() public view returns (uint256) {
        return data.length;
    }

    function setData(bytes memory b) public {
        data = b;
    }

    function clear() public {
        delete data;
    }

    function dataHashIs(bytes memory b) public view returns (bool) {
        return keccak256(data) == keccak256(b);
    }

    function setItem(uint64 id, string memory label, bool flag) public {
        item = Item(id, label, flag);
    }

    function setLabel(string memory l) public {
        item.label = l;
    }

    function getItem() public view returns (uint64, string memory, bool) {
        Item memory m = item;
        return (m.id, m.label, m.flag);
    }

    function backupItem() public {
        backup = item;
    }

    function backupLabel() public view returns (string memory) {
        return backup.label;
    }

    function clearItem() public {
        delete item;
    }

    function setNote(uint256 k, string memory s) public {
        notes[k] = s;
    }

    function copyNote(uint256 from, uint256 to) public {
        notes[to] = notes[from];
    }

    function deleteNote(uint256 k) public {
        delete notes[k];
    }

    function emitName() public {
        emit Named(name);
    }
}
