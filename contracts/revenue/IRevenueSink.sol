// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @title A contract that receives money from a revenue bucket
/// @notice `RevenueLedger.transferOut` debits a bucket, emits `TransferredOut` (spending in the
///         revenue statement) and then calls the sink, which checks the transfer against its own
///         rules and records it (a fund's inflow from revenue, a time-bank fee discount). A sink
///         refuses by reverting, which refuses the whole write: nothing is debited.
interface IRevenueSink {
    /// @notice Receives `amount` fen debited from `bucket` of `community` by revenue entry `seq`.
    /// @param community the community id
    /// @param seq the revenue entry's sequence number (the transfer's identity)
    /// @param bucket the revenue bucket the money came from
    /// @param amount amount in fen
    /// @param businessDate business date (local day number)
    /// @param data what the sink needs, ABI-encoded by the caller (the sink documents its layout)
    function onRevenueTransfer(
        bytes32 community,
        uint64 seq,
        bytes32 bucket,
        uint64 amount,
        uint32 businessDate,
        bytes calldata data
    ) external;
}
