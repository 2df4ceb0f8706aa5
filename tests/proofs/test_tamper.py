"""Tamper tests over every field, not one example.

Each test walks a real bundle's JSON and changes one leaf at a time — every byte position of
every hex field in a single-entry bundle, sampled positions elsewhere, every integer (+1) and every
other string (one character appended or replaced) — then checks that verification fails, and fails
AT THE STEP that owns that part of the bundle (``expected_check`` maps each bundle path to it).
The trust root is walked the same way.
"""

from __future__ import annotations

import copy
import random
from collections.abc import Iterator
from typing import Any

import pytest

from ledger_service.proofs import bundle as bundles
from ledger_service.proofs.verify import verify_bundle
from tests.proofs.conftest import BAMBOO, LOTUS, QBFT_KEYS, World, qbft_validators, reseal_qbft

Path = tuple[Any, ...]


def leaves(value: Any, path: Path = ()) -> Iterator[tuple[Path, Any]]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield from leaves(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from leaves(v, (*path, i))
    else:
        yield path, value


def is_hex(value: Any) -> bool:
    if not isinstance(value, str) or not value.startswith("0x") or len(value) < 4 or len(value) % 2:
        return False
    try:
        bytes.fromhex(value[2:])
    except ValueError:
        return False
    return True


def positions(n: int, exhaustive: bool, rng: random.Random) -> list[int]:
    if exhaustive or n <= 8:
        return list(range(n))
    return sorted({0, 1, n // 3, n // 2, n - 2, n - 1, rng.randrange(n), rng.randrange(n)})


def mutations(value: Any, exhaustive: bool, rng: random.Random) -> Iterator[tuple[str, Any]]:
    """Single-leaf changes of ``value``: one byte of a hex string, +1 for an integer, one
    character appended to or replaced in any other string, negation of a boolean."""
    if isinstance(value, bool):
        yield "negated", not value
    elif isinstance(value, int):
        yield "+1", value + 1
    elif is_hex(value):
        raw = bytearray.fromhex(value[2:])
        for p in positions(len(raw), exhaustive, rng):
            changed = bytearray(raw)
            changed[p] = (changed[p] + 1) % 256
            yield f"byte {p}", "0x" + changed.hex()
    elif isinstance(value, str):
        if len(value) > 200:  # the statement text: replace characters at sampled positions
            for p in positions(len(value), False, rng):
                yield f"char {p}", value[:p] + ("1" if value[p] != "1" else "2") + value[p + 1 :]
        else:
            yield "appended", value + "x"


def expected_check(bundle: dict[str, Any], path: Path) -> str:
    head = path[0]
    simple = {
        "format": "bundle.format",
        "scope": "bundle.format",
        "trust_root_sha256": "trust_root.match",
        "chain_id": "trust_root.chain_id",
        "community": "anchor.names",
        "period": "anchor.names",
        "headers": "header.hash",
        "transactions": "tx.in_root",
        "receipts": "receipt.in_root",
        "anchor": "anchor.log",
        "attestations": "attestation",
        "statement": "statement.sha256",
        "balances": "balance",
    }
    if head in simple:
        return simple[head]
    if head == "context":
        return {
            "community": "context.community",
            "policies": "context.policy",
            "incomes": "context.income",
            "votes": "context.vote",
            "decision_types": "context.decision_type",
            "objections": "context.objection",
        }[path[1]]
    assert head == "entries", path
    item = bundle["entries"][path[1]]
    field = path[2]
    if field in ("receipt", "log"):
        return "entry.log"
    if field == "index":
        return "entry.inclusion" if bundle["scope"] == "entry" else "entry.log"
    if field == "inclusion":
        return "entry.inclusion"
    assert field == "entry", path
    key = path[3]
    if key in ("block_number", "log_index"):
        return "entry.log"
    if key == "tx_hash":
        # re-hashed only when the transaction is in the bundle; otherwise the leaf changes
        return "entry.log" if item["receipt"] in bundle["transactions"] else "entry.inclusion"
    return "entry.event"


def set_at(doc: Any, path: Path, value: Any) -> None:
    for key in path[:-1]:
        doc = doc[key]
    doc[path[-1]] = value


def tamper_all(
    bundle: dict[str, Any], root: dict[str, Any], *, exhaustive: bool, keep: Any = None
) -> tuple[int, list[str]]:
    """Apply every mutation; return how many were tried and what went wrong."""
    assert verify_bundle(bundle, root).ok
    doc = copy.deepcopy(bundle)
    rng = random.Random(8)
    tried, wrong = 0, []
    for path, original in list(leaves(doc)):
        if keep is not None and not keep(path):
            continue
        want = expected_check(doc, path)
        for what, changed in mutations(original, exhaustive, rng):
            set_at(doc, path, changed)
            failed = verify_bundle(doc, root).failed
            set_at(doc, path, original)
            tried += 1
            if failed is None:
                wrong.append(f"{'.'.join(map(str, path))} {what}: still verifies")
            elif failed.check != want:
                wrong.append(
                    f"{'.'.join(map(str, path))} {what}: "
                    f"failed at {failed.check} ({failed.detail}), not {want}"
                )
    return tried, wrong


def test_singleEntryBundle_everyByteOfEveryField(world: World) -> None:
    index = world.index_of(LOTUS, ref="AD-2026-001")
    b = bundles.derive_entry_bundle(world.statement_bundles[LOTUS], index)
    assert len(b["transactions"]) == 2  # the entry's and the anchor's
    tried, wrong = tamper_all(b, world.root, exhaustive=True)
    assert tried > 3_000
    assert wrong == []


@pytest.mark.parametrize(
    "slug,match,limit",
    [
        (LOTUS, {"ref": "PK-042"}, bundles.ENTRY_BUNDLE_LIMIT),  # inside the batch of 100
        (LOTUS, {"kind": "policy"}, None),  # with the community's registration and the statement
        (LOTUS, {"kind": "reversal"}, None),  # with the policy and the reversed income as context
        (LOTUS, {"kind": "deposit_returned"}, bundles.ENTRY_BUNDLE_LIMIT),
        (BAMBOO, {"kind": "reallocation"}, None),
        (BAMBOO, {"kind": "reversal"}, bundles.ENTRY_BUNDLE_LIMIT),
    ],
)
def test_entryBundles_everyField_sampledBytes(
    world: World, slug: str, match: dict, limit: int | None
) -> None:
    index = world.index_of(slug, **match)
    b = bundles.derive_entry_bundle(world.statement_bundles[slug], index, limit=limit)
    tried, wrong = tamper_all(b, world.root, exhaustive=False)
    assert tried > 50
    assert wrong == []


@pytest.mark.parametrize("slug", [LOTUS, BAMBOO])
def test_statementBundle_everyField_sampledBytes(world: World, slug: str) -> None:
    b = world.statement_bundles[slug]
    n = len(b["entries"])

    def keep(path: Path) -> bool:  # every field, but only a few of a hundred identical entry rows
        return path[0] != "entries" or path[1] in (0, 1, n // 2, n - 2, n - 1)

    tried, wrong = tamper_all(b, world.root, exhaustive=False, keep=keep)
    assert tried > 100
    assert wrong == []


def test_trustRoot_everyField(world: World) -> None:
    b = bundles.derive_entry_bundle(world.statement_bundles[LOTUS], 1)
    root = copy.deepcopy(world.root)
    rng = random.Random(3)
    tried, wrong = 0, []
    for path, original in list(leaves(root)):
        for what, changed in mutations(original, False, rng):
            set_at(root, path, changed)
            failed = verify_bundle(b, root).failed
            set_at(root, path, original)
            tried += 1
            if failed is None or failed.check != "trust_root.match":
                wrong.append(f"{'.'.join(map(str, path))} {what}: {failed}")
    assert tried > 20
    assert wrong == []


def test_qbftSealedHeaders_everyByte_failsAtHashOrSeals(world: World) -> None:
    """On a QBFT network the block hash leaves the commit seals (and the round) out, so a changed
    byte there keeps the hash and must be caught by the seal check; any other byte changes the
    hash. Either way, never a pass."""
    from ledger_service.proofs import qbft
    from ledger_service.proofs.trust_root import trust_root, trust_root_hash

    validators = qbft_validators()
    root = trust_root(world.svc.deployment, validators)
    b = bundles.derive_entry_bundle(world.statement_bundles[LOTUS], world.index_of(LOTUS, ref="AD-2026-001"))
    b["trust_root_sha256"] = trust_root_hash(root)
    reseal_qbft(b, QBFT_KEYS[:3], validators)
    assert verify_bundle(b, root).ok
    key = max(b["headers"], key=int)  # the anchor's block
    header = b["headers"][key]
    raw = bytes.fromhex(header["rlp"][2:])
    wrong, seal_caught = [], 0
    for p in range(len(raw)):
        changed = bytearray(raw)
        changed[p] = (changed[p] + 1) % 256
        try:
            keeps_hash = qbft.block_hash(bytes(changed)).hex() == header["hash"][2:]
        except Exception:
            keeps_hash = False
        header["rlp"] = "0x" + changed.hex()
        failed = verify_bundle(b, root).failed
        header["rlp"] = "0x" + raw.hex()
        want = "seals" if keeps_hash else "header.hash"
        seal_caught += keeps_hash
        if failed is None or failed.check != want:
            wrong.append(f"byte {p}: {failed and failed.check} ({failed and failed.detail}), not {want}")
    assert seal_caught >= 3 * 65  # every byte of the three seals, at least
    assert wrong == []
