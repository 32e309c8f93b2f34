// tests/golden/scripts/features/imports/deps/@pkg/P.sol - a package reached through an include path
// ("@pkg/P.sol", with "deps" in the script's include_paths): a library with a constant, imported by
// three files (under two names) that must all see the one source unit "@pkg/P.sol".
// SPDX-License-Identifier: MIT
pragma solidity ^0.8.0;

library PLib {
    uint256 internal constant BASE = 100;

    function double(uint256 x) internal pure returns (uint256) {
        return x * 2;
    }

    function inc(uint256 x) internal pure returns (uint256) {
        return x + 1;
    }
}
