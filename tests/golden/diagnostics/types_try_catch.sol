// tests/golden/diagnostics/types_try_catch.sol - try takes an external call or a creation, its returns clause must match the function's return types, catch clauses are Error(string memory), Panic(uint256) or low-level, each at most once; the rest of the file is still checked.
pragma solidity ^0.8.20;

contract C {
    function g() external pure returns (uint) {
        return 1;
    }
    function h(uint a) internal pure returns (uint) {
        return a;
    }
    function f() public view returns (uint) {
        try h(1) returns (uint v) {
            return v;
        } catch {
            return 0;
        }
        try this.g() returns (uint8 v) {
            return v;
        } catch Error(bytes memory r) {
            return r.length;
        } catch Oops(uint x) {
            return x;
        } catch (bytes memory d) {
            return d.length;
        } catch {
            return 0;
        }
        return q;
    }
}
