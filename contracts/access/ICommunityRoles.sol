// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @title Communities and their per-community roles
/// @notice The registry every ledger contract asks "may this address do this here?".
interface ICommunityRoles {
    /// @notice A community was registered by the deployment operator.
    /// @param community keccak256 of the slug; the id every other contract uses
    /// @param slug the community's public slug, e.g. "lotus-garden"
    /// @param utcOffsetMinutes offset of the community's business calendar from UTC (Asia/Shanghai: 480)
    /// @param admin the first holder of the community's admin role
    event CommunityRegistered(bytes32 indexed community, string slug, int16 utcOffsetMinutes, address admin);

    /// @notice `account` now holds `role` in `community`.
    /// @param community the community id
    /// @param role one of the `Roles` constants
    /// @param account the key that received the role
    /// @param sender the admin (or operator) who granted it
    event CommunityRoleGranted(bytes32 indexed community, bytes32 indexed role, address indexed account, address sender);

    /// @notice `account` no longer holds `role` in `community`.
    /// @param community the community id
    /// @param role one of the `Roles` constants
    /// @param account the key that lost the role
    /// @param sender the admin (or operator) who revoked it
    event CommunityRoleRevoked(bytes32 indexed community, bytes32 indexed role, address indexed account, address sender);

    /// @notice `account` lacks `role` in `community`.
    error AccessMissingRole(bytes32 community, bytes32 role, address account);
    /// @notice No community is registered under this id.
    error AccessUnknownCommunity(bytes32 community);
    /// @notice A community with this slug is already registered.
    error AccessCommunityExists(bytes32 community);
    /// @notice Slugs are 1-64 characters of a-z, 0-9 and '-'.
    error AccessInvalidSlug(string slug);
    /// @notice The offset is outside -12:00..+14:00 or not a whole quarter hour.
    error AccessInvalidUtcOffset(int16 utcOffsetMinutes);
    /// @notice The role is not one of the five Civic Ledger roles.
    error AccessUnknownRole(bytes32 role);
    /// @notice The zero address cannot hold a role.
    error AccessZeroAddress();

    /// @notice Registers a community; only the deployment operator may.
    /// @param slug public slug (a-z, 0-9, '-'); the id is keccak256(slug)
    /// @param utcOffsetMinutes offset of the business calendar from UTC, in minutes
    /// @param admin first community admin
    /// @return community the new community's id
    function registerCommunity(string calldata slug, int16 utcOffsetMinutes, address admin)
        external
        returns (bytes32 community);

    /// @notice Grants `role` in `community` to `account`; only the community's admin or the operator.
    /// @param community the community id
    /// @param role one of the `Roles` constants
    /// @param account the key receiving the role
    function grantRole(bytes32 community, bytes32 role, address account) external;

    /// @notice Revokes `role` in `community` from `account`; only the community's admin or the operator.
    /// @param community the community id
    /// @param role one of the `Roles` constants
    /// @param account the key losing the role
    function revokeRole(bytes32 community, bytes32 role, address account) external;

    /// @notice Whether `account` holds `role` in `community`.
    /// @param community the community id
    /// @param role one of the `Roles` constants
    /// @param account the key asked about
    /// @return held true when the role is held
    function hasRole(bytes32 community, bytes32 role, address account) external view returns (bool held);

    /// @notice Reverts with `AccessMissingRole` unless `account` holds `role` in `community`.
    /// @param community the community id
    /// @param role one of the `Roles` constants
    /// @param account the key asked about
    function checkRole(bytes32 community, bytes32 role, address account) external view;

    /// @notice A registered community's calendar offset; reverts for an unknown community.
    /// @param community the community id
    /// @return utcOffsetMinutes offset of the business calendar from UTC, in minutes
    function utcOffsetOf(bytes32 community) external view returns (int16 utcOffsetMinutes);
}
