// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @title Oversight: annual budgets, the register of revenue-earning contracts, objections
/// @notice What keeps a community's statements complete and answerable:
///         - an annual budget (lines per bucket and purpose) takes effect only through an approved
///           governance proposal for exactly its content (`budgetActionHash`), and never when its
///           unexplained "other" lines exceed the community's limit (default 10 %) of the spending
///           total, or when its contingency line is outside 10–15 % of it;
///         - every contract that earns revenue (ad-space lease, shared parking, stall rental) is
///           registered with its instalments (due date and amount), so a payment that never
///           arrives shows as overdue; a payment belongs to the contract whose number is the
///           income's reference, or the reference's part before its first "/";
///         - a resident may object to a closed period (pseudonymously, evidence by hash) within
///           15 days of its close; the answer, due within 7 days of the objection, is a correcting
///           revenue entry written after the objection (the original stays) or a reasoned
///           rejection. Late objections and late answers are accepted and recorded as late.
///
///         Conventions: amounts are fen, 0 < amount < 2^53; days are local day numbers (days since
///         1970-01-01 in the community's calendar, from chain time and the community's UTC offset).
///         Budget purposes, contract kinds and sources are UTF-8 slugs left-aligned in their bytes.
interface IOversight {
    /// @notice An annual budget (version) took effect; it replaces earlier versions of its year.
    /// @param community the community id
    /// @param year calendar year it covers
    /// @param version 1 for the year's first budget, then 2, 3, ... for amendments
    /// @param buckets per line: the revenue bucket it spends from, or "income" for a planned income line
    /// @param purposes per line: the purpose slug ("contingency" and "other" are special; an income
    ///        line's purpose is the income source)
    /// @param amounts per line: the planned amount in fen
    /// @param total sum of the spending lines (income lines excluded)
    /// @param other sum of the spending lines whose purpose is "other"
    /// @param contingency the contingency line's amount (0 when none)
    /// @param otherLimitBps the limit on other / total that applied, in basis points
    /// @param docHash hash of the budget document
    /// @param proposalId the governance proposal that approved it
    /// @param decisionType the owners' decision type it passed (0: committee approval only)
    /// @param by who submitted it
    event BudgetAdopted(
        bytes32 indexed community,
        uint16 year,
        uint32 version,
        bytes32[] buckets,
        bytes32[] purposes,
        uint64[] amounts,
        uint64 total,
        uint64 other,
        uint64 contingency,
        uint16 otherLimitBps,
        bytes32 docHash,
        uint256 proposalId,
        uint8 decisionType,
        address by
    );

    /// @notice The community's limit on a budget's unexplained "other" share changed.
    /// @param community the community id
    /// @param limitBps the new limit in basis points of the spending total
    /// @param proposalId the governance proposal that approved it
    /// @param by who submitted it
    event OtherLimitSet(bytes32 indexed community, uint16 limitBps, uint256 proposalId, address by);

    /// @notice A revenue-earning contract was registered with its expected instalments.
    /// @param community the community id
    /// @param contractId the register's number for it (1, 2, ... per community)
    /// @param number the contract number; incomes whose reference (or its part before "/") equals it
    ///        are its payments
    /// @param kind ad_space, shared_parking, stall_rental, ...
    /// @param source the income source its payments are posted under
    /// @param counterparty pseudonymous id of the other party
    /// @param dueDates instalment due dates (local day numbers), strictly increasing
    /// @param amounts instalment amounts in fen
    /// @param docHash hash of the signed contract
    /// @param by who registered it
    event RevenueContractRegistered(
        bytes32 indexed community,
        uint32 contractId,
        bytes32 number,
        bytes16 kind,
        bytes16 source,
        bytes32 counterparty,
        uint32[] dueDates,
        uint64[] amounts,
        bytes32 docHash,
        address by
    );

    /// @notice A registered contract ends early: instalments due after `endDate` are no longer expected.
    /// @param community the community id
    /// @param contractId the contract
    /// @param endDate last day of the contract (local day number), never before the day it is recorded
    /// @param reason short reason text (UTF-8, 32 bytes)
    /// @param by the committee member who recorded it
    event RevenueContractEnded(
        bytes32 indexed community, uint32 contractId, uint32 endDate, bytes32 reason, address by
    );

