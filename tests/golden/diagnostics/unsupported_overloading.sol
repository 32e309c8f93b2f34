// tests/golden/diagnostics/unsupported_overloading.sol - two functions with one name (overloading) are outside the subset.
pragma solidity ^0.8.20;

contract C {
    function f(uint a) public pure returns (uint) {
        return a;
    }
    function f(bool b) public pure returns (bool) {
        return b;
    }
}
