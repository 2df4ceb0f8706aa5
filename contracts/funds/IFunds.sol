// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @title Charity and community funds: earmarked donations, approved disbursements, FIFO sources
/// @notice Conventions.
///         - Amounts are integers in fen below 2^53; dates are business dates (days since
///           1970-01-01 in the community's time zone), never in the future, never inside a period
///           the revenue ledger has closed.
///         - Every write of a community carries the next sequence number of that community in
///           this contract (`nextSeq`), so a re-sent write is refused, never applied twice.
///           Money from revenue arrives by `onRevenueTransfer` and is identified by the revenue
///           entry's own sequence number instead.
///         - A fund (`bytes32` slug, e.g. "mutual_aid") holds earmarks (專款專用); every fund has
///           the earmark "general" for money given without a purpose. A project belongs to one
///           earmark and is paid only from it: an earmark never pays for another purpose and its
///           balance never goes below zero.
///         - Every earmark keeps its sources in arrival order — donations, money from the revenue
///           policy, returned unspent money — and spends them first in, first out: a disbursement
///           uses the oldest source's unspent fen first; a refund takes from its own donation's
///           unspent fen only. The contract keeps the queue's head so refunds can be checked; who
///           paid for what is recomputed from the events alone (`ledger_service/funds/trace.py`).
///         - Donors are pseudonymous (`donor` is a keyed hash per community and role); a donor's
///           name is on chain only when the donor chose to be named (`publicName`).
interface IFunds {
    /// @notice A donation as the fund keeper records it.
    /// @param fund the fund's slug
    /// @param earmark the earmark's slug; zero means the fund's "general" earmark
    /// @param receipt the receipt number the donor keeps (unique in the community)
    /// @param donor the donor's pseudonymous id (keyed hash)
    /// @param amount amount in fen
    /// @param businessDate business date of the donation
    /// @param donorType 1 resident, 2 company, 3 bank, 4 charity or foundation, 5 government
    /// @param formulaKind government grants only: 0 none, 1 per m² (units in 0.01 m²), 2 per resident
    /// @param formulaRate fen per unit of the formula (per m², per resident)
    /// @param formulaUnits the formula's quantity (floor area in 0.01 m², or residents)
    /// @param campaign the crowdfunding campaign the donation is a share of (zero: none)
    /// @param rights rights the share carries (e.g. "naming"; zero: none)
    /// @param publicName the name the donor chose to publish; empty for an anonymous donor
    struct Donation {
        bytes32 fund;
        bytes32 earmark;
        bytes32 receipt;
        bytes32 donor;
        uint64 amount;
        uint32 businessDate;
        uint8 donorType;
        uint8 formulaKind;
        uint64 formulaRate;
        uint64 formulaUnits;
        bytes32 campaign;
        bytes16 rights;
        string publicName;
    }

    // ------------------------------------------------------------------------------------ events

    /// @notice A fund was created, with its "general" earmark.
    /// @param community the community id
    /// @param seq the write's sequence number
    /// @param fund the fund's slug
    /// @param kind what kind of fund (e.g. "community", "public_welfare", "micro", "mutual_aid", "grant")
    /// @param ownersThreshold disbursements above this amount (fen) need an owners' vote
    /// @param by the fund keeper
    event FundCreated(
        bytes32 indexed community, uint64 seq, bytes32 indexed fund, bytes16 kind, uint64 ownersThreshold, address by
    );

    /// @notice An earmark (a purpose money can be given for) was opened in a fund.
    /// @param community the community id
    /// @param seq the write's sequence number
    /// @param fund the fund's slug
    /// @param earmark the earmark's slug
    /// @param by the fund keeper
    event EarmarkOpened(bytes32 indexed community, uint64 seq, bytes32 indexed fund, bytes32 earmark, address by);

