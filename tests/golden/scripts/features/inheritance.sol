// tests/golden/scripts/features/inheritance.sol - a copy of tests/golden/contracts/inheritance.sol run by
// inheritance.json against solc 0.8.26 (expectations generated). The contract: inheritance: C3 linearization (Child is Left, Right gives
// Child, Right, Left, Base, INamed), the storage layout of the linearization (bases first), base
// constructor arguments in both forms (in the base list and on a constructor), constructor bodies most
// basic first after every initialiser, virtual calls reaching the most derived override, super chains
// through the linearization, modifiers, events and errors inherited from an abstract base and an
// interface, an interface function implemented, and overloading by argument count and type.
// SPDX-License-Identifier: MIT
pragma solidity ^0.8.0;

interface INamed {
    event Named(uint256 indexed id);
    error Unnamed(uint256 code);

    function label() external view returns (uint256);
}

abstract contract Base is INamed {
    uint256 public a;
    uint256[] internal log;

    constructor(uint256 a_) {
        a = a_;
        log.push(1);
    }

    modifier positive(uint256 x) {
        if (x == 0) revert Unnamed(x);
        _;
    }

    function who() public pure virtual returns (uint256) {
        return 1;
    }

    function chain() public virtual returns (uint256) {
        log.push(10);
        return 1;
    }

    function label() external view virtual override returns (uint256) {
        return a;
    }

    function callsWho() public pure returns (uint256) {
        return who();
    }
}

contract Left is Base {
    uint256 public l;

    constructor(uint256 l_) Base(l_ + 1) {
        l = l_;
        log.push(2);
    }

    function who() public pure virtual override returns (uint256) {
        return 2;
    }

    function chain() public virtual override returns (uint256) {
        log.push(20);
        return super.chain() * 10 + 2;
    }
}

abstract contract Right is Base {
    uint256 public r = 7;

    constructor() {
        log.push(3);
    }

    function who() public pure virtual override returns (uint256) {
        return 3;
    }

    function chain() public virtual override returns (uint256) {
        log.push(30);
        return super.chain() * 10 + 3;
    }
}

contract Child is Left(5), Right {
    constructor() {
        log.push(4);
        emit Named(a);
    }

    function who() public pure override(Left, Right) returns (uint256) {
        return 4;
    }

    function chain() public override(Left, Right) returns (uint256) {
        log.push(40);
        return super.chain() * 10 + 4;
    }

    function logAt(uint256 i) public view returns (uint256) {
        return log[i];
    }

    function logLength() public view returns (uint256) {
        return log.length;
    }

    function add(uint256 x) public pure returns (uint256) {
        return x + 1;
    }

    function add(uint256 x, uint256 y) public pure returns (uint256) {
        return x + y;
    }

    function twice(uint8 x) internal pure returns (uint256) {
        return 2 * uint256(x);
    }

    function twice(bool b) internal pure returns (uint256) {
        return b ? 22 : 20;
    }

    function overloads() public pure returns (uint256, uint256) {
        return (twice(uint8(7)), twice(true));
    }

    function iid() public pure returns (bytes4) {
        return type(INamed).interfaceId;
    }

    function checked(uint256 x) public positive(x) returns (uint256) {
        emit Named(x);
        return x;
    }
}
