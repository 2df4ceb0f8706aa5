"""RFC 6962 (Certificate Transparency) Merkle trees over statement entries, with SHA-256.

Why RFC 6962 rather than a home-made tree: auditors can check our roots and proofs with any
Certificate Transparency library, and the domain-separation prefixes (``0x00`` for leaves, ``0x01``
for interior nodes) stop a second-preimage attack where an interior node is passed off as a leaf.
Odd trees are not padded or duplicated: a tree of ``n`` leaves is split at the largest power of
two strictly below ``n`` (RFC 6962 section 2.1), so a leaf cannot be "proved" twice.

Everything here is iterative and linear in the number of leaves (statements carry up to millions
of entries), and pure: this module is imported by the offline verifier.

* ``MTH(D[n])`` – :func:`root` (raw leaves) and :func:`root_from_leaf_hashes`.
* ``PATH(m, D[n])`` – :func:`inclusion_proof`, :func:`inclusion_proof_from_leaf_hashes`, and
  :func:`inclusion_proofs_all` for every leaf at once.
* Verification – :func:`verify_inclusion`, the algorithm of RFC 9162 section 2.1.3.2.
* Statements – :func:`entries_root`: each entry's leaf is its RFC 8785 canonical JSON.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ledger_service.statements.canonical import canonical_bytes

__all__ = [
    "EMPTY_ROOT",
    "HASH_SIZE",
    "entries_root",
    "entry_leaf",
    "entry_leaf_hashes",
    "inclusion_proof",
    "inclusion_proof_from_leaf_hashes",
    "inclusion_proofs_all",
    "leaf_hash",
    "node_hash",
    "root",
    "root_from_leaf_hashes",
    "verify_inclusion",
]

HASH_SIZE = 32
#: MTH({}) = SHA-256 of the empty string (RFC 6962 section 2.1).
EMPTY_ROOT = hashlib.sha256(b"").digest()

_sha256 = hashlib.sha256
_LEAF_PREFIX = b"\x00"
_NODE_PREFIX = b"\x01"


def leaf_hash(leaf: bytes) -> bytes:
    """``SHA-256(0x00 || leaf)``: the hash of one leaf, never equal to an interior node's."""
    return _sha256(_LEAF_PREFIX + leaf).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """``SHA-256(0x01 || left || right)``: the hash of an interior node from its two children."""
    return _sha256(_NODE_PREFIX + left + right).digest()


def _fold(hashes: Iterable[bytes]) -> bytes:
    """Root of the RFC 6962 tree over already-hashed leaves, in one pass and O(log n) memory.

    A stack holds the roots of the perfect subtrees seen so far (one per set bit of the count, as
    in a binary counter); merging equal-sized neighbours as leaves arrive, then folding the stack
    from the right, gives exactly the tree of the RFC's "largest power of two below n" split.
    """
    stack: list[bytes] = []
    count = 0
    for h in hashes:
        count += 1
        # Each trailing 0-bit of the new count is a perfect subtree on the stack that the new
        # one (h) now completes as its right twin.
        merges = count
        while merges & 1 == 0:
            h = _sha256(_NODE_PREFIX + stack.pop() + h).digest()
            merges >>= 1
        stack.append(h)
    if not stack:
        return EMPTY_ROOT
    acc = stack.pop()
    while stack:
        acc = _sha256(_NODE_PREFIX + stack.pop() + acc).digest()
    return acc


def root(leaves: Iterable[bytes]) -> bytes:
    """``MTH(D[n])`` over raw leaves (for statements, each entry's canonical JSON bytes).

    Accepts any iterable, so a million entries can be streamed without holding their hashes.
    """
    return _fold(_sha256(_LEAF_PREFIX + leaf).digest() for leaf in leaves)


def root_from_leaf_hashes(hashes: Iterable[bytes]) -> bytes:
    """``MTH(D[n])`` when the leaf hashes (``SHA-256(0x00 || leaf)``) are already known."""
    return _fold(hashes)


def _check_index(index: int, size: int) -> None:
    if isinstance(index, bool) or not isinstance(index, int):
        raise TypeError(f"leaf index must be an int, got {type(index).__name__}")
    if not 0 <= index < size:
        raise ValueError(f"leaf index {index} is outside a tree of {size} leaves")


def _split(n: int) -> int:
    """The largest power of two strictly less than ``n`` (``n >= 2``): RFC 6962's split point."""
    return 1 << ((n - 1).bit_length() - 1)


def inclusion_proof_from_leaf_hashes(index: int, leaf_hashes: Sequence[bytes]) -> list[bytes]:
    """``PATH(index, D[n])`` of RFC 6962 section 2.1.1, from leaf hashes; bottom-up order.

    Walks down from the root, at each level recording the root of the subtree that does *not*
    contain the leaf; each leaf hash is folded into exactly one such subtree root, so the cost is
    O(n) hashing whatever the index. Raises ``ValueError`` for an index outside the tree.
    """
    _check_index(index, len(leaf_hashes))
    siblings: list[bytes] = []
    lo, hi = 0, len(leaf_hashes)  # the current subtree is leaf_hashes[lo:hi]
    while hi - lo > 1:
        mid = lo + _split(hi - lo)
        if index < mid:
            siblings.append(_fold(leaf_hashes[i] for i in range(mid, hi)))
            hi = mid
        else:
            siblings.append(_fold(leaf_hashes[i] for i in range(lo, mid)))
            lo = mid
    siblings.reverse()  # RFC order: the sibling nearest the leaf first
    return siblings


