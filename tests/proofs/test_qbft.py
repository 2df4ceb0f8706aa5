"""QBFT extra data, header hashes and commit seals, against Besu's data and headers signed here.

Vectors (``qbft_vectors.json``, each with its source): Besu's own codec test hex and documentation
examples, the Besu team's published QBFT reference data (an older encoding, used for the hashing
rule and the seal recovery), a block header captured from a Besu QBFT network with three of four
seals, and a block a QBFT node reported with its hash. The deploy folder's generated network files
are checked at the end: Besu itself cannot run here.
"""

from __future__ import annotations

import importlib.util
import json
import re
import tomllib
from dataclasses import replace
from pathlib import Path

import pytest
import rlp
from coincurve import PrivateKey
from eth_utils import keccak
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger_service.chain.compile import EVM_VERSION
from ledger_service.proofs.qbft import (
    BFT_MIX_HASH,
    QbftExtraData,
    QbftFormatError,
    Vote,
    block_hash,
    decode_extra_data,
    encode_extra_data,
    genesis_extra_data,
    hash_with_extra_data,
    header_extra_data,
    header_fields,
    recover_signer,
    required_seals,
    seal_hash,
    sign_header,
    verify_seals,
)

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
VECTORS = json.loads((HERE / "qbft_vectors.json").read_text())


def h(text: str) -> bytes:
    return bytes.fromhex(text[2:] if text.startswith("0x") else text)


def address_of(key: bytes) -> str:
    return "0x" + keccak(PrivateKey(key).public_key.format(compressed=False)[1:])[-20:].hex()


# Four validators with private keys 1..4 (the committers of Besu's own hashing test), one stranger.
KEYS = [i.to_bytes(32, "big") for i in (1, 2, 3, 4)]
STRANGER = (5).to_bytes(32, "big")
ADDRESSES = [address_of(k) for k in KEYS]
VALIDATORS = sorted(ADDRESSES)


def make_header(
    number: int = 7,
    validators: list[str] = VALIDATORS,
    *,
    vote: Vote | None = None,
    vanity: bytes = bytes(32),
    fields: dict[int, bytes] | None = None,
) -> bytes:
    """An unsealed Cancun-shaped QBFT header (20 fields), round 0."""
    extra = encode_extra_data(QbftExtraData(vanity, validators, vote, 0, []))
    header = [
        keccak(b"parent %d" % number),  # parentHash
        h("0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347"),  # ommersHash
        h(VALIDATORS[0]),  # coinbase: the proposer
        keccak(b"state"),
        keccak(b"transactions"),
        keccak(b"receipts"),
        bytes(256),  # logsBloom
        b"\x01",  # difficulty
        number.to_bytes(8, "big").lstrip(b"\0"),
        (100_000_000).to_bytes(4, "big"),  # gasLimit
        (21_000).to_bytes(3, "big"),  # gasUsed
        (1_767_225_600 + 2 * number).to_bytes(8, "big").lstrip(b"\0"),  # timestamp
        extra,
        BFT_MIX_HASH,
        bytes(8),  # nonce
        b"",  # baseFeePerGas 0
        keccak(rlp.encode(b"")),  # withdrawalsRoot (empty trie)
        b"",  # blobGasUsed
        b"",  # excessBlobGas
        bytes(32),  # parentBeaconBlockRoot
    ]
    for index, value in (fields or {}).items():
        header[index] = value
    return rlp.encode(header)


def with_extra(header: bytes, **changes: object) -> bytes:
    """The header with its extra data changed (``round=``, ``seals=``, ...) and nothing else."""
    fields = header_fields(header)
    fields[12] = encode_extra_data(replace(decode_extra_data(fields[12]), **changes))  # type: ignore[arg-type]
    return rlp.encode(fields)


def seals_of(header: bytes) -> list[bytes]:
    return header_extra_data(header).seals


# -- the codec against Besu's vectors -------------------------------------------------------------


