// contracts/ProofOfWork.sol - the proof of work computed on-chain. The running chain mines off
// chain and only verifies the winner (Consensus.submitWork); `trainchain report gas` runs this
// contract on a candidate block header to measure what the race would cost as contract
// execution, where the paper estimated it as ADD and MUL instructions.
// SPDX-License-Identifier: MIT
pragma solidity ^0.8.0;

contract ProofOfWork {
    error BadHeader(uint256 length);
    error NotFound(uint256 start, uint256 attempts);

    /// Tries nonces from `start` upwards, each written big-endian into bytes 84..91 of the 92-byte
    /// `header`, until sha256(header) <= target (the SHA-256 precompile, as Consensus checks it).
    /// Returns the nonce, its hash and the attempts made; reverts after `maxAttempts`.
    function mine(bytes memory header, uint256 target, uint256 start, uint256 maxAttempts)
        external
        view
        returns (uint256 nonce, bytes32 hash, uint256 attempts)
    {
        if (header.length != 92) revert BadHeader(header.length);
        nonce = start;
        while (attempts < maxAttempts) {
            uint256 n = nonce;
            for (uint256 i = 0; i < 8; i++) {
                header[91 - i] = bytes1(uint8(n & 0xff));
                n = n >> 8;
            }
            hash = sha256(header);
            attempts += 1;
            if (uint256(hash) <= target) return (nonce, hash, attempts);
            nonce += 1;
        }
        revert NotFound(start, attempts);
    }
}
