// tests/golden/diagnostics/names_undeclared_tabs.sol - tab indentation: the caret line keeps the tabs.
pragma solidity ^0.8.20;

contract C {
	function f() public pure returns (uint) {
		return	something;
	}
}
