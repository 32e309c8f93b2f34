// tests/golden/diagnostics/syntax_garbage_bytes.sol - bytes that are not text (0xff 0xfe) in a function body.
pragma solidity ^0.8.20;

contract C {
    function f() public pure returns (uint) {
        uint x = 1; ÿþ
        return x;
    }
}