def inclusion_proof(index: int, leaves: Sequence[bytes]) -> list[bytes]:
    """``PATH(index, D[n])`` from raw leaves; see :func:`inclusion_proof_from_leaf_hashes`.

    Raw leaves and leaf hashes are both ``bytes`` and cannot be told apart, hence two functions
    rather than one that guesses.
    """
    return inclusion_proof_from_leaf_hashes(index, [leaf_hash(leaf) for leaf in leaves])


def inclusion_proofs_all(leaf_hashes: Sequence[bytes]) -> list[list[bytes]]:
    """Every leaf's ``PATH(i, D[n])``, in O(n) hashing and O(n log n) total output.

    For a statement bundle that ships a proof with each entry. Builds the tree level by level,
    pairing neighbours and carrying an unpaired last node up unchanged, which yields the same
    subtrees as the RFC's power-of-two split; a leaf's path is then its node's sibling on every
    level where one exists.
    """
    n = len(leaf_hashes)
    proofs: list[list[bytes]] = [[] for _ in range(n)]
    level: list[bytes] = list(leaf_hashes)
    # Node j of level L (leaves are level 0) covers leaves [j << L, min((j + 1) << L, n)).
    shift = 0
    while len(level) > 1:
        width = len(level)
        for j in range(width ^ (width & 1)):  # nodes that have a sibling on this level
            sibling = level[j ^ 1]
            start = j << shift
            stop = min(start + (1 << shift), n)
            for leaf in range(start, stop):
                proofs[leaf].append(sibling)
        pairs = zip(level[0::2], level[1::2], strict=False)
        next_level = [_sha256(_NODE_PREFIX + left + right).digest() for left, right in pairs]
        if width & 1:
            next_level.append(level[-1])
        level = next_level
        shift += 1
    return proofs


def verify_inclusion(
    leaf_hash: bytes, index: int, tree_size: int, proof: Sequence[bytes], root: bytes
) -> bool:
    """Whether ``proof`` shows the leaf with hash ``leaf_hash`` at ``index`` in the tree ``root``.

    RFC 9162 section 2.1.3.2, which also checks that the proof has exactly the length the index
    and size imply (a longer or shorter path is refused, not trimmed). Malformed input (a negative
    index, a hash that is not 32 bytes) gives ``False`` rather than an exception, so a verifier can
    report the failing step without special cases.

    A root does not commit to its tree size: a proof for index 0 of a 3-leaf tree also "verifies"
    with ``tree_size=4`` against that same root, because both paths have the same shape. Take
    ``tree_size`` from the anchored statement (the length of its ``entries``), never from the
    bundle being checked.
    """
    if isinstance(index, bool) or isinstance(tree_size, bool):
        return False
    if not isinstance(index, int) or not isinstance(tree_size, int):
        return False
    if not 0 <= index < tree_size:
        return False
    steps = list(proof)  # a one-shot iterator must not be consumed by the check below
    if not _is_hash(leaf_hash) or not _is_hash(root) or not all(_is_hash(p) for p in steps):
        return False
    fn, sn = index, tree_size - 1
    r = bytes(leaf_hash)
    for p in steps:
        if sn == 0:
            return False  # proof longer than the path from this leaf to the root
        if fn & 1 or fn == sn:
            r = _sha256(_NODE_PREFIX + bytes(p) + r).digest()
            if not fn & 1:
                # The leaf's subtree is the rightmost, unpaired one: skip the levels where it is
                # carried up without a sibling.
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = _sha256(_NODE_PREFIX + r + bytes(p)).digest()
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == bytes(root)


def _is_hash(value: object) -> bool:
    return isinstance(value, (bytes, bytearray, memoryview)) and len(value) == HASH_SIZE


def entry_leaf(entry: Mapping[str, Any]) -> bytes:
    """The Merkle leaf of one statement entry: its RFC 8785 JSON, exactly as in ``entries``."""
    return canonical_bytes(entry)


def entry_leaf_hashes(entries: Iterable[Mapping[str, Any]]) -> list[bytes]:
    """Leaf hashes of statement entries in statement order (block number, log index)."""
    return [leaf_hash(canonical_bytes(entry)) for entry in entries]


def entries_root(entries: Iterable[Mapping[str, Any]]) -> str:
    """The statement's ``entries_root``: RFC 6962 root over the entries' canonical JSON, as hex.

    Lowercase hex without ``0x``, like every hash in a statement. An empty period has the empty
    tree's root, ``SHA-256("")``.
    """
    return root(canonical_bytes(entry) for entry in entries).hex()
