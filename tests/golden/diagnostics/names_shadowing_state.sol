// tests/golden/diagnostics/names_shadowing_state.sol - a local that shadows a state variable (warning only).
pragma solidity ^0.8.20;

contract C {
    uint count;

    function f() public view returns (uint) {
        uint count = 2;
        return count;
    }
}