def test_besu_codec_known_hex_decodes_and_encodes_byte_for_byte() -> None:
    v = VECTORS["besu_codec_known_hex"]
    extra = decode_extra_data(h(v["extra_data"]))
    assert extra.vanity == h(v["vanity"])
    assert extra.validators == v["validators"]
    assert extra.vote == Vote(v["vote"]["recipient"], v["vote"]["add"])
    assert extra.round == v["round"] == 0x00FEDCBA
    assert extra.seals == [h(s) for s in v["seals"]]
    assert encode_extra_data(extra) == h(v["extra_data"])


def test_round_is_a_minimal_scalar_as_in_besus_codec_tests() -> None:
    v = VECTORS["besu_codec_round_rules"]
    extra = decode_extra_data(h(v["scalar_round_extra_data"]))
    assert extra.round == v["scalar_round"]
    assert encode_extra_data(extra) == h(v["scalar_round_extra_data"])
    with pytest.raises(QbftFormatError, match="leading zeros"):
        decode_extra_data(h(v["leading_zero_round_extra_data"]))
    assert encode_extra_data(replace(extra, round=0))[-2:] == b"\x80\xc0"  # round 0 is 0x80


def test_genesis_extra_data_matches_besus_rlp_encode_example() -> None:
    v = VECTORS["besu_docs_rlp_encode_example"]
    assert genesis_extra_data(v["validators"]) == h(v["extra_data"])
    extra = decode_extra_data(h(v["extra_data"]))
    assert (extra.validators, extra.vote, extra.round, extra.seals) == (v["validators"], None, 0, [])
    assert extra.vanity == bytes(32)


@pytest.mark.parametrize(
    "name", ["besu_docs_genesis_block_header_selection", "besu_docs_genesis_contract_selection"]
)
def test_besu_documentation_genesis_extra_data_round_trips(name: str) -> None:
    v = VECTORS[name]
    extra = decode_extra_data(h(v["extra_data"]))
    assert extra.validators == v["validators"]
    assert encode_extra_data(extra) == h(v["extra_data"])


@pytest.mark.parametrize("case", sorted(VECTORS["qbft_tests_legacy_extra_data"]["cases"]))
def test_pre_2021_qbft_test_vectors_are_refused_by_the_current_codec(case: str) -> None:
    with pytest.raises(QbftFormatError):
        decode_extra_data(h(VECTORS["qbft_tests_legacy_extra_data"]["cases"][case]))


def test_drop_vote_reads_both_forms_and_writes_0x80() -> None:
    recipient = "0x" + "00" * 19 + "01"
    for kind in (b"", b"\x00"):
        raw = rlp.encode([bytes(32), [], [h(recipient), kind], b"", []])
        extra = decode_extra_data(raw)
        assert extra.vote == Vote(recipient, False)
        assert encode_extra_data(extra) == rlp.encode([bytes(32), [], [h(recipient), b""], b"", []])
    with pytest.raises(QbftFormatError, match="vote type"):
        decode_extra_data(rlp.encode([bytes(32), [], [h(recipient), b"\x01"], b"", []]))


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"", "empty"),
        (b"\x01\x02", "not valid RLP"),
        (rlp.encode(b"abc"), "RLP string"),
        (rlp.encode([bytes(32), [], [], b""]), "has 4 items"),
        (rlp.encode([bytes(32), [], [], b"", [], b"x"]), "has 6 items"),
        (rlp.encode([bytes(32), [b"\x01" * 19], [], b"", []]), "20-byte address"),
        (rlp.encode([bytes(32), [], b"", b"", []]), "vote is not a list"),
        (rlp.encode([bytes(32), [], [], b"\x80\x00\x00\x00", []]), "does not fit"),
        (rlp.encode([bytes(32), [], [], b"\x01\x00\x00\x00\x00", []]), "does not fit"),
        (rlp.encode([bytes(32), [], [], b"", [[b"x"]]]), "seals"),
    ],
)
def test_malformed_extra_data_says_why(raw: bytes, message: str) -> None:
    with pytest.raises(QbftFormatError, match=message):
        decode_extra_data(raw)


