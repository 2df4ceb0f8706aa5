// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @title Public revenue ledger (公共收益)
/// @notice Every income is split by the community's approved allocation policy in the same
///         transaction that records it, so income without a full allocation cannot exist.
///
///         Conventions:
///         - amounts are integers in fen, 0 < amount < 2^53;
///         - business dates are uint32 day numbers (days since 1970-01-01) in the community's
///           local calendar, never UTC days;
///         - every write carries the community's next sequence number `seq` (numbered by the
///           service's journal); the contract accepts only that number, so a re-sent write is
///           refused without a storage write per entry;
///         - rounding: each bucket receives floor(amount * bps / 10000); the fen left over (fewer
///           than the number of buckets) go to the policy's first bucket, so the parts always add
///           up to the amount;
///         - bucket 0 is `owners_common`, the owners' common account awaiting decision: income
///           dated before any policy is in force lands there, nothing can be spent from it, and
///           a policy in force reallocates it by recorded `HeldReallocated` entries.
interface IRevenueLedger {
    /// @notice A new allocation policy version became active.
    /// @param community the community id
    /// @param seq the write's sequence number
    /// @param version policy version, 1 for the first
    /// @param effectiveDate first business date the policy splits
    /// @param buckets bucket slugs in split order (the first receives rounding remainders)
    /// @param bps basis points per bucket, summing to 10,000
    /// @param decisionHash hash of the decision record that enacted it
    event PolicyActivated(
        bytes32 indexed community,
        uint64 seq,
        uint32 version,
        uint32 effectiveDate,
        bytes32[] buckets,
        uint16[] bps,
        bytes32 decisionHash
    );

    /// @notice Income was recorded and split; one event per income.
    /// @param community the community id
    /// @param seq the entry's sequence number
    /// @param source income source slug (advertising, elevator_ads, parking, shared_parking, ...)
    /// @param amount amount in fen
    /// @param businessDate business date (local day number)
    /// @param ref the human reference (invoice number), UTF-8 text left-aligned in 32 bytes
    /// @param evidenceHash hash of the evidence document
    /// @param policyVersion policy that split it; 0 means all of it went to owners_common
    /// @param parts amount per policy bucket in the policy's order, packed: part i is the uint64 at
    ///        bit 64 * (i % 4) of word i / 4 (unused parts are 0)
    event IncomeRecorded(
        bytes32 indexed community,
        uint64 seq,
        bytes16 source,
        uint64 amount,
        uint32 businessDate,
        bytes32 ref,
        bytes32 evidenceHash,
        uint32 policyVersion,
        uint256[2] parts
    );

    /// @notice Money was spent from a bucket.
    /// @param community the community id
    /// @param seq the entry's sequence number
    /// @param bucket bucket slug
    /// @param amount amount in fen
    /// @param businessDate business date (local day number)
    /// @param ref the human reference (payment order, invoice), UTF-8 text in 32 bytes
    /// @param evidenceHash hash of the evidence document
    event Spent(
        bytes32 indexed community,
        uint64 seq,
        bytes32 bucket,
        uint64 amount,
        uint32 businessDate,
        bytes32 ref,
        bytes32 evidenceHash
    );

    /// @notice Money left a bucket for a registered sink contract (a fund, a time-bank fee
    ///         discount); spending in the revenue statement. The sink records what it received.
    /// @param community the community id
    /// @param seq the entry's sequence number
    /// @param bucket bucket slug
    /// @param amount amount in fen
    /// @param businessDate business date (local day number)
    /// @param sink the receiving contract
    /// @param ref the human reference, UTF-8 text in 32 bytes
    /// @param dataHash keccak256 of the data handed to the sink
    event TransferredOut(
        bytes32 indexed community,
        uint64 seq,
        bytes32 bucket,
        uint64 amount,
        uint32 businessDate,
        address sink,
        bytes32 ref,
        bytes32 dataHash
    );

    /// @notice The owners' common account was split by the policy in force.
    /// @param community the community id
    /// @param seq the write's sequence number
    /// @param businessDate business date of the reallocation
    /// @param amount amount moved out of owners_common
    /// @param policyVersion the policy that split it
    /// @param parts amount per policy bucket, packed as in `IncomeRecorded`
    event HeldReallocated(
        bytes32 indexed community, uint64 seq, uint32 businessDate, uint64 amount, uint32 policyVersion, uint256[2] parts
    );

