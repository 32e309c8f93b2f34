// tests/golden/diagnostics/names_undeclared_identifier.sol - a name that is declared nowhere.
pragma solidity ^0.8.20;

contract C {
    function f(uint a) public pure returns (uint) {
        return a + count;
    }
}