def test_the_legacy_reference_vector_fixes_the_hashing_rule_and_the_committers() -> None:
    """Besu's published QBFT header-hash data (legacy layout): the seal hash is the header without
    seals but with its round, the block hash the header without seals and without round, and the
    seals recover to the keys 1..4 over the seal hash: the same rule, re-encoded the old way."""
    v = VECTORS["qbft_tests_legacy_header_hash"]
    x = v["header"]
    raw_header = rlp.encode(
        [
            h(x["parentHash"]),
            h(x["ommersHash"]),
            h(x["coinbase"]),
            h(x["stateRoot"]),
            h(x["transactionsRoot"]),
            h(x["receiptsRoot"]),
            h(x["logsBloom"]),
            x["difficulty"],
            x["number"],
            x["gasLimit"],
            x["gasUsed"],
            x["timestamp"],
            h(x["extraData"]),
            h(x["mixHash"]),
            x["nonce"].to_bytes(8, "big"),
        ]
    )
    vanity, validators, vote, round4, seals = rlp.decode(h(x["extraData"]))
    assert round4 == bytes.fromhex("00fedcba")  # four fixed bytes: refused by today's codec
    with pytest.raises(QbftFormatError):
        header_extra_data(raw_header)
    committed = hash_with_extra_data(raw_header, rlp.encode([vanity, validators, vote, round4]))
    on_chain = hash_with_extra_data(raw_header, rlp.encode([vanity, validators, vote]))
    assert "0x" + committed.hex() == v["committed_seal_hash"]
    assert "0x" + on_chain.hex() == v["on_chain_hash"]
    committers = [address_of(k.to_bytes(32, "big")) for k in v["committer_private_keys"]]
    assert [recover_signer(s, committed) for s in seals] == committers


# -- a header from a Besu QBFT network: 4 validators, 3 seals, round 1 ---------------------------------

NETWORK = VECTORS["besu_network_block_7528"]
NETWORK_HEADER = h(NETWORK["header_rlp"])
NETWORK_VALIDATORS = NETWORK["validators"]


def test_network_header_seal_hash_is_the_published_commit_hash() -> None:
    assert "0x" + seal_hash(NETWORK_HEADER).hex() == NETWORK["committed_seal_hash"]
    unsealed = h(NETWORK["header_without_seals_rlp"])
    assert keccak(unsealed).hex() == seal_hash(unsealed).hex() == NETWORK["committed_seal_hash"][2:]
    assert with_extra(NETWORK_HEADER, seals=[]) == unsealed
    extra = header_extra_data(NETWORK_HEADER)
    assert (extra.round, len(extra.seals), extra.validators) == (1, 3, NETWORK_VALIDATORS)


def test_vectors_three_of_four_seals_pass() -> None:
    verdict = verify_seals(NETWORK_HEADER, NETWORK_VALIDATORS)
    assert verdict.ok and verdict.status == "sealed", verdict.reason
    assert verdict.required == 3
    assert len(verdict.signers) == 3 and set(verdict.signers) <= set(NETWORK_VALIDATORS)
    assert (verdict.block_number, verdict.round) == (NETWORK["number"], 1)
    assert verdict.block_hash == "0x" + block_hash(NETWORK_HEADER).hex()
    assert "3 of 4 validators sealed it" in verdict.reason


@pytest.mark.parametrize("keep", [[0, 1], [0, 2], [1, 2], [0], []])
def test_vectors_two_of_four_seals_fail(keep: list[int]) -> None:
    seals = seals_of(NETWORK_HEADER)
    verdict = verify_seals(with_extra(NETWORK_HEADER, seals=[seals[i] for i in keep]), NETWORK_VALIDATORS)
    assert not verdict.ok and verdict.status == "invalid"
    assert len(verdict.signers) == len(keep)
    assert (f"only {len(keep)} of 4 validators" if keep else "no commit seals") in verdict.reason


def test_vectors_a_non_validators_seal_fails() -> None:
    stranger = PrivateKey(STRANGER).sign_recoverable(seal_hash(NETWORK_HEADER), hasher=None)
    seals = seals_of(NETWORK_HEADER)
    for tampered in ([*seals[:2], stranger], [*seals, stranger]):
        verdict = verify_seals(with_extra(NETWORK_HEADER, seals=tampered), NETWORK_VALIDATORS)
        assert not verdict.ok
        assert f"made by {address_of(STRANGER)}, which is not a trusted validator" in verdict.reason


