// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @title In-kind goods: donations, requests between communities, approved transfers, distribution
/// @notice Conventions.
///         - Quantities are whole numbers in the item's unit (e.g. "piece", "kg"), below 2^53.
///         - Every write of a community carries its next sequence number in this contract.
///         - Business dates are local day numbers, never in the future and never inside a closed
///           period (on or before `IRevenueLedger.closedThrough` of the community; a transfer
///           checks both the giving and the receiving community).
///         - A community's stock of an item never goes below zero. Goods leave a community only
///           by a transfer a committee member of the giving community makes against another
///           community's open request (the approval is that member's own transaction), or by a
///           distribution to a purpose (never to a named person).
///         - Which donation the goods of a transfer or distribution came from is derived first in,
///           first out per community and item from the events (`ledger_service/funds/goods.py`).
interface IGoods {
    /// @notice An item was registered in a community with its unit.
    /// @param community the community id
    /// @param seq the write's sequence number
    /// @param item the item's slug (e.g. "winter_coat")
    /// @param unit its unit (e.g. "piece")
    /// @param by the fund keeper
    event GoodsItemRegistered(bytes32 indexed community, uint64 seq, bytes32 indexed item, bytes16 unit, address by);

    /// @notice Goods were donated.
    /// @param community the community id
    /// @param seq the write's sequence number
    /// @param receipt the receipt number the donor keeps
    /// @param item the item
    /// @param quantity how many units
    /// @param donor the donor's pseudonymous id
    /// @param donorType 1 resident, 2 company, 3 bank, 4 charity or foundation, 5 government
    /// @param businessDate business date
    /// @param publicName the name the donor chose to publish (empty: anonymous)
    event GoodsDonated(
        bytes32 indexed community,
        uint64 seq,
        bytes32 indexed receipt,
        bytes32 item,
        uint64 quantity,
        bytes32 donor,
        uint8 donorType,
        uint32 businessDate,
        string publicName
    );

    /// @notice A community asked another for goods.
    /// @param community the requesting community
    /// @param seq the write's sequence number
    /// @param request the request's id (unique in the requesting community)
    /// @param from the community asked
    /// @param item the item
    /// @param quantity how many units
    /// @param businessDate business date
    /// @param by the requesting community's fund keeper
    event GoodsRequested(
        bytes32 indexed community,
        uint64 seq,
        bytes32 indexed request,
        bytes32 from,
        bytes32 item,
        uint64 quantity,
        uint32 businessDate,
        address by
    );

    /// @notice Goods went from one community to another against its request, approved by a
    ///         committee member of the giving community.
    /// @param community the giving community
    /// @param seq the giving community's sequence number
    /// @param request the request answered
    /// @param to the receiving (requesting) community
    /// @param item the item
    /// @param quantity how many units
    /// @param businessDate business date
    /// @param evidenceHash hash of the delivery note
    /// @param by the committee member who approved and made it
    event GoodsTransferred(
        bytes32 indexed community,
        uint64 seq,
        bytes32 indexed request,
        bytes32 to,
        bytes32 item,
        uint64 quantity,
        uint32 businessDate,
        bytes32 evidenceHash,
        address by
    );

    /// @notice Goods were handed out for a purpose (a programme or category, never a person).
    /// @param community the community id
    /// @param seq the write's sequence number
    /// @param item the item
    /// @param quantity how many units
    /// @param purpose what they went to (e.g. "winter_relief")
    /// @param businessDate business date
    /// @param evidenceHash hash of the distribution record
    /// @param by the fund keeper
    event GoodsDistributed(
        bytes32 indexed community,
        uint64 seq,
        bytes32 item,
        uint64 quantity,
        bytes32 purpose,
        uint32 businessDate,
        bytes32 evidenceHash,
        address by
    );

    /// @notice The write's sequence number is not the community's next one.
    error GoodsWrongSequence(bytes32 community, uint64 expected, uint64 given);
    /// @notice A quantity of 0 or of 2^53 or more.
    error GoodsQuantityOutOfRange(uint256 quantity);
    /// @notice A business date in the future.
    error GoodsFutureDate(bytes32 community, uint32 businessDate, uint32 today);
    /// @notice A business date on or before the community's closed-through date (the last day of
    ///         its newest anchored period, `IRevenueLedger.closedThrough`): a closed period changes no more.
    error GoodsPeriodClosed(bytes32 community, uint32 businessDate, uint32 closedThrough);
    /// @notice An item slug that is empty or already registered, or an empty unit.
    error GoodsInvalidItem(bytes32 community, bytes32 item);
    /// @notice The item is not registered in the community.
    error GoodsUnknownItem(bytes32 community, bytes32 item);
    /// @notice A receipt number that is empty or already used in the community.
    error GoodsReceiptUsed(bytes32 community, bytes32 receipt);
    /// @notice A donor type outside 1..5, a missing donor id, or a public name over 64 bytes.
    error GoodsInvalidDonor(bytes32 community, bytes32 receipt);
    /// @notice The community holds less of the item than asked for.
    error GoodsInsufficientStock(bytes32 community, bytes32 item, uint256 stock, uint256 quantity);
    /// @notice A request id that is empty or used, or a request to oneself.
    error GoodsInvalidRequest(bytes32 community, bytes32 request);
    /// @notice No such request from `requester` to this community, or more than it still asks for.
    error GoodsRequestMismatch(bytes32 requester, bytes32 request, uint256 outstanding, uint256 quantity);
    /// @notice A distribution without a purpose.
    error GoodsMissingPurpose(bytes32 community);

    /// @notice Registers an item and its unit (fund keeper).
    function registerItem(bytes32 community, uint64 seq, bytes32 item, bytes16 unit) external;

    /// @notice Records donated goods (fund keeper).
    function donateGoods(
        bytes32 community,
        uint64 seq,
        bytes32 receipt,
        bytes32 item,
        uint64 quantity,
        bytes32 donor,
        uint8 donorType,
        uint32 businessDate,
        string calldata publicName
    ) external;

    /// @notice Asks community `from` for goods (the requesting community's fund keeper).
    function requestGoods(
        bytes32 community,
        uint64 seq,
        bytes32 request,
        bytes32 from,
        bytes32 item,
        uint64 quantity,
        uint32 businessDate
    ) external;

    /// @notice Approves and makes a transfer against `requester`'s request (a committee member of
    ///         the giving community `community`).
    function transferGoods(
        bytes32 community,
        uint64 seq,
        bytes32 requester,
        bytes32 request,
        uint64 quantity,
        uint32 businessDate,
        bytes32 evidenceHash
    ) external;

    /// @notice Hands goods out for a purpose (fund keeper).
    function distribute(
        bytes32 community,
        uint64 seq,
        bytes32 item,
        uint64 quantity,
        bytes32 purpose,
        uint32 businessDate,
        bytes32 evidenceHash
    ) external;

    /// @notice The next sequence number `community` accepts.
    function nextSeq(bytes32 community) external view returns (uint64 seq);

    /// @notice A community's stock of an item and its unit (empty unit: not registered).
    function stockOf(bytes32 community, bytes32 item) external view returns (bytes16 unit, uint64 stock);

    /// @notice A request: the community asked, the item, the quantity asked and delivered.
    function requestInfo(bytes32 requester, bytes32 request)
        external
        view
        returns (bytes32 from, bytes32 item, uint64 quantity, uint64 delivered);
}
