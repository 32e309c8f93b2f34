// tests/golden/diagnostics/names_undeclared_event.sol - emit of an event that is declared nowhere.
pragma solidity ^0.8.20;

contract C {
    function f() public {
        emit Transfer(msg.sender, 1);
    }
}
