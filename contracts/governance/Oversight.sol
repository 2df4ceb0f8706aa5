// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {Ownable2Step, Ownable} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {ICommunityRoles} from "../access/ICommunityRoles.sol";
import {Roles} from "../access/Roles.sol";
import {IAuditAnchor} from "../audit/IAuditAnchor.sol";
import {IRevenueLedger} from "../revenue/IRevenueLedger.sol";
import {IGovernance} from "./IGovernance.sol";
import {IOversight} from "./OversightInterface.sol";

/// @title Budgets, the revenue-contract register and objections
/// @notice See `IOversight` for the rules.
/// @dev Storage keeps only what a rule reads: the "other" limit, the latest budget version per year,
///      contract numbers (uniqueness) and whether a contract ended, the noted close day per period,
///      and per objection its period, days, first correction sequence and whether it was answered.
///      Budget lines and instalments live in the events only.
contract Oversight is IOversight, Ownable2Step {
    uint256 private constant MAX_AMOUNT = 2 ** 53 - 1;
    uint256 private constant MAX_LINES = 64;
    uint256 private constant MAX_INSTALMENTS = 120;
    uint16 private constant DEFAULT_OTHER_LIMIT_BPS = 1_000;
    uint32 private constant OBJECTION_WINDOW_DAYS = 15;
    uint32 private constant ANSWER_DAYS = 7;

    bytes32 private constant INCOME = "income";
    bytes32 private constant OTHER = "other";
    bytes32 private constant CONTINGENCY = "contingency";
    bytes32 private constant BUDGET_ACTION = keccak256("civic.action.budget");
    bytes32 private constant OTHER_LIMIT_ACTION = keccak256("civic.action.budget.otherLimit");

    /// @dev One slot per objection.
    struct Objection {
        bytes32 periodKey;
        uint64 firstCorrectionSeq;
        uint32 filedDay;
        uint32 answerDueDay;
        bool late;
        bool answered;
    }

    /// @dev One slot per community for its counters and limit.
    struct Counters {
        uint32 contracts;
        uint32 objections;
        /// @dev the "other" limit plus one (0: never set, the default applies)
        uint16 otherLimitPlusOne;
    }

    ICommunityRoles private immutable _roles;
    IRevenueLedger private immutable _revenue;
    IAuditAnchor private immutable _anchor;
    address private _governance;

    mapping(bytes32 community => Counters) private _counters;
    mapping(bytes32 community => mapping(uint16 year => uint32 version)) private _budgetVersions;
    mapping(bytes32 community => mapping(bytes32 number => uint32 contractId)) private _contractIds;
    mapping(bytes32 community => mapping(uint32 contractId => bool)) private _contractEnded;
    mapping(bytes32 community => mapping(bytes32 periodKey => uint32 closeDay)) private _closeDays;
    mapping(bytes32 community => mapping(uint32 objectionId => Objection)) private _objections;
    mapping(bytes32 objectionKey => uint32 objectionId) private _objectionKeys;

    /// @param roles the community registry
    /// @param revenue the revenue ledger whose entries corrections name
    /// @param auditAnchor the anchor that closes periods
    /// @param operator the deployment operator (owner: governance wiring)
    constructor(ICommunityRoles roles, IRevenueLedger revenue, IAuditAnchor auditAnchor, address operator)
        Ownable(operator)
    {
        _roles = roles;
        _revenue = revenue;
        _anchor = auditAnchor;
    }

    /// @notice Sets the governance contract that approves budgets and limit changes.
    /// @param governance_ the contract (zero: none)
    function setGovernance(address governance_) external onlyOwner {
        _governance = governance_;
        emit OversightGovernanceSet(governance_);
    }

    // -- budgets ----------------------------------------------------------------------------------

    /// @inheritdoc IOversight
    function adoptBudget(
        bytes32 community,
        uint16 year,
        bytes32[] calldata buckets,
        bytes32[] calldata purposes,
        uint64[] calldata amounts,
        bytes32 docHash
    ) external returns (uint32 version) {
        _checkEither(community, Roles.ACCOUNTANT, Roles.COMMITTEE);
        if (year < 2000 || year > 2200) revert OversightInvalidBudget(community, 6);
        (uint64 total, uint64 other, uint64 contingency, uint16 limitBps) =
            _checkBudget(community, buckets, purposes, amounts);
        (uint256 proposalId, uint8 decisionType) = IGovernance(_requireGovernance()).consumeApproval(
            community, budgetActionHash(community, year, buckets, purposes, amounts, docHash)
        );
        version = _budgetVersions[community][year] + 1;
        _budgetVersions[community][year] = version;
        emit BudgetAdopted(
            community,
            year,
            version,
            buckets,
            purposes,
            amounts,
            total,
            other,
            contingency,
            limitBps,
            docHash,
            proposalId,
            decisionType,
            msg.sender
        );
    }

    /// @inheritdoc IOversight
    function checkBudget(
        bytes32 community,
        bytes32[] calldata buckets,
        bytes32[] calldata purposes,
        uint64[] calldata amounts
    ) external view returns (uint64 total, uint64 other, uint64 contingency, uint16 limitBps) {
        return _checkBudget(community, buckets, purposes, amounts);
    }

    /// @inheritdoc IOversight
    function budgetActionHash(
        bytes32 community,
        uint16 year,
        bytes32[] calldata buckets,
        bytes32[] calldata purposes,
        uint64[] calldata amounts,
        bytes32 docHash
    ) public pure returns (bytes32 actionHash) {
        return keccak256(abi.encode(BUDGET_ACTION, community, year, buckets, purposes, amounts, docHash));
    }

    /// @inheritdoc IOversight
    function setOtherLimit(bytes32 community, uint16 limitBps) external {
        _roles.checkRole(community, Roles.COMMITTEE, msg.sender);
        if (limitBps > 10_000) revert OversightInvalidLimit(limitBps);
        (uint256 proposalId,) =
            IGovernance(_requireGovernance()).consumeApproval(community, otherLimitActionHash(community, limitBps));
        _counters[community].otherLimitPlusOne = limitBps + 1;
        emit OtherLimitSet(community, limitBps, proposalId, msg.sender);
    }

    /// @inheritdoc IOversight
    function otherLimitActionHash(bytes32 community, uint16 limitBps) public pure returns (bytes32 actionHash) {
        return keccak256(abi.encode(OTHER_LIMIT_ACTION, community, limitBps));
    }

    /// @inheritdoc IOversight
    function otherLimitOf(bytes32 community) public view returns (uint16 limitBps) {
        uint16 stored = _counters[community].otherLimitPlusOne;
        // stored >= 1 whenever it is not 0, so the subtraction cannot underflow.
        unchecked {
            return stored == 0 ? DEFAULT_OTHER_LIMIT_BPS : stored - 1;
        }
    }

    /// @inheritdoc IOversight
    function budgetVersion(bytes32 community, uint16 year) external view returns (uint32 version) {
        return _budgetVersions[community][year];
    }

    // -- revenue contracts ------------------------------------------------------------------------

    /// @inheritdoc IOversight
    function registerRevenueContract(
        bytes32 community,
        bytes32 number,
        bytes16 kind,
        bytes16 source,
        bytes32 counterparty,
        uint32[] calldata dueDates,
        uint64[] calldata amounts,
        bytes32 docHash
    ) external returns (uint32 contractId) {
        _checkEither(community, Roles.ACCOUNTANT, Roles.COMMITTEE);
        if (number == bytes32(0) || kind == bytes16(0)) revert OversightInvalidContract(community, 1);
        if (source == bytes16(0)) revert OversightInvalidContract(community, 4);
        uint256 n = dueDates.length;
        if (n == 0 || n > MAX_INSTALMENTS || amounts.length != n) revert OversightInvalidContract(community, 2);
        uint256 sum;
        for (uint256 i; i < n; ++i) {
            if (i > 0 && dueDates[i] <= dueDates[i - 1]) revert OversightInvalidContract(community, 3);
            _checkAmount(amounts[i]);
            sum += amounts[i];
        }
        _checkAmount(sum);
        uint32 existing = _contractIds[community][number];
        if (existing != 0) revert OversightContractNumberTaken(community, number, existing);
        contractId = ++_counters[community].contracts;
        _contractIds[community][number] = contractId;
        emit RevenueContractRegistered(
            community, contractId, number, kind, source, counterparty, dueDates, amounts, docHash, msg.sender
        );
    }

    /// @inheritdoc IOversight
    function endRevenueContract(bytes32 community, uint32 contractId, uint32 endDate, bytes32 reason) external {
        _roles.checkRole(community, Roles.COMMITTEE, msg.sender);
        if (contractId == 0 || contractId > _counters[community].contracts) {
            revert OversightUnknownContract(community, contractId);
        }
        if (_contractEnded[community][contractId]) revert OversightContractAlreadyEnded(community, contractId);
        uint32 today = _today(community);
        if (endDate < today) revert OversightRetroactiveEnd(community, endDate, today);
        _contractEnded[community][contractId] = true;
        emit RevenueContractEnded(community, contractId, endDate, reason, msg.sender);
    }

    /// @inheritdoc IOversight
    function contractIdOf(bytes32 community, bytes32 number) external view returns (uint32 contractId) {
        return _contractIds[community][number];
    }

    // -- objections -------------------------------------------------------------------------------

    /// @inheritdoc IOversight
    function noteClose(bytes32 community, uint32 fromDate, uint32 toDate) external returns (bytes32 periodKey) {
        periodKey = _anchor.periodKeyOf(community, fromDate, toDate);
        if (_closeDays[community][periodKey] != 0) revert OversightCloseAlreadyNoted(community, periodKey);
        _noteClose(community, periodKey, fromDate, toDate);
    }

    /// @inheritdoc IOversight
    function fileObjection(
        bytes32 community,
        uint32 fromDate,
        uint32 toDate,
        bytes32 objector,
        uint64 entrySeq,
        bytes32 evidenceHash
    ) external returns (uint32 objectionId) {
        if (objector == bytes32(0) || evidenceHash == bytes32(0)) revert OversightInvalidObjection(community);
        bytes32 periodKey = _anchor.periodKeyOf(community, fromDate, toDate);
        uint32 closeDay = _closeDays[community][periodKey];
        if (closeDay == 0) closeDay = _noteClose(community, periodKey, fromDate, toDate);
        uint64 nextSeq = _revenue.nextSeq(community);
        if (entrySeq >= nextSeq) revert OversightUnknownEntry(community, entrySeq);
        bytes32 key = keccak256(abi.encode(community, periodKey, objector, evidenceHash));
        uint32 existing = _objectionKeys[key];
        if (existing != 0) revert OversightDuplicateObjection(community, existing);
        objectionId = ++_counters[community].objections;
        _objectionKeys[key] = objectionId;
        uint32 today = _today(community);
        // Day numbers are below 2^32 - 1000 for millennia, so these sums cannot overflow.
        bool late;
        uint32 due;
        unchecked {
            late = today > closeDay + OBJECTION_WINDOW_DAYS;
            due = today + ANSWER_DAYS;
        }
        _objections[community][objectionId] = Objection(periodKey, nextSeq, today, due, late, false);
        emit ObjectionFiled(
            community, objectionId, periodKey, objector, entrySeq, evidenceHash, today, late, due, nextSeq, msg.sender
        );
    }

    /// @inheritdoc IOversight
    function answerWithCorrection(bytes32 community, uint32 objectionId, uint64 correctionSeq, bytes32 noteHash)
        external
    {
        _checkEither(community, Roles.ACCOUNTANT, Roles.COMMITTEE);
        Objection storage o = _open(community, objectionId);
        uint64 nextSeq = _revenue.nextSeq(community);
        if (correctionSeq < o.firstCorrectionSeq || correctionSeq >= nextSeq) {
            revert OversightCorrectionNotAfterObjection(
                community, objectionId, correctionSeq, o.firstCorrectionSeq, nextSeq
            );
        }
        o.answered = true;
        uint32 today = _today(community);
        emit ObjectionCorrected(
            community, objectionId, correctionSeq, noteHash, today, today > o.answerDueDay, msg.sender
        );
    }

    /// @inheritdoc IOversight
    function rejectObjection(bytes32 community, uint32 objectionId, bytes32 reason, bytes32 reasonHash) external {
        _roles.checkRole(community, Roles.COMMITTEE, msg.sender);
        Objection storage o = _open(community, objectionId);
        if (reason == bytes32(0) || reasonHash == bytes32(0)) revert OversightReasonRequired(community, objectionId);
        o.answered = true;
        uint32 today = _today(community);
        emit ObjectionRejected(community, objectionId, reason, reasonHash, today, today > o.answerDueDay, msg.sender);
    }

    /// @inheritdoc IOversight
    function objection(bytes32 community, uint32 objectionId)
        external
        view
        returns (bytes32 periodKey, uint32 filedDay, bool late, bool answered)
    {
        Objection storage o = _objections[community][objectionId];
        return (o.periodKey, o.filedDay, o.late, o.answered);
    }

    /// @inheritdoc IOversight
    function closeDayOf(bytes32 community, bytes32 periodKey) external view returns (uint32 closeDay) {
        return _closeDays[community][periodKey];
    }

    /// @inheritdoc IOversight
    function governance() external view returns (address) {
        return _governance;
    }

    // -- internals --------------------------------------------------------------------------------

    function _checkBudget(
        bytes32 community,
        bytes32[] calldata buckets,
        bytes32[] calldata purposes,
        uint64[] calldata amounts
    ) private view returns (uint64 total, uint64 other, uint64 contingency, uint16 limitBps) {
        uint256 n = buckets.length;
        if (n == 0 || n > MAX_LINES || purposes.length != n || amounts.length != n) {
            revert OversightInvalidBudget(community, 1);
        }
        uint256 sum;
        uint256 otherSum;
        uint256 contingencySum;
        bool hasContingency;
        for (uint256 i; i < n; ++i) {
            bytes32 bucket = buckets[i];
            bytes32 purpose = purposes[i];
            if (bucket == bytes32(0) || purpose == bytes32(0)) revert OversightInvalidBudget(community, 2);
            _checkAmount(amounts[i]);
            for (uint256 j; j < i; ++j) {
                if (buckets[j] == bucket && purposes[j] == purpose) revert OversightInvalidBudget(community, 3);
            }
            if (bucket == INCOME) continue;
            sum += amounts[i];
            if (purpose == OTHER) {
                otherSum += amounts[i];
            } else if (purpose == CONTINGENCY) {
                if (hasContingency) revert OversightInvalidBudget(community, 5);
                hasContingency = true;
                contingencySum = amounts[i];
            }
        }
        if (sum == 0) revert OversightInvalidBudget(community, 4);
        _checkAmount(sum);
        limitBps = otherLimitOf(community);
        // sum < 2^53, so these products stay far below 2^256.
        if (otherSum * 10_000 > uint256(limitBps) * sum) {
            revert OversightOtherShareTooLarge(community, otherSum, sum, limitBps);
        }
        if (hasContingency && (contingencySum * 100 < sum * 10 || contingencySum * 100 > sum * 15)) {
            revert OversightContingencyOutOfRange(community, contingencySum, sum);
        }
        // Each is at most sum < 2^53, so the narrowing is exact.
        return (uint64(sum), uint64(otherSum), uint64(contingencySum), limitBps);
    }

    function _noteClose(bytes32 community, bytes32 periodKey, uint32 fromDate, uint32 toDate)
        private
        returns (uint32 closeDay)
    {
        // The window counts from the day the period was anchored, whenever this is noted.
        closeDay = _anchor.closedOn(community, periodKey);
        if (closeDay == 0) revert OversightPeriodNotClosed(community, periodKey);
        _closeDays[community][periodKey] = closeDay;
        emit PeriodCloseNoted(community, periodKey, fromDate, toDate, closeDay, msg.sender);
    }

    function _open(bytes32 community, uint32 objectionId) private view returns (Objection storage o) {
        o = _objections[community][objectionId];
        if (o.filedDay == 0) revert OversightUnknownObjection(community, objectionId);
        if (o.answered) revert OversightAlreadyAnswered(community, objectionId);
    }

    function _checkEither(bytes32 community, bytes32 roleA, bytes32 roleB) private view {
        if (!_roles.hasRole(community, roleA, msg.sender) && !_roles.hasRole(community, roleB, msg.sender)) {
            revert OversightMissingRole(community, msg.sender);
        }
    }

    function _requireGovernance() private view returns (address g) {
        g = _governance;
        if (g == address(0)) revert OversightNoGovernance();
    }

    function _checkAmount(uint256 amount) private pure {
        if (amount == 0 || amount > MAX_AMOUNT) revert OversightAmountOutOfRange(amount);
    }

    /// @dev The community's local day number from chain time (its UTC offset in minutes).
    function _today(bytes32 community) private view returns (uint32) {
        int256 offset = _roles.utcOffsetOf(community);
        // Timestamps exceed any offset, so the sum is positive; day numbers fit uint32.
        return uint32(uint256(int256(block.timestamp) + offset * 60) / 86_400);
    }
}
