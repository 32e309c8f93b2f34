// tests/golden/contracts/mappings.sol - mappings with keys of several types (address, uint256, int8,
// bytes32, bytes4, bool, uint8), nested two and three deep, their public getters (one parameter
// per key), a storage pointer to an inner mapping, compound assignment and delete on entries,
// checked arithmetic on mapping values reverting the whole call (and its event), and ERC-20 style
// Transfer and Approval events.
// SPDX-License-Identifier: MIT
pragma solidity ^0.8.0;

contract Mappings {
    mapping(address => uint256) public balances;
    mapping(address => mapping(address => uint256)) public allowance;
    mapping(uint256 => mapping(uint256 => mapping(uint256 => bool))) public cube;
    mapping(int8 => int8) public negKeys;
    mapping(bytes32 => address) public names;
    mapping(bool => uint256) public byBool;
    mapping(uint8 => uint8) small;
    mapping(bytes4 => uint256) public bySelector;

    event Transfer(address indexed from, address indexed to, uint256 value);
    event Approval(address indexed owner, address indexed spender, uint256 value);

    function mint(address to, uint256 amount) public {
        balances[to] += amount;
    }

    function transfer(address to, uint256 amount) public {
        balances[to] += amount;
        balances[msg.sender] -= amount;
        emit Transfer(msg.sender, to, amount);
    }

    function approve(address spender, uint256 amount) public {
        allowance[msg.sender][spender] = amount;
        emit Approval(msg.sender, spender, amount);
    }

    function spend(address owner, uint256 amount) public {
        allowance[owner][msg.sender] -= amount;
    }

    function approveSelf(uint256 amount) public {
        mapping(address => uint256) storage mine = allowance[msg.sender];
        mine[msg.sender] = amount;
    }

    function setCube(uint256 x, uint256 y, uint256 z) public {
        cube[x][y][z] = true;
    }

    function setNeg(int8 k, int8 v) public {
        negKeys[k] = v;
    }

    function setName(bytes32 n, address a) public {
        names[n] = a;
    }

    function setBool(bool k, uint256 v) public {
        byBool[k] = v;
    }

    function setSmall(uint8 k, uint8 v) public {
        small[k] = v;
    }

    function smallPair(uint8 a, uint8 b) public view returns (uint8, uint8) {
        return (small[a], small[b]);
    }

    function setSelector(bytes4 s, uint256 v) public {
        bySelector[s] = v;
    }

    function clear(address a) public {
        delete balances[a];
    }
}
// ----
// balances(address): 0x000000000000000000000000000000000000ca11 -> 0
// mint(address,uint256): 0x000000000000000000000000000000000000ca11, 100 ->
// transfer(address,uint256): 0x000000000000000000000000000000000000beef, 30 ->
// ~ emit Transfer(address,address,uint256): #0x000000000000000000000000000000000000ca11, #0x000000000000000000000000000000000000beef, 30
// balances(address): 0x000000000000000000000000000000000000ca11 -> 70
// balances(address): 0x000000000000000000000000000000000000beef -> 30
// transfer(address,uint256): 0x000000000000000000000000000000000000beef, 71 -> PANIC 0x11
// balances(address): 0x000000000000000000000000000000000000ca11 -> 70
// balances(address): 0x000000000000000000000000000000000000beef -> 30
// approve(address,uint256): 0x000000000000000000000000000000000000beef, 50 ->
// ~ emit Approval(address,address,uint256): #0x000000000000000000000000000000000000ca11, #0x000000000000000000000000000000000000beef, 50
// allowance(address,address): 0x000000000000000000000000000000000000ca11, 0x000000000000000000000000000000000000beef -> 50
// allowance(address,address): 0x000000000000000000000000000000000000beef, 0x000000000000000000000000000000000000ca11 -> 0
// spend(address,uint256): 0x000000000000000000000000000000000000ca11, 1 -> PANIC 0x11
// approveSelf(uint256): 9 ->
// allowance(address,address): 0x000000000000000000000000000000000000ca11, 0x000000000000000000000000000000000000ca11 -> 9
// spend(address,uint256): 0x000000000000000000000000000000000000ca11, 4 ->
// allowance(address,address): 0x000000000000000000000000000000000000ca11, 0x000000000000000000000000000000000000ca11 -> 5
// allowance(address,address): 0x000000000000000000000000000000000000ca11, 0x000000000000000000000000000000000000beef -> 50
// setCube(uint256,uint256,uint256): 1, 2, 3 ->
// cube(uint256,uint256,uint256): 1, 2, 3 -> true
// cube(uint256,uint256,uint256): 3, 2, 1 -> false
// cube(uint256,uint256,uint256): 1, 2, 4 -> false
// setNeg(int8,int8): -1, -100 ->
// setNeg(int8,int8): 1, 100 ->
// negKeys(int8): -1 -> -100
// negKeys(int8): 1 -> 100
// negKeys(int8): -128 -> 0
// setName(bytes32,address): 0x5ad80d04e3bc4a4cdd4c1c1767b8aff77d70a087842d06f59d4264517c4b14c8, 0x000000000000000000000000000000000000beef ->
// names(bytes32): 0x5ad80d04e3bc4a4cdd4c1c1767b8aff77d70a087842d06f59d4264517c4b14c8 -> 0x000000000000000000000000000000000000beef
// names(bytes32): 0x0000000000000000000000000000000000000000000000000000000000000000 -> 0x0000000000000000000000000000000000000000
// setBool(bool,uint256): true, 1 ->
// setBool(bool,uint256): false, 2 ->
// byBool(bool): true -> 1
// byBool(bool): false -> 2
// setSmall(uint8,uint8): 1, 200 ->
// setSmall(uint8,uint8): 2, 7 ->
// smallPair(uint8,uint8): 1, 2 -> 200, 7
// smallPair(uint8,uint8): 2, 3 -> 7, 0
// setSelector(bytes4,uint256): 0x12345678, 5 ->
// bySelector(bytes4): 0x12345678 -> 5
// bySelector(bytes4): 0x12345600 -> 0
// clear(address): 0x000000000000000000000000000000000000beef ->
// balances(address): 0x000000000000000000000000000000000000beef -> 0
// balances(address): 0x000000000000000000000000000000000000ca11 -> 70
