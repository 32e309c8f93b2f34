// tests/golden/scripts/features/imports/shared/Shared.sol - reached by "../shared/Shared.sol" from
// src/Main.sol and by "../../shared/Shared.sol" from src/lib/A.sol; imports the include-path package
// itself.
// SPDX-License-Identifier: MIT
pragma solidity ^0.8.0;

import "@pkg/P.sol";

contract Shared {
    function shared() public pure virtual returns (uint256) {
        return PLib.BASE + 1;
    }
}
