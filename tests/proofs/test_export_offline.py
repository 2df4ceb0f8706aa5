"""REQUIREMENTS A-7: an export made, the service and its node stopped, and everything in the
folder still verifying — with the verifier copied into the folder, in a fresh process that cannot
open a network connection."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ledger_service.audit.commands import close_period
from ledger_service.audit.export import attest_period, export_period
from ledger_service.communities.commands import add_community
from ledger_service.core.errors import LedgerError
from ledger_service.revenue import commands as revenue
from ledger_service.revenue.encoding import Income
from tests.proofs.conftest import make_service, set_date

D = dt.date

# Runs the verifier as `python -m`, after making every socket connection fail.
OFFLINE_RUNNER = """
import runpy, socket, sys
def refuse(*args, **kwargs):
    raise OSError("network access attempted during offline verification")
socket.socket.connect = refuse
socket.socket.connect_ex = refuse
socket.create_connection = refuse
# An auditor's machine has no Civic Ledger installed: drop this venv's editable-install finder, so a
# module the export forgot to copy fails here instead of being borrowed from the checkout.
sys.meta_path[:] = [f for f in sys.meta_path if "__editable__" not in getattr(f, "__module__", "")
                    and "__editable__" not in getattr(f, "__name__", "")]
import ledger_service
print("verifier loaded from", ledger_service.__file__, file=sys.stderr)
sys.argv = ["verify", *sys.argv[1:]]
runpy.run_module("ledger_service.proofs.verify", run_name="__main__")
"""


def run_offline(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env["PYTHONPATH"] = str(folder / "verifier")
    return subprocess.run(
        [sys.executable, "-c", OFFLINE_RUNNER, *args],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    tmp = tmp_path_factory.mktemp("export")
    svc = make_service(tmp / "home")
    try:
        add_community(svc, "osmanthus")
        revenue.set_policy(svc, "osmanthus", {"maintenance": 6000, "welfare": 4000}, D(2026, 1, 1),
                           signer="osmanthus:committee", decision="assembly")  # fmt: skip
        set_date(svc, D(2026, 2, 3))
        acct = "osmanthus:accountant"
        revenue.post_income(
            svc, "osmanthus", Income("shared_parking", 480_000, D(2026, 2, 3), "SP-1"), signer=acct
        )
        revenue.post_incomes(
            svc,
            "osmanthus",
            [Income("parking", 100 + i, D(2026, 2, 3), f"P-{i}") for i in range(20)],
            signer=acct,
        )
        with pytest.raises(LedgerError):  # an open period cannot be exported
            export_period(svc, "osmanthus", "2026Q1", tmp / "too-early")
        set_date(svc, D(2026, 4, 1))
        closed = close_period(svc, "osmanthus", "2026Q1", signer=acct)
        attest_period(svc, "osmanthus", "2026Q1", signer="osmanthus:auditor", opinion="fair")
        result = export_period(svc, "osmanthus", "2026Q1", tmp / "audit-2026Q1")
        assert result.statement_hash == closed.statement_hash
    finally:
        svc.close()
    assert svc.node is not None and not svc.node.running
    facts = {"statement_hash": closed.statement_hash, "trust_root_hash": result.trust_root_hash}
    return result.directory, facts


def test_exportFolder_hasEverythingAnAuditorTakesAway(exported: tuple[Path, dict[str, str]]) -> None:
    folder, facts = exported
    names = {p.name for p in folder.iterdir()}
    assert {"statement.json", "statement.csv", "bundle.json", "trust-root.json", "README.md", "SHA256SUMS",
            "verifier"} <= names  # fmt: skip
    assert hashlib.sha256((folder / "statement.json").read_bytes()).hexdigest() == facts["statement_hash"]
    csv = (folder / "statement.csv").read_text(encoding="utf-8")
    assert f"statement_sha256,{facts['statement_hash']}" in csv
    readme = (folder / "README.md").read_text(encoding="utf-8")
    assert "中文说明" in readme and "English" in readme
    assert facts["trust_root_hash"] in readme and facts["statement_hash"] in readme
    for line in (folder / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split("  ", 1)
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest, name
    assert (folder / "verifier" / "ledger_service" / "proofs" / "verify.py").exists()


def test_serviceAndNodeStopped_exportStillVerifies_offline(exported: tuple[Path, dict[str, str]]) -> None:
    folder, facts = exported
    done = run_offline(
        folder, "bundle.json", "--trust-root", "trust-root.json",
        "--expect-trust-root-sha256", facts["trust_root_hash"], "--statement", "statement.json",
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert str(folder / "verifier") in done.stderr  # the copy in the folder, not the installed package
    assert "VERIFIED" in done.stdout and "FAIL" not in done.stdout
    assert "statement file: sha256 equals anchored hash" in done.stdout
    assert "attestation 1" in done.stdout
    assert "network access attempted" not in done.stdout + done.stderr


def test_offlineVerifier_namesTheFailingStep(exported: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    folder, facts = exported
    bundle = json.loads((folder / "bundle.json").read_bytes())
    ref = sorted(bundle["receipts"])[0]
    raw = bundle["receipts"][ref]["receipt"]
    bundle["receipts"][ref]["receipt"] = raw[:10] + ("0" if raw[10] != "0" else "1") + raw[11:]
    (tmp_path / "bad.json").write_text(json.dumps(bundle))
    done = run_offline(folder, str(tmp_path / "bad.json"), "--trust-root", "trust-root.json")
    assert done.returncode == 1
    assert f"FAILED at step 'receipt {ref}: in receiptsRoot" in done.stdout
    wrong_root = run_offline(
        folder, "bundle.json", "--trust-root", "trust-root.json", "--expect-trust-root-sha256", "00" * 32
    )
    assert wrong_root.returncode == 1 and "the notice says" in wrong_root.stdout
    other_statement = tmp_path / "statement.json"
    other_statement.write_bytes((folder / "statement.json").read_bytes() + b" ")
    done = run_offline(
        folder, "bundle.json", "--trust-root", "trust-root.json", "--statement", str(other_statement)
    )
    assert done.returncode == 1 and "FAILED at step 'statement file" in done.stdout
