// tests/golden/diagnostics/unsupported_try.sol - try/catch is outside the subset.
pragma solidity ^0.8.20;

contract C {
    function g() external pure returns (uint) {
        return 1;
    }
    function f() public view returns (uint) {
        try this.g() returns (uint v) {
            return v;
        } catch {
            return 0;
        }
    }
}
