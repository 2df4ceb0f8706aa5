// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {Ownable2Step, Ownable} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {ICommunityRoles} from "../access/ICommunityRoles.sol";
import {Roles} from "../access/Roles.sol";
import {IGovernance} from "../governance/IGovernance.sol";
import {IRevenueSink} from "../revenue/IRevenueSink.sol";
import {ITimeBank} from "./ITimeBank.sol";

/// @title Time bank
/// @notice See `ITimeBank` for the conventions (minutes, holders, the pool, dates, sequence numbers,
///         signed types).
/// @dev Storage keeps only what a rule must read: one slot per community (sequence, calendar,
///      pause), one for its running totals, one per holder (balance, nonce, elderly flag), a bitmap
///      of used record numbers, proxy registrations and catalog items. A minted record writes one
///      bit; the event log is the record. Fee discounts add the owners' terms and what each
///      period has paid (per holder and in total).
contract TimeBank is ITimeBank, IRevenueSink, Ownable2Step, Pausable, EIP712 {
    uint256 private constant MAX_AMOUNT = 2 ** 53 - 1;
    uint256 private constant MAX_RECORD_MINUTES = 1_440;
    uint256 private constant MAX_BATCH = 1_024;

    /// @inheritdoc ITimeBank
    address public constant POOL = address(uint160(uint256(keccak256("civic.timebank.pool"))));

    bytes32 private constant RECORD_TYPEHASH = keccak256(
        "ServiceRecord(bytes32 community,uint64 recordRef,address volunteer,address beneficiary,"
        "bytes16 serviceType,uint64 minutes,uint32 serviceDate)"
    );
    bytes32 private constant REDEMPTION_TYPEHASH = keccak256(
        "Redemption(bytes32 community,address holder,bytes32 item,uint32 quantity,uint64 minutes,"
        "uint64 nonce,uint64 deadline)"
    );
    bytes32 private constant DONATION_TYPEHASH =
        keccak256("Donation(bytes32 community,address holder,uint64 minutes,uint64 nonce,uint64 deadline)");
    bytes32 private constant FEE_DISCOUNT_TYPEHASH = keccak256(
        "FeeDiscount(bytes32 community,address holder,uint64 minutes,uint64 fen,bytes32 bucket,uint64 nonce,"
        "uint64 deadline)"
    );
    bytes32 private constant FEE_TERMS_ACTION = keccak256("civic.action.timebank.feeTerms");

    /// @dev One slot per community.
    struct State {
        uint64 nextSeq;
        int16 utcOffsetMinutes;
        bool initialized;
        bool paused;
    }

    /// @dev Running totals per community, one slot; held = minted + rewarded - redeemed - deducted.
    struct Totals {
        uint64 minted;
        uint64 rewarded;
        uint64 redeemed;
        uint64 deducted;
    }

    /// @dev One slot per holder: the nonce of signed redemptions and donations lives beside the
    ///      balance they change, so a signed write costs one storage write.
    struct Holder {
        uint64 balance;
        uint64 nonce;
        bool elderly;
    }

    struct Item {
        bytes16 category;
        uint64 price;
        bool active;
    }

    /// @dev The owners' fee-discount terms of a community (rate 0: none).
    struct FeeTerms {
        bytes32 bucket;
        uint64 ratePerHour;
        uint64 capPerHolder;
        uint64 capTotal;
        uint8 periodMonths;
    }

    /// @dev What `onRevenueTransfer` reads from its `data`.
    struct FeeRequest {
        address holder;
        uint64 amount;
        uint64 nonce;
        uint64 deadline;
        bytes signature;
    }

    /// @dev Working memory of one write.
    struct Ctx {
        bytes32 community;
        State s;
        Totals t;
        uint32 today;
    }

    ICommunityRoles private immutable _roles;
    address private immutable _revenueLedger;
    address private _governance;

    mapping(bytes32 community => State) private _state;
    mapping(bytes32 community => Totals) private _totals;
    mapping(bytes32 community => mapping(address holder => Holder)) private _holders;
    mapping(bytes32 community => mapping(uint256 word => uint256)) private _usedRecords;
    mapping(bytes32 community => mapping(address principal => mapping(address proxy => bool))) private _proxies;
    mapping(bytes32 community => mapping(bytes32 item => Item)) private _items;
    mapping(bytes32 community => mapping(bytes32 item => bytes32 provider)) private _providers;
    mapping(bytes32 community => FeeTerms) private _feeTerms;
    /// @dev Fen paid per period key (see `_periodKey`), in total and per holder.
    mapping(bytes32 community => mapping(uint256 period => uint64 fen)) private _feePaidTotal;
    mapping(bytes32 community => mapping(address holder => mapping(uint256 period => uint64 fen))) private
        _feePaidHolder;

    /// @param roles the community registry
    /// @param operator the deployment operator (owner: global pause, governance wiring)
    /// @param revenueLedger the revenue ledger whose transfers pay fee discounts
    constructor(ICommunityRoles roles, address operator, address revenueLedger)
        Ownable(operator)
        EIP712("Civic Ledger TimeBank", "1")
    {
        _roles = roles;
        _revenueLedger = revenueLedger;
    }

    /// @notice Sets the governance contract that approves fee terms (zero: the committee role alone).
    /// @param governance the contract
    function setGovernance(address governance) external onlyOwner {
        _governance = governance;
        emit GovernanceSet(governance);
    }

    /// @notice Pauses every community's time bank (operator only, emergencies).
    function pause() external onlyOwner {
        _pause();
    }

    /// @notice Resumes after a global pause.
    function unpause() external onlyOwner {
        _unpause();
    }

    // ----------------------------------------------------------------------------- minting

    /// @inheritdoc ITimeBank
    function mintAttested(bytes32 community, uint64 seq, ServiceRecord calldata record, bytes calldata signature)
        external
    {
        Ctx memory c = _begin(community, Roles.COORDINATOR, seq, 1);
        address attester = _authorised(community, record.beneficiary, _hashRecord(community, record), signature);
        _mint(c, seq, record, attester, true);
        _end(c);
    }

    /// @inheritdoc ITimeBank
    function mintByCoordinator(bytes32 community, uint64 firstSeq, ServiceRecord[] calldata records) external {
        uint256 n = records.length;
        if (n == 0 || n > MAX_BATCH) revert TimeBankMalformedBatch(n);
        Ctx memory c = _begin(community, Roles.COORDINATOR, firstSeq, uint64(n));
        for (uint256 i; i < n; ++i) {
            _mint(c, firstSeq + uint64(i), records[i], msg.sender, false);
        }
        _end(c);
    }

    // ----------------------------------------------------------------------------- movements

    /// @inheritdoc ITimeBank
    function redeem(
        bytes32 community,
        uint64 seq,
        address holder,
        bytes32 item,
        uint32 quantity,
        uint64 amount,
        uint64 nonce,
        uint64 deadline,
        bytes calldata signature
    ) external {
        Ctx memory c = _begin(community, Roles.COORDINATOR, seq, 1);
        _checkHolder(holder);
        _checkDeadline(deadline);
        Item memory it = _items[community][item];
        if (!it.active) revert TimeBankUnknownItem(community, item);
        uint256 expected = uint256(it.price) * quantity;
        if (quantity == 0 || expected != amount) revert TimeBankPriceMismatch(community, item, expected, amount);
        bytes32 digest = _hashTypedDataV4(
            keccak256(abi.encode(REDEMPTION_TYPEHASH, community, holder, item, quantity, amount, nonce, deadline))
        );
        address signer = _authorised(community, holder, digest, signature);
        _debit(c, holder, amount, nonce);
        _redeem(c, seq, holder, _proxyOf(holder, signer), item, it.category, quantity, amount);
        _end(c);
    }

    /// @inheritdoc ITimeBank
    function donate(
        bytes32 community,
        uint64 seq,
        address holder,
        uint64 amount,
        uint64 nonce,
        uint64 deadline,
        bytes calldata signature
    ) external {
        Ctx memory c = _begin(community, Roles.COORDINATOR, seq, 1);
        _checkHolder(holder);
        _checkDeadline(deadline);
        bytes32 digest = _hashTypedDataV4(
            keccak256(abi.encode(DONATION_TYPEHASH, community, holder, amount, nonce, deadline))
        );
        address signer = _authorised(community, holder, digest, signature);
        _debit(c, holder, amount, nonce);
        _credit(c, POOL, amount);
        emit Donated(community, seq, holder, _proxyOf(holder, signer), amount, c.today);
        _end(c);
    }

    /// @inheritdoc ITimeBank
    function grant(bytes32 community, uint64 seq, address resident, uint64 amount) external {
        Ctx memory c = _begin(community, Roles.COORDINATOR, seq, 1);
        _checkHolder(resident);
        if (!_holders[community][resident].elderly) revert TimeBankNotElderly(community, resident);
        _debit(c, POOL, amount, type(uint64).max);
        _credit(c, resident, amount);
        emit Granted(community, seq, resident, amount, c.today, msg.sender);
        _end(c);
    }

    /// @inheritdoc ITimeBank
    function reward(bytes32 community, uint64 seq, address holder, uint64 amount, bytes16 reason) external {
        Ctx memory c = _begin(community, Roles.COORDINATOR, seq, 1);
        _checkHolder(holder);
        if (reason == bytes16(0)) revert TimeBankMissingCode(community);
        _checkAmount(amount, MAX_AMOUNT);
        c.t.rewarded += amount; // cannot overflow: minted + rewarded < 2^53 is checked in _end
        _credit(c, holder, amount);
        emit Rewarded(community, seq, holder, amount, reason, c.today, msg.sender);
        _end(c);
    }

    /// @inheritdoc ITimeBank
    function deduct(bytes32 community, uint64 seq, address holder, uint64 amount, bytes16 reason) external {
        Ctx memory c = _begin(community, Roles.COORDINATOR, seq, 1);
        _checkHolder(holder);
        if (reason == bytes16(0)) revert TimeBankMissingCode(community);
        _debit(c, holder, amount, type(uint64).max);
        // Cannot overflow: deducted <= minted + rewarded < 2^53 (only held minutes are burnt).
        unchecked {
            c.t.deducted += amount;
        }
        emit Deducted(community, seq, holder, amount, reason, c.today, msg.sender);
        _end(c);
    }

    // ----------------------------------------------------------------------------- registrations

    /// @inheritdoc ITimeBank
    function setCatalogItem(
        bytes32 community,
        uint64 seq,
        bytes32 item,
        bytes16 category,
        uint64 price,
        bytes32 provider,
        bool active
    ) external {
        Ctx memory c = _begin(community, Roles.COORDINATOR, seq, 1);
        if (item == bytes32(0) || category == bytes16(0) || provider == bytes32(0) || price == 0 || price > MAX_AMOUNT)
        {
            revert TimeBankInvalidItem(community, item);
        }
        _items[community][item] = Item({category: category, price: price, active: active});
        _providers[community][item] = provider;
        emit CatalogItemSet(community, seq, item, category, price, provider, active, c.today, msg.sender);
        _end(c);
    }

    /// @inheritdoc ITimeBank
    function setProxy(bytes32 community, uint64 seq, address principal, address proxy, bool active) external {
        Ctx memory c = _begin(community, Roles.COORDINATOR, seq, 1);
        _checkHolder(principal);
        _checkHolder(proxy);
        if (proxy == principal) revert TimeBankInvalidHolder(proxy);
        _proxies[community][principal][proxy] = active;
        emit ProxySet(community, seq, principal, proxy, active, c.today, msg.sender);
        _end(c);
    }

    /// @inheritdoc ITimeBank
    function setElderly(bytes32 community, uint64 seq, address resident, bool registered) external {
        Ctx memory c = _begin(community, Roles.COORDINATOR, seq, 1);
        _checkHolder(resident);
        _holders[community][resident].elderly = registered;
        emit ElderlySet(community, seq, resident, registered, c.today, msg.sender);
        _end(c);
    }

    /// @inheritdoc ITimeBank
    function setFeeTerms(
        bytes32 community,
        uint64 seq,
        bytes32 bucket,
        uint64 ratePerHour,
        uint64 capPerHolder,
        uint64 capTotal,
        uint8 periodMonths
    ) external {
        Ctx memory c = _begin(community, Roles.COMMITTEE, seq, 1);
        // Every number stays below 2^53 even when terms are withdrawn (rate 0): statements are JSON.
        if (
            ratePerHour > MAX_AMOUNT || capPerHolder > MAX_AMOUNT || capTotal > MAX_AMOUNT
                || (
                    ratePerHour != 0
                        && (
                            bucket == bytes32(0) || capPerHolder == 0 || capTotal == 0
                                || (periodMonths != 1 && periodMonths != 3 && periodMonths != 6 && periodMonths != 12)
                        )
                )
        ) revert TimeBankInvalidFeeTerms(community);
        uint256 proposalId;
        if (_governance != address(0)) {
            uint8 decisionType;
            (proposalId, decisionType) = IGovernance(_governance).consumeApproval(
                community,
                feeTermsActionHash(community, bucket, ratePerHour, capPerHolder, capTotal, periodMonths)
            );
            // Terms that turn hours into revenue money are the owners' decision, not the committee's alone.
            if (decisionType == 0) revert TimeBankFeeTermsNeedOwners(community, proposalId);
        }
        _feeTerms[community] = FeeTerms(bucket, ratePerHour, capPerHolder, capTotal, periodMonths);
        emit FeeTermsSet(
            community, seq, bucket, ratePerHour, capPerHolder, capTotal, periodMonths, c.today, msg.sender, proposalId
        );
        _end(c);
    }

    /// @inheritdoc IRevenueSink
    /// @dev `data` = abi.encode(address holder, uint64 minutes, uint64 nonce, uint64 deadline,
    ///      bytes signature). The revenue ledger has debited the bucket already; reverting here
    ///      undoes the whole transfer. Takes no time-bank sequence number: the revenue write's is
    ///      its identity.
    function onRevenueTransfer(
        bytes32 community,
        uint64 seq,
        bytes32 bucket,
        uint64 amount,
        uint32 businessDate,
        bytes calldata data
    ) external {
        if (msg.sender != _revenueLedger) revert TimeBankOnlyRevenueLedger(msg.sender);
        Ctx memory c = _beginUnsequenced(community);
        FeeTerms memory terms = _feeTerms[community];
        if (terms.ratePerHour == 0) revert TimeBankNoFeeTerms(community);
        if (bucket != terms.bucket) revert TimeBankFeeWrongBucket(community, terms.bucket, bucket);
        FeeRequest memory r;
        (r.holder, r.amount, r.nonce, r.deadline, r.signature) =
            abi.decode(data, (address, uint64, uint64, uint64, bytes));
        _checkHolder(r.holder);
        _checkDeadline(r.deadline);
        _checkAmount(r.amount, MAX_AMOUNT);
        uint256 expected = uint256(r.amount) * terms.ratePerHour / 60;
        if (expected == 0 || expected != amount) revert TimeBankFeeAmountMismatch(community, expected, amount);
        bytes32 digest = _hashTypedDataV4(
            keccak256(
                abi.encode(FEE_DISCOUNT_TYPEHASH, community, r.holder, r.amount, amount, bucket, r.nonce, r.deadline)
            )
        );
        address signer = _authorised(community, r.holder, digest, r.signature);
        _chargeCaps(community, terms, r.holder, amount, businessDate);
        _debit(c, r.holder, r.amount, r.nonce);
        // Cannot overflow: redeemed <= minted + rewarded < 2^53 (only held minutes are burnt).
        unchecked {
            c.t.redeemed += r.amount;
        }
        emit FeeDiscountRedeemed(
            community, seq, r.holder, _proxyOf(r.holder, signer), r.amount, amount, bucket, businessDate
        );
        _end(c);
    }

    /// @inheritdoc ITimeBank
    function setPaused(bytes32 community, bool paused) external {
        _roles.checkRole(community, Roles.ADMIN, msg.sender);
        State memory s = _load(community);
        s.paused = paused;
        _state[community] = s;
        emit CommunityPauseSet(community, paused, msg.sender);
    }

    // ----------------------------------------------------------------------------- views

    /// @inheritdoc ITimeBank
    function nextSeq(bytes32 community) external view returns (uint64 seq) {
        State memory s = _state[community];
        return s.initialized ? s.nextSeq : 1;
    }

    /// @inheritdoc ITimeBank
    function balanceOf(bytes32 community, address holder) external view returns (uint256 balance) {
        return _holders[community][holder].balance;
    }

    /// @inheritdoc ITimeBank
    function nonceOf(bytes32 community, address holder) external view returns (uint64 nonce) {
        return _holders[community][holder].nonce;
    }

    /// @inheritdoc ITimeBank
    function isElderly(bytes32 community, address resident) external view returns (bool registered) {
        return _holders[community][resident].elderly;
    }

    /// @inheritdoc ITimeBank
    function isProxy(bytes32 community, address principal, address proxy) external view returns (bool active) {
        return _proxies[community][principal][proxy];
    }

    /// @inheritdoc ITimeBank
    function isRecordUsed(bytes32 community, uint64 recordRef) external view returns (bool used) {
        return (_usedRecords[community][recordRef >> 8] >> (recordRef & 0xff)) & 1 == 1;
    }

    /// @inheritdoc ITimeBank
    function catalogItem(bytes32 community, bytes32 item)
        external
        view
        returns (bytes16 category, uint64 price, bytes32 provider, bool active)
    {
        Item memory it = _items[community][item];
        return (it.category, it.price, _providers[community][item], it.active);
    }

    /// @inheritdoc ITimeBank
    function totals(bytes32 community)
        external
        view
        returns (uint64 minted, uint64 rewarded, uint64 redeemed, uint64 deducted)
    {
        Totals memory t = _totals[community];
        return (t.minted, t.rewarded, t.redeemed, t.deducted);
    }

    /// @inheritdoc ITimeBank
    function feeTerms(bytes32 community)
        external
        view
        returns (bytes32 bucket, uint64 ratePerHour, uint64 capPerHolder, uint64 capTotal, uint8 periodMonths)
    {
        FeeTerms memory t = _feeTerms[community];
        return (t.bucket, t.ratePerHour, t.capPerHolder, t.capTotal, t.periodMonths);
    }

    /// @inheritdoc ITimeBank
    function feePaid(bytes32 community, address holder, uint32 businessDate)
        external
        view
        returns (uint64 holderPaid, uint64 totalPaid)
    {
        uint8 months = _feeTerms[community].periodMonths;
        if (months == 0) return (0, 0);
        uint256 key = _periodKey(businessDate, months);
        return (_feePaidHolder[community][holder][key], _feePaidTotal[community][key]);
    }

    /// @inheritdoc ITimeBank
    function feeTermsActionHash(
        bytes32 community,
        bytes32 bucket,
        uint64 ratePerHour,
        uint64 capPerHolder,
        uint64 capTotal,
        uint8 periodMonths
    ) public pure returns (bytes32 actionHash) {
        return keccak256(
            abi.encode(FEE_TERMS_ACTION, community, bucket, ratePerHour, capPerHolder, capTotal, periodMonths)
        );
    }

    /// @inheritdoc ITimeBank
    function hashFeeDiscount(
        bytes32 community,
        address holder,
        uint64 amount,
        uint64 fen,
        bytes32 bucket,
        uint64 nonce,
        uint64 deadline
    ) external view returns (bytes32 digest) {
        return _hashTypedDataV4(
            keccak256(abi.encode(FEE_DISCOUNT_TYPEHASH, community, holder, amount, fen, bucket, nonce, deadline))
        );
    }

    /// @notice The governance contract that approves fee terms (zero: none).
    /// @return governance the contract
    function governance() external view returns (address) {
        return _governance;
    }

    /// @inheritdoc ITimeBank
    function hashServiceRecord(bytes32 community, ServiceRecord calldata record)
        external
        view
        returns (bytes32 digest)
    {
        return _hashRecord(community, record);
    }

    /// @inheritdoc ITimeBank
    function hashRedemption(
        bytes32 community,
        address holder,
        bytes32 item,
        uint32 quantity,
        uint64 amount,
        uint64 nonce,
        uint64 deadline
    ) external view returns (bytes32 digest) {
        return _hashTypedDataV4(
            keccak256(abi.encode(REDEMPTION_TYPEHASH, community, holder, item, quantity, amount, nonce, deadline))
        );
    }

    /// @inheritdoc ITimeBank
    function hashDonation(bytes32 community, address holder, uint64 amount, uint64 nonce, uint64 deadline)
        external
        view
        returns (bytes32 digest)
    {
        return _hashTypedDataV4(keccak256(abi.encode(DONATION_TYPEHASH, community, holder, amount, nonce, deadline)));
    }

    // ----------------------------------------------------------------------------- internals

    /// @dev Common prologue of every sequenced write: global and community pause, role, lazy
    ///      community set-up, the exactly-once sequence check, and today's business date.
    function _begin(bytes32 community, bytes32 role, uint64 seq, uint64 count) private returns (Ctx memory c) {
        _requireNotPaused();
        _roles.checkRole(community, role, msg.sender);
        c.community = community;
        c.s = _load(community);
        if (c.s.paused) revert TimeBankPaused(community);
        if (seq != c.s.nextSeq) revert TimeBankWrongSequence(community, c.s.nextSeq, seq);
        c.s.nextSeq = seq + count;
        c.t = _totals[community];
        // The offset is within -720..840 minutes and timestamps are far above 12 hours, so the
        // sum is positive and the day number fits uint32 until the year 11 million.
        c.today = uint32(uint256(int256(block.timestamp) + int256(c.s.utcOffsetMinutes) * 60) / 86_400);
    }

    /// @dev Prologue of a write that takes no sequence number (a fee discount paid by a revenue
    ///      transfer, whose sequence number is the revenue ledger's).
    function _beginUnsequenced(bytes32 community) private view returns (Ctx memory c) {
        _requireNotPaused();
        c.community = community;
        c.s = _load(community);
        if (c.s.paused) revert TimeBankPaused(community);
        c.t = _totals[community];
        // As in _begin: positive, and fits uint32.
        c.today = uint32(uint256(int256(block.timestamp) + int256(c.s.utcOffsetMinutes) * 60) / 86_400);
    }

    /// @dev Adds `fen` to what the holder and the community were paid in the period of
    ///      `businessDate`, refusing beyond either cap.
    function _chargeCaps(bytes32 community, FeeTerms memory terms, address holder, uint64 fen, uint32 businessDate)
        private
    {
        uint256 key = _periodKey(businessDate, terms.periodMonths);
        uint256 holderPaid = _feePaidHolder[community][holder][key];
        if (holderPaid + fen > terms.capPerHolder) {
            revert TimeBankFeeCapExceeded(community, holder, holderPaid, fen, terms.capPerHolder);
        }
        uint256 totalPaid = _feePaidTotal[community][key];
        if (totalPaid + fen > terms.capTotal) {
            revert TimeBankFeeCapExceeded(community, address(0), totalPaid, fen, terms.capTotal);
        }
        // Both sums were just checked against caps below 2^53.
        _feePaidHolder[community][holder][key] = uint64(holderPaid + fen);
        _feePaidTotal[community][key] = uint64(totalPaid + fen);
    }

    /// @dev The period of a business day: months since year 0 divided by the period length, with
    ///      the length in the low byte so new terms with another length start afresh. Months come
    ///      from the day number by Howard Hinnant's civil_from_days (day 0 = 1970-01-01).
    function _periodKey(uint32 day, uint8 periodMonths) private pure returns (uint256) {
        uint256 z = uint256(day) + 719_468;
        uint256 era = z / 146_097;
        uint256 doe = z - era * 146_097;
        uint256 yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
        uint256 doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        uint256 mp = (5 * doy + 2) / 153;
        uint256 month = mp < 10 ? mp + 3 : mp - 9;
        uint256 year = yoe + era * 400 + (month <= 2 ? 1 : 0);
        return ((year * 12 + month - 1) / periodMonths) << 8 | periodMonths;
    }

    /// @dev Epilogue: the supply bound that makes every other sum safe, then one write per slot.
    function _end(Ctx memory c) private {
        if (uint256(c.t.minted) + c.t.rewarded > MAX_AMOUNT) revert TimeBankSupplyOverflow(c.community);
        _state[c.community] = c.s;
        _totals[c.community] = c.t;
    }

    /// @dev Reads a community's slot, setting it up on first use (offset copied from the registry).
    function _load(bytes32 community) private view returns (State memory s) {
        s = _state[community];
        if (!s.initialized) {
            s.utcOffsetMinutes = _roles.utcOffsetOf(community);
            s.initialized = true;
            s.nextSeq = 1;
        }
    }

    /// @dev The one place service minutes are created: checks the record, spends its number,
    ///      credits the volunteer and emits `ServiceMinted`.
    function _mint(Ctx memory c, uint64 seq, ServiceRecord calldata r, address attester, bool bySignature) private {
        address volunteer = r.volunteer;
        uint64 amount = r.amount;
        _checkHolder(volunteer);
        _checkHolder(r.beneficiary);
        if (volunteer == r.beneficiary || volunteer == attester) {
            revert TimeBankSelfAttestation(c.community, r.recordRef, volunteer);
        }
        if (r.serviceType == bytes16(0)) revert TimeBankMissingCode(c.community);
        _checkAmount(amount, MAX_RECORD_MINUTES);
        if (r.serviceDate > c.today) revert TimeBankFutureDate(c.community, r.serviceDate, c.today);
        if (r.recordRef > MAX_AMOUNT) revert TimeBankRecordRefOutOfRange(c.community, r.recordRef);
        uint256 word = r.recordRef >> 8;
        uint256 bit = 1 << (r.recordRef & 0xff);
        uint256 used = _usedRecords[c.community][word];
        if (used & bit != 0) revert TimeBankRecordUsed(c.community, r.recordRef);
        _usedRecords[c.community][word] = used | bit;
        // Cannot overflow: the running total is below 2^53 and a batch adds at most
        // 1,024 x 1,440 minutes; _end then checks the bound.
        unchecked {
            c.t.minted += amount;
        }
        _credit(c, volunteer, amount);
        emit ServiceMinted(
            c.community,
            seq,
            r.recordRef,
            volunteer,
            r.beneficiary,
            r.serviceType,
            amount,
            r.serviceDate,
            c.today,
            attester,
            bySignature
        );
    }

    /// @dev The one place minutes are burnt for a catalog item: counts them as redeemed and emits
    ///      `Redeemed` (the holder's balance was debited by the caller with its nonce).
    function _redeem(
        Ctx memory c,
        uint64 seq,
        address holder,
        address proxy,
        bytes32 item,
        bytes16 category,
        uint32 quantity,
        uint64 amount
    ) private {
        // Cannot overflow: redeemed <= minted + rewarded < 2^53 (only held minutes are burnt).
        unchecked {
            c.t.redeemed += amount;
        }
        emit Redeemed(
            c.community, seq, holder, proxy, item, category, _providers[c.community][item], quantity, amount, c.today
        );
    }

    /// @dev The one place balances grow. Cannot overflow: every balance is at most
    ///      minted + rewarded, which `_end` keeps below 2^53 (a transaction that breaks it reverts).
    function _credit(Ctx memory c, address holder, uint256 amount) private {
        Holder storage h = _holders[c.community][holder];
        unchecked {
            h.balance = uint64(h.balance + amount);
        }
    }

    /// @dev The one place balances shrink, never below zero. `nonce` is the signed nonce to
    ///      consume, or type(uint64).max for coordinator writes that consume none.
    function _debit(Ctx memory c, address holder, uint64 amount, uint64 nonce) private {
        _checkAmount(amount, MAX_AMOUNT);
        Holder memory h = _holders[c.community][holder];
        if (nonce != type(uint64).max) {
            if (nonce != h.nonce) revert TimeBankWrongNonce(c.community, holder, h.nonce, nonce);
            // Cannot overflow: one nonce per signed write, far fewer than 2^64.
            unchecked {
                ++h.nonce;
            }
        }
        if (h.balance < amount) revert TimeBankInsufficientBalance(c.community, holder, h.balance, amount);
        // Cannot underflow: checked just above.
        unchecked {
            h.balance -= amount;
        }
        _holders[c.community][holder] = h;
    }

    /// @dev Returns who signed `digest`: `holder` itself (an EOA, or an ERC-1271 wallet), or a
    ///      proxy registered for `holder` in `community`; reverts otherwise.
    function _authorised(bytes32 community, address holder, bytes32 digest, bytes memory signature)
        private
        view
        returns (address signer)
    {
        (address recovered, ECDSA.RecoverError err,) = ECDSA.tryRecover(digest, signature);
        if (err == ECDSA.RecoverError.NoError) {
            if (recovered == holder || _proxies[community][holder][recovered]) return recovered;
        } else {
            recovered = address(0);
        }
        if (holder.code.length > 0 && SignatureChecker.isValidERC1271SignatureNow(holder, digest, signature)) {
            return holder;
        }
        revert TimeBankUnauthorizedSigner(community, holder, recovered);
    }

    function _hashRecord(bytes32 community, ServiceRecord calldata r) private view returns (bytes32) {
        return _hashTypedDataV4(
            keccak256(
                abi.encode(
                    RECORD_TYPEHASH,
                    community,
                    r.recordRef,
                    r.volunteer,
                    r.beneficiary,
                    r.serviceType,
                    r.amount,
                    r.serviceDate
                )
            )
        );
    }

    function _proxyOf(address holder, address signer) private pure returns (address) {
        return signer == holder ? address(0) : signer;
    }

    function _checkHolder(address holder) private pure {
        if (holder == address(0) || holder == POOL) revert TimeBankInvalidHolder(holder);
    }

    function _checkAmount(uint256 amount, uint256 max) private pure {
        if (amount == 0 || amount > max) revert TimeBankAmountOutOfRange(amount, max);
    }

    function _checkDeadline(uint64 deadline) private view {
        if (block.timestamp > deadline) revert TimeBankSignatureExpired(deadline, block.timestamp);
    }
}