    /// @notice The close of an anchored period was noted here (its window counts from the anchor's day).
    /// @param community the community id
    /// @param periodKey the audit anchor's key of the period
    /// @param fromDate first day of the period
    /// @param toDate last day of the period
    /// @param closeDay local day the period was anchored (`AuditAnchor.closedOn`; objections are on time
    ///        through closeDay + 15)
    /// @param by who noted it (the accountant's service, or the first objection)
    event PeriodCloseNoted(
        bytes32 indexed community, bytes32 indexed periodKey, uint32 fromDate, uint32 toDate, uint32 closeDay, address by
    );

    /// @notice A resident objected to a closed period's statement.
    /// @param community the community id
    /// @param objectionId 1, 2, ... per community
    /// @param periodKey the period objected to
    /// @param objector the resident's pseudonymous id
    /// @param entrySeq the revenue entry objected to (0: the statement as a whole)
    /// @param evidenceHash hash of the objection's text and evidence
    /// @param filedDay local day it was filed
    /// @param late true when filed after the period's closeDay + 15
    /// @param answerDueDay last day an answer is on time (filedDay + 7)
    /// @param firstCorrectionSeq the revenue ledger's next sequence number when filed: a correction
    ///        must be an entry at or after it
    /// @param by the account that relayed it
    event ObjectionFiled(
        bytes32 indexed community,
        uint32 objectionId,
        bytes32 periodKey,
        bytes32 objector,
        uint64 entrySeq,
        bytes32 evidenceHash,
        uint32 filedDay,
        bool late,
        uint32 answerDueDay,
        uint64 firstCorrectionSeq,
        address by
    );

    /// @notice An objection was upheld: a revenue entry written after it corrects the statement.
    /// @param community the community id
    /// @param objectionId the objection
    /// @param correctionSeq the correcting revenue entry's sequence number
    /// @param noteHash hash of the written answer
    /// @param answeredDay local day of the answer
    /// @param late true when answered after the objection's answerDueDay
    /// @param by who answered
    event ObjectionCorrected(
        bytes32 indexed community,
        uint32 objectionId,
        uint64 correctionSeq,
        bytes32 noteHash,
        uint32 answeredDay,
        bool late,
        address by
    );

    /// @notice An objection was rejected with reasons.
    /// @param community the community id
    /// @param objectionId the objection
    /// @param reason short reason text (UTF-8, 32 bytes)
    /// @param reasonHash hash of the full written reasons
    /// @param answeredDay local day of the answer
    /// @param late true when answered after the objection's answerDueDay
    /// @param by the committee member who answered
    event ObjectionRejected(
        bytes32 indexed community,
        uint32 objectionId,
        bytes32 reason,
        bytes32 reasonHash,
        uint32 answeredDay,
        bool late,
        address by
    );

    /// @notice The governance contract that approves budgets and limits changed.
    /// @param governance the contract (zero: none, budgets cannot be adopted)
    event OversightGovernanceSet(address governance);

    /// @notice Amounts are integers with 0 < amount < 2^53 (totals too).
    error OversightAmountOutOfRange(uint256 amount);
    /// @notice The budget is malformed (reason: 1 line count or array lengths, 2 empty bucket or
    ///         purpose, 3 duplicate line, 4 no spending line, 5 more than one contingency line, 6 year).
    error OversightInvalidBudget(bytes32 community, uint8 reason);
    /// @notice The unexplained "other" lines exceed the community's limit of the spending total.
    error OversightOtherShareTooLarge(bytes32 community, uint256 other, uint256 total, uint16 limitBps);
    /// @notice The contingency line is outside 10–15 % of the spending total.
    error OversightContingencyOutOfRange(bytes32 community, uint256 contingency, uint256 total);
    /// @notice No governance contract is set, so nothing can be approved.
    error OversightNoGovernance();
    /// @notice The limit is above 100 %.
    error OversightInvalidLimit(uint16 limitBps);
    /// @notice The revenue contract is malformed (reason: 1 empty number or kind, 2 instalment count or
    ///         array lengths, 3 due dates not strictly increasing, 4 empty source).
    error OversightInvalidContract(bytes32 community, uint8 reason);
    /// @notice A contract with this number is already registered.
    error OversightContractNumberTaken(bytes32 community, bytes32 number, uint32 contractId);
    /// @notice No registered contract has this id.
    error OversightUnknownContract(bytes32 community, uint32 contractId);
    /// @notice The contract has already ended.
    error OversightContractAlreadyEnded(bytes32 community, uint32 contractId);
    /// @notice A contract cannot be ended before the day it is recorded.
    error OversightRetroactiveEnd(bytes32 community, uint32 endDate, uint32 today);
    /// @notice The period is not anchored (closed) in the audit anchor.
    error OversightPeriodNotClosed(bytes32 community, bytes32 periodKey);
    /// @notice The period's close was already noted.
    error OversightCloseAlreadyNoted(bytes32 community, bytes32 periodKey);
    /// @notice An objection needs an objector id and an evidence hash.
    error OversightInvalidObjection(bytes32 community);
    /// @notice The same objection (objector, period, evidence) was already filed.
    error OversightDuplicateObjection(bytes32 community, uint32 objectionId);
    /// @notice The revenue entry objected to does not exist.
    error OversightUnknownEntry(bytes32 community, uint64 entrySeq);
    /// @notice No objection has this id.
    error OversightUnknownObjection(bytes32 community, uint32 objectionId);
    /// @notice The objection was already answered.
    error OversightAlreadyAnswered(bytes32 community, uint32 objectionId);
    /// @notice A correction must be a revenue entry written after the objection and already on chain.
    error OversightCorrectionNotAfterObjection(
        bytes32 community, uint32 objectionId, uint64 correctionSeq, uint64 firstSeq, uint64 nextSeq
    );
    /// @notice A rejection needs its reasons (short text and the full text's hash).
    error OversightReasonRequired(bytes32 community, uint32 objectionId);
    /// @notice The account holds neither role that may do this.
    error OversightMissingRole(bytes32 community, address account);