    /// @notice An income was reversed; the original stays, this entry cancels it.
    /// @param community the community id
    /// @param seq this reversal's sequence number
    /// @param originalSeq the income it reverses
    /// @param businessDate business date of the reversal
    /// @param amount amount reversed (the original's amount)
    /// @param policyVersion the policy that split the original
    /// @param parts amount taken back per policy bucket, packed as in `IncomeRecorded`
    /// @param reason short reason text (UTF-8, 32 bytes); the full text is kept with the evidence
    event IncomeReversed(
        bytes32 indexed community,
        uint64 seq,
        uint64 originalSeq,
        uint32 businessDate,
        uint64 amount,
        uint32 policyVersion,
        uint256[2] parts,
        bytes32 reason
    );

    /// @notice A spend was reversed: its amount returns to its bucket.
    /// @param community the community id
    /// @param seq this reversal's sequence number
    /// @param originalSeq the spend it reverses
    /// @param businessDate business date of the reversal
    /// @param bucket the bucket the money returns to
    /// @param amount amount returned
    /// @param reason short reason text (UTF-8, 32 bytes); the full text is kept with the evidence
    event SpendReversed(
        bytes32 indexed community,
        uint64 seq,
        uint64 originalSeq,
        uint32 businessDate,
        bytes32 bucket,
        uint64 amount,
        bytes32 reason
    );

    /// @notice A deposit (a liability held for the payer, never income) was received.
    /// @param community the community id
    /// @param seq the entry's sequence number
    /// @param amount amount in fen
    /// @param businessDate business date
    /// @param payerRef pseudonymous id of the payer
    /// @param ref the human reference, UTF-8 text in 32 bytes
    /// @param evidenceHash hash of the evidence document
    event DepositReceived(
        bytes32 indexed community,
        uint64 seq,
        uint64 amount,
        uint32 businessDate,
        bytes32 payerRef,
        bytes32 ref,
        bytes32 evidenceHash
    );

    /// @notice (Part of) a deposit was returned to its payer.
    /// @param community the community id
    /// @param seq the entry's sequence number
    /// @param depositSeq the deposit being returned
    /// @param amount amount returned
    /// @param businessDate business date
    /// @param ref the human reference, UTF-8 text in 32 bytes
    /// @param evidenceHash hash of the evidence document
    event DepositReturned(
        bytes32 indexed community,
        uint64 seq,
        uint64 depositSeq,
        uint64 amount,
        uint32 businessDate,
        bytes32 ref,
        bytes32 evidenceHash
    );

    /// @notice The community's ledger was paused or resumed by its admin.
    /// @param community the community id
    /// @param paused true when paused
    /// @param by the admin who did it
    event CommunityPauseSet(bytes32 indexed community, bool paused, address by);

    /// @notice Business dates up to `closedThrough` are closed: nothing more can be dated there.
    /// @param community the community id
    /// @param closedThrough last closed business date
    event ClosedThrough(bytes32 indexed community, uint32 closedThrough);

    /// @notice The governance contract that activates policies (zero: committee members directly).
    /// @param governance the new governance contract
    event GovernanceSet(address governance);

    /// @notice A contract may (or may no longer) receive money by `transferOut`.
    /// @param sink the receiving contract
    /// @param allowed whether it may receive
    event SinkSet(address sink, bool allowed);

