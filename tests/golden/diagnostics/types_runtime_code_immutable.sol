// tests/golden/diagnostics/types_runtime_code_immutable.sol - type(C).runtimeCode of a contract with immutables.
pragma solidity ^0.8.20;

contract Fixed {
    uint256 public immutable x = 5;
}

contract C {
    function f() public pure returns (uint256) {
        return type(Fixed).runtimeCode.length + type(Fixed).creationCode.length;
    }
}