    /// @notice Adopts a year's budget, using the approved governance proposal for exactly
    ///         `budgetActionHash(community, year, buckets, purposes, amounts, docHash)`. Refused when
    ///         malformed, when other * 10,000 > limitBps * total, or when a contingency line is outside
    ///         10 * total <= 100 * contingency <= 15 * total. An accountant or committee member relays it.
    /// @param community the community id
    /// @param year calendar year
    /// @param buckets per line: bucket slug, or "income" for a planned income line
    /// @param purposes per line: purpose slug (income lines: the source)
    /// @param amounts per line: fen
    /// @param docHash hash of the budget document
    /// @return version the year's budget version
    function adoptBudget(
        bytes32 community,
        uint16 year,
        bytes32[] calldata buckets,
        bytes32[] calldata purposes,
        uint64[] calldata amounts,
        bytes32 docHash
    ) external returns (uint32 version);

    /// @notice Checks a budget by the rules `adoptBudget` applies (reverts the same way).
    /// @param community the community id
    /// @param buckets per line: bucket slug or "income"
    /// @param purposes per line: purpose slug
    /// @param amounts per line: fen
    /// @return total the spending total
    /// @return other the "other" lines' sum
    /// @return contingency the contingency line (0: none)
    /// @return limitBps the community's limit on other / total
    function checkBudget(
        bytes32 community,
        bytes32[] calldata buckets,
        bytes32[] calldata purposes,
        uint64[] calldata amounts
    ) external view returns (uint64 total, uint64 other, uint64 contingency, uint16 limitBps);

    /// @notice The action a budget asks governance to approve.
    /// @param community the community id
    /// @param year calendar year
    /// @param buckets per line: bucket slug or "income"
    /// @param purposes per line: purpose slug
    /// @param amounts per line: fen
    /// @param docHash hash of the budget document
    /// @return actionHash keccak256(abi.encode(keccak256("civic.action.budget"), community, year, buckets,
    ///         purposes, amounts, docHash))
    function budgetActionHash(
        bytes32 community,
        uint16 year,
        bytes32[] calldata buckets,
        bytes32[] calldata purposes,
        uint64[] calldata amounts,
        bytes32 docHash
    ) external pure returns (bytes32 actionHash);

    /// @notice Changes the community's limit on a budget's "other" share, through governance
    ///         (`otherLimitActionHash`). A committee member relays it.
    /// @param community the community id
    /// @param limitBps the new limit, at most 10,000
    function setOtherLimit(bytes32 community, uint16 limitBps) external;

    /// @notice The action a change of the "other" limit asks governance to approve.
    /// @param community the community id
    /// @param limitBps the new limit
    /// @return actionHash keccak256(abi.encode(keccak256("civic.action.budget.otherLimit"), community, limitBps))
    function otherLimitActionHash(bytes32 community, uint16 limitBps) external pure returns (bytes32 actionHash);

