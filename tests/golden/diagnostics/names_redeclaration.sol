// tests/golden/diagnostics/names_redeclaration.sol - a local, a state variable and a parameter declared twice.
pragma solidity ^0.8.20;

contract C {
    uint total;
    bool total;

    function f(uint a, uint a) public pure returns (uint) {
        uint b = 1;
        uint b = 2;
        return b;
    }
}
