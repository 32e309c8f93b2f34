// tests/golden/scripts/features/creation_code.sol - a copy of tests/golden/contracts/creation_code.sol run by
// creation_code.json against solc 0.8.26 (expectations generated). The contract: type(C).creationCode (the init code of another contract
// of the file, as bytes memory: it starts by setting the free memory pointer, 0x6080604052, as solc's
// does) and type(C).name.
// SPDX-License-Identifier: MIT
pragma solidity ^0.8.0;

contract Small {
    uint256 public x = 5;
}

contract Code {
    function prefix() public pure returns (bytes1, bytes1, bytes1, bytes1, bytes1) {
        bytes memory code = type(Small).creationCode;
        return (code[0], code[1], code[2], code[3], code[4]);
    }

    function nonEmpty() public pure returns (bool, bool) {
        bytes memory a = type(Small).creationCode;
        bytes memory b = type(Small).creationCode;
        return (a.length > 20, keccak256(a) == keccak256(b));
    }

    function name() public pure returns (string memory) {
        return type(Small).name;
    }
}