    /// @notice A project that an earmark pays for was registered.
    /// @param community the community id
    /// @param seq the write's sequence number
    /// @param project the project's id
    /// @param fund the fund's slug
    /// @param earmark the only earmark that may pay for it
    /// @param budget the planned total in fen (informative)
    /// @param acceptancesRequired resident representatives who must accept it before its final payment
    /// @param by the fund keeper
    event ProjectOpened(
        bytes32 indexed community,
        uint64 seq,
        bytes32 indexed project,
        bytes32 fund,
        bytes32 earmark,
        uint64 budget,
        uint8 acceptancesRequired,
        address by
    );

    /// @notice A donation was received (one event per receipt).
    /// @param community the community id
    /// @param seq the write's sequence number
    /// @param receipt the receipt number
    /// @param fund the fund's slug
    /// @param earmark the earmark's slug
    /// @param donor the donor's pseudonymous id
    /// @param donorType 1 resident, 2 company, 3 bank, 4 charity or foundation, 5 government
    /// @param amount amount in fen
    /// @param businessDate business date
    /// @param source the earmark's source number given to it (FIFO position)
    /// @param formulaKind 0 none, 1 per m², 2 per resident
    /// @param formulaRate fen per unit
    /// @param formulaUnits units (0.01 m², or residents)
    /// @param campaign crowdfunding campaign (zero: none)
    /// @param rights rights carried by the share (zero: none)
    /// @param publicName the donor's chosen public name (empty: anonymous)
    event DonationReceived(
        bytes32 indexed community,
        uint64 seq,
        bytes32 indexed receipt,
        bytes32 fund,
        bytes32 earmark,
        bytes32 donor,
        uint8 donorType,
        uint64 amount,
        uint32 businessDate,
        uint32 source,
        uint8 formulaKind,
        uint64 formulaRate,
        uint64 formulaUnits,
        bytes32 campaign,
        bytes16 rights,
        string publicName
    );

    /// @notice Money from a revenue bucket reached an earmark (a revenue policy feeding a fund).
    /// @param community the community id
    /// @param revenueSeq the revenue entry that transferred it (its sequence number in RevenueLedger)
    /// @param fund the fund's slug
    /// @param earmark the earmark's slug
    /// @param bucket the revenue bucket it came from
    /// @param amount amount in fen
    /// @param businessDate business date
    /// @param source the earmark's source number given to it
    event RevenueReceived(
        bytes32 indexed community,
        uint64 revenueSeq,
        bytes32 indexed fund,
        bytes32 earmark,
        bytes32 bucket,
        uint64 amount,
        uint32 businessDate,
        uint32 source
    );

    /// @notice A payment from an earmark to one of its projects, approved by governance.
    /// @param community the community id
    /// @param seq the write's sequence number
    /// @param project the project paid
    /// @param fund the fund's slug
    /// @param earmark the earmark paid from
    /// @param amount amount in fen
    /// @param isFinal whether this is the project's final payment (after acceptance)
    /// @param businessDate business date
    /// @param ref the payment's reference (e.g. invoice number)
    /// @param evidenceHash hash of the evidence (invoice, contract, photos)
    /// @param proposalId the approved proposal it used
    /// @param decisionType 0 committee approval; otherwise the owners' decision type it passed
    /// @param by the fund keeper who proposed it
    event Disbursed(
        bytes32 indexed community,
        uint64 seq,
        bytes32 indexed project,
        bytes32 fund,
        bytes32 earmark,
        uint64 amount,
        bool isFinal,
        uint32 businessDate,
        bytes32 ref,
        bytes32 evidenceHash,
        uint256 proposalId,
        uint8 decisionType,
        address by
    );

    /// @notice A resident representative accepted a finished project.
    /// @param community the community id
    /// @param seq the write's sequence number
    /// @param project the project
    /// @param acceptances how many representatives have now accepted it
    /// @param evidenceHash hash of the acceptance record (report, photos)
    /// @param businessDate business date
    /// @param by the resident representative
    event ProjectAccepted(
        bytes32 indexed community,
        uint64 seq,
        bytes32 indexed project,
        uint8 acceptances,
        bytes32 evidenceHash,
        uint32 businessDate,
        address by
    );

