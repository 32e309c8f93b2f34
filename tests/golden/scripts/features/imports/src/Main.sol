// tests/golden/scripts/features/imports/src/Main.sol - the main file of imports.json (compiled with
// base path "imports" and include path "imports/deps", so its source unit name is "src/Main.sol"):
// an aliased import {A as B} from "./lib/A.sol", a "../" import, and an include-path import
// "@pkg/P.sol" of a library under another name.
// SPDX-License-Identifier: MIT
pragma solidity ^0.8.0;

import {A as B} from "./lib/A.sol";
import "../shared/Shared.sol";
import {PLib as PL} from "@pkg/P.sol";

contract Main is B {
    using PL for uint256;

    function viaAlias() public pure returns (uint256) {
        return twice(5);
    }

    function shared() public pure override returns (uint256) {
        return super.shared() + 1000;
    }

    function base() public pure returns (uint256, uint256) {
        return (PL.BASE.inc(), PL.BASE + PL.double(1));
    }

    function created() public returns (uint256, uint256) {
        B x = new B();
        return (x.a(), x.shared());
    }

    function structOf() public pure returns (uint256) {
        B.S memory s = B.S(9);
        return s.v + 1;
    }

    function sharedBase() public returns (uint256) {
        return new Shared().shared();
    }
}
