// tests/golden/contracts/constructor_not_payable.sol - value sent to a contract whose constructor is not
// payable makes the deployment revert (with no data).
// SPDX-License-Identifier: MIT
pragma solidity ^0.8.0;

contract NotPayable {
    uint256 public x;

    constructor(uint256 a) {
        x = a;
    }
}
// ----
// constructor(uint256): {value: 1}, 5 -> REVERT
