// tests/golden/scripts/features/external_calls_dynamic.sol - external calls with parameters and returns of
// any ABI type (strings, bytes, dynamic, fixed and nested arrays, structs), `try` on them, `new C(args)`
// with a string and a struct, abi.decode of structs and nested fixed arrays, and solc's checks of
// malformed return data (interfaces that misread the Target's return values: dirty values, offsets
// and lengths past the end, lengths that cannot be allocated, too little data, no code).
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
    uint256 public sum;
    uint256 public paid;

    event Made(string label, uint256 sum);

    constructor(string memory l, Named memory n) {
        label = l;
        sum = n.p.x;
        for (uint256 i = 0; i < n.values.length; i++) sum += n.values[i];
        emit Made(l, sum);
    }

    function echo(string calldata s) external pure returns (string memory) {
        return s;
    }

    function shift(Named memory n, int64 by) external pure returns (Named memory) {
        n.p.y += by;
        n.name = string(abi.encodePacked(n.name, "!"));
        return n;
    }

    function grid(uint256[2][3] memory a, bytes[] memory bs) external pure returns (uint256[3][2] memory t, uint256 n) {
        for (uint256 i = 0; i < 3; i++)
            for (uint256 j = 0; j < 2; j++) t[j][i] = a[i][j];
        for (uint256 i = 0; i < bs.length; i++) n += bs[i].length;
    }

    function nested(uint256[][] memory g) external pure returns (uint256[][] memory, string[] memory) {
        string[] memory s = new string[](g.length);
        for (uint256 i = 0; i < g.length; i++) s[i] = g[i].length == 0 ? "empty" : "full";
        return (g, s);
    }

    function pay(string memory why) external payable returns (string memory, uint256) {
        paid += msg.value;
        return (why, paid);
    }

    function fail(string memory why) external pure returns (Named memory) {
        revert(why);
    }

    /// Six raw words of return data, which the interfaces below read as other types.
    function raw(uint256[6] memory w) external pure returns (uint256[6] memory) {
        return w;
    }
}

interface Misread {
    function raw(uint256[6] memory w) external pure returns (string memory);
}

interface MisreadArray {
    function raw(uint256[6] memory w) external pure returns (uint256[] memory, uint256);
}

interface MisreadStruct {
    function raw(uint256[6] memory w) external pure returns (Named memory);
}

interface MisreadSmall {
    function raw(uint256[6] memory w) external pure returns (uint8, bool);
}

interface MisreadFixed {
    function raw(uint256[6] memory w) external pure returns (uint256[7] memory);
}

contract Caller {
    Target public target;

    constructor(Target t) {
        target = t;
    }

    function make(string memory l, Named memory n) external returns (Target) {
        target = new Target(l, n);
        return target;
    }

    function label() external view returns (string memory, uint256) {
        return (target.label(), target.sum());
    }

    function echo(string memory s) external view returns (string memory) {
        return target.echo(s);
    }

    function shift(Named memory n, int64 by) external view returns (Named memory) {
        return target.shift(n, by);
    }

    function grid(uint256[2][3] memory a, bytes[] memory bs) external view returns (uint256[3][2] memory, uint256) {
        return target.grid(a, bs);
    }

    function nested(uint256[][] memory g) external view returns (uint256[][] memory, string[] memory) {
        return target.nested(g);
    }

    function pay(string memory why) external payable returns (string memory, uint256) {
        return target.pay{value: msg.value}(why);
    }

    function tryFail(string memory why, bool failing) external view returns (string memory, uint256) {
        if (failing) {
            try target.fail(why) returns (Named memory n) {
                return (n.name, 1);
            } catch Error(string memory m) {
                return (m, 2);
            }
        }
        try target.echo(why) returns (string memory r) {
            return (r, 3);
        } catch {
            return ("", 4);
        }
    }

    function asString(uint256[6] memory w) external view returns (string memory) {
        return Misread(address(target)).raw(w);
    }

    function asArray(uint256[6] memory w) external view returns (uint256[] memory, uint256) {
        return MisreadArray(address(target)).raw(w);
    }

    function asStruct(uint256[6] memory w) external view returns (Named memory) {
        return MisreadStruct(address(target)).raw(w);
    }

    function asSmall(uint256[6] memory w) external view returns (uint8, bool) {
        return MisreadSmall(address(target)).raw(w);
    }

    function asFixed(uint256[6] memory w) external view returns (uint256[7] memory) {
        return MisreadFixed(address(target)).raw(w);
    }

    function noCode() external view returns (string memory) {
        uint256[6] memory w;
        return Misread(address(0x1234)).raw(w);
    }

    function decode(bytes memory data) external pure returns (Named memory, uint256[2][2] memory) {
        return abi.decode(data, (Named, uint256[2][2]));
    }
}