    /// @notice Unspent money of a project came back into an earmark (its own, or another by decision).
    /// @param community the community id
    /// @param seq the write's sequence number
    /// @param project the project that returned it
    /// @param fund the receiving fund
    /// @param earmark the receiving earmark
    /// @param amount amount in fen
    /// @param businessDate business date
    /// @param evidenceHash hash of the evidence (bank slip)
    /// @param proposalId the decision that reassigned it (0: back to the project's own earmark)
    /// @param source the earmark's source number given to it
    /// @param by the fund keeper
    event UnspentReturned(
        bytes32 indexed community,
        uint64 seq,
        bytes32 indexed project,
        bytes32 fund,
        bytes32 earmark,
        uint64 amount,
        uint32 businessDate,
        bytes32 evidenceHash,
        uint256 proposalId,
        uint32 source,
        address by
    );

    /// @notice A donor was refunded from their donation's unspent fen, by decision.
    /// @param community the community id
    /// @param seq the write's sequence number
    /// @param receipt the donation's receipt number
    /// @param fund the fund's slug
    /// @param earmark the earmark's slug
    /// @param amount amount in fen
    /// @param businessDate business date
    /// @param evidenceHash hash of the evidence (bank slip)
    /// @param proposalId the approved proposal it used
    /// @param by the fund keeper
    event DonorRefunded(
        bytes32 indexed community,
        uint64 seq,
        bytes32 indexed receipt,
        bytes32 fund,
        bytes32 earmark,
        uint64 amount,
        uint32 businessDate,
        bytes32 evidenceHash,
        uint256 proposalId,
        address by
    );

    /// @notice The governance contract that approves disbursements changed.
    /// @param governance the governance contract
    event FundsGovernanceSet(address governance);

    // ------------------------------------------------------------------------------------ errors

    /// @notice The write's sequence number is not the community's next one.
    error FundsWrongSequence(bytes32 community, uint64 expected, uint64 given);
    /// @notice An amount of 0 or of 2^53 fen or more.
    error FundsAmountOutOfRange(uint256 amount);
    /// @notice A business date in the future or inside a closed period.
    error FundsBadDate(bytes32 community, uint32 businessDate, uint32 today, uint32 closedThrough);
    /// @notice A fund slug that is empty or already used.
    error FundsFundExists(bytes32 community, bytes32 fund);
    /// @notice No such fund in the community.
    error FundsUnknownFund(bytes32 community, bytes32 fund);
    /// @notice An earmark slug that is empty or already open in the fund.
    error FundsEarmarkExists(bytes32 community, bytes32 fund, bytes32 earmark);
    /// @notice No such earmark in the fund.
    error FundsUnknownEarmark(bytes32 community, bytes32 fund, bytes32 earmark);
    /// @notice A project id that is empty or already used, or a bad acceptance count (1 to 15).
    error FundsInvalidProject(bytes32 community, bytes32 project);
    /// @notice No such project in the community.
    error FundsUnknownProject(bytes32 community, bytes32 project);
    /// @notice A receipt number that is empty or already used in the community.
    error FundsReceiptUsed(bytes32 community, bytes32 receipt);
    /// @notice No donation with this receipt number in the community.
    error FundsUnknownReceipt(bytes32 community, bytes32 receipt);
    /// @notice A donor type outside 1..5, a missing donor id, or a formula on a non-government donation.
    error FundsInvalidDonor(bytes32 community, bytes32 receipt);
    /// @notice A public name given without the donor's choice to be named (or longer than 64 bytes).
    error FundsInvalidPublicName(bytes32 community, bytes32 receipt);
    /// @notice The earmark holds less than the payment.
    error FundsInsufficientBalance(bytes32 community, bytes32 fund, bytes32 earmark, uint256 balance, uint256 amount);
    /// @notice The project is paid by another earmark: money given for one purpose cannot pay for another.
    error FundsWrongPurpose(bytes32 community, bytes32 project, bytes32 fund, bytes32 earmark);
    /// @notice The project's final payment was made; it takes no more payments.
    error FundsProjectClosed(bytes32 community, bytes32 project);
    /// @notice The final payment needs more resident representatives' acceptances.
    error FundsNotAccepted(bytes32 community, bytes32 project, uint8 acceptances, uint8 required);
    /// @notice This representative already accepted the project.
    error FundsAlreadyAccepted(bytes32 community, bytes32 project, address rep);
    /// @notice The payment is above the fund's threshold and its approval was not an owners' vote.
    error FundsNeedsOwnersVote(bytes32 community, bytes32 fund, uint256 amount, uint256 threshold);
    /// @notice No governance contract is set, so nothing can be approved.
    error FundsNoGovernance();
    /// @notice More returned than the project was paid and has not returned yet.
    error FundsReturnTooLarge(bytes32 community, bytes32 project, uint256 returnable, uint256 amount);
    /// @notice More refunded than the donation's unspent fen.
    error FundsRefundTooLarge(bytes32 community, bytes32 receipt, uint256 unspent, uint256 amount);
    /// @notice Only the revenue ledger may call `onRevenueTransfer`.
    error FundsOnlyRevenueLedger(address caller);
    /// @notice A batch of 0 or more than 256 donations.
    error FundsMalformedBatch(uint256 size);

