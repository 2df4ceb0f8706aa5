"""QBFT headers as Hyperledger Besu writes them: extra data, the two header hashes, commit seals.

Pure functions over bytes (rlp, keccak, coincurve), no node and no database, so the offline
verifier can use them. Facts taken from Besu's sources and test data, not its code:

* ``extraData`` is ``RLP([vanity, [validator, ...], vote, round, [seal, ...]])`` where ``vote`` is
  ``[]`` when there is none, else ``[recipient, 0xff]`` (add) or ``[recipient, 0x80]`` (drop; a
  literal ``0x00`` byte is also read as drop), ``round`` is a minimal big-endian scalar (no leading
  zeros, ``0x80`` for 0) and each seal is 65 bytes ``r ‖ s ‖ recId`` with ``recId`` 0 or 1
  (``QbftExtraDataCodec``; GoQuorum interop change besu#2039, drop vote besu#2233).
* A commit seal signs ``keccak(RLP(header))`` where ``extraData`` is re-encoded with an empty seal
  list but *with* the round (``BftBlockHashing.calculateDataHashForCommittedSeal``).
* The block hash ("on-chain" hash) is ``keccak(RLP(header))`` with ``extraData`` re-encoded with an
  empty seal list *and round 0* (``calculateHashOfBftBlockOnchain``), so a block keeps its hash
  whichever round committed it. It is **not** ``keccak`` of the raw header a node returns.
* The genesis block (number 0) is hashed with its extra data as it is, and carries no seals.
* A header is accepted when its seals recover to distinct validators of the set in force, at least
  ``ceil(2n/3)`` of them, and none to anybody else; a duplicated seal rejects the header
  (``BftCommitSealsValidationRule``, ``BftHelpers.calculateRequiredValidatorQuorum``). Its own
  validator list is that set, in ascending order (``BftValidatorsValidationRule``).

Because the round is inside the signed data but outside the block hash, a header whose round was
changed after sealing keeps its block hash while every seal stops recovering to a validator: the
verdict then names the round the seals were really made for when it can find it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

import rlp
from coincurve import PrivateKey, PublicKey
from eth_utils import keccak

__all__ = [
    "BFT_MIX_HASH",
    "QbftExtraData",
    "QbftFormatError",
    "SealVerdict",
    "Vote",
    "block_hash",
    "block_number",
    "decode_extra_data",
    "encode_extra_data",
    "genesis_extra_data",
    "hash_with_extra_data",
    "header_extra_data",
    "header_fields",
    "recover_signer",
    "required_seals",
    "seal_hash",
    "sign_header",
    "verify_seals",
]

#: ``mixHash`` of every BFT block ("Istanbul digest").
BFT_MIX_HASH = bytes.fromhex("63746963616c2062797a616e74696e65206661756c7420746f6c6572616e6365")
VANITY_LENGTH = 32
ADDRESS_LENGTH = 20
SEAL_LENGTH = 65
#: Positions in the header list (the same in every fork; later forks only append fields).
NUMBER_INDEX = 8
EXTRA_DATA_INDEX = 12
MIN_HEADER_FIELDS = 15
#: Besu keeps the round in a Java ``int`` and reads it with ``readIntScalar``.
MAX_ROUND = 2**31 - 1
SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141

_VOTE_ADD = b"\xff"
_VOTE_DROP_FORMS = (b"", b"\x00")
# Rounds tried when seals fail, to say "sealed for round X" rather than "unknown signer".
_DIAGNOSTIC_ROUNDS = range(0, 8)


class QbftFormatError(ValueError):
    """Bytes that are not a header, QBFT extra data or a commit seal as Besu writes them."""


@dataclass(frozen=True)
class Vote:
    """A validator vote carried in a block: add or drop ``recipient``."""

    recipient: str  # 0x-prefixed lowercase hex
    add: bool


@dataclass(frozen=True)
class QbftExtraData:
    """The decoded ``extraData`` of a QBFT header."""

    vanity: bytes
    validators: list[str]  # 0x-prefixed lowercase hex, in header order
    vote: Vote | None
    round: int
    seals: list[bytes] = field(default_factory=list)


@dataclass(frozen=True)
class SealVerdict:
    """Whether enough of the trusted validators sealed a header, and exactly why not.

    ``status`` is ``"sealed"`` (``ok``), ``"invalid"`` (a check failed: ``reason`` says which) or
    ``"unsealed"`` (nothing to check against: no validator set, as on the dev chain, or the
    genesis block). ``signers`` are the distinct trusted validators whose seals verified, in
    seal order; ``required`` is ``ceil(2n/3)`` for the ``n`` trusted validators.
    """

    ok: bool
    signers: list[str]
    required: int
    reason: str
    status: Literal["sealed", "invalid", "unsealed"] = "invalid"
    block_number: int | None = None
    round: int | None = None
    block_hash: str | None = None  # 0x hex, the hash the chain knows the block by


# -- extra data --------------------------------------------------------------------------------------


def _address_bytes(address: str | bytes, what: str) -> bytes:
    if isinstance(address, bytes):
        raw = address
    elif isinstance(address, str):
        text = address[2:] if address[:2] in ("0x", "0X") else address
        try:
            raw = bytes.fromhex(text)
        except ValueError:
            raise QbftFormatError(f"{what} {address!r} is not hex") from None
    else:
        raise QbftFormatError(f"{what} must be an address, not {type(address).__name__}")
    if len(raw) != ADDRESS_LENGTH:
        raise QbftFormatError(f"{what} has {len(raw)} bytes, an address has {ADDRESS_LENGTH}")
    return raw


def _hex(raw: bytes) -> str:
    return "0x" + raw.hex()


def _round_bytes(value: int) -> bytes:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_ROUND:
        raise QbftFormatError(f"round must be an integer from 0 to {MAX_ROUND}, not {value!r}")
    return value.to_bytes((value.bit_length() + 7) // 8, "big")


def encode_extra_data(extra: QbftExtraData) -> bytes:
    """``extraData`` bytes exactly as Besu's ``QbftExtraDataCodec`` writes them."""
    if not isinstance(extra.vanity, bytes):
        raise QbftFormatError("vanity must be bytes")
    validators = [_address_bytes(v, f"validator #{i}") for i, v in enumerate(extra.validators)]
    if extra.vote is None:
        vote: list[bytes] = []
    else:
        vote = [_address_bytes(extra.vote.recipient, "vote recipient"), _VOTE_ADD if extra.vote.add else b""]
    seals = list(extra.seals)
    for i, seal in enumerate(seals):
        if not isinstance(seal, bytes):
            raise QbftFormatError(f"seal #{i} must be bytes")
    return rlp.encode([extra.vanity, validators, vote, _round_bytes(extra.round), seals])


