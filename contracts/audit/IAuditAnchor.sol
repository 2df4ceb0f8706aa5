// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @title Statement anchors and auditor attestations
/// @notice Closing a period anchors the SHA-256 of its statement's canonical JSON (RFC 8785) and
///         the RFC 6962 Merkle root of its entries; from then on nothing can be dated inside it.
///         An auditor's attestation is a second, independent record over the same hash.
interface IAuditAnchor {
    /// @notice A period's statement was closed and anchored.
    /// @param community the community id
    /// @param periodKey keccak256(abi.encode(community, fromDate, toDate))
    /// @param label the period's label, e.g. "2026Q1"
    /// @param fromDate first business date (local day number)
    /// @param toDate last business date (local day number)
    /// @param statementHash SHA-256 of the statement's RFC 8785 JSON
    /// @param entriesRoot RFC 6962 root over the statement's entries
    /// @param entryCount number of entries
    /// @param throughSeq last revenue sequence number the statement covers
    /// @param asOfBlock last block the statement covers
    /// @param asOfBlockHash that block's hash, checked by the contract with `blockhash`
    /// @param by the accountant who closed it
    event StatementAnchored(
        bytes32 indexed community,
        bytes32 indexed periodKey,
        bytes16 label,
        uint32 fromDate,
        uint32 toDate,
        bytes32 statementHash,
        bytes32 entriesRoot,
        uint64 entryCount,
        uint64 throughSeq,
        uint64 asOfBlock,
        bytes32 asOfBlockHash,
        address by
    );

    /// @notice An auditor attested an anchored statement.
    /// @param community the community id
    /// @param periodKey the period attested
    /// @param statementHash the statement hash attested (equal to the anchored one)
    /// @param opinionHash hash of the auditor's written opinion
    /// @param auditor the auditor's key
    event StatementAttested(
        bytes32 indexed community, bytes32 indexed periodKey, bytes32 statementHash, bytes32 opinionHash, address auditor
    );

    /// @notice The period has already been anchored.
    error AuditAlreadyAnchored(bytes32 community, bytes32 periodKey);
    /// @notice The period's dates are reversed, or it has not ended yet in the community's calendar.
    error AuditInvalidPeriod(bytes32 community, uint32 fromDate, uint32 toDate, uint32 today);
    /// @notice Nothing is anchored for this period.
    error AuditNotAnchored(bytes32 community, bytes32 periodKey);
    /// @notice The hash attested is not the anchored one.
    error AuditHashMismatch(bytes32 community, bytes32 periodKey, bytes32 anchored, bytes32 given);
    /// @notice The statement's block is not one of the last 256 blocks or its hash differs.
    error AuditUnknownBlock(uint64 asOfBlock, bytes32 asOfBlockHash);
    /// @notice This auditor already attested this period.
    error AuditAlreadyAttested(bytes32 community, bytes32 periodKey, address auditor);

    /// @notice Closes a period: anchors its statement and closes its dates in the revenue ledger.
    /// @param community the community id
    /// @param label the period label
    /// @param fromDate first business date
    /// @param toDate last business date; must be before today
    /// @param statementHash SHA-256 of the canonical statement
    /// @param entriesRoot RFC 6962 root of its entries
    /// @param entryCount number of entries
    /// @param throughSeq last revenue sequence number covered (refused if a later write exists)
    /// @param asOfBlock last block covered (one of the last 256 blocks)
    /// @param asOfBlockHash its hash, so the statement names the exact chain it was built from
    /// @return periodKey the period's key
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
    ) external returns (bytes32 periodKey);

    /// @notice An auditor attests an anchored statement.
    /// @param community the community id
    /// @param periodKey the period
    /// @param statementHash must equal the anchored hash
    /// @param opinionHash hash of the written opinion
    function attest(bytes32 community, bytes32 periodKey, bytes32 statementHash, bytes32 opinionHash) external;

    /// @notice The anchored statement hash of a period (zero if none).
    /// @param community the community id
    /// @param periodKey the period
    /// @return statementHash the anchored hash
    function anchoredHash(bytes32 community, bytes32 periodKey) external view returns (bytes32 statementHash);

    /// @notice The local business date a period was closed (anchored) on: where residents' objection
    ///         window starts (zero if not anchored).
    /// @param community the community id
    /// @param periodKey the period
    /// @return day the close date as a local day number
    function closedOn(bytes32 community, bytes32 periodKey) external view returns (uint32 day);

    /// @notice The key of a period.
    /// @param community the community id
    /// @param fromDate first business date
    /// @param toDate last business date
    /// @return the key
    function periodKeyOf(bytes32 community, uint32 fromDate, uint32 toDate) external pure returns (bytes32);
}
