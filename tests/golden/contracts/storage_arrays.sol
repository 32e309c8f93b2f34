// tests/golden/contracts/storage_arrays.sol - dynamic and fixed storage arrays of value types: push,
// push(), pop, length, index reads and writes, public getters; out-of-bounds access (PANIC 0x32,
// but empty revert data through a public getter, as solc's getters) and pop of an empty array
// (PANIC 0x31); packed elements (uint8, uint16, int32, bool); pop clears the popped element;
// delete of one packed element (uint8, int8) leaves its neighbours; bytes4[] elements; the
// variables after the arrays are left alone.
// SPDX-License-Identifier: MIT
pragma solidity ^0.8.0;

contract StorageArrays {
    uint256[] public list;
    uint8[] public smalls;
    uint256[3] public fixedList;
    uint16[5] public packedFixed;
    int32[] public signedList;
    address[] public addrs;
    bool[] public flags;
    bytes4[] public selectors;
    int8[] public tiny;
    uint256 public tail;

    function push(uint256 v) public {
        list.push(v);
    }

    function pushEmpty() public returns (uint256) {
        list.push();
        return list.length;
    }

    function pop() public {
        list.pop();
    }

    function length() public view returns (uint256) {
        return list.length;
    }

    function get(uint256 i) public view returns (uint256) {
        return list[i];
    }

    function set(uint256 i, uint256 v) public {
        list[i] = v;
    }

    function bump(uint256 i) public {
        list[i]++;
        list[i] += 10;
    }

    function clearAt(uint256 i) public {
        delete list[i];
    }

    function fillSmalls(uint256 n) public {
        for (uint256 i = 0; i < n; i++) smalls.push(uint8(i) + 100);
    }

    function pushSmall(uint8 v) public {
        smalls.push(v);
    }

    function popSmall() public {
        smalls.pop();
    }

    function smallsLength() public view returns (uint256) {
        return smalls.length;
    }

    function setFixed(uint256 i, uint256 v) public {
        fixedList[i] = v;
    }

    function fixedLength() public view returns (uint256) {
        return fixedList.length;
    }

    function setPacked(uint256 i, uint16 v) public {
        packedFixed[i] = v;
    }

    function pushSigned(int32 v) public {
        signedList.push(v);
    }

    function sumSigned() public view returns (int256 s) {
        for (uint256 i = 0; i < signedList.length; i++) s += signedList[i];
    }

    function pushAddr(address a) public {
        addrs.push(a);
    }

    function pushFlag(bool b) public {
        flags.push(b);
    }

    function pushSelectors() public {
        selectors.push(bytes4(0x11223344));
        selectors.push(bytes4(0x55667788));
    }

    function pushTiny() public {
        tiny.push(-1);
        tiny.push(5);
        tiny.push(-128);
        delete tiny[1];
    }

    function clearSmall(uint256 i) public {
        delete smalls[i];
    }

    function setTail(uint256 v) public {
        tail = v;
    }
}
// ----
// length() -> 0
// get(uint256): 0 -> PANIC 0x32
// list(uint256): 0 -> REVERT
// pop() -> PANIC 0x31
// setTail(uint256): 77 ->
// push(uint256): 10 ->
// push(uint256): 20 ->
// push(uint256): 30 ->
// length() -> 3
// get(uint256): 1 -> 20
// list(uint256): 2 -> 30
// set(uint256,uint256): 3, 1 -> PANIC 0x32
// set(uint256,uint256): 2, 33 ->
// get(uint256): 2 -> 33
// pop() ->
// length() -> 2
// get(uint256): 2 -> PANIC 0x32
// pushEmpty() -> 3
// get(uint256): 2 -> 0
// bump(uint256): 0 ->
// get(uint256): 0 -> 21
// bump(uint256): 3 -> PANIC 0x32
// clearAt(uint256): 0 ->
// get(uint256): 0 -> 0
// length() -> 3
// get(uint256): 115792089237316195423570985008687907853269984665640564039457584007913129639935 -> PANIC 0x32
// fillSmalls(uint256): 40 ->
// smallsLength() -> 40
// smalls(uint256): 0 -> 100
// smalls(uint256): 31 -> 131
// smalls(uint256): 32 -> 132
// smalls(uint256): 39 -> 139
// smalls(uint256): 40 -> REVERT
// popSmall() ->
// smallsLength() -> 39
// smalls(uint256): 38 -> 138
// smalls(uint256): 39 -> REVERT
// pushSmall(uint8): 1 ->
// smalls(uint256): 39 -> 1
// smalls(uint256): 38 -> 138
// fixedList(uint256): 0 -> 0
// setFixed(uint256,uint256): 2, 5 ->
// fixedList(uint256): 2 -> 5
// setFixed(uint256,uint256): 3, 1 -> PANIC 0x32
// fixedList(uint256): 3 -> REVERT
// fixedLength() -> 3
// setPacked(uint256,uint16): 0, 65535 ->
// setPacked(uint256,uint16): 4, 1 ->
// packedFixed(uint256): 0 -> 65535
// packedFixed(uint256): 1 -> 0
// packedFixed(uint256): 4 -> 1
// setPacked(uint256,uint16): 5, 1 -> PANIC 0x32
// pushSigned(int32): -5 ->
// pushSigned(int32): 2147483647 ->
// pushSigned(int32): -2147483648 ->
// signedList(uint256): 0 -> -5
// signedList(uint256): 1 -> 2147483647
// signedList(uint256): 2 -> -2147483648
// sumSigned() -> -6
// pushAddr(address): 0xdeadbeefdeadbeefdeadbeefdeadbeefdeadbeef ->
// addrs(uint256): 0 -> 0xdeadbeefdeadbeefdeadbeefdeadbeefdeadbeef
// addrs(uint256): 1 -> REVERT
// pushFlag(bool): true ->
// pushFlag(bool): false ->
// pushFlag(bool): true ->
// flags(uint256): 0 -> true
// flags(uint256): 1 -> false
// flags(uint256): 2 -> true
// flags(uint256): 3 -> REVERT
// pushSelectors() ->
// selectors(uint256): 0 -> 0x11223344
// selectors(uint256): 1 -> 0x55667788
// pushTiny() ->
// tiny(uint256): 0 -> -1
// tiny(uint256): 1 -> 0
// tiny(uint256): 2 -> -128
// clearSmall(uint256): 37 ->
// smalls(uint256): 36 -> 136
// smalls(uint256): 37 -> 0
// smalls(uint256): 38 -> 138
// tail() -> 77
// length() -> 3
// fixedList(uint256): 2 -> 5
