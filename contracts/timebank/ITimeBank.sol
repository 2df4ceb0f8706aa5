// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @title Time bank (時間銀行): attested service minutes, catalog redemption, a pool for elderly neighbours
/// @notice One hour of service is one credit, whatever the skill; credits are kept in minutes
///         (60 minutes = 1 credit) and shown as hours.
///
///         Conventions:
///         - holders are pseudonymous ids, one address per person, community and role (the key may
///           sit in the service's encrypted keystore or in the person's own wallet; a resident
///           without a smartphone may have no key at all and act through a registered proxy);
///         - the community pool is the fixed holder `POOL` =
///           address(uint160(uint256(keccak256("civic.timebank.pool"))));
///         - amounts are whole minutes, 0 < amount < 2^53; one service record holds at most 1,440
///           minutes (one day); everything ever issued (minted + rewarded) stays below 2^53, so
///           every balance and total is exact in JSON and SQL;
///         - minutes move only by: mint (attested service), reward, deduction, redemption (burn),
///           donation to the pool and grant from the pool; so at all times
///           minted + rewarded = held (pool included) + redeemed + deducted;
///         - business dates are uint32 day numbers in the community's local calendar; every event of a
///           sequenced write carries the day it was written (`businessDate`, today on chain), so nothing is ever
///           dated into a closed period; a service record also carries the day it was given
///           (`serviceDate`, not in the future);
///         - every write carries the community's next sequence number `seq` (the service's journal
///           numbers them), exactly as in `IRevenueLedger`; a batch of n records consumes n numbers;
///         - a service record is identified by `recordRef`, a per-community number the service hands
///           out; each number mints at most once (a bitmap, 256 records per storage word);
///         - EIP-712 domain: name "Civic Ledger TimeBank", version "1", this chain's id and this
///           contract's address, so a signature is bound to one chain, one contract and (through
///           the signed `community` field) one community.
///
///         Signed types (field names as a wallet shows them):
///         ServiceRecord(bytes32 community,uint64 recordRef,address volunteer,address beneficiary,
///                       bytes16 serviceType,uint64 minutes,uint32 serviceDate)
///         Redemption(bytes32 community,address holder,bytes32 item,uint32 quantity,uint64 minutes,
///                    uint64 nonce,uint64 deadline)
///         Donation(bytes32 community,address holder,uint64 minutes,uint64 nonce,uint64 deadline)
///         FeeDiscount(bytes32 community,address holder,uint64 minutes,uint64 fen,bytes32 bucket,
///                     uint64 nonce,uint64 deadline)
///
///         Property-fee discount (TB-8): the only redemption that turns minutes into money. The
///         owners approve the terms (`setFeeTerms`: the revenue bucket that pays, a rate in fen per
///         hour, caps in fen per period for one holder and for the whole community); an
///         accountant then calls `RevenueLedger.transferOut(community, seq, bucket, fen, date,
///         timeBank, ref, data)`, which debits the bucket (spending in the revenue statement) and
///         calls `onRevenueTransfer` here with
///         data = abi.encode(address holder, uint64 minutes, uint64 nonce, uint64 deadline, bytes signature),
///         the holder's (or proxy's) `FeeDiscount` signature. The exact integer rule:
///         fen = floor(minutes x ratePerHour / 60), and it must be at least 1 fen; the minutes are
///         burnt (counted as redeemed) and `FeeDiscountRedeemed` is emitted. The period is the
///         calendar month, quarter, half-year or year (1, 3, 6 or 12 months, counted from January)
///         of the revenue write's business date.
interface ITimeBank {
    /// @notice One service, as attested. `amount` is in minutes.
    /// @param recordRef the record's per-community number (mints once)
    /// @param volunteer the volunteer's pseudonymous id, who receives the minutes
    /// @param beneficiary the pseudonymous id of the person who received the service
    /// @param serviceType service type slug (e.g. "companionship", "repairs"), UTF-8 in 16 bytes
    /// @param amount minutes of service, 1 to 1,440
    /// @param serviceDate the business day the service was given
    struct ServiceRecord {
        uint64 recordRef;
        address volunteer;
        address beneficiary;
        bytes16 serviceType;
        uint64 amount;
        uint32 serviceDate;
    }

