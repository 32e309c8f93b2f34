// tests/golden/contracts/events.sol - events: indexed and non-indexed parameters of value types (address,
// uint8/16/256, int8/int256 sign-extended in topics, bool, bytes4, bytes32), indexed string and
// bytes (the topic is the hash of the content, short and long), string and bytes data, an anonymous event, an event
// without parameters, a file-level event, several logs from a loop, a log from the constructor,
// and the logs of a reverted call being dropped.
// SPDX-License-Identifier: MIT
pragma solidity ^0.8.0;

event Global(uint256 x);

contract Events {
    event Deployed(address indexed by);
    event Transfer(address indexed from, address indexed to, uint256 value);
    event Note(uint256 indexed id, string text) anonymous;
    event Named(string indexed name, bytes data, bool flag);
    event Signed(int8 indexed a, int256 b, bytes4 indexed sel);
    event Empty();
    event Many(uint8 indexed a, uint16 indexed b, bool indexed c, address d);
    event AllData(uint256 a, string s, uint256 b);
    event Blob(bytes indexed data, bytes32 indexed digest);
    event Small(int8 a, uint8 b, int16 indexed c);

    constructor() {
        emit Deployed(msg.sender);
    }

    function transfer(address to, uint256 v) public {
        emit Transfer(msg.sender, to, v);
    }

    function note(uint256 id, string memory t) public {
        emit Note(id, t);
    }

    function named(string memory n, bytes memory d) public {
        emit Named(n, d, true);
    }

    function signed(int8 a, int256 b) public {
        emit Signed(a, b, bytes4(0xdeadbeef));
    }

    function empty() public {
        emit Empty();
    }

    function many() public {
        emit Many(255, 65535, true, address(this));
    }

    function allData(string memory s) public {
        emit AllData(1, s, 2);
    }

    function several(uint256 n) public {
        for (uint256 i = 0; i < n; i++) emit Transfer(address(0), msg.sender, i);
    }

    function blob(bytes memory d) public {
        emit Blob(d, keccak256(d));
    }

    function small(int8 a) public {
        emit Small(a, uint8(a), a);
    }

    function emitThenRevert() public {
        emit Empty();
        revert("undone");
    }

    function global() public {
        emit Global(7);
        emit Empty();
    }
}
// ----
// constructor() ->
// ~ emit Deployed(address): #0x000000000000000000000000000000000000ca11
// transfer(address,uint256): 0x000000000000000000000000000000000000beef, 5 ->
// ~ emit Transfer(address,address,uint256): #0x000000000000000000000000000000000000ca11, #0x000000000000000000000000000000000000beef, 5
// note(uint256,string): 1, "hi" ->
// ~ anonymous emit Note(uint256,string): #1, "hi"
// named(string,bytes): "alice", 0x0102 ->
// ~ emit Named(string,bytes,bool): #"alice", 0x0102, true
// named(string,bytes): "a string that is longer than thirty-two bytes", 0x ->
// ~ emit Named(string,bytes,bool): #"a string that is longer than thirty-two bytes", 0x, true
// signed(int8,int256): -1, -2 ->
// ~ emit Signed(int8,int256,bytes4): #-1, -2, #0xdeadbeef
// signed(int8,int256): 127, 3 ->
// ~ emit Signed(int8,int256,bytes4): #127, 3, #0xdeadbeef
// empty() ->
// ~ emit Empty()
// many() ->
// ~ emit Many(uint8,uint16,bool,address): #255, #65535, #true, 0x6fb1a2dee3e106113f85d408d80b69afe447b26e
// allData(string): "xyz" ->
// ~ emit AllData(uint256,string,uint256): 1, "xyz", 2
// several(uint256): 3 ->
// ~ emit Transfer(address,address,uint256): #0x0000000000000000000000000000000000000000, #0x000000000000000000000000000000000000ca11, 0
// ~ emit Transfer(address,address,uint256): #0x0000000000000000000000000000000000000000, #0x000000000000000000000000000000000000ca11, 1
// ~ emit Transfer(address,address,uint256): #0x0000000000000000000000000000000000000000, #0x000000000000000000000000000000000000ca11, 2
// several(uint256): 0 ->
// blob(bytes): 0x0102 ->
// ~ emit Blob(bytes,bytes32): #0x0102, #0x22ae6da6b482f9b1b19b0b897c3fd43884180a1c5ee361e1107a1bc635649dda
// small(int8): -1 ->
// ~ emit Small(int8,uint8,int16): -1, 255, #-1
// emitThenRevert() -> REVERT Error("undone")
// global() ->
// ~ emit Global(uint256): 7
// ~ emit Empty()