@pytest.mark.parametrize("claimed", [0, 2, 7])
def test_vectors_a_wrong_round_fails_and_keeps_the_block_hash(claimed: int) -> None:
    tampered = with_extra(NETWORK_HEADER, round=claimed)
    verdict = verify_seals(tampered, NETWORK_VALIDATORS)
    assert not verdict.ok and verdict.signers == []
    assert f"seals were made for round 1 but the header claims round {claimed}" in verdict.reason
    assert block_hash(tampered) == block_hash(NETWORK_HEADER)  # the round is not in the block hash
    assert seal_hash(tampered) != seal_hash(NETWORK_HEADER)  # but it is in what the seals sign


def test_a_reported_qbft_block_hash_is_the_on_chain_hash_not_keccak_of_the_header() -> None:
    v = VECTORS["qbft_network_block_58866"]
    b = v["block"]
    names = [
        "parentHash", "sha3Uncles", "miner", "stateRoot", "transactionsRoot", "receiptsRoot", "logsBloom",
        "difficulty", "number", "gasLimit", "gasUsed", "timestamp", "extraData", "mixHash", "nonce",
        "baseFeePerGas",
    ]  # fmt: skip
    quantities = {"difficulty", "number", "gasLimit", "gasUsed", "timestamp", "baseFeePerGas"}
    header = rlp.encode([int(b[n], 16) if n in quantities else h(b[n]) for n in names])
    assert "0x" + block_hash(header).hex() == b["hash"]
    assert "0x" + keccak(header).hex() != b["hash"]  # the seals are not part of the block hash
    verdict = verify_seals(header, v["validators"])
    assert verdict.ok and verdict.signers == v["validators"] and verdict.required == 1, verdict.reason


# -- headers signed here with four validator keys ------------------------------------------------------


def test_required_seals_is_two_thirds_rounded_up() -> None:
    assert [required_seals(n) for n in range(1, 11)] == [1, 2, 2, 3, 4, 4, 5, 6, 6, 7]


@pytest.mark.parametrize(
    ("signers", "ok"),
    [([0, 1, 2, 3], True), ([3, 1, 0], True), ([0, 1, 2], True), ([1, 2], False), ([3], False)],
)
def test_own_headers_need_three_of_four(signers: list[int], ok: bool) -> None:
    sealed = sign_header(make_header(), [KEYS[i] for i in signers])
    verdict = verify_seals(sealed, VALIDATORS)
    assert verdict.ok is ok, verdict.reason
    assert verdict.signers == [ADDRESSES[i] for i in signers]
    if not ok:
        assert f"only {len(signers)} of 4 validators sealed the header; at least 3 must" in verdict.reason


def test_own_header_with_a_non_validators_seal_fails() -> None:
    for keys in ([*KEYS[:3], STRANGER], [KEYS[0], STRANGER, KEYS[1]]):
        verdict = verify_seals(sign_header(make_header(), keys), VALIDATORS)
        assert not verdict.ok
        assert f"{address_of(STRANGER)}, which is not a trusted validator" in verdict.reason


def test_the_same_validators_seal_twice_counts_once_and_rejects_the_header() -> None:
    verdict = verify_seals(sign_header(make_header(), [KEYS[0], KEYS[0], KEYS[1]]), VALIDATORS)
    assert not verdict.ok and verdict.signers == [ADDRESSES[0], ADDRESSES[1]]
    assert f"seal #1 repeats validator {ADDRESSES[0]} (already seal #0)" in verdict.reason
    # Besu refuses a header with a duplicated seal even when the others reach the quorum.
    verdict = verify_seals(sign_header(make_header(), [*KEYS[:3], KEYS[2]]), VALIDATORS)
    assert not verdict.ok and len(verdict.signers) == 3 and "repeats validator" in verdict.reason