    /// @notice Minutes were minted for an attested service record.
    /// @param community the community id
    /// @param seq the write's sequence number
    /// @param recordRef the record's number
    /// @param volunteer the volunteer credited
    /// @param beneficiary who received the service
    /// @param serviceType service type slug
    /// @param amount minutes minted
    /// @param serviceDate business day the service was given
    /// @param businessDate business day it was minted
    /// @param attester the beneficiary or their registered proxy (signature), or the coordinator
    /// @param bySignature true when attested by the beneficiary's (or proxy's) EIP-712 signature
    event ServiceMinted(
        bytes32 indexed community,
        uint64 seq,
        uint64 recordRef,
        address volunteer,
        address beneficiary,
        bytes16 serviceType,
        uint64 amount,
        uint32 serviceDate,
        uint32 businessDate,
        address attester,
        bool bySignature
    );

    /// @notice Minutes were redeemed (burnt) against a catalog item.
    /// @param community the community id
    /// @param seq the write's sequence number
    /// @param holder whose minutes were burnt
    /// @param proxy the registered proxy who signed for the holder (zero: the holder signed)
    /// @param item the catalog item id (opaque; for health check-ups only the category is shown)
    /// @param category the item's category slug
    /// @param provider the provider that fulfils it
    /// @param quantity how many of the item
    /// @param amount minutes burnt (price x quantity)
    /// @param businessDate business day of the redemption
    event Redeemed(
        bytes32 indexed community,
        uint64 seq,
        address holder,
        address proxy,
        bytes32 item,
        bytes16 category,
        bytes32 provider,
        uint32 quantity,
        uint64 amount,
        uint32 businessDate
    );

    /// @notice A holder donated minutes to the community pool.
    /// @param community the community id
    /// @param seq the write's sequence number
    /// @param holder the donor
    /// @param proxy the registered proxy who signed for the donor (zero: the donor signed)
    /// @param amount minutes moved to the pool
    /// @param businessDate business day of the donation
    event Donated(
        bytes32 indexed community, uint64 seq, address holder, address proxy, uint64 amount, uint32 businessDate
    );

    /// @notice A coordinator granted minutes from the pool to a registered elderly resident.
    /// @param community the community id
    /// @param seq the write's sequence number
    /// @param resident the registered elderly resident who received them
    /// @param amount minutes moved out of the pool
    /// @param businessDate business day of the grant
    /// @param by the coordinator
    event Granted(
        bytes32 indexed community, uint64 seq, address resident, uint64 amount, uint32 businessDate, address by
    );

    /// @notice A coordinator rewarded a holder with new minutes.
    /// @param community the community id
    /// @param seq the write's sequence number
    /// @param holder who received them
    /// @param amount minutes issued
    /// @param reason reason code slug (e.g. "event_helper"), UTF-8 in 16 bytes
    /// @param businessDate business day of the reward
    /// @param by the coordinator
    event Rewarded(
        bytes32 indexed community,
        uint64 seq,
        address holder,
        uint64 amount,
        bytes16 reason,
        uint32 businessDate,
        address by
    );

    /// @notice A coordinator deducted minutes from a holder (they are burnt).
    /// @param community the community id
    /// @param seq the write's sequence number
    /// @param holder whose minutes were taken
    /// @param amount minutes burnt
    /// @param reason reason code slug (e.g. "noise_violation"), UTF-8 in 16 bytes
    /// @param businessDate business day of the deduction
    /// @param by the coordinator
    event Deducted(
        bytes32 indexed community,
        uint64 seq,
        address holder,
        uint64 amount,
        bytes16 reason,
        uint32 businessDate,
        address by
    );