    /// @notice The write carries sequence number `given`; the contract expects `expected`.
    error RevenueWrongSequence(bytes32 community, uint64 expected, uint64 given);
    /// @notice Amounts are integers with 0 < amount < 2^53.
    error RevenueAmountOutOfRange(uint256 amount);
    /// @notice The business date falls in a closed period.
    error RevenuePeriodClosed(bytes32 community, uint32 businessDate, uint32 closedThrough);
    /// @notice The business date is after today in the community's calendar.
    error RevenueFutureDate(bytes32 community, uint32 businessDate, uint32 today);
    /// @notice The community has no bucket with this slug.
    error RevenueUnknownBucket(bytes32 community, bytes32 bucket);
    /// @notice The bucket holds less than the amount asked.
    error RevenueInsufficientBalance(bytes32 community, bytes32 bucket, uint256 balance, uint256 amount);
    /// @notice Nothing can be spent from the owners' common account; it awaits a decision.
    error RevenueOwnersCommonLocked(bytes32 community);
    /// @notice The policy is malformed (reason: 1 bucket count, 2 bps sum, 3 zero bps, 4 duplicate or reserved bucket, 5 too many buckets in community).
    error RevenueInvalidPolicy(bytes32 community, uint8 reason);
    /// @notice A policy's effective date must not be before today, before the previous policy's, or on
    ///         or before the latest business date already split (so no posted income changes policy).
    error RevenueInvalidEffectiveDate(bytes32 community, uint32 effectiveDate, uint32 earliest);
    /// @notice No policy is in force today, so held income cannot be reallocated yet.
    error RevenueNoPolicyInForce(bytes32 community);
    /// @notice Nothing is held in owners_common.
    error RevenueNothingHeld(bytes32 community);
    /// @notice The entry named does not exist yet.
    error RevenueUnknownEntry(bytes32 community, uint64 seq);
    /// @notice The entry was already reversed.
    error RevenueAlreadyReversed(bytes32 community, uint64 seq);
    /// @notice A reversal cannot itself be reversed; post a new entry instead.
    error RevenueCannotReverseReversal(bytes32 community, uint64 seq);
    /// @notice The spend named does not match the bucket and amount given.
    error RevenueSpendMismatch(bytes32 community, uint64 seq);
    /// @notice The deposit named holds less than the amount to return.
    error RevenueDepositInsufficient(bytes32 community, uint64 depositSeq, uint256 remaining, uint256 amount);
    /// @notice The community's ledger is paused.
    error RevenuePaused(bytes32 community);
    /// @notice Only the governance contract may do this.
    error RevenueOnlyGovernance(address caller);
    /// @notice The receiving contract is not registered as a sink.
    error RevenueUnknownSink(address sink);
    /// @notice Only the audit anchor may close periods.
    error RevenueOnlyAnchor(address caller);
    /// @notice The statement being anchored was built before the latest write.
    error RevenueStaleStatement(bytes32 community, uint64 lastSeq, uint64 statementSeq);
    /// @notice A batch must hold whole entries (3 words each), at least one and at most 1,024.
    error RevenueMalformedBatch(uint256 words);
    /// @notice A balance would leave the range the ledger keeps (< 2^64 fen).
    error RevenueBalanceOverflow(bytes32 community, bytes32 bucket);

    /// @notice Activates a new allocation policy version (a committee member, or the governance
    ///         contract once one is set). If the policy is in force today and owners_common holds
    ///         money, that money is split by it in the same transaction.
    /// @param community the community id
    /// @param seq the community's next sequence number
    /// @param buckets bucket slugs (1 to 8, no duplicates, not owners_common)
    /// @param bps basis points per bucket, each > 0, summing to 10,000
    /// @param effectiveDate first business date it splits; not before today nor the previous policy's,
    ///        and after every business date an income was already posted with
    /// @param decisionHash hash of the decision record
    function activatePolicy(
        bytes32 community,
        uint64 seq,
        bytes32[] calldata buckets,
        uint16[] calldata bps,
        uint32 effectiveDate,
        bytes32 decisionHash
    ) external;

    /// @notice Records one income and splits it by the policy in force on its business date.
    /// @param community the community id
    /// @param seq the community's next sequence number
    /// @param source source slug (at most 16 bytes)
    /// @param amount amount in fen
    /// @param businessDate business date (local day number), not in the future nor a closed period
    /// @param ref the human reference, UTF-8 text in 32 bytes
    /// @param evidenceHash hash of the evidence
    function postIncome(
        bytes32 community,
        uint64 seq,
        bytes16 source,
        uint64 amount,
        uint32 businessDate,
        bytes32 ref,
        bytes32 evidenceHash
    ) external;

    /// @notice Records up to 1,024 incomes in one transaction; entry i gets sequence number firstSeq + i.
    /// @param community the community id
    /// @param firstSeq the community's next sequence number
    /// @param packed 3 words per entry: [source (bytes16) | amount (uint64) | businessDate (uint32) | 0 (uint32)],
    ///        ref, evidenceHash
    function postIncomes(bytes32 community, uint64 firstSeq, bytes32[] calldata packed) external;

