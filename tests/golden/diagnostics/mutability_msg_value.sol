// tests/golden/diagnostics/mutability_msg_value.sol - msg.value in a public function that is not payable.
pragma solidity ^0.8.20;

contract C {
    function f() public view returns (uint) {
        return msg.value;
    }
}
