// tests/golden/contracts/receive_fallback.sol - receive() takes plain transfers (empty calldata, with or
// without value); fallback() takes calldata that matches no function, including calldata shorter
// than a selector; both see msg.value.
// SPDX-License-Identifier: MIT
pragma solidity ^0.8.0;

contract Receiver {
    uint256 public received;
    uint256 public fallbacks;
    uint256 public fallbackValue;

    receive() external payable {
        received += msg.value;
    }

    fallback() external payable {
        fallbacks++;
        fallbackValue += msg.value;
    }
}
// ----
// receive(): {value: 5} ->
// received() -> 5
// receive() ->
// received() -> 5
// fallbacks() -> 0
// fallback(): calldata 0x12345678 ->
// fallbacks() -> 1
// fallback(): {value: 3}, calldata 0xdeadbeef00 ->
// fallbacks() -> 2
// fallbackValue() -> 3
// fallback(): calldata 0x01 ->
// fallbacks() -> 3
// received() -> 5
