// tests/golden/diagnostics/names_event_without_emit.sol - an event called like a function.
pragma solidity ^0.8.20;

contract C {
    event Ping(uint n);

    function f() public {
        Ping(1);
    }
}
