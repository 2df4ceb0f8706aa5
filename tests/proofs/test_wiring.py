"""The proofs as users reach them: API downloads verify, the trust root route matches the
explorer's hash, an auditor token attests, and `civic-ledger audit export` + `civic-ledger verify`
work from the command line."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from ledger_service.api.app import create_app
from ledger_service.api.auth import create_token
from ledger_service.cli import app as cli
from ledger_service.communities.commands import key_label
from ledger_service.proofs.trust_root import trust_root_hash
from ledger_service.proofs.verify import verify_bundle
from tests.proofs.conftest import BAMBOO, LOTUS, Q1, World


def test_api_bundleDownloads_verifyAgainstTheServedTrustRoot(world: World) -> None:
    client = TestClient(create_app(world.svc, explorer=False))
    root = client.get("/api/v1/trust-root.json")
    assert root.status_code == 200 and root.headers["x-trust-root-sha256"] == trust_root_hash(root.json())
    statement = client.get(f"/api/v1/communities/{LOTUS}/periods/{Q1}/bundle.json")
    assert statement.status_code == 200 and "attachment" in statement.headers["content-disposition"]
    assert verify_bundle(statement.json(), root.json()).ok
    entry = client.get(f"/api/v1/communities/{LOTUS}/periods/{Q1}/entries/0/bundle.json")
    assert entry.status_code == 200 and verify_bundle(entry.json(), root.json()).ok
    missing = client.get(f"/api/v1/communities/{LOTUS}/periods/{Q1}/entries/100000/bundle.json")
    assert missing.status_code == 404 and "no entry" in missing.json()["message"]


def test_api_entryBundle_asGzip_isTheSameBundle_andVerifiesFromAFile(world: World, tmp_path: Path) -> None:
    client = TestClient(create_app(world.svc, explorer=False))
    root = client.get("/api/v1/trust-root.json").json()
    plain = client.get(f"/api/v1/communities/{LOTUS}/periods/{Q1}/entries/0/bundle.json")
    packed = client.get(f"/api/v1/communities/{LOTUS}/periods/{Q1}/entries/0/bundle.json.gz")
    assert packed.status_code == 200 and packed.headers["content-type"] == "application/gzip"
    assert json.loads(gzip.decompress(packed.content)) == plain.json()
    (tmp_path / "entry.json.gz").write_bytes(packed.content)
    (tmp_path / "root.json").write_text(json.dumps(root))
    verified = CliRunner().invoke(
        cli, ["verify", str(tmp_path / "entry.json.gz"), "--trust-root", str(tmp_path / "root.json")]
    )
    assert verified.exit_code == 0, verified.output


def test_api_attest_needsAnAuditorToken_andRecordsOnce(world: World) -> None:
    svc = world.svc
    client = TestClient(create_app(svc, explorer=False))
    accountant = create_token(
        svc, BAMBOO, "accountant", svc.keys.resolve(key_label(BAMBOO, "accountant")), "a"
    )
    auditor = create_token(svc, BAMBOO, "auditor", svc.keys.resolve(key_label(BAMBOO, "auditor")), "b")
    url = f"/api/v1/communities/{BAMBOO}/periods/{Q1}/attest"
    refused = client.post(url, json={"opinion": "fine"}, headers={"Authorization": f"Bearer {accountant}"})
    assert refused.status_code == 403 and "auditor" in refused.json()["message"]
    ok = client.post(url, json={"opinion": "unqualified"}, headers={"Authorization": f"Bearer {auditor}"})
    assert ok.status_code == 200, ok.text
    again = client.post(url, json={"opinion": "unqualified"}, headers={"Authorization": f"Bearer {auditor}"})
    assert again.status_code == 409 and "already attested" in again.json()["message"]


def test_explorer_showsTheTrustRootHash_andLinksEntryBundles(world: World) -> None:
    client = TestClient(create_app(world.svc))
    page = client.get(f"/c/{LOTUS}/{Q1}?lang=en").text
    root = TestClient(create_app(world.svc, explorer=False)).get("/api/v1/trust-root.json")
    assert root.headers["x-trust-root-sha256"] in page
    assert f"/api/v1/communities/{LOTUS}/periods/{Q1}/entries/0/bundle.json.gz" in page


def test_cli_auditExport_thenVerify(world: World, tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "export"
    done = runner.invoke(
        cli, ["audit", "export", LOTUS, "--period", Q1, "-o", str(out)], obj={"svc": world.svc}
    )
    assert done.exit_code == 0, done.output
    assert json.loads((out / "statement.json").read_bytes())["status"] == "closed"
    verified = runner.invoke(
        cli, ["verify", str(out / "bundle.json"), "--trust-root", str(out / "trust-root.json")]
    )
    assert verified.exit_code == 0, verified.output
    bundle = json.loads((out / "bundle.json").read_text())
    bundle["statement"] = bundle["statement"].replace('"closed"', '"provisional"', 1)
    (out / "bundle.json").write_text(json.dumps(bundle))
    tampered = runner.invoke(
        cli, ["verify", str(out / "bundle.json"), "--trust-root", str(out / "trust-root.json")]
    )
    assert tampered.exit_code == 1 and "fail" in tampered.output.lower()
