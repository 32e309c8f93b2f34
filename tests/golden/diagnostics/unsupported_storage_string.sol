// tests/golden/diagnostics/unsupported_storage_string.sol - string state variables are outside the subset.
pragma solidity ^0.8.20;

contract C {
    string name;
    uint x;
}