def decode_extra_data(extra: bytes) -> QbftExtraData:
    """Read ``extraData`` as Besu's QBFT codec does; ``QbftFormatError`` says what is wrong.

    Stricter than Besu in one respect: items after the seal list (which Besu's decoder skips and
    its hashing then drops) are refused rather than ignored. Seals are returned as raw bytes; their
    form (65 bytes, ``r``/``s`` in range, ``recId`` 0 or 1) is checked by ``recover_signer``.
    """
    if not extra:
        raise QbftFormatError("extraData is empty; a QBFT header carries RLP extra data")
    try:
        items = rlp.decode(extra, strict=True)
    except rlp.exceptions.DecodingError as e:
        raise QbftFormatError(f"extraData is not valid RLP: {e}") from None
    if not isinstance(items, list):
        raise QbftFormatError("extraData is an RLP string, QBFT extra data is a list")
    if len(items) != 5:
        raise QbftFormatError(
            f"extraData has {len(items)} items; QBFT has 5 (vanity, validators, vote, round, seals)"
        )
    vanity, validators, vote_item, round_item, seals = items
    if not isinstance(vanity, bytes):
        raise QbftFormatError("extraData vanity is a list, not bytes")
    if not isinstance(validators, list):
        raise QbftFormatError("extraData validators is not a list")
    addresses = []
    for i, v in enumerate(validators):
        if not isinstance(v, bytes) or len(v) != ADDRESS_LENGTH:
            raise QbftFormatError(f"extraData validator #{i} is not a 20-byte address")
        addresses.append(_hex(v))
    if not isinstance(vote_item, list):
        raise QbftFormatError("extraData vote is not a list (no vote is the empty list 0xc0)")
    vote: Vote | None = None
    if vote_item:
        if len(vote_item) != 2:
            raise QbftFormatError(f"extraData vote has {len(vote_item)} items, a vote has 2")
        recipient, kind = vote_item
        if not isinstance(recipient, bytes) or len(recipient) != ADDRESS_LENGTH:
            raise QbftFormatError("extraData vote recipient is not a 20-byte address")
        if kind == _VOTE_ADD:
            vote = Vote(_hex(recipient), True)
        elif kind in _VOTE_DROP_FORMS:
            vote = Vote(_hex(recipient), False)
        else:
            raise QbftFormatError(f"extraData vote type {kind!r} is neither add (0xff) nor drop (0x80)")
    if not isinstance(round_item, bytes):
        raise QbftFormatError("extraData round is a list, not a scalar")
    if round_item[:1] == b"\x00":
        raise QbftFormatError(
            f"extraData round 0x{round_item.hex()} has leading zeros; QBFT writes it as a minimal scalar"
        )
    if len(round_item) > 4 or int.from_bytes(round_item, "big") > MAX_ROUND:
        raise QbftFormatError(f"extraData round 0x{round_item.hex()} does not fit Besu's int")
    if not isinstance(seals, list) or not all(isinstance(s, bytes) for s in seals):
        raise QbftFormatError("extraData seals is not a list of byte strings")
    return QbftExtraData(vanity, addresses, vote, int.from_bytes(round_item, "big"), list(seals))


