// tests/golden/diagnostics/types_return_type_mismatch.sol - a returned value of a wider type.
pragma solidity ^0.8.20;

contract C {
    function f(uint x) public pure returns (uint8) {
        return x;
    }
}