    /// @notice A catalog item was created, changed or withdrawn.
    /// @param community the community id
    /// @param seq the write's sequence number
    /// @param item the item id (opaque)
    /// @param category category slug: housekeeping, haircut, repairs, goods, parking, priority,
    ///        health_check, ...
    /// @param price price in minutes per unit
    /// @param provider the provider that fulfils it
    /// @param active false when withdrawn (it can no longer be redeemed)
    /// @param businessDate business day of the change
    /// @param by the coordinator
    event CatalogItemSet(
        bytes32 indexed community,
        uint64 seq,
        bytes32 item,
        bytes16 category,
        uint64 price,
        bytes32 provider,
        bool active,
        uint32 businessDate,
        address by
    );

    /// @notice A proxy was registered for (or removed from) a principal.
    /// @param community the community id
    /// @param seq the write's sequence number
    /// @param principal the person acted for
    /// @param proxy the person acting
    /// @param active true when registered, false when removed
    /// @param businessDate business day of the change
    /// @param by the coordinator
    event ProxySet(
        bytes32 indexed community,
        uint64 seq,
        address principal,
        address proxy,
        bool active,
        uint32 businessDate,
        address by
    );

    /// @notice A holder was registered as (or removed from) the elderly residents the pool may grant to.
    /// @param community the community id
    /// @param seq the write's sequence number
    /// @param resident the resident's pseudonymous id
    /// @param registered true when registered, false when removed
    /// @param businessDate business day of the change
    /// @param by the coordinator
    event ElderlySet(
        bytes32 indexed community, uint64 seq, address resident, bool registered, uint32 businessDate, address by
    );

    /// @notice The owners' terms for property-fee discounts were set (or withdrawn: rate 0).
    /// @param community the community id
    /// @param seq the write's sequence number
    /// @param bucket the revenue bucket that pays the discounts
    /// @param ratePerHour fen paid per 60 minutes redeemed (0: discounts withdrawn)
    /// @param capPerHolder most fen one holder may receive per period
    /// @param capTotal most fen the whole community may receive per period
    /// @param periodMonths the period: 1, 3, 6 or 12 calendar months
    /// @param businessDate business day of the change
    /// @param by the committee member who set them
    /// @param proposalId the governance proposal that approved them (0: no governance contract set)
    event FeeTermsSet(
        bytes32 indexed community,
        uint64 seq,
        bytes32 bucket,
        uint64 ratePerHour,
        uint64 capPerHolder,
        uint64 capTotal,
        uint8 periodMonths,
        uint32 businessDate,
        address by,
        uint256 proposalId
    );

    /// @notice Minutes were redeemed for a property-fee discount paid from a revenue bucket.
    /// @param community the community id
    /// @param revenueSeq the revenue ledger's sequence number of the transfer that paid it
    /// @param holder whose minutes were burnt
    /// @param proxy the registered proxy who signed for the holder (zero: the holder signed)
    /// @param amount minutes burnt
    /// @param fen the discount paid, floor(amount x rate / 60)
    /// @param bucket the revenue bucket that paid
    /// @param businessDate the revenue write's business day
    event FeeDiscountRedeemed(
        bytes32 indexed community,
        uint64 revenueSeq,
        address holder,
        address proxy,
        uint64 amount,
        uint64 fen,
        bytes32 bucket,
        uint32 businessDate
    );

    /// @notice The governance contract that approves fee terms was set by the operator (zero: none,
    ///         the committee role alone sets them).
    /// @param governance the contract
    event GovernanceSet(address governance);

    /// @notice The community's time bank was paused or resumed by its admin.
    /// @param community the community id
    /// @param paused true when paused
    /// @param by the admin who did it
    event CommunityPauseSet(bytes32 indexed community, bool paused, address by);

