"""The verifier trusts neither the operator nor the node: importing it loads no database, node,
sender, journal or web3 code (checked in a fresh interpreter), and the event signatures and
storage slots it hard-codes are the ones the compiler produced."""

from __future__ import annotations

import json
import subprocess
import sys

from ledger_service.chain.compile import load_artifact
from ledger_service.core.config import PROJECT_ROOT
from ledger_service.proofs.events import EVENTS
from ledger_service.proofs.verify import BALANCE_WORDS_SLOT, BUCKET_IDS_SLOT

FORBIDDEN = (
    "ledger_service.db",
    "ledger_service.chain",  # node, sender, journal, keys, deploy
    "ledger_service.service",
    "ledger_service.indexer",
    "ledger_service.api",
    "ledger_service.revenue",
    "ledger_service.audit",
    "ledger_service.proofs.bundle",
    "web3",
    "eth_account",
    "sqlalchemy",
)


def test_verifier_importsNoDatabaseNodeSenderOrWeb3() -> None:
    code = (
        "import json, sys\n"
        "import ledger_service.proofs.verify as v\n"
        "v.verify_bundle({}, {})\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True,
                         check=True, timeout=60)  # fmt: skip
    modules = json.loads(out.stdout.strip().splitlines()[-1])
    assert "ledger_service.proofs.verify" in modules and "rlp" in modules
    bad = [m for m in modules if m == "web3" or m.startswith(FORBIDDEN)]
    assert bad == [], f"the verifier imports {bad}"


def _canonical(item: dict) -> str:
    """An ABI input's canonical type: a struct is the tuple of its components' types."""
    if item["type"] == "tuple":
        return "(" + ",".join(_canonical(c) for c in item["components"]) + ")"
    return str(item["type"])


def test_eventSignatures_matchTheCompiledAbis() -> None:
    for spec in EVENTS:
        abi = load_artifact(spec.contract)["abi"]
        event = next(i for i in abi if i["type"] == "event" and i["name"] == spec.name)
        inputs = [(i["name"], _canonical(i), i["indexed"]) for i in event["inputs"]]
        assert inputs == list(spec.inputs), spec.name


def test_storageSlots_matchTheCompilersLayout() -> None:
    from ledger_service.chain import compile as solc

    standard = solc.standard_json_input()
    source = "contracts/revenue/RevenueLedger.sol"
    standard["settings"]["outputSelection"] = {source: {"RevenueLedger": ["storageLayout"]}}
    output = json.loads(solc._run_node([], json.dumps(standard)))
    layout = {
        s["label"]: int(s["slot"])
        for s in output["contracts"][source]["RevenueLedger"]["storageLayout"]["storage"]
    }
    assert layout["_balanceWords"] == BALANCE_WORDS_SLOT
    assert layout["_bucketIds"] == BUCKET_IDS_SLOT


def test_constantsTheVerifierSpellsOut_matchTheServices() -> None:
    """The verifier re-states a few of the contexts' constants instead of importing their
    (database-bound) packages; they must stay the same."""
    from ledger_service.funds import encoding as funds_encoding
    from ledger_service.proofs import funds as proofs_funds
    from ledger_service.proofs import timebank as proofs_timebank
    from ledger_service.proofs.common import label
    from ledger_service.timebank import encoding as timebank_encoding

    assert proofs_funds.DONOR_TYPES == funds_encoding.DONOR_TYPES
    assert proofs_funds.FORMULAS == funds_encoding.FORMULAS
    for kind in funds_encoding.FORMULAS:
        for rate, units in ((50, 2_700_000), (2_000, 500), (7, 333), (1, 99)):
            assert proofs_funds.formula_expected(kind, rate, units) == funds_encoding.formula_expected(
                kind, rate, units
            )
    assert proofs_timebank.HEALTH_CATEGORY == timebank_encoding.HEALTH_CATEGORY
    for raw in (
        b"haircut".ljust(16, b"\0"),
        b"\xff" * 32,
        b"\0" * 16,
        b"a\0b".ljust(16, b"\0"),
        "理发".encode(),
    ):
        assert label(raw) == timebank_encoding.label(raw)
