// tests/golden/contracts/payable_value.sol - payable constructor and functions (public, external, and
// msg.value read in an internal view function), value sent to non-payable functions, view and
// pure functions and getters (REVERT), address(this).balance, the caller's balance and another
// account's, and a call of a function the contract does not have.
// SPDX-License-Identifier: MIT
pragma solidity ^0.8.0;

contract Payable {
    uint256 public received;

    event Deposit(address indexed from, uint256 amount, uint256 total);

    constructor() payable {
        received = msg.value;
    }

    function deposit() public payable returns (uint256) {
        received += msg.value;
        emit Deposit(msg.sender, msg.value, received);
        return msg.value;
    }

    function depositExternal() external payable returns (uint256) {
        return address(this).balance;
    }

    function plain() public returns (uint256) {
        received += 0;
        return 1;
    }

    function viewBalance() public view returns (uint256) {
        return address(this).balance;
    }

    function pureTwo() public pure returns (uint256) {
        return 2;
    }

    function senderBalance() public view returns (uint256) {
        return msg.sender.balance;
    }

    function balanceOf(address a) public view returns (uint256) {
        return a.balance;
    }

    function valueViaInternal() public payable returns (uint256) {
        return _value();
    }

    function _value() internal view returns (uint256) {
        return msg.value;
    }
}
// ----
// constructor(): {value: 1000} ->
// received() -> 1000
// viewBalance() -> 1000
// deposit(): {value: 5} -> 5
// ~ emit Deposit(address,uint256,uint256): #0x000000000000000000000000000000000000ca11, 5, 1005
// received() -> 1005
// depositExternal(): {value: 10} -> 1015
// deposit() -> 0
// ~ emit Deposit(address,uint256,uint256): #0x000000000000000000000000000000000000ca11, 0, 1005
// plain(): {value: 1} -> REVERT
// plain() -> 1
// viewBalance(): {value: 1} -> REVERT
// pureTwo(): {value: 1} -> REVERT
// received(): {value: 1} -> REVERT
// viewBalance() -> 1015
// senderBalance() -> 999999999999999999998985
// balanceOf(address): 0x000000000000000000000000000000000000ca11 -> 999999999999999999998985
// balanceOf(address): 0x000000000000000000000000000000000000beef -> 0
// balanceOf(address): 0x6fb1a2dee3e106113f85d408d80b69afe447b26e -> 1015
// valueViaInternal(): {value: 7} -> 7
// viewBalance() -> 1022
// missing() -> REVERT
// missing(): {value: 1} -> REVERT
// viewBalance() -> 1022
