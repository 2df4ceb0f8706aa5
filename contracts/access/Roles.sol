// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @title Role identifiers shared by every Civic Ledger contract
/// @notice A role is always held per (community, address): holding it in one community grants
///         nothing in another.
library Roles {
    /// @notice Grants and revokes roles in its community, pauses its ledgers.
    bytes32 internal constant ADMIN = keccak256("civic.role.admin");
    /// @notice Property-company accountant: posts income, spending, deposits; closes periods.
    bytes32 internal constant ACCOUNTANT = keccak256("civic.role.accountant");
    /// @notice Owners' committee member: approves policies and large payments.
    bytes32 internal constant COMMITTEE = keccak256("civic.role.committee");
    /// @notice Residents' committee coordinator: confirms volunteer service.
    bytes32 internal constant COORDINATOR = keccak256("civic.role.coordinator");
    /// @notice Auditor: attests closed statements.
    bytes32 internal constant AUDITOR = keccak256("civic.role.auditor");
    /// @notice Charity or community fund keeper: records donations, proposes disbursements.
    bytes32 internal constant FUND_KEEPER = keccak256("civic.role.fund_keeper");
    /// @notice Resident representative: accepts finished projects before their final payment.
    bytes32 internal constant RESIDENT_REP = keccak256("civic.role.resident_rep");
}
