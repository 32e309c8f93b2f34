// tests/golden/diagnostics/interfaces_libraries_errors.sol - interface functions with a body or not
// external, a public library function (it would need linking), a library state variable, an enum
// member that does not exist and an enum conversion out of range, and an ambiguous overload.
pragma solidity ^0.8.20;

interface I {
    function f() external { }
    function g() public;
}

library L {
    uint256 counter;
    function pub(uint256 a) public pure returns (uint256) { return a; }
}

contract C {
    enum Color { Red, Green }

    function h(uint8 a) internal pure returns (uint256) { return a; }
    function h(uint16 a) internal pure returns (uint256) { return a; }

    function test() public pure returns (uint256) {
        Color c = Color.Blue;
        Color d = Color(2);
        return h(1);
    }
}
