// tests/golden/diagnostics/multi_semantic_errors.sol - independent semantic errors in several places, all reported in source order.
pragma solidity ^0.8.20;

contract C {
    uint8 small = 256;

    function f() public pure returns (uint) {
        return nothing;
    }

    function g() public pure returns (bool) {
        return 1;
    }

    modifier m() {
        require(undefinedFlag);
        _;
    }

    function h() public {
        emit Missing();
    }
}
