// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {ICommunityRoles} from "../access/ICommunityRoles.sol";
import {Roles} from "../access/Roles.sol";
import {IRevenueLedger} from "../revenue/IRevenueLedger.sol";
import {IAuditAnchor} from "./IAuditAnchor.sol";

/// @title Statement anchors and auditor attestations
contract AuditAnchor is IAuditAnchor {
    ICommunityRoles private immutable _roles;
    IRevenueLedger private immutable _revenue;

    mapping(bytes32 community => mapping(bytes32 periodKey => bytes32 statementHash)) private _anchors;
    mapping(bytes32 periodKey => mapping(address auditor => bool)) private _attested;
    mapping(bytes32 community => mapping(bytes32 periodKey => uint32 day)) private _closedOn;

    /// @param roles the community registry
    /// @param revenue the revenue ledger whose periods this closes
    constructor(ICommunityRoles roles, IRevenueLedger revenue) {
        _roles = roles;
        _revenue = revenue;
    }

    /// @inheritdoc IAuditAnchor
    function anchor(
        bytes32 community,
        bytes16 label,
        uint32 fromDate,
        uint32 toDate,
        bytes32 statementHash,
        bytes32 entriesRoot,
        uint64 entryCount,
        uint64 throughSeq,
        uint64 asOfBlock,
        bytes32 asOfBlockHash
    ) external returns (bytes32 periodKey) {
        _roles.checkRole(community, Roles.ACCOUNTANT, msg.sender);
        if (asOfBlock >= block.number || blockhash(asOfBlock) != asOfBlockHash || asOfBlockHash == bytes32(0)) {
            revert AuditUnknownBlock(asOfBlock, asOfBlockHash);
        }
        int256 offset = _roles.utcOffsetOf(community);
        // Timestamps exceed any offset, so the sum is positive; day numbers fit uint32.
        uint32 today = uint32(uint256(int256(block.timestamp) + offset * 60) / 86_400);
        if (fromDate > toDate || toDate >= today) revert AuditInvalidPeriod(community, fromDate, toDate, today);
        periodKey = periodKeyOf(community, fromDate, toDate);
        if (_anchors[community][periodKey] != bytes32(0)) revert AuditAlreadyAnchored(community, periodKey);
        _anchors[community][periodKey] = statementHash;
        _closedOn[community][periodKey] = today;
        emit StatementAnchored(
            community,
            periodKey,
            label,
            fromDate,
            toDate,
            statementHash,
            entriesRoot,
            entryCount,
            throughSeq,
            asOfBlock,
            asOfBlockHash,
            msg.sender
        );
        _revenue.closeThrough(community, toDate, throughSeq);
    }

    /// @inheritdoc IAuditAnchor
    function attest(bytes32 community, bytes32 periodKey, bytes32 statementHash, bytes32 opinionHash) external {
        _roles.checkRole(community, Roles.AUDITOR, msg.sender);
        bytes32 anchored = _anchors[community][periodKey];
        if (anchored == bytes32(0)) revert AuditNotAnchored(community, periodKey);
        if (anchored != statementHash) revert AuditHashMismatch(community, periodKey, anchored, statementHash);
        if (_attested[periodKey][msg.sender]) revert AuditAlreadyAttested(community, periodKey, msg.sender);
        _attested[periodKey][msg.sender] = true;
        emit StatementAttested(community, periodKey, statementHash, opinionHash, msg.sender);
    }

    /// @inheritdoc IAuditAnchor
    function closedOn(bytes32 community, bytes32 periodKey) external view returns (uint32 day) {
        return _closedOn[community][periodKey];
    }

    /// @inheritdoc IAuditAnchor
    function anchoredHash(bytes32 community, bytes32 periodKey) external view returns (bytes32 statementHash) {
        return _anchors[community][periodKey];
    }

    /// @inheritdoc IAuditAnchor
    function periodKeyOf(bytes32 community, uint32 fromDate, uint32 toDate) public pure returns (bytes32) {
        return keccak256(abi.encode(community, fromDate, toDate));
    }
}