def genesis_extra_data(validators: Sequence[str]) -> bytes:
    """Genesis ``extraData``: 32 zero bytes of vanity, the validators, no vote, round 0, no seals."""
    return encode_extra_data(QbftExtraData(bytes(VANITY_LENGTH), list(validators), None, 0, []))


# -- headers and their hashes ------------------------------------------------------------------------


def header_fields(header_rlp: bytes) -> list[bytes]:
    """The fields of an RLP block header (each as raw bytes); ``QbftFormatError`` if it is not one."""
    if not isinstance(header_rlp, bytes | bytearray):
        raise QbftFormatError(f"header must be RLP bytes, not {type(header_rlp).__name__}")
    try:
        fields = rlp.decode(header_rlp, strict=True)
    except rlp.exceptions.DecodingError as e:
        raise QbftFormatError(f"header is not valid RLP: {e}") from None
    if not isinstance(fields, list) or len(fields) < MIN_HEADER_FIELDS:
        got = len(fields) if isinstance(fields, list) else "a string, not a list"
        raise QbftFormatError(
            f"header must be an RLP list of at least {MIN_HEADER_FIELDS} fields (got {got})"
        )
    for i, f in enumerate(fields):
        if not isinstance(f, bytes):
            raise QbftFormatError(f"header field #{i} is a list; header fields are byte strings")
    return fields


def block_number(header_rlp: bytes) -> int:
    return int.from_bytes(header_fields(header_rlp)[NUMBER_INDEX], "big")


def header_extra_data(header_rlp: bytes) -> QbftExtraData:
    return decode_extra_data(header_fields(header_rlp)[EXTRA_DATA_INDEX])


def _hash_fields(fields: list[bytes], extra: bytes) -> bytes:
    return keccak(rlp.encode([*fields[:EXTRA_DATA_INDEX], extra, *fields[EXTRA_DATA_INDEX + 1 :]]))


def hash_with_extra_data(header_rlp: bytes, extra_data: bytes) -> bytes:
    """``keccak`` of the header with its ``extraData`` replaced by ``extra_data``, all else kept."""
    return _hash_fields(header_fields(header_rlp), extra_data)


def _seal_hash(fields: list[bytes], extra: QbftExtraData) -> bytes:
    return _hash_fields(fields, encode_extra_data(replace(extra, seals=[])))


def _block_hash(fields: list[bytes], extra: QbftExtraData | None) -> bytes:
    if extra is None:  # genesis: extra data as it is
        return keccak(rlp.encode(fields))
    return _hash_fields(fields, encode_extra_data(replace(extra, seals=[], round=0)))


def seal_hash(header_rlp: bytes) -> bytes:
    """The 32 bytes every commit seal of this header signs: no seals, the header's own round."""
    fields = header_fields(header_rlp)
    if int.from_bytes(fields[NUMBER_INDEX], "big") == 0:
        return keccak(rlp.encode(fields))
    return _seal_hash(fields, decode_extra_data(fields[EXTRA_DATA_INDEX]))


