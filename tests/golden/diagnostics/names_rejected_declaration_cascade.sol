// tests/golden/diagnostics/names_rejected_declaration_cascade.sol - a rejected declaration (state variable, function, local) gives its own error only, not "undeclared identifier" at every use.
pragma solidity ^0.8.20;

contract C {
    string public constant title = "x";
    function g(mapping(uint => uint) memory m) internal pure returns (uint) { return 1; }
    function f() public view returns (uint) {
        mapping(uint => uint) memory pair;
        pair[0] = g(1);
        return bytes(title).length + pair[0] + missing;
    }
}
