"""The time bank end to end through the service: the CLI (in-process, the service injected) →
journal → a real anvil → indexer → SQLite → statements, slips and reads. AS-11, the
beneficiary-signature flow, fee discounts as revenue spending, refusals that change nothing, and
the AS-13 privacy scan over chain data, statements and slips."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from eth_account import Account
from typer.testing import CliRunner

from ledger_service.cli import app
from ledger_service.communities.commands import add_community, key_label
from ledger_service.people.scan import scan
from ledger_service.revenue import commands as revenue
from ledger_service.revenue.encoding import Income
from ledger_service.service import LedgerService
from ledger_service.statements.store import get_statement
from ledger_service.timebank import commands
from ledger_service.timebank import operations as ops
from ledger_service.timebank.encoding import POOL
from ledger_service.timebank.reads import volunteer_page
from ledger_service.timebank.signing import sign_digest
from tests.api.helpers import new_service, set_date

S = "tb-lotus"
POOR = "tb-bamboo"  # a community whose welfare bucket is empty
D = dt.date
#: Personal data entered in this module; the privacy scan looks for every one of them.
PERSONAL: list[str] = []


@pytest.fixture(scope="module")
def svc(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LedgerService]:
    service = new_service(tmp_path_factory.mktemp("timebank") / "home")
    try:
        roles = ("accountant", "committee", "auditor", "coordinator")
        for slug in (S, POOR):
            add_community(service, slug, roles=roles)
            _policy(service, slug)
        set_date(service, D(2026, 2, 10))
        revenue.post_income(
            service, S, Income("elevator_ads", 1_000_000, D(2026, 2, 1), "AD-1"),
            signer=key_label(S, "accountant"),
        )  # fmt: skip
        service.sync()
        yield service
    finally:
        service.close()


def _policy(svc: LedgerService, slug: str) -> None:
    """maintenance 60 % / welfare 40 % from 2026-01-01, activated by the committee role through
    Governance (the community has no governance committee yet)."""
    from ledger_service.chain.direct import call, transact
    from ledger_service.revenue.encoding import day_number

    cid = bytes.fromhex(svc.community_id(slug)[2:])
    seq = call(svc.sender, "RevenueLedger", svc.deployment.address("RevenueLedger"), "nextSeq", cid)[0]
    transact(svc.sender, svc.account(key_label(slug, "committee")), "Governance",
             svc.deployment.address("Governance"), "activatePolicy", cid, seq,
             [b"maintenance".ljust(32, b"\0"), b"welfare".ljust(32, b"\0")], [6000, 4000],
             day_number(D(2026, 1, 1)), b"\1" * 32)  # fmt: skip


def run(svc: LedgerService, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args), obj={"svc": svc})
    assert "Traceback" not in result.output, result.output
    return result.exit_code, result.output


def ok(svc: LedgerService, *args: str) -> str:
    code, out = run(svc, *args)
    assert code == 0, out
    return out


def refused(svc: LedgerService, *args: str) -> str:
    code, out = run(svc, *args)
    assert code == 1 and "Error:" in out, out
    return " ".join(out.split())


def holder_of(out: str) -> str:
    return re.search(r"holder id (0x[0-9a-fA-F]{40})", out).group(1)  # type: ignore[union-attr]


def person(svc: LedgerService, slug: str, role: str, name: str, phone: str, *extra: str) -> str:
    PERSONAL.extend([name, phone])
    return holder_of(
        ok(svc, "timebank", "person", "add", slug, "--role", role, "--name", name, "--phone", phone, *extra)
    )


def balance(svc: LedgerService, slug: str, holder: str) -> int:
    return commands.balance_of(svc, slug, holder)


def chain_state(svc: LedgerService, slug: str, *holders: str) -> tuple[Any, ...]:
    cid = bytes.fromhex(svc.community_id(slug)[2:])
    return (
        commands.view(svc, "totals", cid),
        commands.view(svc, "nextSeq", cid),
        tuple(balance(svc, slug, h) for h in holders),
    )


def test_AS11_poolGrantToElderlyResident_redeemedByHerProxy_throughTheCli(
    svc: LedgerService, tmp_path: Path
) -> None:
    v1 = person(svc, S, "volunteer", "陈志强", "13811112222", "--keep-key")
    v2 = person(svc, S, "volunteer", "林美华", "13933334444", "--keep-key")
    PERSONAL.append("和平里小区3号楼2单元501")
    elder = person(svc, S, "elderly", "王秀英", "010-6543-2100", "--address", "和平里小区3号楼2单元501")
    proxy = person(svc, S, "proxy", "王建国", "13655556666", "--keep-key")
    assert svc.account(v1) and svc.account(proxy)  # keys kept for them
    # the resident has no key at all: her id is a keyed pseudonym, not a wallet
    with pytest.raises(Exception, match="no key"):
        svc.account(elder)
    for v, minutes in ((v1, "6h"), (v2, "300")):
        ok(svc, "timebank", "record", S, "--volunteer", v, "--beneficiary", elder, "--type", "companionship",
           "--minutes", minutes, "--date", "2026-02-09")  # fmt: skip
    ok(svc, "timebank", "mint", S)
    assert (balance(svc, S, v1), balance(svc, S, v2)) == (360, 300)
    ok(svc, "timebank", "donate", S, v1, "--minutes", "5h")
    ok(svc, "timebank", "donate", S, v2, "--minutes", "300")
    pool = commands.view(svc, "balanceOf", bytes.fromhex(svc.community_id(S)[2:]), POOL)[0]
    assert pool == 600  # 10 hours in the pool
    # a grant needs the elderly registration; a proxy needs its own
    refused(svc, "timebank", "grant", S, elder, "--minutes", "10h")
    ok(svc, "timebank", "elderly", S, elder)
    ok(svc, "timebank", "grant", S, elder, "--minutes", "10h")
    ok(svc, "timebank", "item", S, "grocery-delivery", "--category", "goods", "--price", "1h",
       "--provider", "fresh-mart")  # fmt: skip
    before = chain_state(svc, S, elder)
    msg = refused(svc, "timebank", "redeem", S, elder, "grocery-delivery", "-q", "10", "--proxy", proxy)
    assert "neither" in msg and "registered proxy" in msg
    assert chain_state(svc, S, elder) == before
    ok(svc, "timebank", "proxy", S, elder, proxy)
    ok(svc, "timebank", "redeem", S, elder, "grocery-delivery", "-q", "10", "--proxy", proxy)
    assert balance(svc, S, elder) == 0
    svc.sync()
    with svc.db.begin() as conn:
        stmt = get_statement(conn, S, "2026Q1").statement
        cid = svc.community_id(S)
        assert volunteer_page(conn, cid, elder, svc.head()[0]) is None  # no public page
        assert volunteer_page(conn, cid, v1, svc.head()[0]) is not None
    [red] = [e for e in stmt["entries"] if e["kind"] == "timebank_redeemed" and e["holder"] == elder.lower()]
    assert red["proxy"] == proxy.lower() and red["amount"] == 600 and red["quantity"] == 10
    # printable slips: the resident's has no QR code (no public page), a volunteer's links theirs
    ok(svc, "timebank", "slip", S, elder, "--out", str(tmp_path / "elder.html"))
    ok(svc, "timebank", "slip", S, v1, "--out", str(tmp_path / "v1.html"))
    elder_slip, v1_slip = (tmp_path / "elder.html").read_text(), (tmp_path / "v1.html").read_text()
    assert "<svg" not in elder_slip and "/volunteers/" not in elder_slip and "王**" in elder_slip
    assert "<svg" in v1_slip and f"/c/{S}/volunteers/{v1.lower()}" in v1_slip and "陈**" in v1_slip
    assert "0.0 小时" in elder_slip  # granted 10 h, all redeemed


def test_beneficiarySignatureFlow_selfReportedHoursMintNothingUntilSigned(svc: LedgerService) -> None:
    v = person(svc, S, "volunteer", "赵明", "13700001234", "--keep-key")
    wallet = Account.create()
    b = person(svc, S, "beneficiary", "钱芳", "13700005678", "--wallet", wallet.address)
    out = ok(svc, "timebank", "record", S, "--volunteer", v, "--beneficiary", b, "--type", "repairs",
             "--minutes", "90", "--date", "2026-02-10", "--reported-by", "volunteer")  # fmt: skip
    ref = int(re.search(r"record #(\d+)", out).group(1))  # type: ignore[union-attr]
    assert balance(svc, S, v) == 0  # self-reported: nothing minted
    # a signature by someone else is refused and changes nothing
    [row] = ops._pending(svc, S, [ref])
    digest = commands.record_digest_for(svc, S, ops._as_record(row))
    before = chain_state(svc, S, v)
    forged = sign_digest(Account.create(), digest)
    msg = refused(svc, "timebank", "attest", S, str(ref), "--signature", "0x" + forged.hex())
    assert "neither" in msg and b.lower()[2:8] in msg.lower()
    assert chain_state(svc, S, v) == before
    # the beneficiary's own wallet signs what the typed data shows
    typed = ops.record_typed_data(svc, S, ref)
    assert typed["message"]["minutes"] == 90 and typed["domain"]["chainId"] == svc.deployment.chain_id
    good = sign_digest(wallet, digest)
    ok(svc, "timebank", "attest", S, str(ref), "--signature", "0x" + good.hex())
    assert balance(svc, S, v) == 90
    msg = refused(svc, "timebank", "attest", S, str(ref), "--signature", "0x" + good.hex())
    assert "mints once" in msg
    # a beneficiary whose key the service keeps signs through it
    b2 = person(svc, S, "beneficiary", "孙丽", "13700009999", "--keep-key")
    out = ok(svc, "timebank", "record", S, "--volunteer", v, "--beneficiary", b2, "--type", "repairs",
             "--minutes", "30", "--date", "2026-02-10")  # fmt: skip
    ok(svc, "timebank", "attest", S, re.search(r"record #(\d+)", out).group(1))  # type: ignore[union-attr]
    assert balance(svc, S, v) == 120


def test_feeDiscount_throughTheCli_isSpendingInTheRevenueStatement_andCapped(svc: LedgerService) -> None:
    v = person(svc, S, "volunteer", "周杰", "13500001111", "--keep-key")
    ok(svc, "timebank", "record", S, "--volunteer", v, "--beneficiary", "0x" + "5a" * 20, "--type",
       "cleaning", "--minutes", "10h", "--date", "2026-02-10")  # fmt: skip
    ok(svc, "timebank", "mint", S)
    refused(
        svc,
        "timebank",
        "fee-discount",
        S,
        v,
        "--minutes",
        "4h",
        "--ref",
        "FEE-2026-02",
        "--date",
        "2026-02-10",
    )
    # terms the owners have not voted for are refused
    refused(svc, "timebank", "fee-terms", S, "--bucket", "welfare", "--rate", "15", "--cap-holder", "90",
            "--cap-total", "150", "--period-months", "3")  # fmt: skip
    owners_approve_fee_terms(svc, S, b"welfare".ljust(32, b"\0"), 1_500, 9_000, 15_000, 3)
    ok(svc, "timebank", "fee-terms", S, "--bucket", "welfare", "--rate", "15", "--cap-holder", "90",
       "--cap-total", "150", "--period-months", "3")  # fmt: skip
    before = get_statement_totals(svc, S)
    out = ok(svc, "timebank", "fee-discount", S, v, "--minutes", "4h", "--ref", "FEE-2026-02", "--date",
             "2026-02-10")  # fmt: skip
    assert "60.00 yuan" in out
    after = get_statement_totals(svc, S)
    assert after["spent"] == before["spent"] + 6_000  # 240 minutes x 1,500 fen / 60
    assert after["welfare"] == before["welfare"] - 6_000
    assert balance(svc, S, v) == 600 - 240
    # 2 more hours would make 90 yuan: the holder's cap; 1 hour 10 minutes more would pass it
    state = (chain_state(svc, S, v), get_statement_totals(svc, S))
    msg = refused(svc, "timebank", "fee-discount", S, v, "--minutes", "2h10", "--ref", "FEE-2", "--date",
                  "2026-02-10")  # fmt: skip
    assert "cap of 90.00 yuan" in msg
    assert (chain_state(svc, S, v), get_statement_totals(svc, S)) == state
    # from an empty bucket
    w = person(svc, POOR, "volunteer", "吴磊", "13500002222", "--keep-key")
    ok(svc, "timebank", "record", POOR, "--volunteer", w, "--beneficiary", "0x" + "5b" * 20, "--type",
       "cleaning", "--minutes", "2h", "--date", "2026-02-10")  # fmt: skip
    ok(svc, "timebank", "mint", POOR)
    owners_approve_fee_terms(svc, POOR, b"welfare".ljust(32, b"\0"), 1_500, 9_000, 15_000, 3)
    ok(svc, "timebank", "fee-terms", POOR, "--bucket", "welfare", "--rate", "15", "--cap-holder", "90",
       "--cap-total", "150")  # fmt: skip
    state = chain_state(svc, POOR, w)
    msg = refused(svc, "timebank", "fee-discount", POOR, w, "--minutes", "1h", "--ref", "FEE-3", "--date",
                  "2026-02-10")  # fmt: skip
    assert "welfare" in msg
    assert chain_state(svc, POOR, w) == state


def owners_approve_fee_terms(svc: LedgerService, slug: str, *terms: Any) -> None:
    """The owners' decision on exactly these terms, in Governance: its first committee (three
    members holding their own keys here), a proposal by the accountant, two members' signed
    approvals and a passing owners' vote recorded by the committee role."""
    from eth_utils import keccak

    from ledger_service.chain.direct import call, transact
    from ledger_service.communities.commands import ensure_key

    gov = svc.deployment.address("Governance")
    cid = bytes.fromhex(svc.community_id(slug)[2:])
    members = [svc.account(ensure_key(svc, f"{slug}:member:{i}")) for i in (1, 2, 3)]
    if not call(svc.sender, "Governance", gov, "isMember", cid, members[0].address)[0]:
        transact(svc.sender, svc.account(key_label(slug, "admin")), "Governance", gov, "setUpCommittee", cid,
                 [m.address for m in members], 2, 10**9, b"maintenance".ljust(32, b"\0"))  # fmt: skip
    action = commands.view(svc, "feeTermsActionHash", cid, *terms)[0]
    pid = int(call(svc.sender, "Governance", gov, "nextProposalId", cid)[0])
    now = int(svc.w3.eth.get_block("latest")["timestamp"])
    accountant = svc.account(key_label(slug, "accountant"))
    label = b"fee terms".ljust(32, b"\0")
    transact(svc.sender, accountant, "Governance", gov, "propose", cid, pid, 1, action,
             keccak(text="fee terms"), b"\0" * 32, now + 30 * 86_400, label)  # fmt: skip
    for m in members[:2]:
        digest = call(svc.sender, "Governance", gov, "approvalDigest", cid, pid, True, now + 86_400)[0]
        transact(svc.sender, svc.account(key_label(slug, "accountant")), "Governance", gov, "sign", cid, pid,
                 m.address, True, now + 86_400, sign_digest(m, digest))  # fmt: skip
    tally = (2_700_000, 2_160_000, 1_750_000, 0, 300, 240, 190, 0)
    transact(svc.sender, svc.account(key_label(slug, "committee")), "Governance", gov, "recordVote", cid, pid,
             tally, keccak(text="ballots"))  # fmt: skip


