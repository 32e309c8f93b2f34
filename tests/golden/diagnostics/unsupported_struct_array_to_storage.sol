// tests/golden/diagnostics/unsupported_struct_array_to_storage.sol - a memory array of structs assigned to storage, which solc's legacy code generator does not implement either.
pragma solidity ^0.8.20;

contract C {
    struct S {
        uint256 a;
    }
    S[] items;
    function f() public {
        S[] memory m = new S[](1);
        items = m;
    }
}
