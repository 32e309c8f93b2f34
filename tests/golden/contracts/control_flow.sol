// tests/golden/contracts/control_flow.sol - statements: if / else if / else (with and without braces),
// for (all three clauses, none, loop variables scoped to their loop), while, do/while (runs at
// least once; continue jumps to the condition), break and continue (also in nested loops, where
// they leave the inner loop only), return from inside loops, nested blocks and shadowing.
// SPDX-License-Identifier: MIT
pragma solidity ^0.8.0;

contract ControlFlow {
    uint256[] data;

    function classify(int256 x) public pure returns (uint8) {
        if (x < 0) {
            return 0;
        } else if (x == 0) {
            return 1;
        } else if (x < 10) {
            return 2;
        } else {
            return 3;
        }
    }

    function noBraces(uint256 x) public pure returns (uint256 r) {
        if (x > 1) r = 1;
        else if (x > 0) r = 2;
        else r = 3;
    }

    function sumTo(uint256 n) public pure returns (uint256 s) {
        for (uint256 i = 1; i <= n; i++) s += i;
    }

    function collatz(uint256 n) public pure returns (uint256 steps) {
        while (n != 1) {
            n = n % 2 == 0 ? n / 2 : 3 * n + 1;
            steps++;
        }
    }

    function doWhile(uint256 n) public pure returns (uint256 iterations) {
        do {
            iterations++;
        } while (iterations < n);
    }

    function oddSumUntil(uint256 n, uint256 limit) public pure returns (uint256 s) {
        for (uint256 i = 0; i < n; i++) {
            if (i % 2 == 0) continue;
            if (s + i > limit) break;
            s += i;
        }
    }

    function findIndex(uint256[] memory xs, uint256 v) public pure returns (int256) {
        for (uint256 i = 0; i < xs.length; i++) {
            if (xs[i] == v) return int256(i);
        }
        return -1;
    }

    function nestedBreak(uint256 n) public pure returns (uint256 count) {
        for (uint256 i = 0; i < n; i++) {
            for (uint256 j = 0; j < n; j++) {
                if (j > i) break;
                count++;
            }
        }
    }

    function nestedContinue(uint256 n) public pure returns (uint256 count) {
        for (uint256 i = 0; i < n; i++) {
            for (uint256 j = 0; j < n; j++) {
                if (j == i) continue;
                count += 10;
            }
            count++;
        }
    }

    function continueInWhile(uint256 n) public pure returns (uint256 s) {
        uint256 i = 0;
        while (i < n) {
            i++;
            if (i % 3 == 0) continue;
            s += i;
        }
    }

    function continueInDoWhile(uint256 n) public pure returns (uint256 s) {
        uint256 i;
        do {
            i++;
            if (i == 2) continue;
            s += i;
        } while (i < n);
    }

    function breakInDoWhile() public pure returns (uint256 i) {
        do {
            i++;
            if (i == 3) break;
        } while (true);
    }

    function forever() public pure returns (uint256 i) {
        for (;;) {
            if (i >= 5) break;
            i++;
        }
    }

    function returnInWhile(uint256 n) public pure returns (uint256) {
        uint256 i = 0;
        while (true) {
            if (i * i >= n) return i;
            i++;
        }
    }

    function scopes() public pure returns (uint256) {
        uint256 x = 1;
        {
            uint256 y = x + 1;
            x = y * 10;
        }
        {
            uint256 y = 5;
            x += y;
        }
        return x;
    }

    function shadow() public pure returns (uint256, uint256) {
        uint256 x = 1;
        uint256 seen;
        {
            uint256 x = 2;
            seen = x;
        }
        return (x, seen);
    }

    function loopScopes() public pure returns (uint256 total) {
        for (uint256 i = 0; i < 3; i++) total += i;
        for (uint256 i = 10; i < 12; i++) total += i;
    }

    function storageLoop(uint256 n) public returns (uint256 s) {
        for (uint256 i = 0; i < n; i++) data.push(i);
        for (uint256 i = 0; i < data.length; i++) s += data[i];
    }
}
// ----
// classify(int256): -5 -> 0
// classify(int256): 0 -> 1
// classify(int256): 9 -> 2
// classify(int256): 10 -> 3
// noBraces(uint256): 2 -> 1
// noBraces(uint256): 1 -> 2
// noBraces(uint256): 0 -> 3
// sumTo(uint256): 0 -> 0
// sumTo(uint256): 10 -> 55
// collatz(uint256): 27 -> 111
// collatz(uint256): 1 -> 0
// doWhile(uint256): 0 -> 1
// doWhile(uint256): 5 -> 5
// oddSumUntil(uint256,uint256): 100, 50 -> 49
// oddSumUntil(uint256,uint256): 4, 50 -> 4
// findIndex(uint256[],uint256): [5, 7, 9], 9 -> 2
// findIndex(uint256[],uint256): [5, 7, 9], 8 -> -1
// nestedBreak(uint256): 4 -> 10
// nestedContinue(uint256): 3 -> 63
// continueInWhile(uint256): 10 -> 37
// continueInDoWhile(uint256): 4 -> 8
// continueInDoWhile(uint256): 2 -> 1
// breakInDoWhile() -> 3
// forever() -> 5
// returnInWhile(uint256): 17 -> 5
// returnInWhile(uint256): 16 -> 4
// scopes() -> 25
// shadow() -> 1, 2
// loopScopes() -> 24
// storageLoop(uint256): 4 -> 6
// storageLoop(uint256): 2 -> 7
