// tests/golden/diagnostics/unsupported_inheritance.sol - 'is' (inheritance) is outside the subset.
pragma solidity ^0.8.20;

contract A {}

contract B is A {
    uint x;
}
