// tests/golden/scripts/features/imports/src/lib/A.sol - a contract named A that src/Main.sol imports
// as B ({A as B}); it reaches the shared file by "../../" and the package by its include-path name.
// SPDX-License-Identifier: MIT
pragma solidity ^0.8.0;

import {PLib} from "@pkg/P.sol";
import "../../shared/Shared.sol";

contract A is Shared {
    struct S {
        uint256 v;
    }

    uint256 public a = 3;

    function twice(uint256 x) public pure returns (uint256) {
        return PLib.double(x);
    }

    function shared() public pure virtual override returns (uint256) {
        return super.shared() + 10;
    }
}
