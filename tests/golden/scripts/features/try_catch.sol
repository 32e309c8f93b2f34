// tests/golden/scripts/features/try_catch.sol - a copy of tests/golden/contracts/try_catch.sol run by
// try_catch.json against solc 0.8.26 (expectations generated). The contract: try/catch on external calls and on `new C(...)`: the success
// block with the returns clause's variables, catch Error(string) for revert("..."), catch Panic(uint) for
// panics, catch (bytes memory) for anything else (custom errors, empty revert data), catch { }; without
// a matching clause the revert data is passed on unchanged; the failed call's state changes are undone
// while the catching contract carries on; a call to an address without code still reverts.
// SPDX-License-Identifier: MIT
pragma solidity ^0.8.0;

error Custom(uint256 x);

contract Callee {
    uint256 public stored;

    function value(uint256 x) external pure returns (uint256) {
        if (x == 1) revert("one");
        if (x == 2) revert Custom(2);
        if (x == 3) return 10 / (x - 3);
        if (x == 4) revert();
        assert(x != 5);
        return x * 10;
    }

    function pair(uint256 x) external pure returns (uint256, bool) {
        require(x < 100, "too big");
        return (x + 1, x % 2 == 0);
    }

    function write(uint256 x) external {
        stored = x;
        if (x == 0) revert("zero");
    }
}

contract Made {
    uint256 public v;

    constructor(uint256 x) {
        require(x != 0, "x is zero");
        v = x;
    }
}

contract Tryer {
    Callee public c;

    event Log(uint256 kind, uint256 value);

    constructor() {
        c = new Callee();
    }

    function all(uint256 x) public view returns (uint256 kind, uint256 v, string memory reason, bytes memory data) {
        try c.value(x) returns (uint256 r) {
            return (0, r, "", "");
        } catch Error(string memory m) {
            return (1, 0, m, "");
        } catch Panic(uint256 code) {
            return (2, code, "", "");
        } catch (bytes memory d) {
            return (3, 0, "", d);
        }
    }

    function onlyError(uint256 x) public view returns (uint256) {
        try c.value(x) returns (uint256 r) {
            return r;
        } catch Error(string memory m) {
            return bytes(m).length;
        }
    }

    function bare(uint256 x) public view returns (uint256 result) {
        try c.value(x) {
            result = 1;
        } catch {
            result = 2;
        }
        result += 10;
    }

    function pairs(uint256 x) public view returns (uint256, bool) {
        try c.pair(x) returns (uint256 a, bool b) {
            return (a, b);
        } catch Panic(uint256) {
            return (1, true);
        } catch {
            return (0, false);
        }
    }

    function writeTry(uint256 x) public returns (uint256) {
        try c.write(x) {
            emit Log(0, x);
        } catch Error(string memory m) {
            emit Log(1, bytes(m).length);
        }
        return c.stored();
    }

    function make(uint256 x) public returns (uint256, uint256) {
        try new Made(x) returns (Made m) {
            return (1, m.v());
        } catch Error(string memory reason) {
            return (2, bytes(reason).length);
        }
    }

    function noCode() public view returns (uint256) {
        try Callee(address(0xbeef)).value(7) returns (uint256 r) {
            return r;
        } catch {
            return 99;
        }
    }
}
