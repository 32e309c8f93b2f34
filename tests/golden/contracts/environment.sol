// tests/golden/contracts/environment.sol - the transaction and block context as the corpus harness sets
// it (sender and origin 0x…ca11, block number 1, timestamp 1000, chain id 1, gas limit 30000000,
// coinbase, gas price and base fee zero): msg.sender, tx.origin, address(this), msg.sender inside
// an external call to `this`, balances, blockhash of the current and a future block, gasleft().
// SPDX-License-Identifier: MIT
pragma solidity ^0.8.0;

contract Environment {
    function sender() public view returns (address) {
        return msg.sender;
    }

    function origin() public view returns (address) {
        return tx.origin;
    }

    function self() public view returns (address) {
        return address(this);
    }

    function senderOfSelfCall() public view returns (address, address) {
        return (this.sender(), this.origin());
    }

    function senderIsOrigin() public view returns (bool) {
        return msg.sender == tx.origin;
    }

    function blockInfo() public view returns (uint256, uint256, uint256, uint256) {
        return (block.number, block.timestamp, block.chainid, block.gaslimit);
    }

    function fees() public view returns (address, uint256, uint256) {
        return (block.coinbase, block.basefee, tx.gasprice);
    }

    function balances(address other) public view returns (uint256, uint256) {
        return (address(this).balance, other.balance);
    }

    function hashes() public view returns (bytes32, bytes32) {
        return (blockhash(block.number), blockhash(block.number + 1));
    }

    function hasGas() public view returns (bool) {
        return gasleft() > 21000 && gasleft() < 30000000;
    }

    function timestampLater(uint256 t) public view returns (bool) {
        return block.timestamp > t;
    }
}
// ----
// sender() -> 0x000000000000000000000000000000000000ca11
// origin() -> 0x000000000000000000000000000000000000ca11
// self() -> 0x6fb1a2dee3e106113f85d408d80b69afe447b26e
// senderOfSelfCall() -> 0x6fb1a2dee3e106113f85d408d80b69afe447b26e, 0x000000000000000000000000000000000000ca11
// senderIsOrigin() -> true
// blockInfo() -> 1, 1000, 1, 30000000
// fees() -> 0x0000000000000000000000000000000000000000, 0, 0
// balances(address): 0x000000000000000000000000000000000000ca11 -> 0, 1000000000000000000000000
// balances(address): 0x0000000000000000000000000000000000000000 -> 0, 0
// hashes() -> 0x0000000000000000000000000000000000000000000000000000000000000000, 0x0000000000000000000000000000000000000000000000000000000000000000
// hasGas() -> true
// timestampLater(uint256): 999 -> true
// timestampLater(uint256): 1000 -> false
