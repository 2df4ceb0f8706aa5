"""The printed statement (REQUIREMENTS A-7: an export's JSON, CSV and PDF): a deterministic
rendering of the statement JSON that carries the anchored hash and the trust root's hash, every
entry and every part's numbers, and no personal data beyond what the JSON publishes."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pypdf
import pytest

from ledger_service.audit.export import export_period
from ledger_service.proofs.trust_root import trust_root_hash
from ledger_service.statements.canonical import statement_hash
from ledger_service.statements.export import format_yuan
from ledger_service.statements.pdf import statement_pdf
from tests.proofs.context_world import OSMANTHUS, PLUM, ContextWorld


def text_of(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


def squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("slug", [OSMANTHUS, PLUM])
def test_pdf_isDeterministic_andCarriesTheHashesEveryEntryAndEveryPartsNumbers(
    context_world: ContextWorld, slug: str
) -> None:
    s = context_world.statement(slug)
    root = trust_root_hash(context_world.root)
    pdf = statement_pdf(s, trust_root_sha256=root)
    assert pdf.startswith(b"%PDF-") and statement_pdf(s, trust_root_sha256=root) == pdf
    text, flat = text_of(pdf), squeezed(text_of(pdf))
    assert statement_hash(s) in flat and root in flat and s["entries_root"] in flat
    assert f"{s['community']}" in text and s["period"]["label"] in text
    for e in s["entries"]:  # every entry, located on chain
        assert e["tx_hash"][:18] in flat, e
    for line in s["balances"].values():
        assert format_yuan(line["closing"]) in text
    assert format_yuan(s["income"]["total"]) in text
    for earmarks in (s.get("funds") or {}).values():
        for line in earmarks.values():
            assert format_yuan(line["closing"]) in text
    for v in s["governance"]["votes"]:
        assert f"{v['yes_units_share']}" in text and ("passed" if v["passed"] else "failed") in text


def test_pdf_showsNamedDonorsOnly_andNoPersonalData(context_world: ContextWorld) -> None:
    text = text_of(statement_pdf(context_world.statement(OSMANTHUS)))
    assert "Osmanthus Bakery Ltd." in text  # the donor who chose to be named
    for private in ("A neighbour", "A crowdfunding backer", "13900000001", "13900000002", "021-6000-0000"):
        assert private not in text


def test_auditExport_includesThePdf_listedInItsChecksums(context_world: ContextWorld, tmp_path: Path) -> None:
    result = export_period(context_world.svc, PLUM, "2026Q1", tmp_path / "audit")
    pdf = (result.directory / "statement.pdf").read_bytes()
    assert "statement.pdf" in result.files
    assert "  statement.pdf\n" in (result.directory / "SHA256SUMS").read_text()
    assert result.statement_hash in squeezed(text_of(pdf)) and result.trust_root_hash in squeezed(
        text_of(pdf)
    )
    assert "statement.pdf" in (result.directory / "README.md").read_text()
