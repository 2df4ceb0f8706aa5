"""Ethereum data structures an offline verifier has to re-derive: block headers, receipts,
transactions, Merkle Patricia trie proofs and EIP-1186 state proofs.

Everything here is pure (``rlp``, ``eth_hash`` keccak, ``coincurve``): the verifier imports it,
and so must never pull in web3, a node client or the database. The exporter uses the ``*_from_rpc``
helpers to turn a node's JSON-RPC answers into the exact bytes the chain hashed, and checks each one
against the hash the node reported before it goes into a bundle.

Conventions: every "raw" value is ``bytes``; JSON-RPC quantities are ``0x`` hex strings.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import rlp
from eth_hash.auto import keccak as _keccak

__all__ = [
    "HEADER_FIELDS",
    "DecodedHeader",
    "ProofError",
    "account_from_proof",
    "decode_header",
    "decode_receipt",
    "decode_transaction",
    "header_rlp_from_rpc",
    "keccak",
    "mapping_slot",
    "mpt_proof",
    "mpt_prove",
    "mpt_trie",
    "mpt_verify",
    "receipt_from_rpc",
    "storage_from_proof",
    "transaction_from_rpc",
]


def keccak(data: bytes) -> bytes:
    """Keccak-256 (Ethereum's hash, not NIST SHA3-256)."""
    return bytes(_keccak(data))


class ProofError(ValueError):
    """A proof or an encoding does not check out; the message says what and where."""


# -- headers ---------------------------------------------------------------------------------------

#: Header fields in RLP order, with how each is encoded: "b" fixed bytes, "i" integer, "x" bytes of
#: any length. The last six were added by London, Shanghai, Cancun and Prague; a header carries a
#: prefix of this list (Cancun: up to ``parentBeaconBlockRoot``).
HEADER_FIELDS: tuple[tuple[str, str], ...] = (
    ("parentHash", "b"),
    ("sha3Uncles", "b"),
    ("miner", "b"),
    ("stateRoot", "b"),
    ("transactionsRoot", "b"),
    ("receiptsRoot", "b"),
    ("logsBloom", "b"),
    ("difficulty", "i"),
    ("number", "i"),
    ("gasLimit", "i"),
    ("gasUsed", "i"),
    ("timestamp", "i"),
    ("extraData", "x"),
    ("mixHash", "b"),
    ("nonce", "b"),
    ("baseFeePerGas", "i"),
    ("withdrawalsRoot", "b"),
    ("blobGasUsed", "i"),
    ("excessBlobGas", "i"),
    ("parentBeaconBlockRoot", "b"),
    ("requestsHash", "b"),
)
_MANDATORY_HEADER_FIELDS = 15  # up to and including nonce


def _hexbytes(value: str) -> bytes:
    return bytes.fromhex(value[2:] if value.startswith(("0x", "0X")) else value)


def _qty(value: Any) -> int:
    return int(value, 16) if isinstance(value, str) else int(value)


def header_rlp_from_rpc(block: Mapping[str, Any]) -> bytes:
    """The RLP of a block header rebuilt from a raw ``eth_getBlockBy*`` JSON answer.

    Read the header over raw JSON-RPC: web3's ``ExtraDataToPOAMiddleware`` renames ``extraData``,
    which would silently drop a field from the hash. Optional fork fields are taken in order
    while present; the caller checks the keccak of the result against the node's ``hash``.
    """
    items: list[Any] = []
    for index, (name, kind) in enumerate(HEADER_FIELDS):
        if name not in block or block[name] is None:
            if index < _MANDATORY_HEADER_FIELDS:
                raise ProofError(f"the node's block has no {name}")
            break
        items.append(_qty(block[name]) if kind == "i" else _hexbytes(block[name]))
    return rlp.encode(items)


@dataclass(frozen=True)
class DecodedHeader:
    """The header fields a verifier reads, with the raw RLP they came from."""

    raw: bytes
    fields: tuple[bytes, ...]

    @property
    def number(self) -> int:
        return int.from_bytes(self.fields[8], "big")

    @property
    def timestamp(self) -> int:
        return int.from_bytes(self.fields[11], "big")

    @property
    def state_root(self) -> bytes:
        return self.fields[3]

    @property
    def transactions_root(self) -> bytes:
        return self.fields[4]

    @property
    def receipts_root(self) -> bytes:
        return self.fields[5]

    @property
    def parent_hash(self) -> bytes:
        return self.fields[0]

    @property
    def extra_data(self) -> bytes:
        return self.fields[12]


def decode_header(raw: bytes) -> DecodedHeader:
    """Decode a header's RLP, checking its shape (a list of 15 to 21 byte strings, hashes 32 bytes)."""
    try:
        items = rlp.decode(raw, strict=True)
    except rlp.exceptions.DecodingError as exc:
        raise ProofError(f"header RLP does not decode: {exc}") from None
    if not isinstance(items, list) or not _MANDATORY_HEADER_FIELDS <= len(items) <= len(HEADER_FIELDS):
        raise ProofError("header RLP is not a list of 15 to 21 fields")
    for (name, kind), item in zip(HEADER_FIELDS, items, strict=False):
        if not isinstance(item, bytes):
            raise ProofError(f"header field {name} is a list, not a string")
        size = {"logsBloom": 256, "miner": 20, "nonce": 8}.get(name, 32)
        if kind == "b" and len(item) != size:
            raise ProofError(f"header field {name} is {len(item)} bytes, not {size}")
        if kind == "i" and (len(item) > 32 or item[:1] == b"\0"):
            raise ProofError(f"header field {name} is not a canonical integer")
    return DecodedHeader(raw, tuple(items))


# -- receipts --------------------------------------------------------------------------------------


def receipt_from_rpc(receipt: Mapping[str, Any]) -> bytes:
    """A receipt's consensus encoding from its JSON: ``rlp([status, cumulativeGas, bloom, logs])``,
    prefixed with the type byte for typed (EIP-2718) transactions: the bytes the receipt trie
    holds."""
    if "status" not in receipt or receipt["status"] is None:
        raise ProofError("pre-Byzantium receipts (a state root instead of a status) are not supported")
    status = b"\x01" if _qty(receipt["status"]) == 1 else b""
    logs = [
        [_hexbytes(log["address"]), [_hexbytes(t) for t in log["topics"]], _hexbytes(log["data"])]
        for log in receipt["logs"]
    ]
    body = rlp.encode([status, _qty(receipt["cumulativeGasUsed"]), _hexbytes(receipt["logsBloom"]), logs])
    tx_type = _qty(receipt.get("type", 0) or 0)
    return body if tx_type == 0 else bytes([tx_type]) + body


@dataclass(frozen=True)
class DecodedLog:
    address: bytes
    topics: tuple[bytes, ...]
    data: bytes


@dataclass(frozen=True)
class DecodedReceipt:
    tx_type: int
    succeeded: bool
    cumulative_gas: int
    logs: tuple[DecodedLog, ...]


def _typed_payload(raw: bytes, what: str) -> tuple[int, bytes]:
    if not raw:
        raise ProofError(f"empty {what}")
    if raw[0] >= 0xC0:
        return 0, raw
    if raw[0] > 0x7F:
        raise ProofError(f"{what} starts with byte 0x{raw[0]:02x}: neither a list nor a transaction type")
    return raw[0], raw[1:]


def decode_receipt(raw: bytes) -> DecodedReceipt:
    """Decode a (possibly typed) receipt into its status and logs."""
    tx_type, payload = _typed_payload(raw, "receipt")
    try:
        items = rlp.decode(payload, strict=True)
        status, cumulative, bloom, logs = items
        decoded = tuple(
            DecodedLog(bytes(address), tuple(bytes(t) for t in topics), bytes(data))
            for address, topics, data in logs
        )
    except (rlp.exceptions.DecodingError, ValueError, TypeError) as exc:
        raise ProofError(f"receipt does not decode: {exc}") from None
    if len(bloom) != 256 or any(len(log.address) != 20 for log in decoded):
        raise ProofError("receipt has a malformed bloom or log address")
    return DecodedReceipt(tx_type, status == b"\x01", int.from_bytes(cumulative, "big"), decoded)


# -- transactions ----------------------------------------------------------------------------------


def _access_list(items: Any) -> list[Any]:
    return [[_hexbytes(a["address"]), [_hexbytes(k) for k in a["storageKeys"]]] for a in items or []]


def transaction_from_rpc(tx: Mapping[str, Any]) -> bytes:
    """A signed transaction's raw bytes rebuilt from its JSON (for nodes without
    ``eth_getRawTransactionByHash``). Legacy, EIP-2930, EIP-1559 and EIP-4844 shapes; the caller
    checks keccak(raw) against the transaction hash."""
    tx_type = _qty(tx.get("type", 0) or 0)
    to = _hexbytes(tx["to"]) if tx.get("to") else b""
    common_tail = [_qty(tx["gas"]), to, _qty(tx["value"]), _hexbytes(tx["input"])]
    if tx_type == 0:
        return rlp.encode(
            [
                _qty(tx["nonce"]),
                _qty(tx["gasPrice"]),
                *common_tail,
                _qty(tx["v"]),
                _qty(tx["r"]),
                _qty(tx["s"]),
            ]
        )
    parity = _qty(tx.get("yParity", tx.get("v")))
    sig = [parity, _qty(tx["r"]), _qty(tx["s"])]
    head = [_qty(tx["chainId"]), _qty(tx["nonce"])]
    if tx_type == 1:
        body = [*head, _qty(tx["gasPrice"]), *common_tail, _access_list(tx.get("accessList")), *sig]
    elif tx_type in (2, 3):
        fees = [_qty(tx["maxPriorityFeePerGas"]), _qty(tx["maxFeePerGas"])]
        body = [*head, *fees, *common_tail, _access_list(tx.get("accessList"))]
        if tx_type == 3:
            body += [_qty(tx["maxFeePerBlobGas"]), [_hexbytes(h) for h in tx["blobVersionedHashes"]]]
        body += sig
    else:
        raise ProofError(f"transaction type {tx_type} is not supported")
    return bytes([tx_type]) + rlp.encode(body)


@dataclass(frozen=True)
class DecodedTransaction:
    tx_type: int
    chain_id: int | None
    sender: str  # 0x-prefixed lowercase
    to: str | None
    data: bytes


def _recover(sighash: bytes, parity: int, r: int, s: int) -> str:
    from coincurve import PublicKey

    if parity not in (0, 1) or not 0 < r < 2**256 or not 0 < s < 2**256:
        raise ProofError("transaction signature values are out of range")
    signature = r.to_bytes(32, "big") + s.to_bytes(32, "big") + bytes([parity])
    try:
        public = PublicKey.from_signature_and_message(signature, sighash, hasher=None)
    except Exception as exc:  # coincurve raises plain Exception subclasses for bad signatures
        raise ProofError(f"transaction signature does not recover a key: {exc}") from None
    return "0x" + keccak(public.format(compressed=False)[1:])[12:].hex()


def decode_transaction(raw: bytes) -> DecodedTransaction:
    """Decode a signed transaction and recover its sender (EIP-155 legacy or typed)."""
    tx_type, payload = _typed_payload(raw, "transaction")
    try:
        items = rlp.decode(payload, strict=True)
    except rlp.exceptions.DecodingError as exc:
        raise ProofError(f"transaction does not decode: {exc}") from None
    if not isinstance(items, list) or not all(isinstance(i, (bytes, list)) for i in items):
        raise ProofError("transaction is not an RLP list")

    def n(b: Any) -> int:
        if not isinstance(b, bytes):
            raise ProofError("transaction integer field is a list")
        return int.from_bytes(b, "big")

    if tx_type == 0:
        if len(items) != 9:
            raise ProofError(f"legacy transaction has {len(items)} fields, not 9")
        v, r, s = n(items[6]), n(items[7]), n(items[8])
        unsigned = items[:6]
        if v in (27, 28):
            chain_id, parity = None, v - 27
        elif v >= 35:
            chain_id, parity = (v - 35) // 2, (v - 35) % 2
            unsigned = [*unsigned, chain_id, 0, 0]
        else:
            raise ProofError(f"legacy transaction has v={v}")
        sighash = keccak(rlp.encode(unsigned))
        to, data = items[3], items[5]
    else:
        sizes = {1: 11, 2: 12, 3: 14}
        if tx_type not in sizes or len(items) != sizes[tx_type]:
            raise ProofError(f"type {tx_type} transaction has {len(items)} fields")
        chain_id = n(items[0])
        parity, r, s = n(items[-3]), n(items[-2]), n(items[-1])
        sighash = keccak(bytes([tx_type]) + rlp.encode(items[:-3]))
        to_index = 4 if tx_type == 1 else 5
        to, data = items[to_index], items[to_index + 2]
    if not isinstance(to, bytes) or not isinstance(data, bytes):
        raise ProofError("transaction 'to' or 'data' is malformed")
    sender = _recover(sighash, parity, r, s)
    return DecodedTransaction(tx_type, chain_id, sender, "0x" + to.hex() if to else None, data)


# -- Merkle Patricia trie proofs -------------------------------------------------------------------


def _nibbles(key: bytes) -> list[int]:
    out = []
    for b in key:
        out += [b >> 4, b & 0x0F]
    return out


def _hp_decode(path: bytes) -> tuple[list[int], bool]:
    """Hex-prefix decoding (yellow paper appendix C): nibbles and whether the node is a leaf."""
    if not path:
        raise ProofError("trie node has an empty path")
    flag = path[0] >> 4
    if flag > 3:
        raise ProofError("trie node path has a bad hex-prefix flag")
    nibbles = _nibbles(path)
    nibbles = nibbles[1:] if flag & 1 else nibbles[2:]
    if not flag & 1 and path[0] & 0x0F:
        raise ProofError("trie node path has non-zero padding")
    return nibbles, bool(flag & 2)


def _hp_encode(nibbles: Sequence[int], leaf: bool) -> bytes:
    flag = 2 if leaf else 0
    if len(nibbles) % 2:
        nibbles = [flag + 1, *nibbles]
    else:
        nibbles = [flag, 0, *nibbles]
    return bytes(nibbles[i] << 4 | nibbles[i + 1] for i in range(0, len(nibbles), 2))


def mpt_trie(values: Sequence[bytes]) -> Any:
    """The trie of ``rlp(i) -> values[i]``: how a block commits to its transactions and receipts."""
    from trie import HexaryTrie  # export side only; the verifier walks proofs itself

    t = HexaryTrie({})
    for i, value in enumerate(values):
        t.set(rlp.encode(i), value)
    return t


def mpt_proof(t: Any, values: Sequence[bytes], index: int) -> list[bytes]:
    """The proof nodes for ``values[index]`` in ``t`` (built by :func:`mpt_trie`), root first.

    The last node, the leaf holding the value, is left out when it is referenced by hash: the
    bundle carries the value itself, and the verifier rebuilds the leaf from it and the rest of the
    key, so a receipt is not shipped twice.
    """
    nodes = [rlp.encode(node) for node in t.get_proof(rlp.encode(index))]
    last = rlp.decode(nodes[-1])
    if len(last) == 2 and _hp_decode(last[0])[1] and last[1] == values[index] and len(nodes[-1]) >= 32:
        nodes = nodes[:-1]
    return nodes


def mpt_prove(values: Sequence[bytes], index: int) -> tuple[bytes, list[bytes]]:
    """``(root, proof nodes)`` for ``values[index]``; see :func:`mpt_proof`."""
    t = mpt_trie(values)
    return t.root_hash, mpt_proof(t, values, index)


def mpt_verify(root: bytes, key: bytes, nodes: Sequence[bytes], value: bytes | None = None) -> bytes | None:
    """Walk a Merkle Patricia proof from ``root`` along ``key`` and return the value it proves.

    ``None`` means the proof shows the key is absent. When ``value`` is given, the proof may stop
    before the leaf (see :func:`mpt_prove`): the leaf is then rebuilt from ``value`` and the rest
    of the key, and must hash to what its parent references. Raises :class:`ProofError` naming
    the node that does not check out.
    """
    path = _nibbles(key)
    pos = 0
    expected: bytes | list[Any] = root
    i = 0
    while True:
        if isinstance(expected, list):  # a node shorter than 32 bytes, embedded in its parent
            node = expected
        else:
            if i == len(nodes):
                if value is None:
                    raise ProofError(f"the proof ends after {i} nodes without reaching the key")
                leaf = rlp.encode([_hp_encode(path[pos:], True), value])
                if keccak(leaf) != expected:
                    raise ProofError(
                        f"the leaf rebuilt from the value does not hash to what proof node {i} references"
                    )
                return value
            raw = nodes[i]
            if keccak(raw) != expected:
                what = "the root" if i == 0 else f"what proof node {i} references"
                raise ProofError(f"proof node {i + 1} does not hash to {what}")
            i += 1
            try:
                node = rlp.decode(raw)
            except rlp.exceptions.DecodingError as exc:
                raise ProofError(f"proof node {i} does not decode: {exc}") from None
        if not isinstance(node, list):
            raise ProofError("a trie node is not a list")
        if len(node) == 17:
            if pos == len(path):
                found = node[16] or None
                break
            child = node[path[pos]]
            pos += 1
            if child == b"":
                found = None
                break
            expected = child
            if isinstance(child, bytes) and len(child) != 32:
                raise ProofError("a branch references a child that is neither a hash nor a node")
        elif len(node) == 2:
            if not isinstance(node[0], bytes):
                raise ProofError("a trie node's path is not a string")
            nibbles, is_leaf = _hp_decode(node[0])
            if is_leaf:
                found = node[1] if path[pos:] == nibbles else None
                if not isinstance(found, (bytes, type(None))):
                    raise ProofError("a leaf's value is not a string")
                break
            if path[pos : pos + len(nibbles)] != nibbles:
                found = None
                break
            pos += len(nibbles)
            expected = node[1]
        else:
            raise ProofError(f"a trie node has {len(node)} items (neither branch nor leaf/extension)")
    if i != len(nodes):
        raise ProofError(f"the proof has {len(nodes) - i} node(s) past the key's leaf")
    if value is not None and found is not None and found != value:
        raise ProofError("the trie holds a different value at this key")
    return found


# -- EIP-1186 state proofs -------------------------------------------------------------------------


@dataclass(frozen=True)
class Account:
    nonce: int
    balance: int
    storage_root: bytes
    code_hash: bytes


def account_from_proof(state_root: bytes, address: bytes, nodes: Sequence[bytes]) -> Account | None:
    """An account proved against a header's ``stateRoot`` (key: keccak(address))."""
    raw = mpt_verify(state_root, keccak(address), nodes)
    if raw is None:
        return None
    try:
        nonce, balance, storage_root, code_hash = rlp.decode(raw)
    except (rlp.exceptions.DecodingError, ValueError) as exc:
        raise ProofError(f"the account does not decode: {exc}") from None
    return Account(int.from_bytes(nonce, "big"), int.from_bytes(balance, "big"), storage_root, code_hash)


def storage_from_proof(storage_root: bytes, slot: bytes, nodes: Sequence[bytes]) -> int:
    """A storage word proved against an account's ``storageRoot`` (key: keccak(slot)); 0 if absent."""
    if len(slot) != 32:
        raise ProofError("a storage slot is 32 bytes")
    raw = mpt_verify(storage_root, keccak(slot), nodes)
    if raw is None:
        return 0
    try:
        word = rlp.decode(raw)
    except rlp.exceptions.DecodingError as exc:
        raise ProofError(f"the storage value does not decode: {exc}") from None
    if not isinstance(word, bytes) or len(word) > 32 or word[:1] == b"\0":
        raise ProofError("the storage value is not a canonical integer")
    return int.from_bytes(word, "big")


def mapping_slot(key: bytes, slot: int) -> bytes:
    """Solidity's slot of ``mapping[key]`` for a mapping at ``slot``: keccak(key . slot)."""
    return keccak(key.rjust(32, b"\0") + slot.to_bytes(32, "big"))
