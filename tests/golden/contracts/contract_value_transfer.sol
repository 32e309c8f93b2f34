// tests/golden/contracts/contract_value_transfer.sol - value moving between contracts: `new C{value: v}()`
// into a payable constructor, an external call with {value: v} to a payable function, balances
// of both contracts afterwards, and a creation or call with more value than the sender holds
// reverting the whole transaction. The deployed contract, Bank, is not the last of the file.
// SPDX-License-Identifier: MIT
pragma solidity ^0.8.0;

// contract: Bank

contract Bank {
    Vault public vault;

    constructor() payable {}

    function create(uint256 v) public returns (address) {
        vault = new Vault{value: v}();
        return address(vault);
    }

    function fund(uint256 v) public returns (uint256) {
        return vault.deposit{value: v}();
    }

    function balances() public view returns (uint256, uint256) {
        return (address(this).balance, address(vault).balance);
    }

    function vaultState() public view returns (uint256, uint256) {
        return (vault.initial(), vault.deposits());
    }
}

contract Vault {
    uint256 public deposits;
    uint256 public initial;

    constructor() payable {
        initial = msg.value;
    }

    function deposit() external payable returns (uint256) {
        deposits += msg.value;
        return address(this).balance;
    }
}
// ----
// constructor(): {value: 1000} ->
// balances() -> 1000, 0
// create(uint256): 100 -> 0xab3e366f3fee30cb56525e1b6259cf9b7c54b960
// balances() -> 900, 100
// fund(uint256): 50 -> 150
// balances() -> 850, 150
// vaultState() -> 100, 50
// fund(uint256): 1000 -> REVERT
// create(uint256): 2000 -> REVERT
// balances() -> 850, 150
// vault() -> 0xab3e366f3fee30cb56525e1b6259cf9b7c54b960
