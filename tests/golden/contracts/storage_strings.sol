// tests/golden/contracts/storage_strings.sol - string and bytes in storage, laid out as solc lays them
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
// ----
// name() -> ""
// greeting() -> "hello"
// small() -> 7
// setName(string): "abc" ->
// name() -> "abc"
// nameLength() -> 3
// setName(string): "0123456789012345678901234567890123456789" ->
// name() -> "0123456789012345678901234567890123456789"
// nameLength() -> 40
// copyName() -> "0123456789012345678901234567890123456789"
// setName(string): "short" ->
// name() -> "short"
// nameLength() -> 5
// setNameCalldata(string): "exactly thirty-one bytes long!!" ->
// name() -> "exactly thirty-one bytes long!!"
// nameLength() -> 31
// setNameCalldata(string): "exactly thirty-two bytes long!!!" ->
// name() -> "exactly thirty-two bytes long!!!"
// nameLength() -> 32
// setLiteral() ->
// name() -> "a literal longer than thirty-one bytes!!"
// setName(string): "" ->
// name() -> ""
// nameLength() -> 0
// nameFromGreeting() ->
// name() -> "hello"
// emitName() ->
// ~ emit Named(string): "hello"
// dataLength() -> 0
// data() -> 0x
// popByte() -> PANIC 0x31
// byteAt(uint256): 0 -> PANIC 0x32
// pushN(uint256): 31 ->
// dataLength() -> 31
// byteAt(uint256): 0 -> 0x41
// byteAt(uint256): 30 -> 0x5f
// byteAt(uint256): 31 -> PANIC 0x32
// pushByte(bytes1): 0x7a ->
// dataLength() -> 32
// byteAt(uint256): 31 -> 0x7a
// byteAt(uint256): 30 -> 0x5f
// data() -> 0x4142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f7a
// byteAt(uint256): 32 -> PANIC 0x32
// popByte() ->
// dataLength() -> 31
// data() -> 0x4142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f
// pushN(uint256): 3 ->
// dataLength() -> 34
// byteAt(uint256): 33 -> 0x43
// setByte(uint256,bytes1): 33, 0x99 ->
// byteAt(uint256): 33 -> 0x99
// setByte(uint256,bytes1): 0, 0x01 ->
// orByte(uint256,bytes1): 0, 0x10 ->
// byteAt(uint256): 0 -> 0x11
// data() -> 0x1142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f414299
// popByte() ->
// popByte() ->
// data() -> 0x1142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f41
// popByte() ->
// popByte() ->
// data() -> 0x1142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e
// pushByte(bytes1): 0xff ->
// data() -> 0x1142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5eff
// setData(bytes): 0x0102 ->
// data() -> 0x0102
// dataHashIs(bytes): 0x0102 -> true
// dataHashIs(bytes): 0x0103 -> false
// clear() ->
// dataLength() -> 0
// data() -> 0x
// popByte() -> PANIC 0x31
// item() -> 0, "", false
// setItem(uint64,string,bool): 5, "label", true ->
// item() -> 5, "label", true
// setLabel(string): "a label that is longer than thirty-two bytes" ->
// getItem() -> 5, "a label that is longer than thirty-two bytes", true
// item() -> 5, "a label that is longer than thirty-two bytes", true
// backupItem() ->
// backupLabel() -> "a label that is longer than thirty-two bytes"
// clearItem() ->
// item() -> 0, "", false
// backupLabel() -> "a label that is longer than thirty-two bytes"
// notes(uint256): 1 -> ""
// setNote(uint256,string): 1, "one" ->
// notes(uint256): 1 -> "one"
// copyNote(uint256,uint256): 1, 2 ->
// notes(uint256): 2 -> "one"
// deleteNote(uint256): 1 ->
// notes(uint256): 1 -> ""
// notes(uint256): 2 -> "one"
// small() -> 7
