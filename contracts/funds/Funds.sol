// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {Ownable2Step, Ownable} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {ICommunityRoles} from "../access/ICommunityRoles.sol";
import {Roles} from "../access/Roles.sol";
import {IGovernance} from "../governance/IGovernance.sol";
import {IRevenueLedger} from "../revenue/IRevenueLedger.sol";
import {IRevenueSink} from "../revenue/IRevenueSink.sol";
import {IFunds} from "./IFunds.sol";

/// @title Charity and community funds
/// @notice See `IFunds` for the conventions (earmarks, FIFO sources, dates, sequence numbers).
/// @dev Storage keeps only what a rule must read: one slot per community, per fund, per earmark
///      (balance and FIFO head), per source, per receipt (to refund it) and two per project.
///      The event log is the record; the trace of who paid for what is recomputed from it.
contract Funds is IFunds, IRevenueSink, Ownable2Step, Pausable {
    uint256 private constant MAX_AMOUNT = 2 ** 53 - 1;
    uint256 private constant MAX_BATCH = 256;
    uint256 private constant MAX_NAME_BYTES = 64;
    bytes32 private constant GENERAL = "general";
    bytes32 private constant DISBURSE_ACTION = keccak256("civic.action.funds.disburse");
    bytes32 private constant RETURN_ACTION = keccak256("civic.action.funds.return");
    bytes32 private constant REFUND_ACTION = keccak256("civic.action.funds.refund");

    uint8 private constant SOURCE_DONATION = 1;
    uint8 private constant SOURCE_REVENUE = 2;
    uint8 private constant SOURCE_RETURNED = 3;
    uint8 private constant GOVERNMENT = 5;

    struct State {
        uint64 nextSeq;
        int16 utcOffsetMinutes;
        bool initialized;
    }

    struct Fund {
        bool exists;
        bytes16 kind;
        uint64 ownersThreshold;
    }

    /// @dev Balance and FIFO head of one earmark: `head` is the oldest source with unspent fen,
    ///      `headSpent` the fen of it already disbursed. balance == sum over sources i >= head of
    ///      (amount - refunded) - headSpent.
    struct Earmark {
        bool open;
        uint64 balance;
        uint32 sourceCount;
        uint32 head;
        uint64 headSpent;
    }

    struct Project {
        bytes32 fund;
        bytes32 earmark;
        uint64 paid;
        uint64 returned;
        uint8 acceptances;
        uint8 required;
        bool closed;
        bool exists;
    }

    /// @dev Working memory of one write.
    struct Ctx {
        bytes32 community;
        State s;
        uint32 today;
        uint32 closed;
    }

    ICommunityRoles private immutable _roles;
    IRevenueLedger private immutable _revenue;
    address private _governance;

    mapping(bytes32 community => State) private _state;
    mapping(bytes32 community => mapping(bytes32 fund => Fund)) private _funds;
    /// @dev Keyed by `_key(community, fund, earmark)`.
    mapping(bytes32 key => Earmark) private _earmarks;
    /// @dev Source i of an earmark: amount (bits 0-63) | refunded (64-127) | kind (128-135).
    mapping(bytes32 key => mapping(uint256 index => uint256)) private _sources;
    mapping(bytes32 community => mapping(bytes32 project => Project)) private _projects;
    mapping(bytes32 community => mapping(bytes32 project => mapping(address rep => bool))) private _accepted;
    /// @dev Receipt: 1 << 255 | the earmark key's low 191 bits << 64 | source index.
    mapping(bytes32 community => mapping(bytes32 receipt => uint256)) private _receipts;

    /// @param roles the community registry
    /// @param revenue the revenue ledger (its closed periods; the only caller of `onRevenueTransfer`)
    /// @param operator the deployment operator (owner: global pause, wiring)
    constructor(ICommunityRoles roles, IRevenueLedger revenue, address operator) Ownable(operator) {
        _roles = roles;
        _revenue = revenue;
    }

    // ----------------------------------------------------------------------------- wiring

    /// @notice Sets the governance contract whose approvals disbursements, reassignments and
    ///         refunds use (operator).
    /// @param governance_ the governance contract
    function setGovernance(address governance_) external onlyOwner {
        _governance = governance_;
        emit FundsGovernanceSet(governance_);
    }

    /// @notice Pauses every community's funds (operator only, emergencies).
    function pause() external onlyOwner {
        _pause();
    }

    /// @notice Resumes after a global pause.
    function unpause() external onlyOwner {
        _unpause();
    }

    // ----------------------------------------------------------------------------- set-up

    /// @inheritdoc IFunds
    function createFund(bytes32 community, uint64 seq, bytes32 fund, bytes16 kind, uint64 ownersThreshold)
        external
    {
        Ctx memory c = _begin(community, seq, 1);
        if (fund == bytes32(0) || _funds[community][fund].exists) revert FundsFundExists(community, fund);
        if (ownersThreshold > MAX_AMOUNT) revert FundsAmountOutOfRange(ownersThreshold);
        _funds[community][fund] = Fund({exists: true, kind: kind, ownersThreshold: ownersThreshold});
        _earmarks[_key(community, fund, GENERAL)].open = true;
        emit FundCreated(community, seq, fund, kind, ownersThreshold, msg.sender);
        _end(c);
    }

    /// @inheritdoc IFunds
    function openEarmark(bytes32 community, uint64 seq, bytes32 fund, bytes32 earmark) external {
        Ctx memory c = _begin(community, seq, 1);
        if (!_funds[community][fund].exists) revert FundsUnknownFund(community, fund);
        Earmark storage e = _earmarks[_key(community, fund, earmark)];
        if (earmark == bytes32(0) || e.open) revert FundsEarmarkExists(community, fund, earmark);
        e.open = true;
        emit EarmarkOpened(community, seq, fund, earmark, msg.sender);
        _end(c);
    }

    /// @inheritdoc IFunds
    function openProject(
        bytes32 community,
        uint64 seq,
        bytes32 project,
        bytes32 fund,
        bytes32 earmark,
        uint64 budget,
        uint8 acceptancesRequired
    ) external {
        Ctx memory c = _begin(community, seq, 1);
        earmark = _earmarkSlug(earmark);
        _openEarmark(community, fund, earmark);
        if (
            project == bytes32(0) || _projects[community][project].exists || acceptancesRequired == 0
                || acceptancesRequired > 15
        ) revert FundsInvalidProject(community, project);
        if (budget > MAX_AMOUNT) revert FundsAmountOutOfRange(budget);
        _projects[community][project] = Project({
            fund: fund,
            earmark: earmark,
            paid: 0,
            returned: 0,
            acceptances: 0,
            required: acceptancesRequired,
            closed: false,
            exists: true
        });
        emit ProjectOpened(community, seq, project, fund, earmark, budget, acceptancesRequired, msg.sender);
        _end(c);
    }

    // ----------------------------------------------------------------------------- inflows

    /// @inheritdoc IFunds
    function donate(bytes32 community, uint64 seq, Donation calldata donation) external {
        Ctx memory c = _begin(community, seq, 1);
        _donate(c, seq, donation);
        _end(c);
    }

    /// @inheritdoc IFunds
    function donateBatch(bytes32 community, uint64 firstSeq, Donation[] calldata donations) external {
        uint256 n = donations.length;
        if (n == 0 || n > MAX_BATCH) revert FundsMalformedBatch(n);
        Ctx memory c = _begin(community, firstSeq, uint64(n));
        for (uint256 i; i < n; ++i) {
            _donate(c, firstSeq + uint64(i), donations[i]);
        }
        _end(c);
    }

    /// @inheritdoc IRevenueSink
    /// @dev `data` is `abi.encode(bytes32 fund, bytes32 earmark)`; the revenue ledger checked the
    ///      amount and the date and debited the bucket before calling.
    function onRevenueTransfer(
        bytes32 community,
        uint64 seq,
        bytes32 bucket,
        uint64 amount,
        uint32 businessDate,
        bytes calldata data
    ) external {
        _requireNotPaused();
        if (msg.sender != address(_revenue)) revert FundsOnlyRevenueLedger(msg.sender);
        (bytes32 fund, bytes32 earmark) = abi.decode(data, (bytes32, bytes32));
        earmark = _earmarkSlug(earmark);
        _checkAmount(amount);
        uint32 index = _addSource(community, fund, earmark, amount, SOURCE_REVENUE);
        emit RevenueReceived(community, seq, fund, earmark, bucket, amount, businessDate, index);
    }

    // ----------------------------------------------------------------------------- outflows

    /// @inheritdoc IFunds
    function disburse(
        bytes32 community,
        uint64 seq,
        bytes32 project,
        bytes32 fund,
        bytes32 earmark,
        uint64 amount,
        bool isFinal,
        uint32 businessDate,
        bytes32 ref,
        bytes32 evidenceHash
    ) external {
        Ctx memory c = _begin(community, seq, 1);
        _checkDate(c, businessDate);
        _checkAmount(amount);
        earmark = _earmarkSlug(earmark);
        Project memory p = _projects[community][project];
        if (!p.exists) revert FundsUnknownProject(community, project);
        if (p.fund != fund || p.earmark != earmark) revert FundsWrongPurpose(community, project, fund, earmark);
        if (p.closed) revert FundsProjectClosed(community, project);
        if (isFinal && p.acceptances < p.required) {
            revert FundsNotAccepted(community, project, p.acceptances, p.required);
        }
        (uint256 proposalId, uint8 decisionType) = _approval(
            community, disbursementActionHash(community, project, fund, earmark, amount, isFinal, ref, evidenceHash)
        );
        uint64 threshold = _funds[community][fund].ownersThreshold;
        if (amount > threshold && decisionType == 0) {
            revert FundsNeedsOwnersVote(community, fund, amount, threshold);
        }
        _spendFifo(community, fund, earmark, amount);
        p.paid += amount; // checked: a project paid 2^64 fen would revert
        p.closed = isFinal;
        _projects[community][project] = p;
        emit Disbursed(
            community,
            seq,
            project,
            fund,
            earmark,
            amount,
            isFinal,
            businessDate,
            ref,
            evidenceHash,
            proposalId,
            decisionType,
            msg.sender
        );
        _end(c);
    }

    /// @inheritdoc IFunds
    function acceptProject(bytes32 community, uint64 seq, bytes32 project, uint32 businessDate, bytes32 evidenceHash)
        external
    {
        Ctx memory c = _beginAs(community, Roles.RESIDENT_REP, seq, 1);
        _checkDate(c, businessDate);
        Project storage p = _projects[community][project];
        if (!p.exists) revert FundsUnknownProject(community, project);
        if (p.closed) revert FundsProjectClosed(community, project);
        if (_accepted[community][project][msg.sender]) revert FundsAlreadyAccepted(community, project, msg.sender);
        _accepted[community][project][msg.sender] = true;
        uint8 n = p.acceptances + 1; // cannot overflow in practice: checked arithmetic reverts at 255
        p.acceptances = n;
        emit ProjectAccepted(community, seq, project, n, evidenceHash, businessDate, msg.sender);
        _end(c);
    }

    /// @inheritdoc IFunds
    function returnUnspent(
        bytes32 community,
        uint64 seq,
        bytes32 project,
        bytes32 fund,
        bytes32 earmark,
        uint64 amount,
        uint32 businessDate,
        bytes32 evidenceHash
    ) external {
        Ctx memory c = _begin(community, seq, 1);
        _checkDate(c, businessDate);
        _checkAmount(amount);
        earmark = _earmarkSlug(earmark);
        Project memory p = _projects[community][project];
        if (!p.exists) revert FundsUnknownProject(community, project);
        // Cannot underflow: returned never exceeds paid (checked below on every return).
        uint256 returnable;
        unchecked {
            returnable = uint256(p.paid) - p.returned;
        }
        if (amount > returnable) revert FundsReturnTooLarge(community, project, returnable, amount);
        uint256 proposalId;
        if (p.fund != fund || p.earmark != earmark) {
            (proposalId,) =
                _approval(community, returnActionHash(community, project, fund, earmark, amount, evidenceHash));
        }
        // Cannot overflow: returned + amount <= paid (checked above).
        unchecked {
            p.returned += amount;
        }
        _projects[community][project] = p;
        uint32 index = _addSource(community, fund, earmark, amount, SOURCE_RETURNED);
        emit UnspentReturned(
            community, seq, project, fund, earmark, amount, businessDate, evidenceHash, proposalId, index, msg.sender
        );
        _end(c);
    }

    /// @inheritdoc IFunds
    function refund(
        bytes32 community,
        uint64 seq,
        bytes32 receipt,
        bytes32 fund,
        bytes32 earmark,
        uint64 amount,
        uint32 businessDate,
        bytes32 evidenceHash
    ) external {
        Ctx memory c = _begin(community, seq, 1);
        _checkDate(c, businessDate);
        _checkAmount(amount);
        earmark = _earmarkSlug(earmark);
        bytes32 key = _key(community, fund, earmark);
        uint256 r = _receipts[community][receipt];
        if (r == 0 || (r >> 64) & _KEY_MASK != uint256(key) & _KEY_MASK) {
            revert FundsUnknownReceipt(community, receipt);
        }
        uint32 index = uint32(r);
        Earmark memory e = _earmarks[key];
        uint256 src = _sources[key][index];
        uint256 unspent = _unspent(e, index, src);
        if (amount > unspent) revert FundsRefundTooLarge(community, receipt, unspent, amount);
        (uint256 proposalId,) = _approval(community, refundActionHash(community, receipt, amount, evidenceHash));
        // Cannot overflow or underflow: amount <= unspent <= amount - refunded of the source, and
        // the balance includes every source's unspent fen.
        unchecked {
            _sources[key][index] = src + (uint256(amount) << 64);
            e.balance -= amount;
        }
        _earmarks[key] = e;
        emit DonorRefunded(community, seq, receipt, fund, earmark, amount, businessDate, evidenceHash, proposalId, msg.sender);
        _end(c);
    }

    // ----------------------------------------------------------------------------- views

    /// @inheritdoc IFunds
    function nextSeq(bytes32 community) external view returns (uint64 seq) {
        State memory s = _state[community];
        return s.initialized ? s.nextSeq : 1;
    }

    /// @inheritdoc IFunds
    function fundInfo(bytes32 community, bytes32 fund)
        external
        view
        returns (bool exists, bytes16 kind, uint64 ownersThreshold)
    {
        Fund memory f = _funds[community][fund];
        return (f.exists, f.kind, f.ownersThreshold);
    }

    /// @inheritdoc IFunds
    function earmarkInfo(bytes32 community, bytes32 fund, bytes32 earmark)
        external
        view
        returns (bool open, uint64 balance, uint32 sources, uint32 head, uint64 headSpent)
    {
        Earmark memory e = _earmarks[_key(community, fund, _earmarkSlug(earmark))];
        return (e.open, e.balance, e.sourceCount, e.head, e.headSpent);
    }

    /// @inheritdoc IFunds
    function sourceInfo(bytes32 community, bytes32 fund, bytes32 earmark, uint32 index)
        external
        view
        returns (uint64 amount, uint64 refunded, uint8 kind)
    {
        uint256 s = _sources[_key(community, fund, _earmarkSlug(earmark))][index];
        return (uint64(s), uint64(s >> 64), uint8(s >> 128));
    }

    /// @inheritdoc IFunds
    function projectInfo(bytes32 community, bytes32 project)
        external
        view
        returns (
            bytes32 fund,
            bytes32 earmark,
            uint64 paid,
            uint64 returned,
            uint8 acceptances,
            uint8 acceptancesRequired,
            bool closed
        )
    {
        Project memory p = _projects[community][project];
        return (p.fund, p.earmark, p.paid, p.returned, p.acceptances, p.required, p.closed);
    }

    /// @inheritdoc IFunds
    function disbursementActionHash(
        bytes32 community,
        bytes32 project,
        bytes32 fund,
        bytes32 earmark,
        uint64 amount,
        bool isFinal,
        bytes32 ref,
        bytes32 evidenceHash
    ) public pure returns (bytes32) {
        return keccak256(
            abi.encode(DISBURSE_ACTION, community, project, fund, earmark, amount, isFinal, ref, evidenceHash)
        );
    }

    /// @inheritdoc IFunds
    function returnActionHash(
        bytes32 community,
        bytes32 project,
        bytes32 fund,
        bytes32 earmark,
        uint64 amount,
        bytes32 evidenceHash
    ) public pure returns (bytes32) {
        return keccak256(abi.encode(RETURN_ACTION, community, project, fund, earmark, amount, evidenceHash));
    }

    /// @inheritdoc IFunds
    function refundActionHash(bytes32 community, bytes32 receipt, uint64 amount, bytes32 evidenceHash)
        public
        pure
        returns (bytes32)
    {
        return keccak256(abi.encode(REFUND_ACTION, community, receipt, amount, evidenceHash));
    }

    /// @inheritdoc IFunds
    function governance() external view returns (address) {
        return _governance;
    }

    // ----------------------------------------------------------------------------- internals

    uint256 private constant _KEY_MASK = (1 << 191) - 1;

    function _begin(bytes32 community, uint64 seq, uint64 count) private returns (Ctx memory c) {
        return _beginAs(community, Roles.FUND_KEEPER, seq, count);
    }

    /// @dev Common prologue of every sequenced write: global pause, role, lazy community set-up,
    ///      the exactly-once sequence check, today's business date and the closed-through date.
    function _beginAs(bytes32 community, bytes32 role, uint64 seq, uint64 count) private returns (Ctx memory c) {
        _requireNotPaused();
        _roles.checkRole(community, role, msg.sender);
        c.community = community;
        c.s = _state[community];
        if (!c.s.initialized) {
            c.s.utcOffsetMinutes = _roles.utcOffsetOf(community);
            c.s.initialized = true;
            c.s.nextSeq = 1;
        }
        if (seq != c.s.nextSeq) revert FundsWrongSequence(community, c.s.nextSeq, seq);
        c.s.nextSeq = seq + count;
        // The offset is within -720..840 minutes and timestamps are far above 12 hours, so the
        // sum is positive and the day number fits uint32 until the year 11 million.
        c.today = uint32(uint256(int256(block.timestamp) + int256(c.s.utcOffsetMinutes) * 60) / 86_400);
        c.closed = _revenue.closedThrough(community);
    }

    function _end(Ctx memory c) private {
        _state[c.community] = c.s;
    }

    /// @dev What a grant's formula gives, in fen: per area (kind 1) rate x units / 100 (units are
    ///      0.01 m²), per resident (kind 2) rate x units. Published with the statement, so it must stay
    ///      below 2^53 like every amount.
    function _formulaAmount(uint8 kind, uint64 rate, uint64 units) private pure returns (uint256) {
        uint256 product = uint256(rate) * units;
        return kind == 1 ? product / 100 : product;
    }

    /// @dev The one place donations are checked and recorded: a new source at the end of the
    ///      earmark's queue, the receipt spent, `DonationReceived` emitted.
    function _donate(Ctx memory c, uint64 seq, Donation calldata d) private {
        bytes32 community = c.community;
        _checkDate(c, d.businessDate);
        _checkAmount(d.amount);
        bytes32 receipt = d.receipt;
        if (receipt == bytes32(0) || _receipts[community][receipt] != 0) revert FundsReceiptUsed(community, receipt);
        if (
            d.donorType == 0 || d.donorType > GOVERNMENT || d.donor == bytes32(0)
                || (d.formulaKind != 0 && (d.donorType != GOVERNMENT || d.formulaKind > 2 || d.formulaUnits == 0))
                || (d.formulaKind == 0 && (d.formulaRate != 0 || d.formulaUnits != 0))
                || d.formulaRate > MAX_AMOUNT || d.formulaUnits > MAX_AMOUNT
                || _formulaAmount(d.formulaKind, d.formulaRate, d.formulaUnits) > MAX_AMOUNT
        ) revert FundsInvalidDonor(community, receipt);
        if (bytes(d.publicName).length > MAX_NAME_BYTES) revert FundsInvalidPublicName(community, receipt);
        bytes32 earmark = _earmarkSlug(d.earmark);
        uint32 index = _addSource(community, d.fund, earmark, d.amount, SOURCE_DONATION);
        _receipts[community][receipt] =
            (1 << 255) | ((uint256(_key(community, d.fund, earmark)) & _KEY_MASK) << 64) | index;
        emit DonationReceived(
            community,
            seq,
            receipt,
            d.fund,
            earmark,
            d.donor,
            d.donorType,
            d.amount,
            d.businessDate,
            index,
            d.formulaKind,
            d.formulaRate,
            d.formulaUnits,
            d.campaign,
            d.rights,
            d.publicName
        );
    }

    /// @dev The one place an earmark's balance grows: appends a source to its queue.
    function _addSource(bytes32 community, bytes32 fund, bytes32 earmark, uint64 amount, uint8 kind)
        private
        returns (uint32 index)
    {
        bytes32 key = _key(community, fund, earmark);
        Earmark memory e = _earmarks[key];
        if (!e.open) {
            if (!_funds[community][fund].exists) revert FundsUnknownFund(community, fund);
            revert FundsUnknownEarmark(community, fund, earmark);
        }
        uint256 balance = uint256(e.balance) + amount;
        if (balance > MAX_AMOUNT) revert FundsAmountOutOfRange(balance);
        index = e.sourceCount;
        _sources[key][index] = (uint256(kind) << 128) | amount;
        e.balance = uint64(balance);
        e.sourceCount = index + 1; // checked: 2^32 sources would revert
        _earmarks[key] = e;
    }

    /// @dev The one place a disbursement spends: first in, first out from the head of the queue.
    function _spendFifo(bytes32 community, bytes32 fund, bytes32 earmark, uint64 amount) private {
        bytes32 key = _key(community, fund, earmark);
        Earmark memory e = _earmarks[key];
        if (e.balance < amount) revert FundsInsufficientBalance(community, fund, earmark, e.balance, amount);
        // Cannot underflow: every source from the head on holds `amount - refunded - spent` unspent
        // fen, their sum is the balance, and the balance covers `left` (checked above), so the loop
        // stops before the queue's end and no subtraction goes below zero.
        unchecked {
            e.balance -= amount;
            uint256 left = amount;
            uint32 i = e.head;
            uint256 spent = e.headSpent;
            while (left > 0) {
                uint256 s = _sources[key][i];
                uint256 avail = uint256(uint64(s)) - uint64(s >> 64) - spent;
                if (avail > left) {
                    spent += left;
                    left = 0;
                } else {
                    left -= avail;
                    ++i;
                    spent = 0;
                }
            }
            e.head = i;
            e.headSpent = uint64(spent);
        }
        _earmarks[key] = e;
    }

    /// @dev Unspent fen of source `index` given the queue's head.
    function _unspent(Earmark memory e, uint32 index, uint256 src) private pure returns (uint256) {
        if (index < e.head) return 0;
        // Cannot underflow: refunded <= amount, and the head's spent fen <= its amount - refunded.
        unchecked {
            uint256 left = uint256(uint64(src)) - uint64(src >> 64);
            return index == e.head ? left - e.headSpent : left;
        }
    }

    function _approval(bytes32 community, bytes32 action) private returns (uint256, uint8) {
        if (_governance == address(0)) revert FundsNoGovernance();
        return IGovernance(_governance).consumeApproval(community, action);
    }

    function _openEarmark(bytes32 community, bytes32 fund, bytes32 earmark) private view {
        if (!_funds[community][fund].exists) revert FundsUnknownFund(community, fund);
        if (!_earmarks[_key(community, fund, earmark)].open) revert FundsUnknownEarmark(community, fund, earmark);
    }

    function _key(bytes32 community, bytes32 fund, bytes32 earmark) private pure returns (bytes32) {
        return keccak256(abi.encode(community, fund, earmark));
    }

    function _earmarkSlug(bytes32 earmark) private pure returns (bytes32) {
        return earmark == bytes32(0) ? GENERAL : earmark;
    }

    function _checkAmount(uint256 amount) private pure {
        if (amount == 0 || amount > MAX_AMOUNT) revert FundsAmountOutOfRange(amount);
    }

    function _checkDate(Ctx memory c, uint32 businessDate) private pure {
        if (businessDate > c.today || businessDate <= c.closed) {
            revert FundsBadDate(c.community, businessDate, c.today, c.closed);
        }
    }
}