    /// @notice The community's limit on other / total in basis points (1,000 until changed).
    /// @param community the community id
    /// @return limitBps the limit
    function otherLimitOf(bytes32 community) external view returns (uint16 limitBps);

    /// @notice The latest budget version adopted for a year (0: none).
    /// @param community the community id
    /// @param year calendar year
    /// @return version the version
    function budgetVersion(bytes32 community, uint16 year) external view returns (uint32 version);

    /// @notice Registers a revenue-earning contract (an accountant or committee member).
    /// @param community the community id
    /// @param number the contract number, unique in the community
    /// @param kind ad_space, shared_parking, stall_rental, ...
    /// @param source the income source its payments are posted under
    /// @param counterparty pseudonymous id of the other party
    /// @param dueDates instalment due dates, strictly increasing (1 to 120 instalments)
    /// @param amounts instalment amounts in fen
    /// @param docHash hash of the signed contract
    /// @return contractId the register's number for it
    function registerRevenueContract(
        bytes32 community,
        bytes32 number,
        bytes16 kind,
        bytes16 source,
        bytes32 counterparty,
        uint32[] calldata dueDates,
        uint64[] calldata amounts,
        bytes32 docHash
    ) external returns (uint32 contractId);

    /// @notice Ends a registered contract from `endDate` on (a committee member; not retroactively).
    /// @param community the community id
    /// @param contractId the contract
    /// @param endDate last day of the contract, not before today
    /// @param reason short reason text
    function endRevenueContract(bytes32 community, uint32 contractId, uint32 endDate, bytes32 reason) external;

    /// @notice The register's id of a contract number (0: not registered).
    /// @param community the community id
    /// @param number the contract number
    /// @return contractId its id
    function contractIdOf(bytes32 community, bytes32 number) external view returns (uint32 contractId);

    /// @notice Notes the close of an anchored period (anyone; once; the first objection does it too).
    ///         The window counts from the day the period was anchored, not from this call.
    /// @param community the community id
    /// @param fromDate first day of the period
    /// @param toDate last day of the period
    /// @return periodKey the period's key
    function noteClose(bytes32 community, uint32 fromDate, uint32 toDate) external returns (bytes32 periodKey);

    /// @notice Files a resident's objection to an anchored period (relayed by any account). Notes the
    ///         period's close first if nobody has. Filed after closeDay + 15 it is recorded as late.
    /// @param community the community id
    /// @param fromDate first day of the period
    /// @param toDate last day of the period
    /// @param objector the resident's pseudonymous id
    /// @param entrySeq the revenue entry objected to (0: the statement as a whole)
    /// @param evidenceHash hash of the objection's text and evidence
    /// @return objectionId the objection's number
    function fileObjection(
        bytes32 community,
        uint32 fromDate,
        uint32 toDate,
        bytes32 objector,
        uint64 entrySeq,
        bytes32 evidenceHash
    ) external returns (uint32 objectionId);

    /// @notice Answers an objection by a correcting revenue entry already on chain and written after
    ///         the objection (an accountant or committee member). After answerDueDay it is recorded
    ///         as late.
    /// @param community the community id
    /// @param objectionId the objection
    /// @param correctionSeq the correcting entry's sequence number
    /// @param noteHash hash of the written answer
    function answerWithCorrection(bytes32 community, uint32 objectionId, uint64 correctionSeq, bytes32 noteHash)
        external;

    /// @notice Rejects an objection with reasons (a committee member). After answerDueDay it is
    ///         recorded as late.
    /// @param community the community id
    /// @param objectionId the objection
    /// @param reason short reason text
    /// @param reasonHash hash of the full written reasons
    function rejectObjection(bytes32 community, uint32 objectionId, bytes32 reason, bytes32 reasonHash) external;

    /// @notice An objection's state.
    /// @param community the community id
    /// @param objectionId the objection
    /// @return periodKey the period objected to
    /// @return filedDay local day it was filed
    /// @return late filed after the window
    /// @return answered whether it has been answered
    function objection(bytes32 community, uint32 objectionId)
        external
        view
        returns (bytes32 periodKey, uint32 filedDay, bool late, bool answered);

    /// @notice The local day a period's close was noted (0: not noted).
    /// @param community the community id
    /// @param periodKey the period
    /// @return closeDay the day
    function closeDayOf(bytes32 community, bytes32 periodKey) external view returns (uint32 closeDay);

    /// @notice The governance contract (zero: none).
    /// @return governance its address
    function governance() external view returns (address governance);
}