    /// @notice Spends from a bucket, never below zero and never from owners_common.
    /// @param community the community id
    /// @param seq the community's next sequence number
    /// @param bucket bucket slug
    /// @param amount amount in fen
    /// @param businessDate business date
    /// @param ref the human reference, UTF-8 text in 32 bytes
    /// @param evidenceHash hash of the evidence (invoice, acceptance record)
    function spend(
        bytes32 community,
        uint64 seq,
        bytes32 bucket,
        uint64 amount,
        uint32 businessDate,
        bytes32 ref,
        bytes32 evidenceHash
    ) external;

    /// @notice Moves money from a bucket to a registered sink contract, which checks it by its own
    ///         rules (`IRevenueSink.onRevenueTransfer`) and may refuse; never below zero, never from
    ///         owners_common, and while governance is set only as governance allows
    ///         (`transferActionHash`). It cannot be reversed here: the sink's own record stands.
    /// @param community the community id
    /// @param seq the community's next sequence number
    /// @param bucket bucket slug
    /// @param amount amount in fen
    /// @param businessDate business date
    /// @param sink the receiving contract
    /// @param ref the human reference, UTF-8 text in 32 bytes
    /// @param data what the sink needs (its own layout)
    function transferOut(
        bytes32 community,
        uint64 seq,
        bytes32 bucket,
        uint64 amount,
        uint32 businessDate,
        address sink,
        bytes32 ref,
        bytes calldata data
    ) external;

    /// @notice Splits the held owners_common balance by the policy in force today.
    /// @param community the community id
    /// @param seq the community's next sequence number
    function reallocateHeld(bytes32 community, uint64 seq) external;

    /// @notice Reverses an income. The original's amount and business date are restated by the
    ///         caller (the contract keeps no storage per income); the split is recomputed with the
    ///         policy in force on that date, so buckets lose exactly what that income gave them.
    ///         Indexers check the restatement against the original event and flag a mismatch.
    /// @param community the community id
    /// @param seq the community's next sequence number
    /// @param originalSeq the income being reversed
    /// @param amount the original's amount
    /// @param originalDate the original's business date
    /// @param businessDate the reversal's own business date
    /// @param reason short reason text (UTF-8, 32 bytes); the full text is kept with the evidence
    function reverseIncome(
        bytes32 community,
        uint64 seq,
        uint64 originalSeq,
        uint64 amount,
        uint32 originalDate,
        uint32 businessDate,
        bytes32 reason
    ) external;

    /// @notice Reverses a spend: the amount returns to its bucket. Spends keep a commitment on
    ///         chain, so the bucket and amount are checked against the original.
    /// @param community the community id
    /// @param seq the community's next sequence number
    /// @param originalSeq the spend being reversed
    /// @param bucket the original's bucket
    /// @param amount the original's amount
    /// @param businessDate the reversal's own business date
    /// @param reason short reason text (UTF-8, 32 bytes); the full text is kept with the evidence
    function reverseSpend(
        bytes32 community,
        uint64 seq,
        uint64 originalSeq,
        bytes32 bucket,
        uint64 amount,
        uint32 businessDate,
        bytes32 reason
    ) external;

    /// @notice Records a deposit received: a liability, never income, never allocated.
    /// @param community the community id
    /// @param seq the community's next sequence number
    /// @param amount amount in fen
    /// @param businessDate business date
    /// @param payerRef pseudonymous payer id
    /// @param ref the human reference, UTF-8 text in 32 bytes
    /// @param evidenceHash hash of the evidence
    function receiveDeposit(
        bytes32 community,
        uint64 seq,
        uint64 amount,
        uint32 businessDate,
        bytes32 payerRef,
        bytes32 ref,
        bytes32 evidenceHash
    ) external;

    /// @notice Returns (part of) a deposit to its payer.
    /// @param community the community id
    /// @param seq the community's next sequence number
    /// @param depositSeq the deposit being returned
    /// @param amount amount in fen, at most what remains of the deposit
    /// @param businessDate business date
    /// @param ref the human reference, UTF-8 text in 32 bytes
    /// @param evidenceHash hash of the evidence
    function returnDeposit(
        bytes32 community,
        uint64 seq,
        uint64 depositSeq,
        uint64 amount,
        uint32 businessDate,
        bytes32 ref,
        bytes32 evidenceHash
    ) external;

