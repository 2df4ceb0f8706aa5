"""RFC 6962 Merkle trees: published Certificate Transparency vectors plus properties.

The vectors are the eight leaf inputs and the roots for sizes 0..8 used by the CT reference
implementation's tests (transparency-dev/merkle ``testonly/constants.go``, formerly
google/trillian), and the audit paths from ``testonly/reference_test.go`` there.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from ledger_service.statements.canonical import canonical_bytes
from ledger_service.statements.merkle import (
    EMPTY_ROOT,
    entries_root,
    entry_leaf,
    entry_leaf_hashes,
    inclusion_proof,
    inclusion_proof_from_leaf_hashes,
    inclusion_proofs_all,
    leaf_hash,
    node_hash,
    root,
    root_from_leaf_hashes,
    verify_inclusion,
)

CT_LEAVES = [
    b"",
    b"\x00",
    b"\x10",
    b" !",
    b"01",
    b"@ABC",
    b"PQRSTUVW",
    b"`abcdefghijklmno",
]
# MTH(D[n]) for the first n CT_LEAVES, n = 0..8.
CT_ROOTS = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
# Leaf hashes of CT_LEAVES (level 0 of the reference node table).
CT_LEAF_HASHES = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
    "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
    "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
    "4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658",
    "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
    "46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1",
]
# (index, tree size, PATH(index, D[size])).
CT_PATHS: list[tuple[int, int, list[str]]] = [
    (0, 1, []),
    (0, 2, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"]),
    (1, 2, ["6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"]),
    (2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
    (
        1,
        5,
        [
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
    (
        0,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        5,
        8,
        [
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
]


# --- a deliberately naive transcription of the RFC 6962 definitions, to cross-check against ---


def _ref_split(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def ref_mth(leaves: Sequence[bytes]) -> bytes:
    n = len(leaves)
    if n == 0:
        return hashlib.sha256(b"").digest()
    if n == 1:
        return hashlib.sha256(b"\x00" + leaves[0]).digest()
    k = _ref_split(n)
    return hashlib.sha256(b"\x01" + ref_mth(leaves[:k]) + ref_mth(leaves[k:])).digest()


def ref_path(m: int, leaves: Sequence[bytes]) -> list[bytes]:
    n = len(leaves)
    if n == 1:
        return []
    k = _ref_split(n)
    if m < k:
        return ref_path(m, leaves[:k]) + [ref_mth(leaves[k:])]
    return ref_path(m - k, leaves[k:]) + [ref_mth(leaves[:k])]


def make_leaves(n: int, salt: bytes = b"") -> list[bytes]:
    return [salt + i.to_bytes(4, "big") for i in range(n)]


# --- published vectors ---


def test_empty_tree_root_is_sha256_of_nothing() -> None:
    assert root([]) == EMPTY_ROOT == bytes.fromhex(CT_ROOTS[0])
    assert root_from_leaf_hashes([]) == EMPTY_ROOT


def test_leaf_hashes_match_ct_vectors() -> None:
    assert [leaf_hash(leaf).hex() for leaf in CT_LEAVES] == CT_LEAF_HASHES


def test_node_hash_uses_the_0x01_prefix() -> None:
    left, right = leaf_hash(CT_LEAVES[0]), leaf_hash(CT_LEAVES[1])
    assert node_hash(left, right).hex() == CT_ROOTS[2]


@pytest.mark.parametrize("size", range(len(CT_ROOTS)))
def test_roots_match_ct_vectors(size: int) -> None:
    assert root(CT_LEAVES[:size]).hex() == CT_ROOTS[size]
    assert root(iter(CT_LEAVES[:size])).hex() == CT_ROOTS[size]  # streaming input
    hashes = [bytes.fromhex(h) for h in CT_LEAF_HASHES[:size]]
    assert root_from_leaf_hashes(hashes).hex() == CT_ROOTS[size]


@pytest.mark.parametrize(("index", "size", "path"), CT_PATHS)
def test_inclusion_proofs_match_ct_vectors(index: int, size: int, path: list[str]) -> None:
    leaves = CT_LEAVES[:size]
    expected = [bytes.fromhex(h) for h in path]
    assert inclusion_proof(index, leaves) == expected
    assert inclusion_proof_from_leaf_hashes(index, [leaf_hash(x) for x in leaves]) == expected
    assert inclusion_proofs_all([leaf_hash(x) for x in leaves])[index] == expected
    assert verify_inclusion(leaf_hash(CT_LEAVES[index]), index, size, expected, bytes.fromhex(CT_ROOTS[size]))


@pytest.mark.parametrize("size", range(1, len(CT_LEAVES) + 1))
def test_every_ct_leaf_verifies_in_every_ct_tree(size: int) -> None:
    tree_root = bytes.fromhex(CT_ROOTS[size])
    for index in range(size):
        proof = inclusion_proof(index, CT_LEAVES[:size])
        assert verify_inclusion(leaf_hash(CT_LEAVES[index]), index, size, proof, tree_root)


# --- input checking ---


@pytest.mark.parametrize(("index", "size"), [(0, 0), (3, 3), (-1, 3)])
def test_inclusion_proof_refuses_an_index_outside_the_tree(index: int, size: int) -> None:
    with pytest.raises(ValueError, match="outside a tree"):
        inclusion_proof(index, make_leaves(size))


def test_verify_inclusion_is_false_for_malformed_input() -> None:
    leaves = make_leaves(5)
    tree_root = root(leaves)
    proof = inclusion_proof(2, leaves)
    lh = leaf_hash(leaves[2])
    assert verify_inclusion(lh, 2, 5, proof, tree_root)
    assert not verify_inclusion(lh, -1, 5, proof, tree_root)
    assert not verify_inclusion(lh, 5, 5, proof, tree_root)
    assert not verify_inclusion(lh, 0, 0, [], EMPTY_ROOT)
    assert not verify_inclusion(lh[:31], 2, 5, proof, tree_root)
    assert not verify_inclusion(lh, 2, 5, [*proof[:-1], proof[-1] + b"\x00"], tree_root)
    assert not verify_inclusion(lh, 2, 5, proof, tree_root[:31])
    assert not verify_inclusion(lh, True, 5, proof, tree_root)


@pytest.mark.parametrize("leaf", [5, "text"])
def test_leaves_must_be_bytes(leaf: object) -> None:
    # bytes(5) would silently be five zero bytes; refuse instead.
    with pytest.raises(TypeError):
        root([leaf])  # type: ignore[list-item]
    with pytest.raises(TypeError):
        leaf_hash(leaf)  # type: ignore[arg-type]


def test_a_leaf_cannot_pose_as_an_interior_node() -> None:
    # The second-preimage attack RFC 6962's prefixes exist for: present the two children of the
    # root as a "leaf" of a one-leaf tree.
    leaves = make_leaves(2)
    forged_leaf = leaf_hash(leaves[0]) + leaf_hash(leaves[1])
    assert root([forged_leaf]) != root(leaves)


def test_deep_tree_root_matches_reference_without_recursion_limits() -> None:
    leaves = make_leaves(5000)
    assert root(leaves) == ref_mth(leaves)


# --- properties ---

sizes = st.integers(min_value=1, max_value=300)


@settings(max_examples=60, deadline=None)
@given(sizes)
@example(1)
@example(2)
@example(255)
@example(256)
@example(257)
def test_every_leaf_proof_verifies(size: int) -> None:
    leaves = make_leaves(size)
    tree_root = root(leaves)
    assert tree_root == ref_mth(leaves)
    hashes = [leaf_hash(x) for x in leaves]
    for index, proof in enumerate(inclusion_proofs_all(hashes)):
        assert verify_inclusion(hashes[index], index, size, proof, tree_root)


@settings(max_examples=40, deadline=None)
@given(sizes)
@example(1)
@example(300)
def test_inclusion_proofs_all_equals_inclusion_proof_and_the_rfc(size: int) -> None:
    leaves = make_leaves(size)
    hashes = [leaf_hash(x) for x in leaves]
    everyone = inclusion_proofs_all(hashes)
    assert len(everyone) == size
    for index in range(size):
        single = inclusion_proof_from_leaf_hashes(index, hashes)
        assert everyone[index] == single
        if size <= 64 or index in (0, size // 2, size - 1):  # the naive reference is quadratic
            assert single == ref_path(index, leaves)


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_a_proof_does_not_verify_for_another_index(data: st.DataObject) -> None:
    size = data.draw(st.integers(min_value=2, max_value=300), label="size")
    index = data.draw(st.integers(min_value=0, max_value=size - 1), label="index")
    other = data.draw(
        st.integers(min_value=0, max_value=size - 1).filter(lambda i: i != index), label="other"
    )
    leaves = make_leaves(size)
    tree_root = root(leaves)
    proof = inclusion_proof(index, leaves)
    assert not verify_inclusion(leaf_hash(leaves[index]), other, size, proof, tree_root)
    # Nor for another leaf at the proven index.
    assert not verify_inclusion(leaf_hash(leaves[other]), index, size, proof, tree_root)
    assert not verify_inclusion(leaf_hash(b"not in the tree"), index, size, proof, tree_root)


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_a_proof_does_not_verify_for_another_tree_size(data: st.DataObject) -> None:
    size = data.draw(sizes, label="size")
    index = data.draw(st.integers(min_value=0, max_value=size - 1), label="index")
    wrong_size = data.draw(
        st.integers(min_value=index + 1, max_value=600).filter(lambda s: s != size), label="wrong_size"
    )
    # The leaf is genuinely at ``index`` in both trees (one extends the other), but a proof made
    # for one size does not verify against the root of the other. (Against the *same* root a wrong
    # size can verify when both sizes give the path the same shape, e.g. index 0 in sizes 3 and 4:
    # a root does not commit to its size, so verifiers must take the size from the anchored
    # statement, never from the proof bundle alone.)
    leaves = make_leaves(max(size, wrong_size))
    proof = inclusion_proof(index, leaves[:size])
    lh = leaf_hash(leaves[index])
    assert verify_inclusion(lh, index, size, proof, root(leaves[:size]))
    assert not verify_inclusion(lh, index, wrong_size, proof, root(leaves[:wrong_size]))


def test_a_root_does_not_commit_to_the_tree_size() -> None:
    # Documented limitation of RFC 6962/9162 that callers must design around (see above).
    leaves = make_leaves(4)
    proof = inclusion_proof(0, leaves[:3])
    assert verify_inclusion(leaf_hash(leaves[0]), 0, 4, proof, root(leaves[:3]))


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_flipping_any_byte_of_any_proof_node_fails(data: st.DataObject) -> None:
    size = data.draw(st.integers(min_value=2, max_value=300), label="size")
    index = data.draw(st.integers(min_value=0, max_value=size - 1), label="index")
    leaves = make_leaves(size)
    tree_root = root(leaves)
    proof = inclusion_proof(index, leaves)
    lh = leaf_hash(leaves[index])
    assert verify_inclusion(lh, index, size, proof, tree_root)
    node = data.draw(st.integers(min_value=0, max_value=len(proof) - 1), label="node")
    position = data.draw(st.integers(min_value=0, max_value=31), label="byte")
    mask = data.draw(st.integers(min_value=1, max_value=255), label="mask")
    tampered = bytearray(proof[node])
    tampered[position] ^= mask
    bad = [*proof[:node], bytes(tampered), *proof[node + 1 :]]
    assert not verify_inclusion(lh, index, size, bad, tree_root)


@settings(max_examples=30, deadline=None)
@given(sizes)
def test_every_single_byte_flip_of_a_proof_fails(size: int) -> None:
    leaves = make_leaves(size)
    index = size // 3
    tree_root = root(leaves)
    proof = inclusion_proof(index, leaves)
    lh = leaf_hash(leaves[index])
    for node in range(len(proof)):
        for position in range(32):
            tampered = bytearray(proof[node])
            tampered[position] ^= 0x01
            bad = [*proof[:node], bytes(tampered), *proof[node + 1 :]]
            assert not verify_inclusion(lh, index, size, bad, tree_root)


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_a_truncated_extended_or_reordered_proof_fails(data: st.DataObject) -> None:
    size = data.draw(st.integers(min_value=3, max_value=300), label="size")
    index = data.draw(st.integers(min_value=0, max_value=size - 1), label="index")
    leaves = make_leaves(size)
    tree_root = root(leaves)
    proof = inclusion_proof(index, leaves)
    lh = leaf_hash(leaves[index])
    assert not verify_inclusion(lh, index, size, proof[:-1], tree_root)
    assert not verify_inclusion(lh, index, size, [*proof, proof[-1]], tree_root)
    assert not verify_inclusion(lh, index, size, [*proof, EMPTY_ROOT], tree_root)
    if len(proof) >= 2 and proof[0] != proof[1]:
        assert not verify_inclusion(lh, index, size, [proof[1], proof[0], *proof[2:]], tree_root)


# --- statement entries ---

ENTRIES = [
    {
        "kind": "income",
        "seq": 1,
        "ref": "AD-2026-001",
        "amount": 1200000,
        "source": "elevator_ads",
        "tx_hash": "0x" + "ab" * 32,
        "block_number": 12,
        "log_index": 0,
    },
    {
        "kind": "allocation",
        "seq": 2,
        "ref": "AD-2026-001",
        "amount": 720000,
        "bucket": "maintenance",
        "tx_hash": "0x" + "ab" * 32,
        "block_number": 12,
        "log_index": 1,
    },
    {
        "kind": "reversal",
        "seq": 3,
        "ref": "AD-2026-001-R",
        "amount": -1200000,
        "corrects": 1,
        "tx_hash": "0x" + "cd" * 32,
        "block_number": 15,
        "log_index": 0,
    },
]


def test_entries_root_is_the_rfc6962_root_of_canonical_entries() -> None:
    leaves = [canonical_bytes(e) for e in ENTRIES]
    assert entries_root(ENTRIES) == ref_mth(leaves).hex()
    assert entry_leaf(ENTRIES[0]) == leaves[0]
    assert entry_leaf_hashes(ENTRIES) == [leaf_hash(x) for x in leaves]


def test_entries_root_ignores_key_order_but_not_entry_order() -> None:
    shuffled_keys = [dict(reversed(list(e.items()))) for e in ENTRIES]
    assert entries_root(shuffled_keys) == entries_root(ENTRIES)
    assert entries_root(list(reversed(ENTRIES))) != entries_root(ENTRIES)


def test_entries_root_of_an_empty_period() -> None:
    assert entries_root([]) == CT_ROOTS[0]


def test_entries_root_refuses_float_amounts() -> None:
    with pytest.raises(ValueError, match="float"):
        entries_root([{**ENTRIES[0], "amount": 12000.0}])


def test_an_entry_proof_verifies_against_entries_root() -> None:
    hashes = entry_leaf_hashes(ENTRIES)
    anchored = bytes.fromhex(entries_root(ENTRIES))
    for index, proof in enumerate(inclusion_proofs_all(hashes)):
        assert verify_inclusion(leaf_hash(entry_leaf(ENTRIES[index])), index, len(ENTRIES), proof, anchored)
    tampered = {**ENTRIES[1], "amount": 720001}
    proof = inclusion_proof_from_leaf_hashes(1, hashes)
    assert not verify_inclusion(leaf_hash(entry_leaf(tampered)), 1, len(ENTRIES), proof, anchored)
