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


def test_eventSignatures_matchTheCompiledAbis() -> None:
    for spec in EVENTS:
        abi = load_artifact(spec.contract)["abi"]
        event = next(i for i in abi if i["type"] == "event" and i["name"] == spec.name)
        assert [(i["name"], i["type"], i["indexed"]) for i in event["inputs"]] == list(spec.inputs), spec.name


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
