// SPDX-License-Identifier: MIT
pragma solidity ^0.8.0;

// Storage arrays copied into memory and back: value arrays (packed and not), fixed-size arrays,
// arrays of structs and of strings, returned from public functions, deleted, and stale elements
// cleared when an array shrinks.
contract StorageArrayCopies {
    struct Item {
        uint64 id;
        string label;
    }

    uint16[] small;
    uint256[] big;
    uint8[5] fixedSmall;
    string[] names;
    Item[] items;
    Item[] backup;
    uint256 marker = 42;

    function setSmall(uint16[] memory v) public { small = v; }
    function getSmall() public view returns (uint16[] memory) { return small; }
    function smallLength() public view returns (uint256) { return small.length; }
    function growSmall() public returns (uint16) {
        small.push();
        return small[small.length - 1];
    }
    function setBig(uint256[] memory v) public { big = v; }
    function getBig() public view returns (uint256[] memory) { return big; }
    function copyBigToSmallSum() public view returns (uint256 s) {
        uint256[] memory m = big;
        m[0] = 1000;  // a copy: storage keeps its value
        for (uint256 i = 0; i < m.length; i++) s += m[i];
        s += big[0];
    }
    function setFixed(uint8[5] memory v) public { fixedSmall = v; }
    function getFixed() public view returns (uint8[5] memory) { return fixedSmall; }
    function fixedAt(uint256 i) public view returns (uint8) { return fixedSmall[i]; }
    function setNames(string[] memory v) public { names = v; }
    function getNames() public view returns (string[] memory) { return names; }
    function nameAt(uint256 i) public view returns (string memory) { return names[i]; }
    function addItem(uint64 id, string memory label) public {
        Item memory it = Item(id, label);
        items.push(it);
    }
    function itemLabels() public view returns (string[] memory out) {
        Item[] memory copy = items;
        out = new string[](copy.length);
        for (uint256 i = 0; i < copy.length; i++) out[i] = copy[i].label;
    }
    function itemIdSum() public view returns (uint256 s) {
        Item[] memory copy = items;
        for (uint256 i = 0; i < copy.length; i++) s += copy[i].id;
    }
    function replaceItems() public {
        Item[] storage its = items;
        backup = its;  // storage to storage
        delete items;
        items.push(Item(9, "nine"));
    }
    function backupLabels() public view returns (string[] memory out) {
        out = new string[](backup.length);
        for (uint256 i = 0; i < backup.length; i++) out[i] = backup[i].label;
    }
    function itemCount() public view returns (uint256) { return items.length; }
    function bigToSmallStorage() public {
        uint256[] storage b = big;
        big = b;  // a self-assignment keeps the value
    }
    function clearAll() public {
        delete small;
        delete big;
        delete fixedSmall;
        delete names;
        delete items;
    }
    function getMarker() public view returns (uint256) { return marker; }
}
// ----
// getSmall() -> []
// setSmall(uint16[]): [1,2,3] ->
// getSmall() -> [1,2,3]
// setSmall(uint16[]): [4] ->
// smallLength() -> 1
// growSmall() -> 0
// getSmall() -> [4,0]
// setBig(uint256[]): [5,6,7] ->
// copyBigToSmallSum() -> 1018
// getBig() -> [5,6,7]
// bigToSmallStorage() ->
// getBig() -> [5,6,7]
// getFixed() -> [0,0,0,0,0]
// setFixed(uint8[5]): [1,2,3,4,255] ->
// getFixed() -> [1,2,3,4,255]
// fixedAt(uint256): 4 -> 255
// fixedAt(uint256): 5 -> PANIC 0x32
// setNames(string[]): ["alpha","a name that is longer than thirty-two bytes"] ->
// getNames() -> ["alpha","a name that is longer than thirty-two bytes"]
// nameAt(uint256): 1 -> "a name that is longer than thirty-two bytes"
// setNames(string[]): ["b"] ->
// getNames() -> ["b"]
// addItem(uint64,string): 3, "three" ->
// addItem(uint64,string): 4, "a label that is longer than thirty-two bytes" ->
// itemLabels() -> ["three","a label that is longer than thirty-two bytes"]
// itemIdSum() -> 7
// replaceItems() ->
// itemCount() -> 1
// itemLabels() -> ["nine"]
// backupLabels() -> ["three","a label that is longer than thirty-two bytes"]
// itemIdSum() -> 9
// clearAll() ->
// getSmall() -> []
// getBig() -> []
// getFixed() -> [0,0,0,0,0]
// getNames() -> []
// itemCount() -> 0
// getMarker() -> 42
