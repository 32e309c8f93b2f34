// tests/golden/diagnostics/lvalue_immutable.sol - writing an immutable outside the constructor.
pragma solidity ^0.8.20;

contract C {
    address immutable owner;

    constructor() {
        owner = msg.sender;
    }

    function f() public {
        owner = address(0);
    }
}
