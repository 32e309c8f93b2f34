// tests/golden/contracts/structs.sol - structs: a file-level and a contract-level struct, packed members,
// a struct in a mapping and in a dynamic array, S(...) constructors assigned to storage, storage
// pointers (`S storage s = m[k]`, chosen by a ternary, passed to an internal function, rebound),
// members of a nested struct, delete of a struct and of a member, storage-to-storage and
// memory-to-storage copies, memory structs (which alias on assignment), and public getters of a
// struct variable, a struct mapping and a struct array.
// SPDX-License-Identifier: MIT
pragma solidity ^0.8.0;

struct Point {
    int64 x;
    int64 y;
}

contract Structs {
    struct Item {
        uint128 price; // slot 0
        uint64 stock; // slot 0
        bool active; // slot 0
        address seller; // slot 1: 25 + 20 bytes do not fit
        bytes32 tag; // slot 2
    }

    struct Flagged {
        bool on;
        bytes4 code;
    }

    struct Wrapper {
        uint8 kind;
        Point where;
        uint8 last;
    }

    mapping(uint256 => Item) public items;
    Item public featured;
    Point public origin;
    Item[] public list;
    Wrapper wrapped;
    Flagged flagged;
    uint256 public count;

    function create(uint256 id, uint128 price, uint64 stock) public {
        items[id] = Item(price, stock, true, msg.sender, bytes32(0));
        count++;
    }

    function restock(uint256 id, uint64 amount) public {
        Item storage it = items[id];
        require(it.active, "no such item");
        it.stock += amount;
    }

    function buy(uint256 id, uint64 n) public returns (uint128 total) {
        Item storage it = items[id];
        it.stock -= n;
        total = it.price * n;
    }

    function itemFields(uint256 id) public view returns (uint128, uint64, bool, address) {
        Item storage it = items[id];
        return (it.price, it.stock, it.active, it.seller);
    }

    function deactivate(uint256 id) public {
        items[id].active = false;
    }

    function remove(uint256 id) public {
        delete items[id];
    }

    function copyToFeatured(uint256 id) public {
        featured = items[id];
    }

    function setOrigin(int64 x, int64 y) public {
        origin = Point(x, y);
    }

    function moveOrigin(int64 dx) public {
        origin.x += dx;
    }

    function memoryPoint(int64 x, int64 y) public pure returns (int64, int64, int128) {
        Point memory p = Point(x, y);
        p.x = p.x * 2;
        Point memory q = p; // the same memory: writing q.y writes p.y
        q.y = 7;
        return (p.x, p.y, int128(p.x) + q.y);
    }

    function _make(int64 a) internal pure returns (Point memory) {
        return Point(a, a + 1);
    }

    function viaInternal(int64 a) public pure returns (int64) {
        Point memory r = _make(a);
        return r.x + r.y;
    }

    function pushItem(uint128 price) public returns (uint256) {
        Item storage it = list.push();
        it.price = price;
        it.active = true;
        return list.length;
    }

    function setWrapped(uint8 k, int64 x, int64 y, uint8 l) public {
        wrapped.kind = k;
        wrapped.where.x = x;
        wrapped.where.y = y;
        wrapped.last = l;
    }

    function wrappedWhere() public view returns (int64, int64) {
        return (wrapped.where.x, wrapped.where.y);
    }

    function wrappedEnds() public view returns (uint8, uint8) {
        return (wrapped.kind, wrapped.last);
    }

    function setCode(bytes4 c) public returns (bool, bytes4) {
        flagged.code = c;
        return (flagged.on, flagged.code);
    }

    function switchPointer(bool first, uint64 s) public {
        Item storage it = first ? items[1] : items[2];
        it.stock = s;
    }

    function clearStock(uint256 id) public {
        delete items[id].stock;
    }

    function fromMemory(uint256 id) public {
        Item memory m = Item(3, 4, true, address(0xbeef), keccak256("tag"));
        items[id] = m;
        m.price = 99; // the storage copy is independent of the memory struct
    }

    function tagOf(uint256 id) public view returns (bytes32) {
        return items[id].tag;
    }

    function rebind(uint256 a, uint256 b) public {
        Item storage p = items[a];
        p = items[b];
        p.price = 7;
    }

    function touch(uint256 id) public {
        _touch(items[id]);
    }

    function _touch(Item storage it) internal {
        it.stock = 1000;
    }
}
// ----
// create(uint256,uint128,uint64): 1, 500, 10 ->
// items(uint256): 1 -> 500, 10, true, 0x000000000000000000000000000000000000ca11, 0x0000000000000000000000000000000000000000000000000000000000000000
// count() -> 1
// restock(uint256,uint64): 1, 5 ->
// items(uint256): 1 -> 500, 15, true, 0x000000000000000000000000000000000000ca11, 0x0000000000000000000000000000000000000000000000000000000000000000
// restock(uint256,uint64): 2, 5 -> REVERT Error("no such item")
// buy(uint256,uint64): 1, 3 -> 1500
// itemFields(uint256): 1 -> 500, 12, true, 0x000000000000000000000000000000000000ca11
// buy(uint256,uint64): 1, 13 -> PANIC 0x11
// create(uint256,uint128,uint64): 2, 340282366920938463463374607431768211455, 5 ->
// buy(uint256,uint64): 2, 2 -> PANIC 0x11
// itemFields(uint256): 2 -> 340282366920938463463374607431768211455, 5, true, 0x000000000000000000000000000000000000ca11
// deactivate(uint256): 1 ->
// items(uint256): 1 -> 500, 12, false, 0x000000000000000000000000000000000000ca11, 0x0000000000000000000000000000000000000000000000000000000000000000
// restock(uint256,uint64): 1, 1 -> REVERT Error("no such item")
// copyToFeatured(uint256): 2 ->
// featured() -> 340282366920938463463374607431768211455, 5, true, 0x000000000000000000000000000000000000ca11, 0x0000000000000000000000000000000000000000000000000000000000000000
// remove(uint256): 2 ->
// items(uint256): 2 -> 0, 0, false, 0x0000000000000000000000000000000000000000, 0x0000000000000000000000000000000000000000000000000000000000000000
// featured() -> 340282366920938463463374607431768211455, 5, true, 0x000000000000000000000000000000000000ca11, 0x0000000000000000000000000000000000000000000000000000000000000000
// setOrigin(int64,int64): -5, 7 ->
// origin() -> -5, 7
// moveOrigin(int64): -10 ->
// origin() -> -15, 7
// moveOrigin(int64): -9223372036854775808 -> PANIC 0x11
// origin() -> -15, 7
// memoryPoint(int64,int64): 3, 4 -> 6, 7, 13
// memoryPoint(int64,int64): 4611686018427387904, 0 -> PANIC 0x11
// viaInternal(int64): 20 -> 41
// pushItem(uint128): 9 -> 1
// pushItem(uint128): 10 -> 2
// list(uint256): 1 -> 10, 0, true, 0x0000000000000000000000000000000000000000, 0x0000000000000000000000000000000000000000000000000000000000000000
// list(uint256): 2 -> REVERT
// setWrapped(uint8,int64,int64,uint8): 1, -2, 3, 4 ->
// wrappedWhere() -> -2, 3
// wrappedEnds() -> 1, 4
// touch(uint256): 1 ->
// itemFields(uint256): 1 -> 500, 1000, false, 0x000000000000000000000000000000000000ca11
// switchPointer(bool,uint64): true, 7 ->
// switchPointer(bool,uint64): false, 8 ->
// itemFields(uint256): 1 -> 500, 7, false, 0x000000000000000000000000000000000000ca11
// itemFields(uint256): 2 -> 0, 8, false, 0x0000000000000000000000000000000000000000
// count() -> 2
// setCode(bytes4): 0xaabbccdd -> false, 0xaabbccdd
// clearStock(uint256): 1 ->
// itemFields(uint256): 1 -> 500, 0, false, 0x000000000000000000000000000000000000ca11
// fromMemory(uint256): 3 ->
// itemFields(uint256): 3 -> 3, 4, true, 0x000000000000000000000000000000000000beef
// tagOf(uint256): 3 -> 0x97721080eade4b057eae589a1435045aca04c882598f794915100d4634a2c909
// rebind(uint256,uint256): 3, 4 ->
// itemFields(uint256): 3 -> 3, 4, true, 0x000000000000000000000000000000000000beef
// itemFields(uint256): 4 -> 7, 0, false, 0x0000000000000000000000000000000000000000