    /// @notice The write carries sequence number `given`; the contract expects `expected`.
    error TimeBankWrongSequence(bytes32 community, uint64 expected, uint64 given);
    /// @notice The community's time bank is paused.
    error TimeBankPaused(bytes32 community);
    /// @notice Amounts are whole minutes with 0 < amount <= max (1,440 for a record, 2^53 - 1 otherwise).
    error TimeBankAmountOutOfRange(uint256 amount, uint256 max);
    /// @notice Minting would take the community's minted + rewarded total to 2^53 or more.
    error TimeBankSupplyOverflow(bytes32 community);
    /// @notice This record number has already minted.
    error TimeBankRecordUsed(bytes32 community, uint64 recordRef);
    /// @notice Record numbers are below 2^53 (statements are JSON, whose integers stop there).
    error TimeBankRecordRefOutOfRange(bytes32 community, uint64 recordRef);
    /// @notice The volunteer cannot attest their own service (volunteer is the beneficiary or the attester).
    error TimeBankSelfAttestation(bytes32 community, uint64 recordRef, address volunteer);
    /// @notice The signature is not by `holder` nor by a registered proxy of it (`signer` is who
    ///         actually signed, zero when the signature does not recover).
    error TimeBankUnauthorizedSigner(bytes32 community, address holder, address signer);
    /// @notice The signed nonce is not the holder's next one (a replay, or signed out of order).
    error TimeBankWrongNonce(bytes32 community, address holder, uint64 expected, uint64 given);
    /// @notice The signed authorisation expired at `deadline` (unix seconds).
    error TimeBankSignatureExpired(uint64 deadline, uint256 nowSeconds);
    /// @notice The business date is after today in the community's calendar.
    error TimeBankFutureDate(bytes32 community, uint32 serviceDate, uint32 today);
    /// @notice The holder has fewer minutes than the amount asked.
    error TimeBankInsufficientBalance(bytes32 community, address holder, uint256 balance, uint256 amount);
    /// @notice The id cannot hold minutes here (zero, or the pool where only donations and grants may touch it).
    error TimeBankInvalidHolder(address holder);
    /// @notice The catalog has no active item with this id.
    error TimeBankUnknownItem(bytes32 community, bytes32 item);
    /// @notice The item's price x quantity is `expected` minutes, not the `given` signed amount.
    error TimeBankPriceMismatch(bytes32 community, bytes32 item, uint256 expected, uint64 given);
    /// @notice A catalog item needs a non-zero id, category and provider, and a price in range.
    error TimeBankInvalidItem(bytes32 community, bytes32 item);
    /// @notice Grants from the pool go only to registered elderly residents.
    error TimeBankNotElderly(bytes32 community, address resident);
    /// @notice Rewards and deductions need a reason code; records need a service type.
    error TimeBankMissingCode(bytes32 community);
    /// @notice A batch holds 1 to 1,024 records.
    error TimeBankMalformedBatch(uint256 records);
    /// @notice The community has no approved fee-discount terms (or they were withdrawn).
    error TimeBankNoFeeTerms(bytes32 community);
    /// @notice Fee terms need a bucket, a rate and caps in range, and a period of 1, 3, 6 or 12 months.
    error TimeBankInvalidFeeTerms(bytes32 community);
    /// @notice While governance is set, fee terms need a proposal the owners voted for (not committee-only).
    error TimeBankFeeTermsNeedOwners(bytes32 community, uint256 proposalId);
    /// @notice Only the revenue ledger may pay a fee discount.
    error TimeBankOnlyRevenueLedger(address caller);
    /// @notice The approved terms pay from `expected`, not from `given`.
    error TimeBankFeeWrongBucket(bytes32 community, bytes32 expected, bytes32 given);
    /// @notice At the approved rate the minutes are worth `expected` fen, not the `given` amount.
    error TimeBankFeeAmountMismatch(bytes32 community, uint256 expected, uint64 given);
    /// @notice The period's cap (`holder` zero: the community's) would be exceeded.
    error TimeBankFeeCapExceeded(bytes32 community, address holder, uint256 paid, uint256 amount, uint256 cap);

