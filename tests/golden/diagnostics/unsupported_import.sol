// tests/golden/diagnostics/unsupported_import.sol - imports are outside the subset.
pragma solidity ^0.8.20;

import "./Other.sol";

contract C {}
