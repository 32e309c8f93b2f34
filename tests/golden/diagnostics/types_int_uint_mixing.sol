// tests/golden/diagnostics/types_int_uint_mixing.sol - signed and unsigned integers do not mix.
pragma solidity ^0.8.20;

contract C {
    function f(int a, uint b) public pure returns (int) {
        int c = b;
        return a + int(b) + (a * b);
    }
}
