// tests/golden/diagnostics/lvalue_constant.sol - assigning to a constant.
pragma solidity ^0.8.20;

contract C {
    uint constant LIMIT = 10;

    function f() public {
        LIMIT = 5;
    }
}