@pytest.mark.parametrize(("sealed_at", "claimed"), [(1, 0), (0, 1), (4, 3), (9, 10)])
def test_own_header_with_a_wrong_round_fails(sealed_at: int, claimed: int) -> None:
    sealed = sign_header(make_header(), KEYS, round=sealed_at)
    assert verify_seals(sealed, VALIDATORS).ok
    tampered = with_extra(sealed, round=claimed)
    verdict = verify_seals(tampered, VALIDATORS)
    assert not verdict.ok
    assert f"made for round {sealed_at} but the header claims round {claimed}" in verdict.reason
    assert block_hash(tampered) == block_hash(sealed)


def test_seals_of_another_header_fail() -> None:
    other = sign_header(make_header(number=8), KEYS)
    moved = with_extra(make_header(number=7), seals=seals_of(other))
    verdict = verify_seals(moved, VALIDATORS)
    assert not verdict.ok and "not a trusted validator" in verdict.reason


def test_block_hash_ignores_seals_and_round_and_genesis_is_hashed_as_is() -> None:
    header = make_header()
    assert block_hash(header) == block_hash(sign_header(header, KEYS, round=3))
    assert block_hash(header) == keccak(header)  # unsealed, round 0: nothing to strip
    genesis = make_header(number=0)
    assert block_hash(genesis) == seal_hash(genesis) == keccak(genesis)
    verdict = verify_seals(genesis, VALIDATORS)
    assert (verdict.ok, verdict.status, verdict.block_hash) == (
        False,
        "unsealed",
        "0x" + keccak(genesis).hex(),
    )
    with pytest.raises(QbftFormatError, match="genesis"):
        sign_header(genesis, KEYS)


def test_dev_chain_headers_are_unsealed_not_checked() -> None:
    anvil_like = make_header(fields={12: b"", 13: bytes(32)})
    verdict = verify_seals(anvil_like, [])
    assert (verdict.ok, verdict.status) == (False, "unsealed") and "no validators" in verdict.reason
    verdict = verify_seals(anvil_like, VALIDATORS)
    assert verdict.status == "invalid" and "extraData is empty" in verdict.reason


def test_the_header_must_name_the_trusted_validators_in_ascending_order() -> None:
    others = sorted([*VALIDATORS[:3], address_of(STRANGER)])
    verdict = verify_seals(sign_header(make_header(validators=others), KEYS[:3]), VALIDATORS)
    assert not verdict.ok and "validator set differs" in verdict.reason
    assert address_of(STRANGER) in verdict.reason
    unsorted = [VALIDATORS[1], VALIDATORS[0], *VALIDATORS[2:]]
    verdict = verify_seals(sign_header(make_header(validators=unsorted), KEYS), VALIDATORS)
    assert not verdict.ok and "ascending order" in verdict.reason
    verdict = verify_seals(sign_header(make_header(vanity=b"\x01" * 31), KEYS), VALIDATORS)
    assert not verdict.ok and "vanity has 31 bytes" in verdict.reason
    # Contract validator selection: no list in the header, the trust root's set decides.
    assert verify_seals(sign_header(make_header(validators=[]), KEYS[:3]), VALIDATORS).ok


@pytest.mark.parametrize(
    ("trust_root", "message"),
    [
        ([*VALIDATORS[:3], "0x1234"], "trust root validator #3"),
        ([*VALIDATORS, VALIDATORS[0].upper().replace("0X", "0x")], "twice"),
        ([*VALIDATORS[:3], 42], "must be an address"),
    ],
)
def test_a_malformed_trust_root_is_reported_not_raised(trust_root: list, message: str) -> None:
    verdict = verify_seals(sign_header(make_header(), KEYS), trust_root)
    assert not verdict.ok and message in verdict.reason


def test_malformed_seals_say_why() -> None:
    sealed = sign_header(make_header(), KEYS[:3])
    good = seals_of(sealed)
    n = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
    cases = [
        (good[0][:64], "has 64 bytes"),
        (good[0] + b"\x00", "has 66 bytes"),
        (good[0][:64] + b"\x1b", "has recId 27"),
        (bytes(32) + good[0][32:], "has r or s outside"),
        (good[0][:32] + n.to_bytes(32, "big") + b"\x00", "has r or s outside"),
    ]
    for bad, message in cases:
        verdict = verify_seals(with_extra(sealed, seals=[bad, *good[1:]]), VALIDATORS)
        assert not verdict.ok and f"seal #0 {message}" in verdict.reason, verdict.reason


