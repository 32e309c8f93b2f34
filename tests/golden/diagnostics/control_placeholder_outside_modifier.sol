// tests/golden/diagnostics/control_placeholder_outside_modifier.sol - '_' in a function body.
pragma solidity ^0.8.20;

contract C {
    function f() public pure {
        _;
    }
}
