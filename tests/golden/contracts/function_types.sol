// tests/golden/contracts/function_types.sol - internal function types: locals, parameters, returns,
// state variables and struct members holding internal and library functions, calls through them,
// delete, and Panic(0x51) when an unset (zero) one is called.
// SPDX-License-Identifier: MIT
pragma solidity ^0.8.0;

library Ops {
    function triple(uint256 x) internal pure returns (uint256) {
        return 3 * x;
    }
}

contract Functions {
    struct Rule {
        function (uint256) internal pure returns (uint256) op;
        uint256 bias;
    }

    function (uint256) internal pure returns (uint256) stored;
    Rule rule;

    function double(uint256 x) internal pure returns (uint256) {
        return 2 * x;
    }

    function square(uint256 x) internal pure returns (uint256) {
        return x * x;
    }

    function pick(uint256 which) internal pure returns (function (uint256) internal pure returns (uint256)) {
        if (which == 0) return double;
        if (which == 1) return square;
        return Ops.triple;
    }

    function applyTo(function (uint256) internal pure returns (uint256) f, uint256 x) internal pure returns (uint256) {
        return f(x);
    }

    function viaLocal(uint256 which, uint256 x) public pure returns (uint256) {
        function (uint256) internal pure returns (uint256) f = pick(which);
        return f(x) + applyTo(f, 1);
    }

    function store(uint256 which) public {
        stored = pick(which);
        rule.op = pick(which + 1);
        rule.bias = which;
    }

    function callStored(uint256 x) public view returns (uint256, uint256) {
        return (stored(x), rule.op(x) + rule.bias);
    }

    function clear() public {
        delete stored;
    }

    function unsetLocal() public pure returns (uint256) {
        function (uint256) internal pure returns (uint256) f;
        return f(1);
    }

    function deletedLocal() public pure returns (uint256) {
        function (uint256) internal pure returns (uint256) f = double;
        uint256 a = f(5);
        delete f;
        return a + f(1);
    }
}
// ----
// viaLocal(uint256,uint256): 0, 7 -> 16
// viaLocal(uint256,uint256): 1, 7 -> 50
// viaLocal(uint256,uint256): 2, 7 -> 24
// callStored(uint256): 5 -> PANIC 0x51
// store(uint256): 0 ->
// callStored(uint256): 5 -> 10, 25
// store(uint256): 1 ->
// callStored(uint256): 5 -> 25, 16
// clear() ->
// callStored(uint256): 5 -> PANIC 0x51
// unsetLocal() -> PANIC 0x51
// deletedLocal() -> PANIC 0x51