    /// @notice Pauses or resumes the community's ledger (its admin only).
    /// @param community the community id
    /// @param paused true to pause
    function setPaused(bytes32 community, bool paused) external;

    /// @notice Closes business dates up to `date`; only the audit anchor calls this, after
    ///         checking the statement was built from every write (`throughSeq` is its last).
    /// @param community the community id
    /// @param date last business date closed
    /// @param throughSeq the last sequence number the anchored statement covers
    function closeThrough(bytes32 community, uint32 date, uint64 throughSeq) external;

    /// @notice The action a spend asks governance to allow: what a proposal to approve it names.
    /// @param community the community id
    /// @param bucket bucket slug
    /// @param amount amount in fen
    /// @param ref the spend's reference
    /// @param evidenceHash the spend's evidence hash
    /// @return actionHash keccak256(abi.encode(keccak256("civic.action.spend"), community, bucket, amount, ref,
    ///         evidenceHash))
    function spendActionHash(bytes32 community, bytes32 bucket, uint64 amount, bytes32 ref, bytes32 evidenceHash)
        external
        pure
        returns (bytes32 actionHash);

    /// @notice The action a transfer out asks governance to allow.
    /// @param community the community id
    /// @param bucket bucket slug
    /// @param amount amount in fen
    /// @param sink the receiving contract
    /// @param ref the transfer's reference
    /// @param dataHash keccak256 of the data handed to the sink
    /// @return actionHash keccak256(abi.encode(keccak256("civic.action.transfer"), community, bucket, amount, sink,
    ///         ref, dataHash))
    function transferActionHash(
        bytes32 community,
        bytes32 bucket,
        uint64 amount,
        address sink,
        bytes32 ref,
        bytes32 dataHash
    ) external pure returns (bytes32 actionHash);

    /// @notice Whether `sink` may receive money by `transferOut`.
    /// @param sink the contract
    /// @return allowed whether it is registered
    function isSink(address sink) external view returns (bool allowed);

    /// @notice The governance contract (zero: none).
    /// @return governance the contract's address
    function governance() external view returns (address governance);

    /// @notice The sequence number the next write of `community` must carry.
    /// @param community the community id
    /// @return seq the expected sequence number
    function nextSeq(bytes32 community) external view returns (uint64 seq);

    /// @notice A bucket's balance in fen.
    /// @param community the community id
    /// @param bucket bucket slug
    /// @return balance the balance
    function balanceOf(bytes32 community, bytes32 bucket) external view returns (uint256 balance);

    /// @notice Number of policy versions activated so far.
    /// @param community the community id
    /// @return count the number of versions
    function policyCount(bytes32 community) external view returns (uint32 count);

    /// @notice A policy version.
    /// @param community the community id
    /// @param version the version (1-based)
    /// @return effectiveDate first business date it splits
    /// @return buckets bucket slugs in split order
    /// @return bps basis points per bucket
    function policy(bytes32 community, uint32 version)
        external
        view
        returns (uint32 effectiveDate, bytes32[] memory buckets, uint16[] memory bps);

    /// @notice Last closed business date (0 when nothing is closed).
    /// @param community the community id
    /// @return date the last closed date
    function closedThrough(bytes32 community) external view returns (uint32 date);

    /// @notice Total of deposits held (received minus returned).
    /// @param community the community id
    /// @return held the total in fen
    function depositsHeld(bytes32 community) external view returns (uint256 held);

    /// @notice How an amount would be split by the policy in force on a business date.
    /// @param community the community id
    /// @param amount amount in fen
    /// @param businessDate business date
    /// @return policyVersion the policy applied (0: owners_common)
    /// @return parts amount per policy bucket
    function previewSplit(bytes32 community, uint64 amount, uint32 businessDate)
        external
        view
        returns (uint32 policyVersion, uint64[8] memory parts);

    /// @notice The rounding rule itself, for anyone to check: floor per bucket, remainder to the first.
    /// @param amount amount in fen
    /// @param bps basis points per bucket
    /// @return parts the split
    function splitAmount(uint64 amount, uint16[] calldata bps) external pure returns (uint64[8] memory parts);
}
