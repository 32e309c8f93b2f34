// tests/golden/contracts/constants_from_constants.sol - constants whose initial values are expressions
// over other constants (compile-time constant in Solidity), used in code and through getters.
// SPDX-License-Identifier: MIT
pragma solidity ^0.8.0;

contract DerivedConstants {
    uint256 public constant BASE = 100;
    uint256 public constant DERIVED = BASE * 2 + 1;
    uint8 constant SHIFT = 4;
    uint256 public constant MASK = (1 << SHIFT) - 1;
    int16 constant NEG = -300;
    int16 public constant NEG_DOUBLE = NEG * 2;

    function values() public pure returns (uint256, uint256, int16) {
        return (DERIVED, MASK, NEG_DOUBLE);
    }
}
// ----
// BASE() -> 100
// DERIVED() -> 201
// MASK() -> 15
// NEG_DOUBLE() -> -600
// values() -> 201, 15, -600
