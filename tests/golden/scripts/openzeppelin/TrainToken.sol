// tests/golden/scripts/openzeppelin/TrainToken.sol - a token as users write it on OpenZeppelin
// Contracts 5.1.0, imported unmodified (the sources are ../shared/conformance/openzeppelin-contracts-5.1.0,
// found as "@openzeppelin/contracts/..." through an include path): capped, burnable, pausable,
// two-step ownership, and a reentrancy guard on minting. token.json drives it call by call.
// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Burnable} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Burnable.sol";
import {ERC20Capped} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Capped.sol";
import {ERC20Pausable} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Pausable.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";

contract TrainToken is ERC20, ERC20Burnable, ERC20Capped, ERC20Pausable, Ownable2Step, ReentrancyGuard {
    constructor(address initialOwner, uint256 cap_)
        ERC20("Train Token", "TRN")
        ERC20Capped(cap_)
        Ownable(initialOwner)
    {}

    function mint(address to, uint256 amount) external onlyOwner nonReentrant {
        _mint(to, amount);
    }

    function pause() external onlyOwner {
        _pause();
    }

    function unpause() external onlyOwner {
        _unpause();
    }

    function _update(address from, address to, uint256 value)
        internal
        override(ERC20, ERC20Capped, ERC20Pausable)
    {
        super._update(from, to, value);
    }
}
