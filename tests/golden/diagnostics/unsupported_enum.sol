// tests/golden/diagnostics/unsupported_enum.sol - enums are outside the subset.
pragma solidity ^0.8.20;

contract C {
    enum Color { Red, Green }
    uint x;
}
