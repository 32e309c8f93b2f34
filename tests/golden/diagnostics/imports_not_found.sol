// tests/golden/diagnostics/imports_not_found.sol - an import that names no file under the base and include paths.
pragma solidity ^0.8.20;

import "./Other.sol";

contract C {}
