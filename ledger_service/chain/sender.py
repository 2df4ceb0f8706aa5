"""The transaction sender: local nonces, gas and fees, raw sends, receipts, revert data.

It talks raw JSON-RPC (``provider.make_request``) on the hot path: web3's ``build_transaction`` and
``wait_for_transaction_receipt`` add RPC round-trips and a 100 ms poll that would cap the service
at a few writes per second (TOOLCHAIN.md). Everything here is standard JSON-RPC except mining:
with ``auto_mine`` (the embedded anvil runs ``--no-mining``) :meth:`Sender.wait` mines with
``evm_mine``, one block for everything that is waiting, never one block per transaction.

Typical use::

    signed = sender.build_and_sign(account, contract_address, calldata)
    sender.send_raw(signed)            # journal ``signed.raw`` first: a resend is idempotent
    [receipt] = sender.wait([signed.hash])
    if receipt["status"] == "0x0":
        data = sender.replay_revert_data(signed.hash)   # decode against the contract's errors
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from eth_account.signers.local import LocalAccount
from eth_utils import to_checksum_address
from web3 import Web3

from ledger_service.chain.rpc import RawRpc, RpcError, _hex_data
from ledger_service.core.errors import ConfigError, NotFound, TransactionFailed

log = logging.getLogger(__name__)

GasMode = Literal["auto", "legacy", "eip1559", "zero"]
FeeMode = Literal["legacy", "eip1559", "zero"]
Receipt = dict[str, Any]
MineOutcome = Literal["found", "mined", "idle"]

#: How often receipts are polled: anvil answers in about a millisecond, web3's 100 ms default
#: would dominate every write.
POLL_INTERVAL = 0.01
#: How long fee quotes are reused; the base fee only moves once per block.
FEE_TTL = 1.0
#: Receipts asked for in one JSON-RPC batch (nodes cap batch sizes; geth at 1,000).
RECEIPT_BATCH = 200
#: Upper bound of the pause between fruitless ``evm_mine`` calls (see ``Sender.wait``).
MAX_MINE_BACKOFF = 0.5

# Node wording for "this very transaction is already in the pool": geth "already known", anvil
# "transaction already imported", Besu "Known transaction", Nethermind "AlreadyKnown".
_ALREADY_KNOWN = ("already known", "already imported", "known transaction", "alreadyknown")
# "nonce too low" everywhere; "replacement transaction underpriced" means another transaction
# with this nonce is pending: for a sender that never replaces on purpose, the same conflict.
_NONCE_TAKEN = ("nonce too low", "nonce_too_low", "replacement transaction underpriced")


class RevertedCall(TransactionFailed):
    """A call or gas estimate reverted; ``revert_data`` holds the raw revert bytes.

    The bytes are ``selector || abi(args)`` for a custom error (``Error(string)`` and
    ``Panic(uint256)`` included), empty for a bare ``revert()`` or an out-of-gas. They are kept
    raw so the caller can decode them against the right ABI into a ``ContractRejected``.
    (``LedgerError.data`` stays the JSON-able dict; the bytes are also there as hex.)
    """

    code = "reverted"

    def __init__(self, data: bytes, message: str | None = None, **extra: Any) -> None:
        super().__init__(
            message or f"the contract reverted (data 0x{data.hex()})", revert_data="0x" + data.hex(), **extra
        )
        self.revert_data = data


class NonceTooLow(TransactionFailed):
    """The nonce is already used by a mined or pending transaction of this sender.

    Usually someone else (another process, a wallet) sent from the same key: call
    :meth:`Sender.resync` and sign again.
    """

    code = "nonce_too_low"
    status = 409


class TransactionRejected(TransactionFailed):
    """The node refused the transaction (underpriced, insufficient funds, gas limit, ...)."""

    code = "transaction_rejected"


class ReceiptTimeout(TransactionFailed):
    """Transactions were not mined in time; they may still be, so look again before re-sending."""

    code = "receipt_timeout"
    status = 504


@dataclass(frozen=True, slots=True)
class SignedTx:
    """A signed transaction, ready to journal and (re)send; ``hash`` is ``0x``-prefixed hex."""

    raw: bytes
    hash: str
    nonce: int
    sender: str




def revert_data(exc: BaseException) -> bytes | None:
    """The raw revert bytes carried by a web3 exception (``ContractCustomError`` and friends).

    web3 8 raises ``ContractCustomError`` with the full revert data but does not decode it; this
    gets the bytes out so they can be decoded like :class:`RevertedCall`'s. ``None`` if absent.
    """
    if isinstance(exc, RevertedCall):
        return exc.revert_data
    if isinstance(exc, RpcError):
        return exc.revert_bytes()
    data = getattr(exc, "data", None)
    found = _hex_data(data)
    if found is None and exc.args and len(exc.args) > 1:
        found = _hex_data(exc.args[1])
    return found


def _norm_hash(tx_hash: str | bytes) -> str:
    if isinstance(tx_hash, bytes | bytearray):
        return "0x" + bytes(tx_hash).hex()
    h = tx_hash.lower()
    return h if h.startswith("0x") else "0x" + h


class Sender:
    """Signs and sends transactions for local accounts, and waits for their receipts.

    ``gas_mode``: ``"legacy"`` (type 0, ``gasPrice`` from the node), ``"eip1559"`` (type 2,
    ``maxFeePerGas = tip + 2 * baseFee``, room for six full blocks of base-fee rise), ``"zero"``
    (type 0 with ``gasPrice`` 0, for permissioned free-gas networks) or ``"auto"`` (EIP-1559 when
    the latest header has a base fee and the node's gas price is above 0, else legacy).

    ``auto_mine``: the node does not mine by itself (anvil ``--no-mining``); :meth:`wait` mines.

    ``estimate_block``: the block tag gas is estimated against. ``"pending"`` lets an estimate see
    this sender's own writes still in the pool (a contract accepting only the next journal number
    would otherwise revert the estimate); ``None`` sends no tag (the node's default).

    Thread-safe: nonces are handed out under a lock, and concurrent :meth:`wait` callers share
    one ``evm_mine``.
    """

    def __init__(
        self,
        w3: Web3,
        *,
        gas_mode: GasMode = "auto",
        auto_mine: bool = False,
        gas_margin: float = 1.2,
        estimate_block: str | None = "pending",
        poll_interval: float = POLL_INTERVAL,
        fee_ttl: float = FEE_TTL,
    ) -> None:
        if gas_mode not in ("auto", "legacy", "eip1559", "zero"):
            raise ConfigError(f"unknown gas mode {gas_mode!r}; use auto, legacy, eip1559 or zero")
        self.w3 = w3
        self.gas_mode: GasMode = gas_mode
        self.auto_mine = auto_mine
        self.gas_margin = gas_margin
        self.estimate_block = estimate_block
        self.poll_interval = poll_interval
        self.fee_ttl = fee_ttl
        self._provider = w3.provider
        #: Raw JSON-RPC on the same provider (shared with the journal).
        self.rpc = RawRpc(w3.provider)
        self._chain_id: int | None = None
        self._fee_mode: FeeMode | None = None
        self._fees: tuple[float, dict[str, int]] | None = None
        self._fee_lock = threading.Lock()
        self._nonces: dict[str, int] = {}
        self._nonce_lock = threading.Lock()
        self._mine_lock = threading.Lock()
        #: ``evm_mine`` calls made by this sender (grouping shows here: far fewer than transactions).
        self.blocks_mined = 0

    # -- JSON-RPC -----------------------------------------------------------------------------------

    def _rpc(self, method: str, params: Sequence[Any]) -> Any:
        return self.rpc.call(method, list(params))

    def _rpc_batch(self, calls: list[tuple[str, list[Any]]]) -> list[Any]:
        return self.rpc.batch(calls)

    # -- chain facts --------------------------------------------------------------------------------

    @property
    def chain_id(self) -> int:
        """The chain id, asked once (it is part of every signature)."""
        if self._chain_id is None:
            self._chain_id = int(self._rpc("eth_chainId", []), 16)
        return self._chain_id

    @property
    def fee_mode(self) -> FeeMode:
        """The transaction type actually used; ``auto`` is decided once, from the latest header."""
        if self._fee_mode is None:
            if self.gas_mode != "auto":
                self._fee_mode = self.gas_mode
            else:
                header, price = self._rpc_batch(
                    [("eth_getBlockByNumber", ["latest", False]), ("eth_gasPrice", [])]
                )
                has_base_fee = header is not None and header.get("baseFeePerGas") is not None
                self._fee_mode = "eip1559" if has_base_fee and int(price, 16) > 0 else "legacy"
                log.info("gas mode auto -> %s", self._fee_mode)
        return self._fee_mode

    def fee_fields(self) -> dict[str, int]:
        """The fee fields for a new transaction (cached for ``fee_ttl`` seconds)."""
        mode = self.fee_mode
        if mode == "zero":
            return {"gasPrice": 0}
        with self._fee_lock:
            now = time.monotonic()
            if self._fees is not None and now - self._fees[0] < self.fee_ttl:
                return dict(self._fees[1])
            if mode == "legacy":
                fees = {"gasPrice": int(self._rpc("eth_gasPrice", []), 16)}
            else:
                header, tip_hex = self._rpc_batch(
                    [("eth_getBlockByNumber", ["latest", False]), ("eth_maxPriorityFeePerGas", [])]
                )
                base_hex = header.get("baseFeePerGas") if header else None
                if base_hex is None:
                    raise ConfigError(
                        "gas mode eip1559, but this network has no base fee; use legacy or zero"
                    )
                tip = int(tip_hex, 16)
                fees = {"type": 2, "maxPriorityFeePerGas": tip, "maxFeePerGas": tip + 2 * int(base_hex, 16)}
            self._fees = (now, fees)
            return dict(fees)

    # -- nonces -------------------------------------------------------------------------------------

    def _pending_count(self, address: str) -> int:
        return int(self._rpc("eth_getTransactionCount", [address, "pending"]), 16)

    def _next_nonce(self, address: str) -> int:
        with self._nonce_lock:
            nonce = self._nonces.get(address)
            if nonce is None:
                nonce = self._pending_count(address)
            self._nonces[address] = nonce + 1
            return nonce

    def _release_nonce(self, address: str, nonce: int) -> None:
        """Give back a nonce that was never used, if nothing was handed out after it."""
        with self._nonce_lock:
            if self._nonces.get(address) == nonce + 1:
                self._nonces[address] = nonce

    def next_nonce(self, address: str) -> int | None:
        """The nonce the next transaction from ``address`` would get (``None``: not loaded yet)."""
        with self._nonce_lock:
            return self._nonces.get(to_checksum_address(address))

    def resync(self, address: str) -> int:
        """Reload ``address``'s nonce from the node's pending count, after an outside send or a gap.

        Signed-but-unsent transactions of this address become stale: sign them again.
        """
        address = to_checksum_address(address)
        with self._nonce_lock:
            self._nonces[address] = self._pending_count(address)
            return self._nonces[address]

    # -- building -----------------------------------------------------------------------------------

    def estimate_gas(self, sender: str, to: str | None, data: bytes, value: int = 0) -> int:
        """``eth_estimateGas`` plus the margin; ``RevertedCall`` with the revert bytes if it reverts."""
        call: dict[str, Any] = {"from": sender, "data": "0x" + data.hex()}
        if to is not None:
            call["to"] = to
        if value:
            call["value"] = hex(value)
        params: list[Any] = [call] if self.estimate_block is None else [call, self.estimate_block]
        try:
            estimate = int(self._rpc("eth_estimateGas", params), 16)
        except RpcError as e:
            if e.is_revert():
                raise RevertedCall(
                    e.revert_bytes() or b"", f"the call would revert: {e.rpc_message}", to=to, sender=sender
                ) from None
            raise TransactionRejected(
                f"gas estimation failed: {e.rpc_message}", to=to, sender=sender
            ) from None
        return math.ceil(estimate * self.gas_margin)

    def build_and_sign(
        self,
        account: LocalAccount,
        to: str | None,
        data: bytes = b"",
        *,
        gas: int | None = None,
        value: int = 0,
    ) -> SignedTx:
        """Estimate (unless ``gas`` is given), price, number and sign one transaction.

        ``to=None`` deploys ``data`` as init code. Gas is estimated before a nonce is taken, so a
        call that would revert raises ``RevertedCall`` without leaving a nonce gap. Every field is
        filled here, so signing costs no further RPC calls.
        """
        sender = to_checksum_address(account.address)
        target = to_checksum_address(to) if to is not None else None
        if gas is None:
            gas = self.estimate_gas(sender, target, data, value)
        tx: dict[str, Any] = {"chainId": self.chain_id, "gas": gas, "value": value, "data": data}
        tx.update(self.fee_fields())
        if target is not None:
            tx["to"] = target
        nonce = self._next_nonce(sender)
        tx["nonce"] = nonce
        try:
            signed = account.sign_transaction(tx)
        except Exception:
            self._release_nonce(sender, nonce)
            raise
        return SignedTx(
            raw=bytes(signed.raw_transaction), hash=signed.hash.to_0x_hex(), nonce=nonce, sender=sender
        )

    # -- sending ------------------------------------------------------------------------------------

    def send_raw(self, signed: SignedTx) -> str:
        """Submit a signed transaction; returns its hash.

        Idempotent for the same bytes, so a journaled transaction can be re-sent after a crash:
        "already known" (it is in the pool) and "nonce too low" where this very transaction is
        already mined both return the hash. ``NonceTooLow`` when another transaction took the
        nonce, ``TransactionRejected`` for other refusals, ``ChainUnavailable`` when the node is down.
        """
        try:
            self._rpc("eth_sendRawTransaction", ["0x" + signed.raw.hex()])
        except RpcError as e:
            message = e.rpc_message.lower()
            if any(k in message for k in _ALREADY_KNOWN):
                log.debug("transaction %s already in the pool", signed.hash)
                return signed.hash
            if any(k in message for k in _NONCE_TAKEN):
                if self._rpc("eth_getTransactionReceipt", [signed.hash]) is not None:
                    return signed.hash
                raise NonceTooLow(
                    f"nonce {signed.nonce} of {signed.sender} is already used ({e.rpc_message}); "
                    "resync and sign again",
                    sender=signed.sender,
                    nonce=signed.nonce,
                    tx_hash=signed.hash,
                ) from None
            raise TransactionRejected(
                f"the node refused transaction {signed.hash}: {e.rpc_message}",
                tx_hash=signed.hash,
                sender=signed.sender,
            ) from None
        return signed.hash

    def send(
        self,
        account: LocalAccount,
        to: str | None,
        data: bytes = b"",
        *,
        gas: int | None = None,
        value: int = 0,
    ) -> SignedTx:
        """``build_and_sign`` then ``send_raw``, for callers that do not journal the raw bytes."""
        signed = self.build_and_sign(account, to, data, gas=gas, value=value)
        self.send_raw(signed)
        return signed

    # -- receipts -----------------------------------------------------------------------------------

    def _fetch_receipts(self, hashes: Sequence[str]) -> dict[str, Receipt]:
        found: dict[str, Receipt] = {}
        for start in range(0, len(hashes), RECEIPT_BATCH):
            chunk = hashes[start : start + RECEIPT_BATCH]
            results = self._rpc_batch([("eth_getTransactionReceipt", [h]) for h in chunk])
            for h, receipt in zip(chunk, results, strict=True):
                if receipt is not None and receipt.get("blockHash") is not None:
                    found[h] = receipt
        return found

    def _pool_has_pending(self) -> bool:
        try:
            status = self._rpc("txpool_status", [])
        except RpcError:
            return True  # no txpool namespace: mining is the only way to find out
        return int(status.get("pending", "0x0"), 16) > 0

    def _mine_for(self, missing: Sequence[str], found: dict[str, Receipt]) -> MineOutcome:
        """Group commit: one caller mines for everyone whose transactions are in the pool.

        Whoever takes the lock first mines a block that holds every pending transaction; the
        others, once they get the lock, find their receipts already there and do not mine.
        """
        with self._mine_lock:
            found.update(self._fetch_receipts(missing))
            if all(h in found for h in missing):
                return "found"
            if not self._pool_has_pending():
                return "idle"
            self._evm_mine()
            return "mined"

    def _evm_mine(self) -> None:
        try:
            self._rpc("evm_mine", [])
        except RpcError as e:
            raise ConfigError(
                f"auto_mine is on but the node refuses evm_mine ({e.rpc_message}); "
                "auto_mine is only for the embedded anvil started with --no-mining"
            ) from None
        self.blocks_mined += 1

    def mine(self) -> None:
        """Mine one block now (``evm_mine``), holding the same lock as :meth:`wait`."""
        with self._mine_lock:
            self._evm_mine()

    def wait(self, tx_hashes: Iterable[str], timeout: float = 30.0) -> list[Receipt]:
        """Receipts for ``tx_hashes``, in the same order, as the node's raw JSON dicts.

        Values are hex strings exactly as sent over JSON-RPC (``receipt["status"] == "0x1"``), which
        is what hashing and indexing code needs. Polls every ``poll_interval`` (10 ms). With
        ``auto_mine``, missing receipts trigger ``evm_mine`` (shared between threads, see
        ``_mine_for``); a mine that brings none of ours backs off, so an unminable pool cannot
        fill the chain with empty blocks. ``ReceiptTimeout`` names what is still missing.
        """
        order = [_norm_hash(h) for h in tx_hashes]
        wanted = list(dict.fromkeys(order))
        found: dict[str, Receipt] = {}
        deadline = time.monotonic() + timeout
        backoff = 0.0
        next_mine_at = 0.0
        missing_before_mine: int | None = None
        while True:
            missing = [h for h in wanted if h not in found]
            if missing:
                found.update(self._fetch_receipts(missing))
                missing = [h for h in wanted if h not in found]
            if not missing:
                return [found[h] for h in order]
            now = time.monotonic()
            if missing_before_mine is not None:
                if len(missing) >= missing_before_mine:  # the block we mined held none of ours
                    backoff = min(max(2 * backoff, self.poll_interval), MAX_MINE_BACKOFF)
                    next_mine_at = now + backoff
                else:
                    backoff = 0.0
                missing_before_mine = None
            if now > deadline:
                raise ReceiptTimeout(
                    f"{len(missing)} of {len(wanted)} transactions not mined after {timeout:g} s",
                    missing=missing,
                )
            if self.auto_mine and now >= next_mine_at:
                outcome = self._mine_for(missing, found)
                if outcome == "mined":
                    missing_before_mine = len(missing)
                if outcome != "idle":
                    continue
            time.sleep(self.poll_interval)

    # -- reverts ------------------------------------------------------------------------------------

    def replay_revert_data(self, tx_hash: str) -> bytes:
        """Why a mined transaction reverted: its revert bytes, found by replaying it.

        A receipt says only ``status 0``. The transaction (from, to, data, gas, value) is re-run with
        ``eth_call`` against the state at the end of its block. That state includes the transactions
        mined before it in the block, so "that number is already used" style reverts replay
        faithfully; one mined after it in the same block could, rarely, change the answer. Returns
        ``b""`` when the replay reverts without data (``revert()``, out of gas) or no longer reverts.
        """
        h = _norm_hash(tx_hash)
        tx = self._rpc("eth_getTransactionByHash", [h])
        if tx is None:
            raise NotFound(f"the node does not know transaction {h}", tx_hash=h)
        if tx.get("blockNumber") is None:
            raise TransactionFailed(f"transaction {h} is not mined yet", tx_hash=h)
        call: dict[str, Any] = {
            "from": tx["from"],
            "data": tx["input"],
            "gas": tx["gas"],
            "value": tx["value"],
        }
        if tx.get("to"):
            call["to"] = tx["to"]
        try:
            self._rpc("eth_call", [call, tx["blockNumber"]])
        except RpcError as e:
            return e.revert_bytes() or b""
        return b""
