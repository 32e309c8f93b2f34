// tests/golden/diagnostics/names_undeclared_modifier.sol - a modifier that is declared nowhere.
pragma solidity ^0.8.20;

contract C {
    uint x;

    function f() public onlyOwner {
        x = 1;
    }
}
