// tests/golden/contracts/external_calls_dynamic.sol - external calls with parameters and returns of any ABI
// type: the deployed Caller creates a Target with `new Target(string, uint256[])` and calls it with
// strings, bytes, dynamic, fixed and nested arrays and structs (from memory and from storage), through
// `try` too (on `new` as well); abi.decode of structs and static and nested arrays; abi.encode and
// abi.encodeCall of storage structs and arrays; and solc's checks of the return data
// (declared here through interfaces whose functions share the Target's selectors but not its return
// types): too short, dirty values, offsets and lengths past the end revert with empty data, lengths
// that cannot be allocated panic with 0x41, a call to an account without code reverts.
// SPDX-License-Identifier: MIT
pragma solidity ^0.8.0;

struct Point {
    uint256 x;
    int64 y;
}

struct Named {
    string name;
    uint256[] values;
    Point p;
}

contract Target {
    string public label;
    uint256 public total;

    constructor(string memory l, uint256[] memory xs) {
        label = l;
        for (uint256 i = 0; i < xs.length; i++) total += xs[i];
    }

    function echo(string memory s) external pure returns (string memory) {
        return s;
    }

    function lengths(bytes memory b, uint256[] memory a, string memory s) external pure returns (uint256, uint256, uint256) {
        return (b.length, a.length, bytes(s).length);
    }

    function named(Named memory n) external pure returns (Named memory, uint256) {
        n.p.x += 1;
        return (n, n.values.length);
    }

    function doubled(uint256[3] memory a) external pure returns (uint256[3] memory) {
        for (uint256 i = 0; i < 3; i++) a[i] *= 2;
        return a;
    }

    function transpose(uint256[][] memory g) external pure returns (uint256[][] memory) {
        uint256[][] memory out = new uint256[][](g.length);
        for (uint256 i = 0; i < g.length; i++) out[g.length - 1 - i] = g[i];
        return out;
    }

    function words(string[] memory s, Point[] memory ps) external pure returns (string[] memory, int64) {
        int64 sum = 0;
        for (uint256 i = 0; i < ps.length; i++) sum += ps[i].y;
        return (s, sum);
    }

    function fail(string memory why) external pure returns (string memory) {
        revert(why);
    }

    // Raw return words that the interfaces below read as other types.
    function one() external pure returns (uint256) {
        return 1 << 64;
    }

    function two(uint256 a, uint256 b) external pure returns (uint256, uint256) {
        return (a, b);
    }

    function nothing() external pure {}
}

interface Misread {
    function one() external pure returns (string memory);
    function nothing() external pure returns (uint256);
}

interface MisreadTwo {
    function two(uint256 a, uint256 b) external pure returns (string memory);
}

interface MisreadArray {
    function two(uint256 a, uint256 b) external pure returns (uint256[] memory);
}

interface MisreadSmall {
    function one() external pure returns (uint8);
}

