// tests/golden/diagnostics/unsupported_fixed_keyword.sol - the plain 'fixed' type is outside the subset too.
pragma solidity ^0.8.20;

contract C {
    fixed price;
}
