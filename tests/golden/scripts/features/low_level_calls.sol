// tests/golden/scripts/features/low_level_calls.sol - a copy of tests/golden/contracts/low_level_calls.sol run by
// low_level_calls.json against solc 0.8.26 (expectations generated). The contract: address.call, staticcall and delegatecall with their
// (bool success, bytes memory data) results: a callee's return data and its revert data as data, no
// code check (a call to an address without code succeeds), a state change under staticcall failing, a
// delegatecall writing the caller's storage, the {value: v} and {gas: g} options; and
// payable(a).transfer(v) (bubbling the callee's revert data) and payable(a).send(v) (false on failure),
// both with the 2300 gas stipend.
// SPDX-License-Identifier: MIT
pragma solidity ^0.8.0;

contract Target {
    uint256 public pad;
    uint256 public value;

    function set(uint256 v) external returns (uint256) {
        value = v;
        return v * 2;
    }

    function get() external view returns (uint256) {
        return value;
    }

    function fail() external pure {
        revert("nope");
    }

    function deposit() external payable returns (uint256) {
        return msg.value;
    }

    receive() external payable {}
}

contract Rejector {
    receive() external payable {
        revert("no");
    }
}

contract Caller {
    Target public t;
    uint256 public value;
    Rejector public r;

    constructor() {
        t = new Target();
        r = new Rejector();
    }

    function fund() public payable {}

    function callSet(uint256 v) public returns (bool, uint256) {
        (bool ok, bytes memory ret) = address(t).call(abi.encodeWithSignature("set(uint256)", v));
        return (ok, abi.decode(ret, (uint256)));
    }

    function targetValue() public view returns (uint256) {
        return t.value();
    }

    function callFail() public returns (bool, bytes memory) {
        return address(t).call(abi.encodeWithSignature("fail()"));
    }

    function callMissing() public returns (bool, bytes memory) {
        return address(t).call(hex"01020304");
    }

    function callNoCode() public returns (bool, uint256) {
        (bool ok, bytes memory ret) = address(0xbeef).call("");
        return (ok, ret.length);
    }

    function staticGet() public view returns (bool, bytes memory) {
        return address(t).staticcall(abi.encodeWithSignature("get()"));
    }

    function staticSet() public view returns (bool, uint256) {
        (bool ok, bytes memory ret) = address(t).staticcall(abi.encodeWithSignature("set(uint256)", 1));
        return (ok, ret.length);
    }

    function delegateSet(uint256 v) public returns (bool, bytes memory) {
        return address(t).delegatecall(abi.encodeWithSignature("set(uint256)", v));
    }

    function callValue(uint256 v) public returns (bool, uint256, uint256) {
        (bool ok, bytes memory ret) = address(t).call{value: v}(abi.encodeWithSignature("deposit()"));
        return (ok, abi.decode(ret, (uint256)), address(t).balance);
    }

    function callGas(uint256 g) public returns (bool) {
        (bool ok, ) = address(t).call{gas: g}(abi.encodeWithSignature("set(uint256)", 77));
        return ok;
    }

    function transferTo(uint256 v) public returns (uint256) {
        payable(address(t)).transfer(v);
        return address(t).balance;
    }

    function transferReject() public {
        payable(address(r)).transfer(1);
    }

    function sendReject() public returns (bool) {
        return payable(address(r)).send(1);
    }

    function sendTo(address payable a, uint256 v) public returns (bool, uint256) {
        bool ok = a.send(v);
        return (ok, a.balance);
    }

    function selfBalance() public view returns (uint256) {
        return address(this).balance;
    }
}
