// SPDX-License-Identifier: MIT
pragma solidity ^0.8.0;

// Structs (with dynamic members) and nested or fixed-size arrays as parameters and returns of public
// functions, and copied to and from storage.
contract AbiStructs {
    struct Point {
        uint256 x;
        int64 y;
    }
    struct Named {
        string name;
        uint256[] values;
        Point at;
    }

    Named stored;
    uint256[][] grid;

    function echoPoint(Point memory p) public pure returns (Point memory) { return p; }
    function sumNamed(Named memory n) public pure returns (uint256 s, uint256 len) {
        for (uint256 i = 0; i < n.values.length; i++) s += n.values[i];
        s += n.at.x;
        len = bytes(n.name).length;
    }
    function store(Named memory n) public { stored = n; }
    function load() public view returns (Named memory) { return stored; }
    function storedValue(uint256 i) public view returns (uint256) { return stored.values[i]; }
    function points(Point[] memory ps) public pure returns (Point[] memory out, int256 ysum) {
        out = new Point[](ps.length);
        for (uint256 i = 0; i < ps.length; i++) {
            out[ps.length - 1 - i] = ps[i];
            ysum += ps[i].y;
        }
    }
    function nested(uint256[][] memory a) public pure returns (uint256[][] memory b, uint256 total) {
        b = a;
        for (uint256 i = 0; i < a.length; i++)
            for (uint256 j = 0; j < a[i].length; j++) total += a[i][j];
    }
    function setGrid(uint256[][] memory a) public { grid = a; }
    function getGrid() public view returns (uint256[][] memory) { return grid; }
    function gridCell(uint256 i, uint256 j) public view returns (uint256) { return grid[i][j]; }
    function triple(uint256[3] memory a) public pure returns (uint256[3] memory r) {
        for (uint256 i = 0; i < 3; i++) r[i] = a[i] * 3;
    }
    function fixedMemory(uint256 i) public pure returns (uint256) {
        uint256[4] memory f;
        f[1] = 7;
        return f[i];
    }
    function strings(string[2] memory s) public pure returns (string memory, string[] memory d) {
        d = new string[](2);
        d[0] = s[1];
        d[1] = s[0];
        return (s[0], d);
    }
}
// ----
// echoPoint((uint256,int64)): [5,-3] -> [5,-3]
// sumNamed((string,uint256[],(uint256,int64))): ["abc",[1,2,3],[10,-1]] -> 16, 3
// load() -> ["",[],[0,0]]
// store((string,uint256[],(uint256,int64))): ["a name longer than thirty-two bytes here",[4,5],[6,-7]] ->
// load() -> ["a name longer than thirty-two bytes here",[4,5],[6,-7]]
// storedValue(uint256): 1 -> 5
// store((string,uint256[],(uint256,int64))): ["b",[9],[1,2]] ->
// load() -> ["b",[9],[1,2]]
// storedValue(uint256): 1 -> PANIC 0x32
// points((uint256,int64)[]): [[1,-1],[2,-2],[3,10]] -> [[3,10],[2,-2],[1,-1]], 7
// nested(uint256[][]): [[1,2],[],[3]] -> [[1,2],[],[3]], 6
// setGrid(uint256[][]): [[1],[2,3]] ->
// getGrid() -> [[1],[2,3]]
// gridCell(uint256,uint256): 1, 1 -> 3
// setGrid(uint256[][]): [[8]] ->
// getGrid() -> [[8]]
// gridCell(uint256,uint256): 1, 0 -> PANIC 0x32
// triple(uint256[3]): [1,2,3] -> [3,6,9]
// fixedMemory(uint256): 1 -> 7
// fixedMemory(uint256): 4 -> PANIC 0x32
// strings(string[2]): ["x","yz"] -> "x", ["yz","x"]
