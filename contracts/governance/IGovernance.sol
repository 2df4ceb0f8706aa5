// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @title What other contracts ask of governance
/// @notice Decisions are proposals about one action, identified by an action hash that the
///         executing contract computes from the action's own arguments; an approved proposal is
///         used once. Contracts call these; people never do.
interface IGovernance {
    /// @notice Called by RevenueLedger before every spend and transfer out while governance is set.
    ///         Reverts to refuse (above the community's threshold without an approved proposal for
    ///         exactly this action, or from a bucket that needs the owners' decision); consumes the
    ///         approval it used.
    /// @param community the community id
    /// @param bucket the bucket spent from
    /// @param amount amount in fen
    /// @param actionHash the action's hash (see `RevenueLedger.spendActionHash`/`transferActionHash`)
    function authorizeSpend(bytes32 community, bytes32 bucket, uint64 amount, bytes32 actionHash) external;

    /// @notice Uses the approved, unused proposal for exactly `actionHash` in `community`, once.
    ///         Reverts if there is none. Only contracts linked to governance may call it.
    /// @param community the community id
    /// @param actionHash the action's hash, computed by the caller from the action's arguments
    /// @return proposalId the proposal that approved it
    /// @return decisionType the owners' decision type it passed (0: committee approval only)
    function consumeApproval(bytes32 community, bytes32 actionHash)
        external
        returns (uint256 proposalId, uint8 decisionType);
}
