// tests/golden/diagnostics/mutability_view_writes_state.sol - a view function that assigns a state variable.
pragma solidity ^0.8.20;

contract C {
    uint x;

    function set(uint v) public view {
        x = v;
    }
}
