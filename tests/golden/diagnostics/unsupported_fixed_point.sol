// tests/golden/diagnostics/unsupported_fixed_point.sol - fixed-point types are outside the subset.
pragma solidity ^0.8.20;

contract C {
    fixed128x18 a;
    ufixed64x10 b;
}
