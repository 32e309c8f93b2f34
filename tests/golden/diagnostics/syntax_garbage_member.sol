// tests/golden/diagnostics/syntax_garbage_member.sol - stray characters between contract members.
pragma solidity ^0.8.20;

contract C {
    uint x;
    @@@ ###
    uint y;
}
