// tests/golden/diagnostics/inheritance_errors.sol - inheritance mistakes: no linearization, overriding a
// function that is not virtual, an override without `override`, two bases defining one function
// without an override in the derived contract, a missing base constructor argument, and an
// unimplemented function in a contract that is not abstract.
pragma solidity ^0.8.20;

contract X {}
contract Y is X {}
contract Z is Y, X {}

contract A {
    function f() public pure returns (uint256) { return 1; }
    function g() public pure virtual returns (uint256) { return 1; }
}

contract B is A {
    function f() public pure override returns (uint256) { return 2; }
    function g() public pure returns (uint256) { return 2; }
}

contract P { function h() public pure virtual returns (uint256) { return 1; } }
contract Q { function h() public pure virtual returns (uint256) { return 2; } }
contract PQ is P, Q {}

contract WithArgs { constructor(uint256 x) {} }
contract NoArgs is WithArgs {}

contract Unfinished { function todo() public virtual; }