def get_statement_totals(svc: LedgerService, slug: str) -> dict[str, int]:
    svc.sync()
    with svc.db.begin() as conn:
        s = get_statement(conn, slug, "2026Q1").statement
    return {"spent": s["spent"]["total"], "welfare": s["balances"]["welfare"]["closing"]}


def test_refusals_areOneSentence_andChangeNothing(svc: LedgerService) -> None:
    v = person(svc, S, "volunteer", "郑伟", "13400001111", "--keep-key")
    ok(svc, "timebank", "reward", S, v, "--minutes", "30", "--reason", "event_helper")
    before = chain_state(svc, S, v)
    msg = refused(svc, "timebank", "deduct", S, v, "--minutes", "31", "--reason", "noise_violation")
    assert "holds 30 minutes (0.5 h), less than 31 minutes (0.5 h)" in msg
    assert "not a whole number of minutes" in refused(
        svc, "timebank", "reward", S, v, "--minutes", "1.01h", "--reason", "x"
    )
    assert "reason code" in refused(svc, "timebank", "reward", S, v, "--minutes", "30", "--reason", "")
    assert "not a pseudonymous id" in refused(svc, "timebank", "donate", S, "张三", "--minutes", "30")
    assert "has no item 'nothing-here'" in refused(svc, "timebank", "redeem", S, v, "nothing-here")
    assert chain_state(svc, S, v) == before


