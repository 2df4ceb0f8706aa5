// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title Gas baseline token (benchmark only)
/// @notice A plain OpenZeppelin ERC-20 that exists only so the gas report can measure an
///         ERC-20 `transfer` side by side with the ledger's writes, compiled with the same
///         compiler and settings and run on the same node. It is never deployed by the service.
contract BenchToken is ERC20 {
    /// @param supply the whole supply, minted to the deployer
    constructor(uint256 supply) ERC20("Civic Bench Token", "CBT") {
        _mint(msg.sender, supply);
    }
}
