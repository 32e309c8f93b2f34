// tests/golden/diagnostics/control_modifier_without_placeholder.sol - a modifier whose body never runs the function.
pragma solidity ^0.8.20;

contract C {
    address owner;

    modifier onlyOwner() {
        require(msg.sender == owner);
    }

    function f() public view onlyOwner {}
}