contract Caller {
    Target public target;
    string stored;
    uint256[] storedValues;
    Named storedNamed;

    constructor() {
        uint256[] memory xs = new uint256[](3);
        xs[0] = 4;
        xs[1] = 5;
        xs[2] = 6;
        target = new Target("made by Caller", xs);
        stored = "a stored string longer than thirty-two bytes";
        storedValues.push(7);
        storedValues.push(8);
        storedNamed.name = "stored";
        storedNamed.values.push(3);
        storedNamed.p.x = 9;
        storedNamed.p.y = -9;
    }

    function label() external view returns (string memory, uint256) {
        return (target.label(), target.total());
    }

    function echo(string memory s) external view returns (string memory) {
        return target.echo(s);
    }

    function echoStored() external view returns (string memory, uint256, uint256, uint256) {
        (uint256 b, uint256 a, uint256 s) = target.lengths(bytes(stored), storedValues, stored);
        return (target.echo(stored), b, a, s);
    }

    function lengths(bytes memory b, uint256[] memory a) external view returns (uint256, uint256, uint256) {
        return target.lengths(b, a, "xyz");
    }

    function named(Named memory n) external view returns (Named memory, uint256) {
        return target.named(n);
    }

    function namedStored() external view returns (Named memory, uint256) {
        return target.named(storedNamed);
    }

    function doubled(uint256[3] memory a) external view returns (uint256[3] memory) {
        return target.doubled(a);
    }

    function transpose(uint256[][] memory g) external view returns (uint256[][] memory) {
        return target.transpose(g);
    }

    function words(string[] memory s, Point[] memory ps) external view returns (string[] memory, int64) {
        return target.words(s, ps);
    }

    function tryEcho(string memory s, bool failing) external view returns (string memory, bool) {
        if (failing) {
            try target.fail(s) returns (string memory r) {
                return (r, true);
            } catch Error(string memory m) {
                return (m, false);
            }
        }
        try target.echo(s) returns (string memory r) {
            return (r, true);
        } catch {
            return ("", false);
        }
    }

    function decodeNamed(Named memory n) external pure returns (Named memory, uint256[2] memory, uint256[][] memory) {
        uint256[][] memory g = new uint256[][](2);
        g[1] = n.values;
        bytes memory data = abi.encode(n, n.p.x, n.p.x + 1, g);
        (Named memory m, uint256[2] memory f, uint256[][] memory h) = abi.decode(data, (Named, uint256[2], uint256[][]));
        return (m, f, h);
    }

    function tryMake(string memory l, uint256[] memory xs) external returns (string memory, uint256) {
        try new Target(l, xs) returns (Target t) {
            return (t.label(), t.total());
        } catch {
            return ("failed", 0);
        }
    }

    function selfJoin(string[] memory parts) external view returns (string memory, uint256) {
        (Named memory n, uint256 k) = this.wrap(parts, storedValues);
        return (n.name, k + n.values.length);
    }

    function wrap(string[] memory parts, uint256[] memory values) external pure returns (Named memory, uint256) {
        Named memory n;
        n.name = parts.length == 0 ? "" : parts[parts.length - 1];
        n.values = values;
        n.p.x = 1;
        return (n, parts.length);
    }

    function encodeStored() external view returns (bytes memory, bytes memory) {
        return (abi.encode(storedNamed, storedValues), abi.encodeCall(Target.named, (storedNamed)));
    }

    function badOffset() external view returns (string memory) {
        return Misread(address(target)).one();
    }

    function badLength(uint256 length) external view returns (string memory) {
        return MisreadTwo(address(target)).two(32, length);
    }

    function badArray(uint256 offset, uint256 length) external view returns (uint256[] memory) {
        return MisreadArray(address(target)).two(offset, length);
    }

    function dirty() external view returns (uint8) {
        return MisreadSmall(address(target)).one();
    }

    function short() external view returns (uint256) {
        return Misread(address(target)).nothing();
    }

    function noCode() external view returns (string memory) {
        return Misread(address(0x1234)).one();
    }
}
// ----
// label() -> "made by Caller", 15
// echo(string): "hello" -> "hello"
// echo(string): "" -> ""
// echo(string): "a string of more than thirty-two bytes, to span words" -> "a string of more than thirty-two bytes, to span words"
// echoStored() -> "a stored string longer than thirty-two bytes", 44, 2, 44
// lengths(bytes,uint256[]): 0x0102, [1,2,3,4] -> 2, 4, 3
// named((string,uint256[],(uint256,int64))): ["n",[1,2],[5,-5]] -> ["n",[1,2],[6,-5]], 2
// namedStored() -> ["stored",[3],[10,-9]], 1
// doubled(uint256[3]): [1,2,3] -> [2,4,6]
// transpose(uint256[][]): [[1],[2,3],[]] -> [[],[2,3],[1]]
// words(string[],(uint256,int64)[]): ["a","bc"], [[1,-2],[3,-4]] -> ["a","bc"], -6
// tryEcho(string,bool): "ok", false -> "ok", true
// tryEcho(string,bool): "no", true -> "no", false
// decodeNamed((string,uint256[],(uint256,int64))): ["q",[8,9],[2,-1]] -> ["q",[8,9],[2,-1]], [2,3], [[],[8,9]]
// tryMake(string,uint256[]): "again", [1,2] -> "again", 3
// selfJoin(string[]): ["x","last"] -> "last", 4
// encodeStored() -> 0x00000000000000000000000000000000000000000000000000000000000000400000000000000000000000000000000000000000000000000000000000000140000000000000000000000000000000000000000000000000000000000000008000000000000000000000000000000000000000000000000000000000000000c00000000000000000000000000000000000000000000000000000000000000009fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7000000000000000000000000000000000000000000000000000000000000000673746f726564000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000010000000000000000000000000000000000000000000000000000000000000003000000000000000000000000000000000000000000000000000000000000000200000000000000000000000000000000000000000000000000000000000000070000000000000000000000000000000000000000000000000000000000000008, 0x0e0e9fbd0000000000000000000000000000000000000000000000000000000000000020000000000000000000000000000000000000000000000000000000000000008000000000000000000000000000000000000000000000000000000000000000c00000000000000000000000000000000000000000000000000000000000000009fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7000000000000000000000000000000000000000000000000000000000000000673746f726564000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000010000000000000000000000000000000000000000000000000000000000000003
// badOffset() -> REVERT
// badLength(uint256): 3 -> REVERT
// badLength(uint256): 0 -> ""
// badLength(uint256): 18446744073709551616 -> PANIC 0x41
// badLength(uint256): 18446744073709551615 -> PANIC 0x41
// badArray(uint256,uint256): 32, 0 -> []
// badArray(uint256,uint256): 32, 1 -> REVERT
// badArray(uint256,uint256): 32, 576460752303423488 -> PANIC 0x41
// badArray(uint256,uint256): 33, 0 -> REVERT
// dirty() -> REVERT
// short() -> REVERT
// noCode() -> REVERT
