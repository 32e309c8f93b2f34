// tests/golden/diagnostics/syntax_top_level_statement.sol - a variable outside any contract.
pragma solidity ^0.8.20;

uint x = 1;

contract C {}