def test_importSheet_checksEveryRowFirst_thenMintsInBatches(svc: LedgerService, tmp_path: Path) -> None:
    v = person(svc, S, "volunteer", "秦岚", "13000003333", "--keep-key")
    b = "0x" + "5c" * 20
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "volunteer,beneficiary,service_type,minutes,date\n"
        f"{v},{b},shopping,1h,2026-02-01\n"
        f"{v},{v},shopping,30,2026-02-02\n"
        f"{v},{b},shopping,forever,2026-02-03\n",
        encoding="utf-8",
    )
    before = chain_state(svc, S, v)
    msg = refused(svc, "timebank", "import", S, str(bad), "--mint")
    assert "2 problem(s), nothing was written" in msg and "line 3" in msg and "line 4" in msg
    assert chain_state(svc, S, v) == before
    good = tmp_path / "good.csv"
    good.write_text(
        "volunteer,beneficiary,service_type,minutes,date\n"
        + "".join(f"{v},{b},shopping,{n}0,2026-02-0{n}\n" for n in range(1, 6)),
        encoding="utf-8",
    )
    out = ok(svc, "timebank", "import", S, str(good), "--mint")
    assert "5 records written down" in out and "minted" in out
    assert balance(svc, S, v) == 10 + 20 + 30 + 40 + 50