def block_hash(header_rlp: bytes) -> bytes:
    """The hash the chain knows this block by (``eth_getBlockByNumber``'s ``hash``, the child's
    ``parentHash``): no seals and round 0; the genesis block as it is."""
    fields = header_fields(header_rlp)
    if int.from_bytes(fields[NUMBER_INDEX], "big") == 0:
        return _block_hash(fields, None)
    return _block_hash(fields, decode_extra_data(fields[EXTRA_DATA_INDEX]))


# -- seals ---------------------------------------------------------------------------------------------


def recover_signer(seal: bytes, digest: bytes) -> str:
    """The address that made ``seal`` over ``digest``; ``QbftFormatError`` if it is no valid seal."""
    if len(seal) != SEAL_LENGTH:
        raise QbftFormatError(f"has {len(seal)} bytes, a commit seal has {SEAL_LENGTH} (r, s, recId)")
    r = int.from_bytes(seal[:32], "big")
    s = int.from_bytes(seal[32:64], "big")
    if not 1 <= r < SECP256K1_N or not 1 <= s < SECP256K1_N:
        raise QbftFormatError("has r or s outside 1..n-1 of secp256k1")
    if seal[64] not in (0, 1):
        raise QbftFormatError(f"has recId {seal[64]}, Besu writes 0 or 1")
    try:
        public = PublicKey.from_signature_and_message(seal, digest, hasher=None)
    except Exception:  # coincurve raises a bare Exception when no point recovers
        raise QbftFormatError("does not recover to any public key") from None
    return _hex(keccak(public.format(compressed=False)[1:])[-ADDRESS_LENGTH:])


def required_seals(validator_count: int) -> int:
    """``ceil(2n/3)``, Besu's quorum of commit seals for ``n`` validators."""
    return (2 * validator_count + 2) // 3


def _trusted(validators: Sequence[str | bytes]) -> list[str]:
    trusted: list[str] = []
    for i, v in enumerate(validators):
        address = _hex(_address_bytes(v, f"trust root validator #{i}"))
        if address in trusted:
            raise QbftFormatError(f"trust root lists validator {address} twice")
        trusted.append(address)
    return trusted


def _round_sealed_for(
    fields: list[bytes], extra: QbftExtraData, trusted: set[str], seal: bytes
) -> int | None:
    """The round (other than the claimed one) under which ``seal`` recovers to a trusted validator."""
    candidates = sorted(
        {*_DIAGNOSTIC_ROUNDS, *range(max(0, extra.round - 2), extra.round + 3)} - {extra.round}
    )
    for r in candidates:
        if r > MAX_ROUND:
            continue
        try:
            if recover_signer(seal, _seal_hash(fields, replace(extra, round=r))) in trusted:
                return r
        except QbftFormatError:
            return None
    return None


