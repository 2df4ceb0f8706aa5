// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {Ownable2Step, Ownable} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {ICommunityRoles} from "../access/ICommunityRoles.sol";
import {Roles} from "../access/Roles.sol";
import {IGovernance} from "../governance/IGovernance.sol";
import {IRevenueLedger} from "./IRevenueLedger.sol";
import {IRevenueSink} from "./IRevenueSink.sol";

/// @title Public revenue ledger
/// @notice See `IRevenueLedger` for the conventions (amounts, dates, sequence numbers, rounding).
/// @dev Storage keeps only what a rule must read: one packed slot per community, one per policy
///      version, balances packed four to a slot, and marks written only by the rare non-income
///      writes. Incomes write no storage of their own, which is what makes batches cheap; the
///      event log is the record.
contract RevenueLedger is IRevenueLedger, Ownable2Step, Pausable {
    uint256 private constant MAX_AMOUNT = 2 ** 53 - 1;
    uint256 private constant BPS_TOTAL = 10_000;
    uint256 private constant MAX_POLICY_BUCKETS = 8;
    uint256 private constant MAX_COMMUNITY_BUCKETS = 16;
    uint256 private constant MAX_BATCH = 1024;
    bytes32 private constant OWNERS_COMMON = "owners_common";
    bytes32 private constant SPEND_ACTION = keccak256("civic.action.spend");
    bytes32 private constant TRANSFER_ACTION = keccak256("civic.action.transfer");

    // Marks: 4 bits per sequence number, 64 per word, written only by non-income writes.
    uint256 private constant MARK_REVERSED = 1;
    uint256 private constant MARK_NOT_INCOME = 2;
    uint256 private constant MARK_REVERSAL = 4;

    /// @dev One storage slot per community (248 bits). `lastIncomeDate` is the latest business
    ///      date any income was posted with: a new policy must start after it, so the policy that
    ///      split an income is never replaced for that income's date (reversals re-split by it).
    struct State {
        uint64 nextSeq;
        uint32 closedThrough;
        uint32 lastIncomeDate;
        uint16 policyCount;
        int16 utcOffsetMinutes;
        uint8 bucketCount;
        bool initialized;
        bool paused;
        uint64 depositsHeld;
    }

    /// @dev Working memory of one write: the community's state, today's date, a cache of the
    ///      policy found last (batches are mostly one date range) and balance deltas per bucket id.
    struct Ctx {
        bytes32 community;
        State s;
        uint32 today;
        uint16 cVersion;
        uint32 cFrom;
        uint32 cUntil;
        uint256 cPacked;
        uint256 acc0;
        uint256 acc1;
        uint256[MAX_COMMUNITY_BUCKETS] credit;
    }

    ICommunityRoles private immutable _roles;
    address private _anchor;
    address private _governance;

    mapping(bytes32 community => State) private _state;
    /// @dev Packed policy: effectiveDate (bits 0-31) | bucket count (32-39) | per bucket i:
    ///      bucket id (8 bits at 40 + 24i) and bps (16 bits at 48 + 24i).
    mapping(bytes32 community => mapping(uint256 version => uint256)) private _policies;
    /// @dev Balances in fen, uint64 lanes, bucket id b in word b / 4 at bit 64 * (b % 4).
    mapping(bytes32 community => mapping(uint256 word => uint256)) private _balanceWords;
    mapping(bytes32 community => mapping(bytes32 slug => uint256 idPlusOne)) private _bucketIds;
    mapping(bytes32 community => mapping(uint256 id => bytes32 slug)) private _bucketSlugs;
    mapping(bytes32 community => mapping(uint256 word => uint256)) private _marks;
    /// @dev Spend commitment: 1 << 255 | bucket id << 64 | amount.
    mapping(bytes32 community => mapping(uint64 seq => uint256)) private _spends;
    /// @dev Deposit remaining: 1 << 255 | remaining.
    mapping(bytes32 community => mapping(uint64 seq => uint256)) private _deposits;
    /// @dev Contracts that may receive money by `transferOut` (last: the proofs' slot numbers stay).
    mapping(address sink => bool allowed) private _sinks;

    /// @param roles the community registry
    /// @param operator the deployment operator (owner: global pause, wiring)
    constructor(ICommunityRoles roles, address operator) Ownable(operator) {
        _roles = roles;
    }

    // ----------------------------------------------------------------------------- wiring

    /// @notice Sets the audit anchor allowed to close periods (once).
    /// @param anchor the AuditAnchor contract
    function setAnchor(address anchor) external onlyOwner {
        if (_anchor != address(0)) revert RevenueOnlyAnchor(msg.sender);
        _anchor = anchor;
    }

    /// @notice Hands policy activation to a governance contract (votes and M-of-N signatures).
    /// @param governance the governance contract; zero returns it to single committee members
    function setGovernance(address governance) external onlyOwner {
        _governance = governance;
        emit GovernanceSet(governance);
    }

    /// @notice Allows or stops a contract receiving money by `transferOut` (a fund, the time bank).
    /// @param sink the receiving contract
    /// @param allowed whether it may receive
    function setSink(address sink, bool allowed) external onlyOwner {
        _sinks[sink] = allowed;
        emit SinkSet(sink, allowed);
    }

    /// @notice Pauses every community's ledger (operator only, emergencies).
    function pause() external onlyOwner {
        _pause();
    }

    /// @notice Resumes after a global pause.
    function unpause() external onlyOwner {
        _unpause();
    }

    // ----------------------------------------------------------------------------- writes

    /// @inheritdoc IRevenueLedger
    function activatePolicy(
        bytes32 community,
        uint64 seq,
        bytes32[] calldata buckets,
        uint16[] calldata bps,
        uint32 effectiveDate,
        bytes32 decisionHash
    ) external {
        bytes32 role = Roles.COMMITTEE;
        if (_governance != address(0)) {
            if (msg.sender != _governance) revert RevenueOnlyGovernance(msg.sender);
            role = bytes32(0);
        }
        Ctx memory c = _begin(community, role, seq, 1);
        uint256 packed = _packPolicy(c, buckets, bps);
        uint32 earliest = c.today;
        if (c.s.lastIncomeDate >= earliest) earliest = c.s.lastIncomeDate + 1;
        if (c.s.policyCount > 0) {
            uint32 previous = uint32(_policies[community][c.s.policyCount]);
            if (previous > earliest) earliest = previous;
        }
        if (effectiveDate < earliest) revert RevenueInvalidEffectiveDate(community, effectiveDate, earliest);
        uint16 version = ++c.s.policyCount;
        _policies[community][version] = packed | effectiveDate;
        _mark(community, seq, MARK_NOT_INCOME);
        emit PolicyActivated(community, seq, version, effectiveDate, buckets, bps, decisionHash);
        if (effectiveDate == c.today && _balance(community, 0) > 0) _reallocate(c, seq);
        _end(c);
    }

    /// @inheritdoc IRevenueLedger
    function postIncome(
        bytes32 community,
        uint64 seq,
        bytes16 source,
        uint64 amount,
        uint32 businessDate,
        bytes32 ref,
        bytes32 evidenceHash
    ) external {
        Ctx memory c = _begin(community, Roles.ACCOUNTANT, seq, 1);
        uint256 meta = uint256(uint128(source)) << 128 | uint256(amount) << 64 | uint256(businessDate) << 32;
        _recordIncome(c, seq, meta, ref, evidenceHash);
        _flushCredits(c);
        _end(c);
    }

    /// @inheritdoc IRevenueLedger
    function postIncomes(bytes32 community, uint64 firstSeq, bytes32[] calldata packed) external {
        uint256 words = packed.length;
        if (words == 0 || words % 3 != 0 || words > 3 * MAX_BATCH) revert RevenueMalformedBatch(words);
        uint256 n = words / 3;
        Ctx memory c = _begin(community, Roles.ACCOUNTANT, firstSeq, uint64(n));
        for (uint256 i; i < n; ++i) {
            // Layout: source (bits 128-255) | amount (64-127) | business date (32-63) | zero (0-31).
            _recordIncome(c, firstSeq + uint64(i), uint256(packed[3 * i]), packed[3 * i + 1], packed[3 * i + 2]);
        }
        _flushCredits(c);
        _end(c);
    }

    /// @inheritdoc IRevenueLedger
    function spend(
        bytes32 community,
        uint64 seq,
        bytes32 bucket,
        uint64 amount,
        uint32 businessDate,
        bytes32 ref,
        bytes32 evidenceHash
    ) external {
        Ctx memory c = _begin(community, Roles.ACCOUNTANT, seq, 1);
        _checkAmount(amount);
        _checkDate(c, businessDate);
        uint256 id = _bucketId(community, bucket);
        if (id == 0) revert RevenueOwnersCommonLocked(community);
        if (_governance != address(0)) {
            IGovernance(_governance).authorizeSpend(
                community, bucket, amount, spendActionHash(community, bucket, amount, ref, evidenceHash)
            );
        }
        _debit(community, id, amount);
        _spends[community][seq] = (1 << 255) | (id << 64) | amount;
        _mark(community, seq, MARK_NOT_INCOME);
        emit Spent(community, seq, bucket, amount, businessDate, ref, evidenceHash);
        _end(c);
    }

    /// @inheritdoc IRevenueLedger
    function transferOut(
        bytes32 community,
        uint64 seq,
        bytes32 bucket,
        uint64 amount,
        uint32 businessDate,
        address sink,
        bytes32 ref,
        bytes calldata data
    ) external {
        Ctx memory c = _begin(community, Roles.ACCOUNTANT, seq, 1);
        _checkAmount(amount);
        _checkDate(c, businessDate);
        if (!_sinks[sink]) revert RevenueUnknownSink(sink);
        uint256 id = _bucketId(community, bucket);
        if (id == 0) revert RevenueOwnersCommonLocked(community);
        bytes32 dataHash = keccak256(data);
        if (_governance != address(0)) {
            IGovernance(_governance).authorizeSpend(
                community, bucket, amount, transferActionHash(community, bucket, amount, sink, ref, dataHash)
            );
        }
        _debit(community, id, amount);
        _mark(community, seq, MARK_NOT_INCOME);
        emit TransferredOut(community, seq, bucket, amount, businessDate, sink, ref, dataHash);
        _end(c);
        // Last, after every effect: the sink checks the transfer by its own rules and may refuse.
        IRevenueSink(sink).onRevenueTransfer(community, seq, bucket, amount, businessDate, data);
    }

    /// @inheritdoc IRevenueLedger
    function reallocateHeld(bytes32 community, uint64 seq) external {
        Ctx memory c = _begin(community, Roles.ACCOUNTANT, seq, 1);
        _reallocate(c, seq);
        _mark(community, seq, MARK_NOT_INCOME);
        _end(c);
    }

    /// @inheritdoc IRevenueLedger
    function reverseIncome(
        bytes32 community,
        uint64 seq,
        uint64 originalSeq,
        uint64 amount,
        uint32 originalDate,
        uint32 businessDate,
        bytes32 reason
    ) external {
        Ctx memory c = _begin(community, Roles.ACCOUNTANT, seq, 1);
        _checkAmount(amount);
        _checkDate(c, businessDate);
        uint256 marks = _checkReversible(community, originalSeq, seq);
        if (marks & MARK_NOT_INCOME != 0) revert RevenueUnknownEntry(community, originalSeq);
        (uint16 version, uint256 p) = _policyAt(community, c.s.policyCount, originalDate);
        (uint256 w0, uint256 w1) = _split(amount, p);
        if (version == 0) {
            _debit(community, 0, amount);
        } else {
            uint256 count = uint8(p >> 32);
            for (uint256 i; i < count; ++i) {
                uint256 part = _part(w0, w1, i);
                if (part > 0) _debit(community, uint8(p >> (40 + 24 * i)), part);
            }
        }
        _mark(community, originalSeq, MARK_REVERSED);
        _mark(community, seq, MARK_NOT_INCOME | MARK_REVERSAL);
        emit IncomeReversed(community, seq, originalSeq, businessDate, amount, version, [w0, w1], reason);
        _end(c);
    }

    /// @inheritdoc IRevenueLedger
    function reverseSpend(
        bytes32 community,
        uint64 seq,
        uint64 originalSeq,
        bytes32 bucket,
        uint64 amount,
        uint32 businessDate,
        bytes32 reason
    ) external {
        Ctx memory c = _begin(community, Roles.ACCOUNTANT, seq, 1);
        _checkDate(c, businessDate);
        _checkReversible(community, originalSeq, seq);
        uint256 id = _bucketId(community, bucket);
        if (_spends[community][originalSeq] != ((1 << 255) | (id << 64) | amount)) {
            revert RevenueSpendMismatch(community, originalSeq);
        }
        c.credit[id] += amount;
        _flushCredits(c);
        _mark(community, originalSeq, MARK_REVERSED);
        _mark(community, seq, MARK_NOT_INCOME | MARK_REVERSAL);
        emit SpendReversed(community, seq, originalSeq, businessDate, bucket, amount, reason);
        _end(c);
    }

    /// @inheritdoc IRevenueLedger
    function receiveDeposit(
        bytes32 community,
        uint64 seq,
        uint64 amount,
        uint32 businessDate,
        bytes32 payerRef,
        bytes32 ref,
        bytes32 evidenceHash
    ) external {
        Ctx memory c = _begin(community, Roles.ACCOUNTANT, seq, 1);
        _checkAmount(amount);
        _checkDate(c, businessDate);
        uint256 held = uint256(c.s.depositsHeld) + amount;
        if (held > type(uint64).max) revert RevenueBalanceOverflow(community, "deposits");
        c.s.depositsHeld = uint64(held);
        _deposits[community][seq] = (1 << 255) | amount;
        _mark(community, seq, MARK_NOT_INCOME);
        emit DepositReceived(community, seq, amount, businessDate, payerRef, ref, evidenceHash);
        _end(c);
    }

    /// @inheritdoc IRevenueLedger
    function returnDeposit(
        bytes32 community,
        uint64 seq,
        uint64 depositSeq,
        uint64 amount,
        uint32 businessDate,
        bytes32 ref,
        bytes32 evidenceHash
    ) external {
        Ctx memory c = _begin(community, Roles.ACCOUNTANT, seq, 1);
        _checkAmount(amount);
        _checkDate(c, businessDate);
        uint256 record = _deposits[community][depositSeq];
        if (record == 0) revert RevenueUnknownEntry(community, depositSeq);
        uint256 remaining = uint64(record);
        if (amount > remaining) revert RevenueDepositInsufficient(community, depositSeq, remaining, amount);
        // Cannot underflow: amount <= remaining <= depositsHeld (every deposit added to both).
        unchecked {
            _deposits[community][depositSeq] = (1 << 255) | (remaining - amount);
            c.s.depositsHeld -= amount;
        }
        _mark(community, seq, MARK_NOT_INCOME);
        emit DepositReturned(community, seq, depositSeq, amount, businessDate, ref, evidenceHash);
        _end(c);
    }

    /// @inheritdoc IRevenueLedger
    function setPaused(bytes32 community, bool paused) external {
        _roles.checkRole(community, Roles.ADMIN, msg.sender);
        State memory s = _load(community);
        s.paused = paused;
        _state[community] = s;
        emit CommunityPauseSet(community, paused, msg.sender);
    }

    /// @inheritdoc IRevenueLedger
    function closeThrough(bytes32 community, uint32 date, uint64 throughSeq) external {
        if (msg.sender != _anchor) revert RevenueOnlyAnchor(msg.sender);
        State memory s = _load(community);
        if (s.nextSeq != throughSeq + 1) revert RevenueStaleStatement(community, s.nextSeq - 1, throughSeq);
        // A year closed after its quarters closes nothing new, but the staleness check still holds.
        if (date > s.closedThrough) {
            s.closedThrough = date;
            _state[community] = s;
            emit ClosedThrough(community, date);
        }
    }

    // ----------------------------------------------------------------------------- views

    /// @inheritdoc IRevenueLedger
    function spendActionHash(bytes32 community, bytes32 bucket, uint64 amount, bytes32 ref, bytes32 evidenceHash)
        public
        pure
        returns (bytes32)
    {
        return keccak256(abi.encode(SPEND_ACTION, community, bucket, amount, ref, evidenceHash));
    }

    /// @inheritdoc IRevenueLedger
    function transferActionHash(
        bytes32 community,
        bytes32 bucket,
        uint64 amount,
        address sink,
        bytes32 ref,
        bytes32 dataHash
    ) public pure returns (bytes32) {
        return keccak256(abi.encode(TRANSFER_ACTION, community, bucket, amount, sink, ref, dataHash));
    }

    /// @inheritdoc IRevenueLedger
    function isSink(address sink) external view returns (bool) {
        return _sinks[sink];
    }

    /// @inheritdoc IRevenueLedger
    function governance() external view returns (address) {
        return _governance;
    }

    /// @inheritdoc IRevenueLedger
    function nextSeq(bytes32 community) external view returns (uint64 seq) {
        State memory s = _state[community];
        return s.initialized ? s.nextSeq : 1;
    }

    /// @inheritdoc IRevenueLedger
    function balanceOf(bytes32 community, bytes32 bucket) external view returns (uint256 balance) {
        if (bucket == OWNERS_COMMON) return _balance(community, 0);
        uint256 idPlusOne = _bucketIds[community][bucket];
        if (idPlusOne == 0) revert RevenueUnknownBucket(community, bucket);
        return _balance(community, idPlusOne - 1);
    }

    /// @inheritdoc IRevenueLedger
    function policyCount(bytes32 community) external view returns (uint32 count) {
        return _state[community].policyCount;
    }

    /// @inheritdoc IRevenueLedger
    function policy(bytes32 community, uint32 version)
        external
        view
        returns (uint32 effectiveDate, bytes32[] memory buckets, uint16[] memory bps)
    {
        uint256 p = _policies[community][version];
        uint256 count = uint8(p >> 32);
        buckets = new bytes32[](count);
        bps = new uint16[](count);
        for (uint256 i; i < count; ++i) {
            buckets[i] = _bucketSlugs[community][uint8(p >> (40 + 24 * i))];
            bps[i] = uint16(p >> (48 + 24 * i));
        }
        return (uint32(p), buckets, bps);
    }

    /// @inheritdoc IRevenueLedger
    function closedThrough(bytes32 community) external view returns (uint32 date) {
        return _state[community].closedThrough;
    }

    /// @inheritdoc IRevenueLedger
    function depositsHeld(bytes32 community) external view returns (uint256 held) {
        return _state[community].depositsHeld;
    }

    /// @inheritdoc IRevenueLedger
    function previewSplit(bytes32 community, uint64 amount, uint32 businessDate)
        external
        view
        returns (uint32 policyVersion, uint64[8] memory parts)
    {
        uint256 p;
        (policyVersion, p) = _policyAt(community, _state[community].policyCount, businessDate);
        parts = _unpack(amount, p);
    }

    /// @inheritdoc IRevenueLedger
    function splitAmount(uint64 amount, uint16[] calldata bps) external pure returns (uint64[8] memory parts) {
        if (bps.length == 0 || bps.length > MAX_POLICY_BUCKETS) revert RevenueInvalidPolicy(bytes32(0), 1);
        uint256 p = bps.length << 32;
        for (uint256 i; i < bps.length; ++i) {
            p |= uint256(bps[i]) << (48 + 24 * i);
        }
        return _unpack(amount, p);
    }

    // ----------------------------------------------------------------------------- internals

    /// @dev Common prologue of every sequenced write: global and community pause, role, lazy
    ///      community set-up, the exactly-once sequence check, and today's business date.
    function _begin(bytes32 community, bytes32 role, uint64 seq, uint64 count)
        private
        returns (Ctx memory c)
    {
        _requireNotPaused();
        if (role != bytes32(0)) _roles.checkRole(community, role, msg.sender);
        c.community = community;
        c.s = _load(community);
        if (c.s.paused) revert RevenuePaused(community);
        if (seq != c.s.nextSeq) revert RevenueWrongSequence(community, c.s.nextSeq, seq);
        c.s.nextSeq = seq + count;
        // The offset is within -720..840 minutes and timestamps are far above 12 hours, so the
        // sum is positive and the day number fits uint32 until the year 11 million.
        c.today = uint32(uint256(int256(block.timestamp) + int256(c.s.utcOffsetMinutes) * 60) / 86_400);
        c.cUntil = 0; // empty cache: no date is in [cFrom, cUntil)
    }

    function _end(Ctx memory c) private {
        _state[c.community] = c.s;
    }

    /// @dev Reads a community's slot, setting it up on first use (offset copied from the
    ///      registry, bucket 0 named owners_common) so hot paths never call the registry for it.
    function _load(bytes32 community) private returns (State memory s) {
        s = _state[community];
        if (!s.initialized) {
            s.utcOffsetMinutes = _roles.utcOffsetOf(community);
            s.initialized = true;
            s.nextSeq = 1;
            s.bucketCount = 1;
            _bucketIds[community][OWNERS_COMMON] = 1;
            _bucketSlugs[community][0] = OWNERS_COMMON;
        }
    }

    /// @dev `meta` is the packed first word of a batch entry (see `postIncomes`).
    function _recordIncome(Ctx memory c, uint64 seq, uint256 meta, bytes32 ref, bytes32 evidenceHash) private {
        uint64 amount = uint64(meta >> 64);
        uint32 businessDate = uint32(meta >> 32);
        _checkAmount(amount);
        _checkDate(c, businessDate);
        if (businessDate > c.s.lastIncomeDate) c.s.lastIncomeDate = businessDate;
        if (!(businessDate >= c.cFrom && businessDate < c.cUntil)) _cachePolicy(c, businessDate);
        uint256 p = c.cPacked;
        (uint256 w0, uint256 w1) = _split(amount, p);
        // Cannot overflow a lane: a batch holds at most 1,024 entries and every part is below
        // 2^53, so each lane's sum stays below 2^63 and never carries into the next lane.
        unchecked {
            c.acc0 += w0;
            c.acc1 += w1;
        }
        _emitIncome(c.community, seq, meta, ref, evidenceHash, c.cVersion, w0, w1);
    }

    /// @dev Emits `IncomeRecorded` from scratch memory past the free pointer, which is reused by
    ///      the next entry: the ABI encoder would allocate new memory per event, and memory cost
    ///      grows quadratically over a batch. The layout is exactly the event's ABI encoding.
    function _emitIncome(
        bytes32 community,
        uint64 seq,
        uint256 meta,
        bytes32 ref,
        bytes32 evidenceHash,
        uint16 version,
        uint256 w0,
        uint256 w1
    ) private {
        bytes32 topic = IRevenueLedger.IncomeRecorded.selector;
        assembly ("memory-safe") {
            let m := mload(0x40)
            mstore(m, seq)
            mstore(add(m, 0x20), shl(128, shr(128, meta)))
            mstore(add(m, 0x40), and(shr(64, meta), 0xffffffffffffffff))
            mstore(add(m, 0x60), and(shr(32, meta), 0xffffffff))
            mstore(add(m, 0x80), ref)
            mstore(add(m, 0xa0), evidenceHash)
            mstore(add(m, 0xc0), version)
            mstore(add(m, 0xe0), w0)
            mstore(add(m, 0x100), w1)
            log2(m, 0x120, topic, community)
        }
    }

    /// @dev Finds the policy for `date` and remembers the date range it covers.
    function _cachePolicy(Ctx memory c, uint32 date) private view {
        _settle(c);
        (uint16 version, uint256 p) = _policyAt(c.community, c.s.policyCount, date);
        c.cVersion = version;
        c.cPacked = p;
        c.cFrom = version == 0 ? 0 : uint32(p);
        c.cUntil = version < c.s.policyCount ? uint32(_policies[c.community][version + 1]) : type(uint32).max;
    }

    /// @dev The latest version whose effective date is on or before `date` (0: none).
    function _policyAt(bytes32 community, uint16 count, uint32 date) private view returns (uint16, uint256) {
        for (uint16 v = count; v > 0; --v) {
            uint256 p = _policies[community][v];
            if (uint32(p) <= date) return (v, p);
        }
        return (0, 0);
    }

    /// @dev The rounding rule: floor(amount * bps / 10000) per bucket, remainder to the first
    ///      bucket. With no policy (p == 0) everything is part 0, i.e. owners_common. Parts are
    ///      packed as events carry them: part i is a uint64 at bit 64 * (i % 4) of word i / 4.
    function _split(uint256 amount, uint256 p) private pure returns (uint256 w0, uint256 w1) {
        uint256 count = uint8(p >> 32);
        if (count == 0) return (amount, 0);
        uint256 sum;
        // Cannot overflow: amount < 2^64 and bps <= 10,000, so each product < 2^78; the parts
        // are floors of shares of `amount`, so their sum is at most `amount`, and part 0 plus
        // the remainder is at most `amount` < 2^64, so it never carries into lane 1.
        unchecked {
            for (uint256 i; i < count; ++i) {
                uint256 part = (amount * uint16(p >> (48 + 24 * i))) / BPS_TOTAL;
                sum += part;
                if (i < 4) w0 |= part << (64 * i);
                else w1 |= part << (64 * (i - 4));
            }
            w0 += amount - sum;
        }
    }

    /// @dev Moves the lane sums accumulated under the cached policy into per-bucket credits.
    function _settle(Ctx memory c) private pure {
        if (c.acc0 | c.acc1 == 0) return;
        if (c.cVersion == 0) {
            c.credit[0] += uint64(c.acc0);
        } else {
            uint256 p = c.cPacked;
            uint256 count = uint8(p >> 32);
            for (uint256 i; i < count; ++i) {
                c.credit[uint8(p >> (40 + 24 * i))] += _part(c.acc0, c.acc1, i);
            }
        }
        c.acc0 = 0;
        c.acc1 = 0;
    }

    function _part(uint256 w0, uint256 w1, uint256 i) private pure returns (uint256) {
        return uint64((i < 4 ? w0 : w1) >> (64 * (i % 4)));
    }

    function _unpack(uint256 amount, uint256 p) private pure returns (uint64[8] memory parts) {
        (uint256 w0, uint256 w1) = _split(amount, p);
        for (uint256 i; i < 8; ++i) {
            parts[i] = uint64(_part(w0, w1, i));
        }
    }

    function _packPolicy(Ctx memory c, bytes32[] calldata buckets, uint16[] calldata bps)
        private
        returns (uint256 packed)
    {
        uint256 n = buckets.length;
        if (n == 0 || n > MAX_POLICY_BUCKETS || bps.length != n) revert RevenueInvalidPolicy(c.community, 1);
        uint256 total;
        packed = n << 32;
        for (uint256 i; i < n; ++i) {
            bytes32 slug = buckets[i];
            if (bps[i] == 0) revert RevenueInvalidPolicy(c.community, 3);
            if (slug == bytes32(0) || slug == OWNERS_COMMON) revert RevenueInvalidPolicy(c.community, 4);
            for (uint256 j; j < i; ++j) {
                if (buckets[j] == slug) revert RevenueInvalidPolicy(c.community, 4);
            }
            total += bps[i];
            uint256 idPlusOne = _bucketIds[c.community][slug];
            if (idPlusOne == 0) {
                if (c.s.bucketCount >= MAX_COMMUNITY_BUCKETS) revert RevenueInvalidPolicy(c.community, 5);
                idPlusOne = ++c.s.bucketCount;
                _bucketIds[c.community][slug] = idPlusOne;
                _bucketSlugs[c.community][idPlusOne - 1] = slug;
            }
            packed |= ((idPlusOne - 1) << (40 + 24 * i)) | (uint256(bps[i]) << (48 + 24 * i));
        }
        if (total != BPS_TOTAL) revert RevenueInvalidPolicy(c.community, 2);
    }

    function _reallocate(Ctx memory c, uint64 seq) private {
        (uint16 version, uint256 p) = _policyAt(c.community, c.s.policyCount, c.today);
        if (version == 0) revert RevenueNoPolicyInForce(c.community);
        uint256 held = _balance(c.community, 0);
        if (held == 0) revert RevenueNothingHeld(c.community);
        (uint256 w0, uint256 w1) = _split(held, p);
        _debit(c.community, 0, held);
        uint256 count = uint8(p >> 32);
        for (uint256 i; i < count; ++i) {
            c.credit[uint8(p >> (40 + 24 * i))] += _part(w0, w1, i);
        }
        _flushCredits(c);
        emit HeldReallocated(c.community, seq, c.today, uint64(held), version, [w0, w1]);
    }

    /// @dev The one place balances grow: adds the accumulated credits, one slot write per
    ///      touched word of four buckets.
    function _flushCredits(Ctx memory c) private {
        _settle(c);
        for (uint256 w; w < MAX_COMMUNITY_BUCKETS / 4; ++w) {
            uint256 a = c.credit[4 * w];
            uint256 b = c.credit[4 * w + 1];
            uint256 d = c.credit[4 * w + 2];
            uint256 e = c.credit[4 * w + 3];
            if (a | b | d | e == 0) continue;
            uint256 word = _balanceWords[c.community][w];
            word = _addLane(c.community, word, 4 * w, a);
            word = _addLane(c.community, word, 4 * w + 1, b);
            word = _addLane(c.community, word, 4 * w + 2, d);
            word = _addLane(c.community, word, 4 * w + 3, e);
            _balanceWords[c.community][w] = word;
            c.credit[4 * w] = 0;
            c.credit[4 * w + 1] = 0;
            c.credit[4 * w + 2] = 0;
            c.credit[4 * w + 3] = 0;
        }
    }

    function _addLane(bytes32 community, uint256 word, uint256 id, uint256 amount) private view returns (uint256) {
        if (amount == 0) return word;
        uint256 shift = 64 * (id % 4);
        uint256 lane = uint64(word >> shift) + amount;
        if (lane > type(uint64).max) revert RevenueBalanceOverflow(community, _bucketSlugs[community][id]);
        return (word & ~(uint256(type(uint64).max) << shift)) | (lane << shift);
    }

    /// @dev The one place balances shrink, never below zero.
    function _debit(bytes32 community, uint256 id, uint256 amount) private {
        uint256 w = id / 4;
        uint256 shift = 64 * (id % 4);
        uint256 word = _balanceWords[community][w];
        uint256 lane = uint64(word >> shift);
        if (lane < amount) {
            revert RevenueInsufficientBalance(community, _bucketSlugs[community][id], lane, amount);
        }
        // Cannot underflow: checked just above.
        unchecked {
            _balanceWords[community][w] = word - (amount << shift);
        }
    }

    function _balance(bytes32 community, uint256 id) private view returns (uint256) {
        return uint64(_balanceWords[community][id / 4] >> (64 * (id % 4)));
    }

    function _bucketId(bytes32 community, bytes32 bucket) private view returns (uint256) {
        uint256 idPlusOne = _bucketIds[community][bucket];
        if (idPlusOne == 0) revert RevenueUnknownBucket(community, bucket);
        return idPlusOne - 1;
    }

    function _checkAmount(uint256 amount) private pure {
        if (amount == 0 || amount > MAX_AMOUNT) revert RevenueAmountOutOfRange(amount);
    }

    function _checkDate(Ctx memory c, uint32 businessDate) private pure {
        if (businessDate <= c.s.closedThrough) {
            revert RevenuePeriodClosed(c.community, businessDate, c.s.closedThrough);
        }
        if (businessDate > c.today) revert RevenueFutureDate(c.community, businessDate, c.today);
    }

    /// @dev The original must exist, not be reversed already, and not be a reversal itself.
    function _checkReversible(bytes32 community, uint64 originalSeq, uint64 seq) private view returns (uint256 m) {
        if (originalSeq == 0 || originalSeq >= seq) revert RevenueUnknownEntry(community, originalSeq);
        m = _marksOf(community, originalSeq);
        if (m & MARK_REVERSAL != 0) revert RevenueCannotReverseReversal(community, originalSeq);
        if (m & MARK_REVERSED != 0) revert RevenueAlreadyReversed(community, originalSeq);
    }

    function _mark(bytes32 community, uint64 seq, uint256 bits) private {
        _marks[community][seq / 64] |= bits << (4 * (seq % 64));
    }

    function _marksOf(bytes32 community, uint64 seq) private view returns (uint256) {
        return (_marks[community][seq / 64] >> (4 * (seq % 64))) & 0xf;
    }
}