    // ------------------------------------------------------------------------------------ writes

    /// @notice Creates a fund and its "general" earmark (fund keeper).
    /// @param community the community id
    /// @param seq the next sequence number
    /// @param fund the fund's slug
    /// @param kind the kind of fund
    /// @param ownersThreshold disbursements above it (fen) need an owners' vote
    function createFund(bytes32 community, uint64 seq, bytes32 fund, bytes16 kind, uint64 ownersThreshold) external;

    /// @notice Opens an earmark in a fund (fund keeper).
    /// @param community the community id
    /// @param seq the next sequence number
    /// @param fund the fund's slug
    /// @param earmark the earmark's slug
    function openEarmark(bytes32 community, uint64 seq, bytes32 fund, bytes32 earmark) external;

    /// @notice Registers a project paid from one earmark (fund keeper).
    /// @param community the community id
    /// @param seq the next sequence number
    /// @param project the project's id
    /// @param fund the fund's slug
    /// @param earmark the earmark that pays for it
    /// @param budget the planned total in fen (informative)
    /// @param acceptancesRequired representatives who must accept it before the final payment (1..15)
    function openProject(
        bytes32 community,
        uint64 seq,
        bytes32 project,
        bytes32 fund,
        bytes32 earmark,
        uint64 budget,
        uint8 acceptancesRequired
    ) external;

    /// @notice Records one donation (fund keeper).
    /// @param community the community id
    /// @param seq the next sequence number
    /// @param donation the donation
    function donate(bytes32 community, uint64 seq, Donation calldata donation) external;

    /// @notice Records many donations (e.g. a crowdfunding campaign's shares) with consecutive
    ///         sequence numbers from `firstSeq` (fund keeper).
    /// @param community the community id
    /// @param firstSeq the next sequence number
    /// @param donations 1 to 256 donations
    function donateBatch(bytes32 community, uint64 firstSeq, Donation[] calldata donations) external;

