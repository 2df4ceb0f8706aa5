// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {Ownable2Step, Ownable} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {ICommunityRoles} from "../access/ICommunityRoles.sol";
import {Roles} from "../access/Roles.sol";
import {IRevenueLedger} from "../revenue/IRevenueLedger.sol";
import {IGoods} from "./IGoods.sol";

/// @title In-kind goods
/// @notice See `IGoods` for the conventions.
/// @dev Storage keeps what a rule must read: one slot per community, per (community, item) for
///      unit and stock, per receipt, and two per request. The event log is the record.
contract Goods is IGoods, Ownable2Step, Pausable {
    uint256 private constant MAX_QUANTITY = 2 ** 53 - 1;
    uint256 private constant MAX_NAME_BYTES = 64;

    struct State {
        uint64 nextSeq;
        int16 utcOffsetMinutes;
        bool initialized;
    }

    struct Stock {
        bytes16 unit;
        uint64 quantity;
    }

    struct Request {
        bytes32 from;
        bytes32 item;
        uint64 quantity;
        uint64 delivered;
    }

    ICommunityRoles private immutable _roles;
    IRevenueLedger private immutable _revenue;

    mapping(bytes32 community => State) private _state;
    mapping(bytes32 community => mapping(bytes32 item => Stock)) private _stock;
    mapping(bytes32 community => mapping(bytes32 receipt => bool)) private _receipts;
    mapping(bytes32 requester => mapping(bytes32 request => Request)) private _requests;

    /// @param roles the community registry
    /// @param revenue the revenue ledger, which keeps each community's closed-through date
    /// @param operator the deployment operator (owner: global pause)
    constructor(ICommunityRoles roles, IRevenueLedger revenue, address operator) Ownable(operator) {
        _roles = roles;
        _revenue = revenue;
    }

    /// @notice Pauses every community's goods ledger (operator only, emergencies).
    function pause() external onlyOwner {
        _pause();
    }

    /// @notice Resumes after a global pause.
    function unpause() external onlyOwner {
        _unpause();
    }

    /// @inheritdoc IGoods
    function registerItem(bytes32 community, uint64 seq, bytes32 item, bytes16 unit) external {
        State memory s = _begin(community, Roles.FUND_KEEPER, seq);
        if (item == bytes32(0) || unit == bytes16(0) || _stock[community][item].unit != bytes16(0)) {
            revert GoodsInvalidItem(community, item);
        }
        _stock[community][item].unit = unit;
        emit GoodsItemRegistered(community, seq, item, unit, msg.sender);
        _state[community] = s;
    }

    /// @inheritdoc IGoods
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
    ) external {
        State memory s = _begin(community, Roles.FUND_KEEPER, seq);
        _checkDate(community, s, businessDate);
        if (receipt == bytes32(0) || _receipts[community][receipt]) revert GoodsReceiptUsed(community, receipt);
        if (donorType == 0 || donorType > 5 || donor == bytes32(0) || bytes(publicName).length > MAX_NAME_BYTES) {
            revert GoodsInvalidDonor(community, receipt);
        }
        _receipts[community][receipt] = true;
        _add(community, item, quantity);
        emit GoodsDonated(community, seq, receipt, item, quantity, donor, donorType, businessDate, publicName);
        _state[community] = s;
    }

    /// @inheritdoc IGoods
    function requestGoods(
        bytes32 community,
        uint64 seq,
        bytes32 request,
        bytes32 from,
        bytes32 item,
        uint64 quantity,
        uint32 businessDate
    ) external {
        State memory s = _begin(community, Roles.FUND_KEEPER, seq);
        _checkDate(community, s, businessDate);
        _checkQuantity(quantity);
        if (request == bytes32(0) || from == community || _requests[community][request].quantity != 0) {
            revert GoodsInvalidRequest(community, request);
        }
        if (_stock[from][item].unit == bytes16(0)) revert GoodsUnknownItem(from, item);
        _requests[community][request] = Request({from: from, item: item, quantity: quantity, delivered: 0});
        emit GoodsRequested(community, seq, request, from, item, quantity, businessDate, msg.sender);
        _state[community] = s;
    }

    /// @inheritdoc IGoods
    function transferGoods(
        bytes32 community,
        uint64 seq,
        bytes32 requester,
        bytes32 request,
        uint64 quantity,
        uint32 businessDate,
        bytes32 evidenceHash
    ) external {
        State memory s = _begin(community, Roles.COMMITTEE, seq);
        _checkDate(community, s, businessDate);
        _checkOpen(requester, businessDate);
        _checkQuantity(quantity);
        Request memory r = _requests[requester][request];
        // Cannot underflow: delivered never exceeds quantity (checked below on every transfer).
        uint256 outstanding;
        unchecked {
            outstanding = uint256(r.quantity) - r.delivered;
        }
        if (r.from != community || quantity > outstanding) {
            revert GoodsRequestMismatch(requester, request, outstanding, quantity);
        }
        _take(community, r.item, quantity);
        Stock storage to = _stock[requester][r.item];
        if (to.unit == bytes16(0)) to.unit = _stock[community][r.item].unit;
        to.quantity += quantity; // checked: the receiving stock stays below what was ever donated
        // Cannot overflow: delivered + quantity <= r.quantity (checked above).
        unchecked {
            r.delivered += quantity;
        }
        _requests[requester][request] = r;
        emit GoodsTransferred(
            community, seq, request, requester, r.item, quantity, businessDate, evidenceHash, msg.sender
        );
        _state[community] = s;
    }

    /// @inheritdoc IGoods
    function distribute(
        bytes32 community,
        uint64 seq,
        bytes32 item,
        uint64 quantity,
        bytes32 purpose,
        uint32 businessDate,
        bytes32 evidenceHash
    ) external {
        State memory s = _begin(community, Roles.FUND_KEEPER, seq);
        _checkDate(community, s, businessDate);
        if (purpose == bytes32(0)) revert GoodsMissingPurpose(community);
        _take(community, item, quantity);
        emit GoodsDistributed(community, seq, item, quantity, purpose, businessDate, evidenceHash, msg.sender);
        _state[community] = s;
    }

    /// @inheritdoc IGoods
    function nextSeq(bytes32 community) external view returns (uint64 seq) {
        State memory s = _state[community];
        return s.initialized ? s.nextSeq : 1;
    }

    /// @inheritdoc IGoods
    function stockOf(bytes32 community, bytes32 item) external view returns (bytes16 unit, uint64 stock) {
        Stock memory st = _stock[community][item];
        return (st.unit, st.quantity);
    }

    /// @inheritdoc IGoods
    function requestInfo(bytes32 requester, bytes32 request)
        external
        view
        returns (bytes32 from, bytes32 item, uint64 quantity, uint64 delivered)
    {
        Request memory r = _requests[requester][request];
        return (r.from, r.item, r.quantity, r.delivered);
    }

    /// @dev Pause, role, lazy set-up and the exactly-once sequence check.
    function _begin(bytes32 community, bytes32 role, uint64 seq) private returns (State memory s) {
        _requireNotPaused();
        _roles.checkRole(community, role, msg.sender);
        s = _state[community];
        if (!s.initialized) {
            s.utcOffsetMinutes = _roles.utcOffsetOf(community);
            s.initialized = true;
            s.nextSeq = 1;
        }
        if (seq != s.nextSeq) revert GoodsWrongSequence(community, s.nextSeq, seq);
        s.nextSeq = seq + 1;
    }

    /// @dev The one place stock grows.
    function _add(bytes32 community, bytes32 item, uint64 quantity) private {
        _checkQuantity(quantity);
        Stock storage st = _stock[community][item];
        if (st.unit == bytes16(0)) revert GoodsUnknownItem(community, item);
        uint256 total = uint256(st.quantity) + quantity;
        if (total > MAX_QUANTITY) revert GoodsQuantityOutOfRange(total);
        st.quantity = uint64(total);
    }

    /// @dev The one place stock shrinks, never below zero.
    function _take(bytes32 community, bytes32 item, uint64 quantity) private {
        _checkQuantity(quantity);
        Stock storage st = _stock[community][item];
        if (st.unit == bytes16(0)) revert GoodsUnknownItem(community, item);
        if (st.quantity < quantity) revert GoodsInsufficientStock(community, item, st.quantity, quantity);
        // Cannot underflow: checked just above.
        unchecked {
            st.quantity -= quantity;
        }
    }

    function _checkQuantity(uint256 quantity) private pure {
        if (quantity == 0 || quantity > MAX_QUANTITY) revert GoodsQuantityOutOfRange(quantity);
    }

    /// @dev Not in the future (the community's local day) and not inside its closed period.
    function _checkDate(bytes32 community, State memory s, uint32 businessDate) private view {
        // The offset is within -720..840 minutes and timestamps are far above 12 hours.
        uint32 today = uint32(uint256(int256(block.timestamp) + int256(s.utcOffsetMinutes) * 60) / 86_400);
        if (businessDate > today) revert GoodsFutureDate(community, businessDate, today);
        _checkOpen(community, businessDate);
    }

    /// @dev A business date after the community's closed-through date (0 while nothing is closed).
    function _checkOpen(bytes32 community, uint32 businessDate) private view {
        uint32 closed = _revenue.closedThrough(community);
        if (businessDate <= closed) revert GoodsPeriodClosed(community, businessDate, closed);
    }
}
