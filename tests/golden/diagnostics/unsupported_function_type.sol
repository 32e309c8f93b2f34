// tests/golden/diagnostics/unsupported_function_type.sol - function types are outside the subset.
pragma solidity ^0.8.20;

contract C {
    function twice(uint x) internal pure returns (uint) {
        function (uint) internal pure returns (uint) g = twice;
        return g(x);
    }
}