def test_personErase_keepsEveryRecord(svc: LedgerService) -> None:
    v = person(svc, S, "volunteer", "冯静", "13300001111", "--keep-key")
    ok(svc, "timebank", "reward", S, v, "--minutes", "60", "--reason", "event_helper")
    masked = json.loads(ok(svc, "timebank", "person", "show", S, v))
    assert masked["name"] == "冯*" and masked["phone"] == "133****1111"
    revealed = json.loads(ok(svc, "timebank", "person", "show", S, v, "--reveal", "arrange a visit"))
    assert revealed["name"] == "冯静"
    ok(svc, "timebank", "person", "erase", S, v, "--reason", "the person asked")
    assert json.loads(ok(svc, "timebank", "person", "show", S, v))["erased"] is True
    assert "erased" in refused(svc, "timebank", "person", "show", S, v, "--reveal", "again")
    assert balance(svc, S, v) == 60  # the chain record stands


def _explorer(svc: LedgerService) -> Any:
    from fastapi.testclient import TestClient

    from explorer.app import create_explorer

    return TestClient(create_explorer(svc.settings.db_url, public_url="https://ledger.example"))


def test_volunteerPages_pseudonymousOnly_andNoPageForPeopleWhoReceiveHelp(svc: LedgerService) -> None:
    v = person(svc, S, "volunteer", "蒋涛", "13200001111", "--keep-key")
    b = person(svc, S, "beneficiary", "韩梅", "13200002222")
    ok(svc, "timebank", "record", S, "--volunteer", v, "--beneficiary", b, "--type", "haircut",
       "--minutes", "45", "--date", "2026-02-10")  # fmt: skip
    ok(svc, "timebank", "mint", S)
    ok(svc, "timebank", "item", S, "check-7f3a", "--category", "health_check", "--price", "30",
       "--provider", "street-clinic")  # fmt: skip
    ok(svc, "timebank", "redeem", S, v, "check-7f3a")
    svc.sync()
    client = _explorer(svc)
    listing = client.get(f"/c/{S}/volunteers.json").json()
    ids = [x["holder"] for x in listing["volunteers"]]
    assert v.lower() in ids and b.lower() not in ids
    assert listing["statistics"]["active_volunteers"] >= 1
    page = client.get(f"/c/{S}/volunteers/{v.lower()}.json").json()
    assert [e["kind"] for e in page["entries"]] == ["minted", "redeemed"]
    minted, redeemed = page["entries"]
    assert minted["minutes"] == 45 and minted["service_type"] == "haircut" and "beneficiary" not in minted
    assert redeemed["category"] == "health_check" and "provider" not in redeemed and "item" not in redeemed
    html = client.get(f"/c/{S}/volunteers/{v.lower()}")
    assert html.status_code == 200 and "<svg" in html.text and "蒋" not in html.text
    assert f"https://ledger.example/c/{S}/volunteers/{v.lower()}" in html.text
    for helped_id in (b.lower(), _elder(svc)):
        assert client.get(f"/c/{S}/volunteers/{helped_id}").status_code == 404
        assert client.get(f"/c/{S}/volunteers/{helped_id}.json").status_code == 404
    assert client.get(f"/c/{S}/volunteers.csv").text.startswith("holder,minted_minutes")


