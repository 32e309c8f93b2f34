// tests/golden/diagnostics/names_undeclared_type.sol - a type name that is declared nowhere.
pragma solidity ^0.8.20;

contract C {
    Token token;
}
