// tests/golden/diagnostics/unsupported_library.sol - libraries are outside the subset.
pragma solidity ^0.8.20;

library Math {
    function max(uint a, uint b) internal pure returns (uint) {
        return a > b ? a : b;
    }
}

contract C {}
