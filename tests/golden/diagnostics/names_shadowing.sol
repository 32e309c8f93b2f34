// tests/golden/diagnostics/names_shadowing.sol - locals in inner blocks that shadow outer ones (warnings only).
pragma solidity ^0.8.20;

contract C {
    function f() public pure returns (uint r) {
        uint v = 1;
        {
            uint v = 2;
            r = v;
            {
                uint v = 3;
                r += v;
            }
        }
        r += v;
    }
}
