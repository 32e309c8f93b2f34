// tests/golden/diagnostics/unsupported_function_type.sol - external function types are outside the subset (internal ones are in).
pragma solidity ^0.8.20;

contract C {
    function twice(uint x) internal pure returns (uint) {
        function (uint) external pure returns (uint) g;
        function (uint) internal pure returns (uint) h = twice;
        return h(x);
    }
}
