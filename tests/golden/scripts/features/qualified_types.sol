// tests/golden/scripts/features/qualified_types.sol - structs and enums named through the contract or
// library that defines them (C.S, L.E) in expressions as well as in type names: a struct constructed
// as L.P(...) (positional and named), an enum member L.E.C, a conversion L.E(v) (Panic 0x21 when out
// of range), and a base's struct reached through a derived contract's name (Derived.Inner).
// qualified_types.json runs it against solc 0.8.26.
// SPDX-License-Identifier: MIT
pragma solidity ^0.8.0;

library L {
    struct P {
        uint256 x;
        uint256 y;
    }

    enum E { A, B, C }
}

contract Base {
    struct Inner {
        uint64 a;
        bool b;
    }
}

contract Derived is Base {}

contract Qualified {
    L.E public stored = L.E.B;

    function construct(uint256 x, uint256 y) public pure returns (uint256, uint256) {
        L.P memory p = L.P(x, y);
        L.P memory q = L.P({y: x, x: y});
        return (p.x * 10 + p.y, q.x * 10 + q.y);
    }

    function member() public pure returns (L.E, bool) {
        return (L.E.C, L.E.A < L.E.C);
    }

    function convert(uint256 v) public pure returns (L.E) {
        return L.E(v);
    }

    function inherited(uint64 a) public pure returns (uint64, bool) {
        Derived.Inner memory i = Base.Inner(a, a > 5);
        return (i.a, i.b);
    }

    function store(uint8 v) public returns (L.E) {
        stored = L.E(v);
        return stored;
    }
}
