// tests/golden/diagnostics/types_abi_decode_bad_types.sol - a fixed-size array type in abi.decode needs a positive literal length.
pragma solidity ^0.8.20;

contract C {
    function f(bytes memory data, uint256 n) public pure returns (uint256) {
        uint256[2] memory a = abi.decode(data, (uint256[2]));
        uint256[] memory b = abi.decode(data, (uint256[0]));
        uint256[] memory c = abi.decode(data, (uint256[n]));
        return a[0] + b.length + c.length;
    }
}
