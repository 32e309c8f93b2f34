// tests/golden/diagnostics/inheritance_override_nothing.sol - override on a function that overrides nothing; virtual alone is fine.
pragma solidity ^0.8.20;

contract C {
    function f() public virtual {}
    function g() public override {}
}