    /// @notice Pays a project from its earmark (fund keeper), with the approved proposal for
    ///         exactly `disbursementActionHash(...)` (an owners' vote above the fund's threshold).
    ///         A final payment needs the project's acceptances and closes it.
    /// @param community the community id
    /// @param seq the next sequence number
    /// @param project the project
    /// @param fund the fund's slug
    /// @param earmark the earmark to pay from (must be the project's)
    /// @param amount amount in fen
    /// @param isFinal whether this is the final payment
    /// @param businessDate business date
    /// @param ref the payment's reference
    /// @param evidenceHash hash of the evidence
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
    ) external;

    /// @notice A resident representative accepts a finished project (once per representative).
    /// @param community the community id
    /// @param seq the next sequence number
    /// @param project the project
    /// @param businessDate business date
    /// @param evidenceHash hash of the acceptance record
    function acceptProject(bytes32 community, uint64 seq, bytes32 project, uint32 businessDate, bytes32 evidenceHash)
        external;

    /// @notice Records unspent money a project gives back (fund keeper): into its own earmark, or
    ///         into another earmark of the community with the approved proposal for exactly
    ///         `returnActionHash(...)`. It becomes a new source of the receiving earmark.
    /// @param community the community id
    /// @param seq the next sequence number
    /// @param project the project
    /// @param fund the receiving fund
    /// @param earmark the receiving earmark
    /// @param amount amount in fen (at most what the project was paid and has not returned)
    /// @param businessDate business date
    /// @param evidenceHash hash of the evidence
    function returnUnspent(
        bytes32 community,
        uint64 seq,
        bytes32 project,
        bytes32 fund,
        bytes32 earmark,
        uint64 amount,
        uint32 businessDate,
        bytes32 evidenceHash
    ) external;

    /// @notice Refunds a donor from their donation's unspent fen (fund keeper), with the approved
    ///         proposal for exactly `refundActionHash(...)`.
    /// @param community the community id
    /// @param seq the next sequence number
    /// @param receipt the donation's receipt number
    /// @param fund the donation's fund
    /// @param earmark the donation's earmark
    /// @param amount amount in fen
    /// @param businessDate business date
    /// @param evidenceHash hash of the evidence
    function refund(
        bytes32 community,
        uint64 seq,
        bytes32 receipt,
        bytes32 fund,
        bytes32 earmark,
        uint64 amount,
        uint32 businessDate,
        bytes32 evidenceHash
    ) external;

    // ------------------------------------------------------------------------------------ views

    /// @notice The next sequence number `community` accepts.
    function nextSeq(bytes32 community) external view returns (uint64 seq);

    /// @notice A fund's kind and owners' threshold; `exists` false when there is no such fund.
    function fundInfo(bytes32 community, bytes32 fund)
        external
        view
        returns (bool exists, bytes16 kind, uint64 ownersThreshold);

    /// @notice An earmark's balance and FIFO queue: sources so far, the head source and the fen of
    ///         it already spent.
    function earmarkInfo(bytes32 community, bytes32 fund, bytes32 earmark)
        external
        view
        returns (bool open, uint64 balance, uint32 sources, uint32 head, uint64 headSpent);

    /// @notice One source of an earmark: its amount, the fen refunded from it and its kind
    ///         (1 donation, 2 revenue, 3 returned).
    function sourceInfo(bytes32 community, bytes32 fund, bytes32 earmark, uint32 index)
        external
        view
        returns (uint64 amount, uint64 refunded, uint8 kind);

    /// @notice A project's earmark, payments and acceptances.
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
        );

    /// @notice The action a disbursement's approval must name.
    function disbursementActionHash(
        bytes32 community,
        bytes32 project,
        bytes32 fund,
        bytes32 earmark,
        uint64 amount,
        bool isFinal,
        bytes32 ref,
        bytes32 evidenceHash
    ) external pure returns (bytes32);

    /// @notice The action a reassignment of returned money to another earmark must name.
    function returnActionHash(
        bytes32 community,
        bytes32 project,
        bytes32 fund,
        bytes32 earmark,
        uint64 amount,
        bytes32 evidenceHash
    ) external pure returns (bytes32);

    /// @notice The action a refund's approval must name.
    function refundActionHash(bytes32 community, bytes32 receipt, uint64 amount, bytes32 evidenceHash)
        external
        pure
        returns (bytes32);

    /// @notice The governance contract that approves disbursements.
    function governance() external view returns (address);
}