def verify_seals(header_rlp: bytes, validators: Sequence[str | bytes]) -> SealVerdict:
    """Check that at least ``ceil(2n/3)`` of ``validators`` (the trust root's set) sealed the header.

    Mirrors Besu's rule: every seal must be a well-formed signature over the header's seal hash by
    a distinct member of the set, and the header's own validator list must be that set. Never
    raises on bad input: the verdict's ``reason`` says which check failed and why.
    """
    try:
        trusted = _trusted(validators)
    except QbftFormatError as e:
        return SealVerdict(False, [], 0, str(e))
    required = required_seals(len(trusted))
    try:
        fields = header_fields(header_rlp)
    except QbftFormatError as e:
        return SealVerdict(False, [], required, str(e))
    number = int.from_bytes(fields[NUMBER_INDEX], "big")
    if number == 0:
        return SealVerdict(
            False,
            [],
            required,
            "unsealed: the genesis block carries no commit seals; "
            "check it against the trust root's genesis hash",
            status="unsealed",
            block_number=0,
            round=None,
            block_hash=_hex(_block_hash(fields, None)),
        )
    if not trusted:
        return SealVerdict(
            False,
            [],
            0,
            "unsealed: the trust root names no validators (a development chain); seals were not checked",
            status="unsealed",
            block_number=number,
        )
    try:
        extra = decode_extra_data(fields[EXTRA_DATA_INDEX])
    except QbftFormatError as e:
        return SealVerdict(False, [], required, f"block #{number}: {e}", block_number=number)
    known_as = _hex(_block_hash(fields, extra))
    where = f"block #{number} (round {extra.round})"

    def fail(signers: list[str], reason: str) -> SealVerdict:
        return SealVerdict(
            False, signers, required, f"{where}: {reason}", "invalid", number, extra.round, known_as
        )

    if len(extra.vanity) != VANITY_LENGTH:
        return fail([], f"extraData vanity has {len(extra.vanity)} bytes, QBFT requires {VANITY_LENGTH}")
    if extra.validators != sorted(set(extra.validators)):
        return fail([], "the header's validators are not in strictly ascending order, as Besu writes them")
    # An empty list is contract validator selection: the set lives in contract state, so the
    # trust root's list is the only one to check against (the list is signed either way).
    if extra.validators and set(extra.validators) != set(trusted):
        missing = sorted(set(trusted) - set(extra.validators))
        extra_names = sorted(set(extra.validators) - set(trusted))
        return fail(
            [],
            "the header's validator set differs from the trust root's"
            + (f"; not in the header: {', '.join(missing)}" if missing else "")
            + (f"; not in the trust root: {', '.join(extra_names)}" if extra_names else ""),
        )
    if not extra.seals:
        return fail(
            [], f"the header carries no commit seals; {required} of {len(trusted)} validators must seal"
        )

    digest = _seal_hash(fields, extra)
    trusted_set = set(trusted)
    signers: list[str] = []
    first_seal_by: dict[str, int] = {}
    problems: list[str] = []
    strangers: list[int] = []
    for i, seal in enumerate(extra.seals):
        try:
            signer = recover_signer(seal, digest)
        except QbftFormatError as e:
            problems.append(f"seal #{i} {e}")
            continue
        if signer not in trusted_set:
            strangers.append(i)
            problems.append(f"seal #{i} was made by {signer}, which is not a trusted validator")
        elif signer in first_seal_by:
            problems.append(
                f"seal #{i} repeats validator {signer} (already seal #{first_seal_by[signer]}); "
                "each validator seals a header once"
            )
        else:
            first_seal_by[signer] = i
            signers.append(signer)
    if strangers and len(strangers) == len(problems):
        sealed_for = _round_sealed_for(fields, extra, trusted_set, extra.seals[strangers[0]])
        if sealed_for is not None:
            return fail(
                signers,
                f"wrong round: the seals were made for round {sealed_for} but the header claims round "
                f"{extra.round} (the round is signed, so changing it breaks every seal)",
            )
    if problems:
        more = f" (and {len(problems) - 1} more problem(s))" if len(problems) > 1 else ""
        return fail(signers, problems[0] + more)
    if len(signers) < required:
        return fail(
            signers,
            f"only {len(signers)} of {len(trusted)} validators sealed the header; at least {required} must",
        )
    return SealVerdict(
        True,
        signers,
        required,
        f"{where}: {len(signers)} of {len(trusted)} validators sealed it (at least {required} needed)",
        "sealed",
        number,
        extra.round,
        known_as,
    )


# -- making sealed headers (tests, tooling) ----------------------------------------------------------


def _private_key(key: bytes | str) -> PrivateKey:
    if isinstance(key, str):
        key = bytes.fromhex(key[2:] if key[:2] in ("0x", "0X") else key)
    return PrivateKey(key)


def sign_header(header_rlp: bytes, keys: Sequence[bytes | str], round: int = 0) -> bytes:
    """The header with its round set to ``round`` and one commit seal per key, in key order.

    The header's ``extraData`` must already be QBFT extra data (validators, vote); any seals in it
    are replaced. Seals are secp256k1 ``r ‖ s ‖ recId`` over ``seal_hash``, as Besu makes them.
    """
    fields = header_fields(header_rlp)
    if int.from_bytes(fields[NUMBER_INDEX], "big") == 0:
        raise QbftFormatError("the genesis block is not sealed")
    extra = replace(decode_extra_data(fields[EXTRA_DATA_INDEX]), round=round, seals=[])
    digest = _seal_hash(fields, extra)
    seals = [_private_key(k).sign_recoverable(digest, hasher=None) for k in keys]
    sealed = encode_extra_data(replace(extra, seals=seals))
    return rlp.encode([*fields[:EXTRA_DATA_INDEX], sealed, *fields[EXTRA_DATA_INDEX + 1 :]])
