// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {Ownable2Step, Ownable} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {ICommunityRoles} from "./ICommunityRoles.sol";
import {Roles} from "./Roles.sol";

/// @title Community registry with per-community roles
/// @notice The owner is the deployment operator (e.g. the street office): it registers
///         communities and can repair a community's admin list; everything else is per community.
contract CommunityRoles is ICommunityRoles, Ownable2Step {
    struct Community {
        bool exists;
        int16 utcOffsetMinutes;
    }

    mapping(bytes32 community => Community) private _communities;
    mapping(bytes32 community => mapping(bytes32 role => mapping(address account => bool))) private _roles;

    /// @param operator the deployment operator, owner of this registry
    constructor(address operator) Ownable(operator) {}

    /// @inheritdoc ICommunityRoles
    function registerCommunity(string calldata slug, int16 utcOffsetMinutes, address admin)
        external
        onlyOwner
        returns (bytes32 community)
    {
        _checkSlug(slug);
        if (utcOffsetMinutes < -720 || utcOffsetMinutes > 840 || utcOffsetMinutes % 15 != 0) {
            revert AccessInvalidUtcOffset(utcOffsetMinutes);
        }
        community = keccak256(bytes(slug));
        if (_communities[community].exists) revert AccessCommunityExists(community);
        _communities[community] = Community({exists: true, utcOffsetMinutes: utcOffsetMinutes});
        emit CommunityRegistered(community, slug, utcOffsetMinutes, admin);
        _setRole(community, Roles.ADMIN, admin, true);
    }

    /// @inheritdoc ICommunityRoles
    function grantRole(bytes32 community, bytes32 role, address account) external {
        _checkCanAdminister(community);
        _setRole(community, role, account, true);
    }

    /// @inheritdoc ICommunityRoles
    function revokeRole(bytes32 community, bytes32 role, address account) external {
        _checkCanAdminister(community);
        _setRole(community, role, account, false);
    }

    /// @inheritdoc ICommunityRoles
    function hasRole(bytes32 community, bytes32 role, address account) external view returns (bool held) {
        return _roles[community][role][account];
    }

    /// @inheritdoc ICommunityRoles
    function checkRole(bytes32 community, bytes32 role, address account) external view {
        if (!_roles[community][role][account]) revert AccessMissingRole(community, role, account);
    }

    /// @inheritdoc ICommunityRoles
    function utcOffsetOf(bytes32 community) external view returns (int16 utcOffsetMinutes) {
        Community memory c = _communities[community];
        if (!c.exists) revert AccessUnknownCommunity(community);
        return c.utcOffsetMinutes;
    }

    /// @dev The one place role membership changes, so every change is an event.
    function _setRole(bytes32 community, bytes32 role, address account, bool held) private {
        if (account == address(0)) revert AccessZeroAddress();
        if (
            role != Roles.ADMIN && role != Roles.ACCOUNTANT && role != Roles.COMMITTEE && role != Roles.COORDINATOR
                && role != Roles.AUDITOR && role != Roles.FUND_KEEPER && role != Roles.RESIDENT_REP
        ) revert AccessUnknownRole(role);
        if (_roles[community][role][account] == held) return;
        _roles[community][role][account] = held;
        if (held) emit CommunityRoleGranted(community, role, account, msg.sender);
        else emit CommunityRoleRevoked(community, role, account, msg.sender);
    }

    function _checkCanAdminister(bytes32 community) private view {
        if (!_communities[community].exists) revert AccessUnknownCommunity(community);
        if (msg.sender != owner() && !_roles[community][Roles.ADMIN][msg.sender]) {
            revert AccessMissingRole(community, Roles.ADMIN, msg.sender);
        }
    }

    function _checkSlug(string calldata slug) private pure {
        bytes calldata b = bytes(slug);
        if (b.length == 0 || b.length > 64) revert AccessInvalidSlug(slug);
        for (uint256 i; i < b.length; ++i) {
            bytes1 ch = b[i];
            bool ok = (ch >= "a" && ch <= "z") || (ch >= "0" && ch <= "9") || ch == "-";
            if (!ok) revert AccessInvalidSlug(slug);
        }
    }
}
