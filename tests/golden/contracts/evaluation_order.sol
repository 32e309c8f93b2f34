// tests/golden/contracts/evaluation_order.sol - the order in which operands with side effects run, as in
// solc's legacy code generator: the right operand of a binary operator before the left (arithmetic,
// comparisons, shifts, `**`, nested), the assigned value before the target's place (array index,
// mapping key, compound assignment, struct copy), call arguments left to right, `&&` and `||` left
// first; a tuple assignment computes each place just before its store, last to first. Each call of rec(v) appends v to a storage log; `order` reads the log as decimal digits.
// SPDX-License-Identifier: MIT
pragma solidity ^0.8.0;

contract EvaluationOrder {
    uint256[] log;
    uint256[4] public slots;
    mapping(uint256 => uint256) public m;
    struct S {
        uint256 a;
        uint256 b;
    }
    S[3] structs;

    function rec(uint256 v) internal returns (uint256) {
        log.push(v);
        return v;
    }

    function order() internal returns (uint256 r) {
        for (uint256 i = 0; i < log.length; i++) r = r * 10 + log[i];
        while (log.length > 0) log.pop();
    }

    function add3(uint256 a, uint256 b, uint256 c) internal pure returns (uint256) {
        return a * 100 + b * 10 + c;
    }

    function sum() public returns (uint256 value, uint256 calls) {
        value = rec(1) * 10 + rec(2);
        calls = order();
    }

    function less() public returns (bool value, uint256 calls) {
        value = rec(1) < rec(2);
        calls = order();
    }

    function nonCommutative() public returns (uint256 a, uint256 b, uint256 c, uint256 d, uint256 e, uint256 calls) {
        a = rec(5) - rec(3);
        b = rec(8) / rec(2);
        c = rec(7) % rec(4);
        d = rec(1) << rec(3);
        e = rec(2) ** rec(3);
        calls = order();
    }

    function comparisons() public returns (bool a, bool b, bool c, bool d, bool e, uint256 calls) {
        a = rec(1) > rec(2);
        b = rec(3) <= rec(3);
        c = rec(5) >= rec(4);
        d = rec(6) == rec(7);
        e = rec(8) != rec(9);
        calls = order();
    }

    function nested() public returns (uint256 value, uint256 calls) {
        value = (rec(1) + rec(2)) * (rec(4) - rec(3));
        calls = order();
    }

    function withLocal() public returns (uint256 value, uint256 calls) {
        uint256 x = 9;
        value = x - rec(3) + 0 * rec(1);
        calls = order();
    }

    function shortCircuit() public returns (bool value, uint256 calls) {
        value = rec(1) > 0 && rec(2) > 0;
        calls = order();
    }

    function arguments() public returns (uint256 value, uint256 calls) {
        value = add3(rec(1), rec(2), rec(3));
        calls = order();
    }

    function indexAssign() public returns (uint256 value, uint256 calls) {
        slots[rec(1)] = rec(2);
        value = slots[1];
        calls = order();
    }

    function mappingAssign() public returns (uint256 value, uint256 calls) {
        m[rec(3)] = rec(4) + rec(5);
        value = m[3];
        calls = order();
    }

    function compoundAssign() public returns (uint256 value, uint256 calls) {
        slots[2] = 10;
        slots[rec(2)] -= rec(3);
        value = slots[2];
        calls = order();
    }

    function assignValue() public returns (uint256 value, uint256 calls) {
        uint256 x;
        uint256 y = (x = rec(1) + rec(2) * rec(3));
        value = x + y;
        calls = order();
    }

    function structAssign() public returns (uint256 value, uint256 calls) {
        structs[rec(2)] = S(rec(3), rec(4));
        value = structs[2].a * 10 + structs[2].b;
        calls = order();
    }

    function tupleAssign() public returns (uint256 value, uint256 calls) {
        // The right side first, then each place just before its store, from the last to the first
        // (solc's legacy generator computes the places first to last: a documented difference).
        (slots[rec(1)], slots[rec(2)]) = (rec(3), rec(4));
        value = slots[1] * 10 + slots[2];
        calls = order();
    }

    function outOfRangeTarget() public returns (uint256) {
        // The value runs first: its revert wins over the bad index.
        slots[rec(7)] = 1 / (rec(0));
        return 0;
    }
}
// ----
// sum() -> 12, 21
// less() -> true, 21
// nonCommutative() -> 2, 4, 3, 8, 8, 3528473132
// comparisons() -> false, true, true, false, true, 2133457698
// nested() -> 3, 3421
// withLocal() -> 6, 13
// shortCircuit() -> true, 12
// arguments() -> 123, 123
// indexAssign() -> 2, 21
// mappingAssign() -> 9, 543
// compoundAssign() -> 7, 32
// assignValue() -> 14, 321
// structAssign() -> 34, 342
// tupleAssign() -> 34, 3421
// outOfRangeTarget() -> PANIC 0x12
