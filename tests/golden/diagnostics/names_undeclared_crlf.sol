// tests/golden/diagnostics/names_undeclared_crlf.sol - CRLF line ends: no '\r' in the echoed line.
pragma solidity ^0.8.20;

contract C {
    function f() public pure returns (uint) {
        return other;
    }
}