    /// @notice Mints one service record attested by the beneficiary's EIP-712 `ServiceRecord`
    ///         signature (or a registered proxy's, or an ERC-1271 wallet's); relayed by a coordinator.
    /// @param community the community id
    /// @param seq the community's next sequence number
    /// @param record the record, exactly as signed
    /// @param signature the beneficiary's (or their proxy's) signature
    function mintAttested(bytes32 community, uint64 seq, ServiceRecord calldata record, bytes calldata signature)
        external;

    /// @notice Mints up to 1,024 records attested by the calling coordinator (who must not be the
    ///         volunteer); record i gets sequence number firstSeq + i.
    /// @param community the community id
    /// @param firstSeq the community's next sequence number
    /// @param records the records
    function mintByCoordinator(bytes32 community, uint64 firstSeq, ServiceRecord[] calldata records) external;

    /// @notice Burns minutes against a catalog item, authorised by the holder's EIP-712 `Redemption`
    ///         signature or their registered proxy's; relayed by a coordinator.
    /// @param community the community id
    /// @param seq the community's next sequence number
    /// @param holder whose minutes are burnt
    /// @param item the catalog item id
    /// @param quantity how many of the item (>= 1)
    /// @param amount the minutes the signer agreed to, must equal price x quantity
    /// @param nonce the holder's next nonce (`nonceOf`)
    /// @param deadline unix seconds after which the signature is void
    /// @param signature the holder's or proxy's signature
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
    ) external;

    /// @notice Moves minutes from a holder to the pool, authorised by the holder's EIP-712 `Donation`
    ///         signature or their registered proxy's; relayed by a coordinator.
    /// @param community the community id
    /// @param seq the community's next sequence number
    /// @param holder the donor
    /// @param amount minutes donated
    /// @param nonce the holder's next nonce (`nonceOf`)
    /// @param deadline unix seconds after which the signature is void
    /// @param signature the holder's or proxy's signature
    function donate(
        bytes32 community,
        uint64 seq,
        address holder,
        uint64 amount,
        uint64 nonce,
        uint64 deadline,
        bytes calldata signature
    ) external;

    /// @notice Moves minutes from the pool to a registered elderly resident (a coordinator).
    /// @param community the community id
    /// @param seq the community's next sequence number
    /// @param resident a registered elderly resident
    /// @param amount minutes granted, at most the pool's balance
    function grant(bytes32 community, uint64 seq, address resident, uint64 amount) external;

    /// @notice Issues new minutes to a holder for a reason (a coordinator).
    /// @param community the community id
    /// @param seq the community's next sequence number
    /// @param holder who receives them (not the pool)
    /// @param amount minutes
    /// @param reason reason code slug, non-zero
    function reward(bytes32 community, uint64 seq, address holder, uint64 amount, bytes16 reason) external;

    /// @notice Burns minutes from a holder for a reason, never below zero (a coordinator).
    /// @param community the community id
    /// @param seq the community's next sequence number
    /// @param holder whose minutes are taken (not the pool)
    /// @param amount minutes
    /// @param reason reason code slug, non-zero
    function deduct(bytes32 community, uint64 seq, address holder, uint64 amount, bytes16 reason) external;

    /// @notice Creates, changes or withdraws a catalog item (a coordinator).
    /// @param community the community id
    /// @param seq the community's next sequence number
    /// @param item the item id (opaque; never derived from a health detail)
    /// @param category category slug, non-zero
    /// @param price price in minutes per unit
    /// @param provider the provider that fulfils it, non-zero
    /// @param active false to withdraw it
    function setCatalogItem(
        bytes32 community,
        uint64 seq,
        bytes32 item,
        bytes16 category,
        uint64 price,
        bytes32 provider,
        bool active
    ) external;

    /// @notice Registers or removes a proxy who may sign for `principal` (a coordinator).
    /// @param community the community id
    /// @param seq the community's next sequence number
    /// @param principal the person acted for
    /// @param proxy the person acting (not the principal, not the pool)
    /// @param active true to register, false to remove
    function setProxy(bytes32 community, uint64 seq, address principal, address proxy, bool active) external;

    /// @notice Registers or removes an elderly resident the pool may grant to (a coordinator).
    /// @param community the community id
    /// @param seq the community's next sequence number
    /// @param resident the resident's pseudonymous id (not the pool)
    /// @param registered true to register, false to remove
    function setElderly(bytes32 community, uint64 seq, address resident, bool registered) external;

    /// @notice Sets the owners' terms for property-fee discounts (a committee member; while a
    ///         governance contract is set, only as an approved proposal for exactly these terms,
    ///         `feeTermsActionHash`, that the owners voted for (an owners' decision type, not
    ///         committee-only), which is used up).
    /// @param community the community id
    /// @param seq the community's next sequence number
    /// @param bucket the revenue bucket that pays
    /// @param ratePerHour fen per 60 minutes, 0 to withdraw the terms
    /// @param capPerHolder most fen one holder may receive per period
    /// @param capTotal most fen the community may receive per period
    /// @param periodMonths 1, 3, 6 or 12
    function setFeeTerms(
        bytes32 community,
        uint64 seq,
        bytes32 bucket,
        uint64 ratePerHour,
        uint64 capPerHolder,
        uint64 capTotal,
        uint8 periodMonths
    ) external;

    /// @notice The community's fee-discount terms.
    /// @param community the community id
    /// @return bucket the paying bucket
    /// @return ratePerHour fen per 60 minutes (0: none)
    /// @return capPerHolder fen per holder per period
    /// @return capTotal fen per community per period
    /// @return periodMonths the period in months
    function feeTerms(bytes32 community)
        external
        view
        returns (bytes32 bucket, uint64 ratePerHour, uint64 capPerHolder, uint64 capTotal, uint8 periodMonths);

    /// @notice Fen already paid as fee discounts in the period (under the current terms) containing `businessDate`.
    /// @param community the community id
    /// @param holder the holder
    /// @param businessDate a business day
    /// @return holderPaid paid to `holder`
    /// @return totalPaid paid in the community
    function feePaid(bytes32 community, address holder, uint32 businessDate)
        external
        view
        returns (uint64 holderPaid, uint64 totalPaid);

    /// @notice The action a governance proposal approves to set these fee terms.
    /// @param community the community id
    /// @param bucket the paying bucket
    /// @param ratePerHour fen per hour
    /// @param capPerHolder per-holder cap
    /// @param capTotal community cap
    /// @param periodMonths period in months
    /// @return actionHash keccak256(abi.encode(keccak256("civic.action.timebank.feeTerms"), community,
    ///         bucket, ratePerHour, capPerHolder, capTotal, periodMonths))
    function feeTermsActionHash(
        bytes32 community,
        bytes32 bucket,
        uint64 ratePerHour,
        uint64 capPerHolder,
        uint64 capTotal,
        uint8 periodMonths
    ) external pure returns (bytes32 actionHash);

    /// @notice The EIP-712 digest a holder (or proxy) signs for a fee discount.
    /// @param community the community id
    /// @param holder whose minutes
    /// @param amount minutes
    /// @param fen the discount in fen
    /// @param bucket the paying bucket
    /// @param nonce the holder's nonce
    /// @param deadline unix seconds
    /// @return digest the typed-data hash
    function hashFeeDiscount(
        bytes32 community,
        address holder,
        uint64 amount,
        uint64 fen,
        bytes32 bucket,
        uint64 nonce,
        uint64 deadline
    ) external view returns (bytes32 digest);

    /// @notice Pauses or resumes the community's time bank (its admin only).
    /// @param community the community id
    /// @param paused true to pause
    function setPaused(bytes32 community, bool paused) external;

    /// @notice The sequence number the next write of `community` must carry.
    /// @param community the community id
    /// @return seq the expected sequence number
    function nextSeq(bytes32 community) external view returns (uint64 seq);

    /// @notice A holder's balance in minutes (`POOL` for the pool).
    /// @param community the community id
    /// @param holder the pseudonymous id
    /// @return balance minutes held
    function balanceOf(bytes32 community, address holder) external view returns (uint256 balance);

    /// @notice The nonce the holder's next signed redemption or donation must carry.
    /// @param community the community id
    /// @param holder the pseudonymous id
    /// @return nonce the next nonce
    function nonceOf(bytes32 community, address holder) external view returns (uint64 nonce);

    /// @notice Whether the holder is a registered elderly resident.
    /// @param community the community id
    /// @param resident the pseudonymous id
    /// @return registered true when registered
    function isElderly(bytes32 community, address resident) external view returns (bool registered);

    /// @notice Whether `proxy` is registered to act for `principal`.
    /// @param community the community id
    /// @param principal the person acted for
    /// @param proxy the person acting
    /// @return active true when registered
    function isProxy(bytes32 community, address principal, address proxy) external view returns (bool active);

    /// @notice Whether a record number has minted.
    /// @param community the community id
    /// @param recordRef the record number
    /// @return used true when it has
    function isRecordUsed(bytes32 community, uint64 recordRef) external view returns (bool used);

    /// @notice A catalog item.
    /// @param community the community id
    /// @param item the item id
    /// @return category category slug (zero: no such item)
    /// @return price price in minutes per unit
    /// @return provider the provider
    /// @return active whether it can be redeemed
    function catalogItem(bytes32 community, bytes32 item)
        external
        view
        returns (bytes16 category, uint64 price, bytes32 provider, bool active);

    /// @notice The community's running totals; held (pool included) = minted + rewarded - redeemed - deducted.
    /// @param community the community id
    /// @return minted minutes minted from attested records
    /// @return rewarded minutes issued as rewards
    /// @return redeemed minutes burnt by redemptions
    /// @return deducted minutes burnt by deductions
    function totals(bytes32 community)
        external
        view
        returns (uint64 minted, uint64 rewarded, uint64 redeemed, uint64 deducted);

    /// @notice The pool's holder id.
    /// @return pool address(uint160(uint256(keccak256("civic.timebank.pool"))))
    function POOL() external view returns (address pool);

    /// @notice The EIP-712 digest a beneficiary signs for a record.
    /// @param community the community id
    /// @param record the record
    /// @return digest the typed-data hash
    function hashServiceRecord(bytes32 community, ServiceRecord calldata record)
        external
        view
        returns (bytes32 digest);

    /// @notice The EIP-712 digest a holder (or proxy) signs for a redemption.
    /// @param community the community id
    /// @param holder whose minutes
    /// @param item catalog item id
    /// @param quantity how many
    /// @param amount minutes
    /// @param nonce the holder's nonce
    /// @param deadline unix seconds
    /// @return digest the typed-data hash
    function hashRedemption(
        bytes32 community,
        address holder,
        bytes32 item,
        uint32 quantity,
        uint64 amount,
        uint64 nonce,
        uint64 deadline
    ) external view returns (bytes32 digest);

    /// @notice The EIP-712 digest a holder (or proxy) signs for a donation.
    /// @param community the community id
    /// @param holder the donor
    /// @param amount minutes
    /// @param nonce the holder's nonce
    /// @param deadline unix seconds
    /// @return digest the typed-data hash
    function hashDonation(bytes32 community, address holder, uint64 amount, uint64 nonce, uint64 deadline)
        external
        view
        returns (bytes32 digest);
}