def test_any_single_flipped_byte_in_a_seal_fails() -> None:
    sealed = sign_header(make_header(), KEYS[:3])  # exactly the quorum: every seal matters
    seals = seals_of(sealed)
    for i, seal in enumerate(seals):
        for pos in range(len(seal)):
            flipped = bytearray(seal)
            flipped[pos] ^= 0x01 if pos % 2 else 0x80
            tampered = with_extra(sealed, seals=[*seals[:i], bytes(flipped), *seals[i + 1 :]])
            assert not verify_seals(tampered, VALIDATORS).ok, (i, pos)


def test_any_single_flipped_byte_in_a_header_field_fails() -> None:
    sealed = sign_header(make_header(vote=Vote(address_of(STRANGER), True)), KEYS)
    fields = header_fields(sealed)
    checked = 0
    for index, value in enumerate(fields):
        positions = range(len(value)) if index != 6 else range(0, len(value), 17)  # logsBloom: sampled
        for pos in positions:
            flipped = bytearray(value)
            flipped[pos] ^= 0x01
            tampered = rlp.encode([*fields[:index], bytes(flipped), *fields[index + 1 :]])
            assert not verify_seals(tampered, VALIDATORS).ok, (index, pos)
            checked += 1
    assert checked > 500


def test_any_single_flipped_byte_of_the_encoded_header_fails() -> None:
    sealed = sign_header(make_header(), KEYS[:3])
    for pos in range(len(sealed)):
        flipped = bytearray(sealed)
        flipped[pos] ^= 0x01
        assert not verify_seals(bytes(flipped), VALIDATORS).ok, pos


# -- property tests over random headers ---------------------------------------------------------------

hash32 = st.binary(min_size=32, max_size=32)
rounds = st.integers(min_value=0, max_value=2**31 - 1)


@st.composite
def headers(draw: st.DrawFn) -> bytes:
    number = draw(st.integers(min_value=1, max_value=2**40))
    vote = draw(
        st.none() | st.builds(Vote, st.sampled_from([address_of(STRANGER), *VALIDATORS]), st.booleans())
    )
    cancun = draw(st.booleans())
    header = make_header(
        number,
        vote=vote,
        vanity=draw(hash32),
        fields={
            0: draw(hash32),
            3: draw(hash32),
            4: draw(hash32),
            5: draw(hash32),
            6: draw(st.binary(min_size=256, max_size=256)),
            10: draw(st.integers(0, 2**32).map(lambda x: x.to_bytes(5, "big").lstrip(b"\0"))),
            11: draw(st.integers(1, 2**40).map(lambda x: x.to_bytes(6, "big").lstrip(b"\0"))),
        },
    )
    if not cancun:  # a London-era header: 16 fields
        header = rlp.encode(header_fields(header)[:16])
    return header


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(header=headers(), round_=rounds, signers=st.lists(st.integers(0, 3), max_size=6))
def test_random_headers_verify_exactly_when_three_distinct_validators_sealed(
    header: bytes, round_: int, signers: list[int]
) -> None:
    sealed = sign_header(header, [KEYS[i] for i in signers], round=round_)
    verdict = verify_seals(sealed, VALIDATORS)
    distinct = list(dict.fromkeys(signers))
    assert verdict.ok is (len(distinct) >= 3 and len(distinct) == len(signers)), verdict.reason
    assert verdict.signers == [ADDRESSES[i] for i in distinct]
    assert verdict.round == round_
    assert block_hash(sealed) == block_hash(header)
    if verdict.ok:
        other_round = (round_ + 1) % (2**31)
        assert seal_hash(with_extra(sealed, round=other_round)) != seal_hash(sealed)
        assert not verify_seals(with_extra(sealed, round=other_round), VALIDATORS).ok


