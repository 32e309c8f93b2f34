// tests/golden/diagnostics/unsupported_interface.sol - interfaces are outside the subset.
pragma solidity ^0.8.20;

interface IERC20 {
    function totalSupply() external view returns (uint256);
}

contract C {}
