// tests/golden/contracts/signatures.sol - ecrecover (the 0x01 precompile) and ripemd160 (0x03) from
// contract code: a signature checked on chain against the signer fixed at deployment (accepted,
// recorded and logged; an invalid one reverts with the address it recovered), recovery as a pure
// function, and RIPEMD-160 digests as bytes20. The signature is the secp256k1 ECDSA signature, made
// independently in Python (plain modular arithmetic, low s), of sha256("trainchain epoch 7") by the
// key 0x45a915e4...5ff2d8 whose address is 0xa94f5374fce5edbc8e2a8697c15331677e6ebf0b; the
// RIPEMD-160 digests are hashlib's and the algorithm's published test vectors.
// SPDX-License-Identifier: MIT
pragma solidity ^0.8.0;

contract Signatures {
    address public immutable signer;
    mapping(bytes32 => bool) public accepted;

    event Accepted(bytes32 indexed hash, address indexed by);
    error BadSignature(address recovered);

    constructor(address s) {
        signer = s;
    }

    function recover(bytes32 h, uint8 v, bytes32 r, bytes32 s) public pure returns (address) {
        return ecrecover(h, v, r, s);
    }

    function accept(bytes32 h, uint8 v, bytes32 r, bytes32 s) public {
        address got = ecrecover(h, v, r, s);
        if (got == address(0) || got != signer) revert BadSignature(got);
        accepted[h] = true;
        emit Accepted(h, got);
    }

    function digest(bytes memory b) public pure returns (bytes20) {
        return ripemd160(b);
    }

    function digestPacked(string memory a, uint8 n) public pure returns (bytes20) {
        return ripemd160(abi.encodePacked(a, n));
    }
}
// ----
// constructor(address): 0xa94f5374fce5edbc8e2a8697c15331677e6ebf0b ->
// signer() -> 0xa94f5374fce5edbc8e2a8697c15331677e6ebf0b
// recover(bytes32,uint8,bytes32,bytes32): 0xc288a5beebec6a99915a511426c345ac115d7a8421beb3a7e2cbecaa01d1fff2, 27, 0xa65814073e2d6751182d900ec6de4bba81d7613148e7e610dd46ba56fcbec10d, 0x51f875d3df254807fb8c547302d2aea2af560a2f38e2e572d085b57b5fc208c1 -> 0xa94f5374fce5edbc8e2a8697c15331677e6ebf0b
// recover(bytes32,uint8,bytes32,bytes32): 0xc288a5beebec6a99915a511426c345ac115d7a8421beb3a7e2cbecaa01d1fff2, 29, 0xa65814073e2d6751182d900ec6de4bba81d7613148e7e610dd46ba56fcbec10d, 0x51f875d3df254807fb8c547302d2aea2af560a2f38e2e572d085b57b5fc208c1 -> 0x0000000000000000000000000000000000000000
// recover(bytes32,uint8,bytes32,bytes32): 0xc288a5beebec6a99915a511426c345ac115d7a8421beb3a7e2cbecaa01d1fff2, 27, 0x0000000000000000000000000000000000000000000000000000000000000000, 0x51f875d3df254807fb8c547302d2aea2af560a2f38e2e572d085b57b5fc208c1 -> 0x0000000000000000000000000000000000000000
// accepted(bytes32): 0xc288a5beebec6a99915a511426c345ac115d7a8421beb3a7e2cbecaa01d1fff2 -> false
// accept(bytes32,uint8,bytes32,bytes32): 0xc288a5beebec6a99915a511426c345ac115d7a8421beb3a7e2cbecaa01d1fff2, 29, 0xa65814073e2d6751182d900ec6de4bba81d7613148e7e610dd46ba56fcbec10d, 0x51f875d3df254807fb8c547302d2aea2af560a2f38e2e572d085b57b5fc208c1 -> REVERT BadSignature(address): 0x0000000000000000000000000000000000000000
// accept(bytes32,uint8,bytes32,bytes32): 0xc288a5beebec6a99915a511426c345ac115d7a8421beb3a7e2cbecaa01d1fff2, 27, 0xa65814073e2d6751182d900ec6de4bba81d7613148e7e610dd46ba56fcbec10d, 0x51f875d3df254807fb8c547302d2aea2af560a2f38e2e572d085b57b5fc208c1 ->
// ~ emit Accepted(bytes32,address): #0xc288a5beebec6a99915a511426c345ac115d7a8421beb3a7e2cbecaa01d1fff2, #0xa94f5374fce5edbc8e2a8697c15331677e6ebf0b
// accepted(bytes32): 0xc288a5beebec6a99915a511426c345ac115d7a8421beb3a7e2cbecaa01d1fff2 -> true
// accepted(bytes32): 0xc288a5beebec6a99915a511426c345ac115d7a8421beb3a7e2cbecaa01d1fff3 -> false
// digest(bytes): 0x616263 -> 0x8eb208f7e05d987a9b044a8e98c6b087f15a0bfc
// digest(bytes): 0x -> 0x9c1185a5c5e9fc54612808977ee8f548b2258d31
// digestPacked(string,uint8): "abc", 7 -> 0x6b54af921709a0d7d7a3b5ef59f8cd6cf664e99b