@settings(max_examples=60, deadline=None)
@given(
    vanity=st.binary(max_size=40),
    validators=st.lists(st.binary(min_size=20, max_size=20).map(lambda b: "0x" + b.hex()), max_size=6),
    vote=st.none()
    | st.builds(Vote, st.binary(min_size=20, max_size=20).map(lambda b: "0x" + b.hex()), st.booleans()),
    round_=rounds,
    seals=st.lists(st.binary(min_size=65, max_size=65), max_size=4),
)
def test_extra_data_round_trips(
    vanity: bytes, validators: list[str], vote: Vote | None, round_: int, seals: list[bytes]
) -> None:
    extra = QbftExtraData(vanity, validators, vote, round_, seals)
    assert decode_extra_data(encode_extra_data(extra)) == extra


# -- the production network files under deploy/ (Besu cannot run here; these checks are all there is) --

BESU = ROOT / "deploy" / "besu"


def documented_chain_id() -> int:
    found = re.search(r"\*\*Chain id (\d+)\.\*\*", (ROOT / "deploy" / "README.md").read_text())
    assert found, "deploy/README.md states the chain id"
    return int(found.group(1))


def test_genesis_is_qbft_cancun_free_gas_with_the_four_validators() -> None:
    genesis = json.loads((BESU / "genesis.json").read_text())
    trust = json.loads((BESU / "trust_root_validators.json").read_text())
    config = genesis["config"]
    assert config["chainId"] == documented_chain_id() == trust["chain_id"]
    assert {k: config[k] for k in ("londonBlock", "shanghaiTime", "cancunTime")} == dict.fromkeys(
        ("londonBlock", "shanghaiTime", "cancunTime"), 0
    )
    assert EVM_VERSION == "cancun"  # the contracts are compiled for the fork the genesis enables
    assert config["zeroBaseFee"] is True and genesis["baseFeePerGas"] == "0x0"
    qbft = config["qbft"]
    assert qbft["blockperiodseconds"] >= 1 and qbft["epochlength"] > 0
    assert qbft["requesttimeoutseconds"] >= qbft["blockperiodseconds"]
    assert "ibft2" not in config and "clique" not in config and "ethash" not in config
    assert (genesis["difficulty"], genesis["mixHash"]) == ("0x1", "0x" + BFT_MIX_HASH.hex())
    extra = decode_extra_data(h(genesis["extraData"]))
    assert len(extra.validators) == 4 and extra.validators == sorted(extra.validators)
    assert (extra.vanity, extra.vote, extra.round, extra.seals) == (bytes(32), None, 0, [])
    assert extra.validators == trust["validators"] and trust["required_seals"] == 3
    assert set(trust["organisations"]) == set(extra.validators)
    assert sorted(trust["organisations"].values()) == [
        "owners' committee",
        "property company",
        "residents' committee",
        "street office",
    ]


def test_node_configs_and_permissions_parse_and_agree() -> None:
    permissions = tomllib.loads((BESU / "permissions_config.toml").read_text())
    nodes = permissions["nodes-allowlist"]
    assert len(nodes) == 4 and all(re.fullmatch(r"enode://[0-9a-f]{128}@[\w.-]+:\d+", n) for n in nodes)
    assert all(re.fullmatch(r"0x[0-9a-f]{40}", a) for a in permissions["accounts-allowlist"])
    configs = sorted((BESU / "nodes").glob("*/config.toml"))
    assert [c.parent.name for c in configs] == [
        "owners-committee",
        "property-company",
        "residents-committee",
        "street-office",
    ]
    for path in configs:
        node = tomllib.loads(path.read_text())
        assert node["min-gas-price"] == 0
        assert node["revert-reason-enabled"] is True and node["rpc-http-enabled"] is True
        assert {"ETH", "NET", "WEB3", "QBFT"} <= set(node["rpc-http-api"])
        assert node["permissions-nodes-config-file-enabled"] is True
        assert node["permissions-accounts-config-file-enabled"] is True
        assert node["bootnodes"] == nodes  # bootnodes must be allowlisted or Besu will not start
        assert any(n.endswith(f"@{node['p2p-host']}:{node['p2p-port']}") for n in nodes)
        assert node["genesis-file"].endswith("genesis.json")


def test_the_shipped_files_are_what_make_genesis_generates() -> None:
    spec = importlib.util.spec_from_file_location("make_genesis", BESU / "make_genesis.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.main([str(BESU / "network.example.json"), "--out", str(BESU), "--check"]) == 0