def _elder(svc: LedgerService) -> str:
    from ledger_service.people import People

    people = People(svc.db, svc.settings.data_key.get_secret_value())
    return next(p.pseudonym for p in people.in_community(S, "elderly"))


def test_AS13_privacyScan_chainDataStatementsAndSlipsHoldNoPersonalData(
    svc: LedgerService, tmp_path: Path
) -> None:
    """Runs last in this module: every name, phone number and address entered above."""
    assert len(PERSONAL) >= 10
    svc.sync()
    documents: list[tuple[str, str | bytes]] = []
    head = svc.w3.eth.block_number
    for n in range(head + 1):
        block = svc.w3.eth.get_block(n, full_transactions=True)
        txs: list[Any] = list(block["transactions"])
        for tx in txs:
            documents.append((f"tx {tx['hash'].hex()}", bytes(tx["input"])))
            for log in svc.w3.eth.get_transaction_receipt(tx["hash"])["logs"]:
                documents.append((f"log {tx['hash'].hex()}", bytes(log["data"]) + b"".join(log["topics"])))
    with svc.db.begin() as conn:
        for slug in (S, POOR):
            for label in ("2026Q1", "2026-02", "2026"):
                served = get_statement(conn, slug, label)
                documents.append((f"statement {slug} {label}", served.body))
    stats = json.loads(ok(svc, "timebank", "stats", S, "--period", "2026Q1", "--json"))
    documents.append(("stats", json.dumps(stats, ensure_ascii=False)))
    client = _explorer(svc)
    pages = [f"/c/{S}/volunteers", f"/c/{S}/volunteers.json", f"/c/{S}/volunteers.csv"]
    for label in ("2026Q1", "2026-02"):
        pages += [f"/c/{S}/{label}", f"/c/{S}/{label}.json", f"/c/{S}/{label}.csv"]
    for holder in _holders(svc):
        out = tmp_path / f"{holder}.html"
        if run(svc, "timebank", "slip", S, holder, "--out", str(out))[0] == 0:
            documents.append((f"slip {holder}", out.read_text(encoding="utf-8")))
        pages += [f"/c/{S}/volunteers/{holder}", f"/c/{S}/volunteers/{holder}.json"]
    for path in pages:
        r = client.get(path)
        assert r.status_code in (200, 404), path
        documents.append((path, r.content))
    assert len(documents) > 50
    assert scan(documents, PERSONAL) == []


def _holders(svc: LedgerService) -> list[str]:
    from sqlalchemy import select

    from ledger_service.timebank.tables import TimebankMovement

    with svc.db.session() as s:
        return sorted(set(s.scalars(select(TimebankMovement.holder))))
