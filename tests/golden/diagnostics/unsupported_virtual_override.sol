// tests/golden/diagnostics/unsupported_virtual_override.sol - 'virtual' and 'override' (inheritance) are outside the subset.
pragma solidity ^0.8.20;

contract C {
    function f() public virtual {}
    function g() public override {}
}
