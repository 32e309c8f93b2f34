// tests/golden/diagnostics/names_undeclared_error.sol - revert with an error that is declared nowhere.
pragma solidity ^0.8.20;

contract C {
    function f() public pure {
        revert Unauthorized(1);
    }
}
