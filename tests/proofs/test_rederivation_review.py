"""Review of the verifier's re-derivations (``proofs/timebank.py``, ``proofs/funds.py``,
``proofs/governance.py``) against the indexer and the statement sections, on inputs the chain
can really produce.

Each side is run for real: the indexer's handlers over hand-made logs into an in-memory SQLite
index (and PostgreSQL where column widths matter), the statement section over that index, and the
verifier's pure functions over the same event arguments and the section's output. Tests under
"Mismatches" each showed a disagreement the review found (their docstrings say which side was
wrong and why) and now hold its fix; the rest pin the tricky cases that were checked and agree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import Connection

from ledger_service.db.session import make_engine
from ledger_service.funds import goods as goods_statement
from ledger_service.funds import statement as funds_statement
from ledger_service.funds.handlers import GOODS_HANDLERS
from ledger_service.funds.handlers import HANDLERS as FUNDS_HANDLERS
from ledger_service.funds.tables import FundEntry, GoodsEntry
from ledger_service.governance import queries as governance_queries
from ledger_service.governance.tables import GovernanceVote
from ledger_service.indexer.registry import Batch, Log, registry
from ledger_service.proofs.common import EntryContext, block_local_date
from ledger_service.proofs.funds import funds_entry, goods_entry, recompute_funds, recompute_goods
from ledger_service.proofs.governance import vote_json
from ledger_service.proofs.timebank import recompute_timebank, timebank_entry
from ledger_service.statements.periods import day_number, parse_period
from ledger_service.statements.sections import Query
from ledger_service.timebank import statement as timebank_statement
from ledger_service.timebank.handlers import HANDLERS as TIMEBANK_HANDLERS
from ledger_service.timebank.tables import TimebankEntry, TimebankMovement
from tests.conftest import make_database_url

SHANGHAI = 480  # minutes east of UTC
OSM = b"\x11" * 32
PLUM = b"\x22" * 32
OSM_ID, PLUM_ID = "0x" + OSM.hex(), "0x" + PLUM.hex()
ALICE = "0x" + "a1" * 20
BOB = "0x" + "b2" * 20
KEEPER = "0x" + "c3" * 20
ZERO_ADDR = "0x" + "00" * 20
MARCH = parse_period("2026-03")
POSITION = ("tx_hash", "block_number", "log_index")
NOT_UTF8 = b"\xff\xfe" + b"x" * 30
NON_PRINTABLE = b"tab\there".ljust(32, b"\0")
INNER_NUL = b"ab\0cd".ljust(32, b"\0")


def b32(text: str) -> bytes:
    return text.encode().ljust(32, b"\0")


def b16(text: str) -> bytes:
    return text.encode().ljust(16, b"\0")


def dn(y: int, m: int, d: int) -> int:
    return day_number(dt.date(y, m, d))


def ts(y: int, m: int, d: int, hour: int = 10, minute: int = 0, second: int = 0) -> int:
    """Unix seconds of a local Shanghai wall-clock time."""
    tz = dt.timezone(dt.timedelta(minutes=SHANGHAI))
    return int(dt.datetime(y, m, d, hour, minute, second, tzinfo=tz).timestamp())


class Chain:
    """Hand-made logs run through the indexer's own handlers into an in-memory SQLite index."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.block = 0
        self.logs: list[Log] = []

    def emit(self, contract: str, event: str, args: dict[str, Any], when: int) -> Log:
        self.block += 1
        log = Log(
            contract=contract,
            event=event,
            args=args,
            chain_id=1,
            block_number=self.block,
            block_hash="0x" + f"{self.block:064x}",
            tx_hash="0x" + f"{self.block + 0xABC:064x}",
            log_index=0,
            timestamp=when,
        )
        batch = Batch(self.conn, 1, memo={"offsets": {OSM_ID: SHANGHAI, PLUM_ID: SHANGHAI}})
        handlers = {"Funds": FUNDS_HANDLERS, "Goods": GOODS_HANDLERS, "TimeBank": TIMEBANK_HANDLERS}
        handlers[contract][event](log, batch)
        batch.flush()
        self.logs.append(log)
        return log


@pytest.fixture
def chain() -> Iterator[Chain]:
    engine = create_engine("sqlite://")
    with engine.begin() as conn:
        for table in (FundEntry, GoodsEntry, TimebankEntry, TimebankMovement):
            table.__table__.create(conn)
        yield Chain(conn)


def statement_of(section: Any, chain: Chain, community: str = OSM_ID) -> dict[str, Any]:
    """What the statement carries from one section: its fields, flags and entries."""
    result = section(chain.conn, Query(community, MARCH, chain.block))
    return {**result.fields, "flags": sorted(result.flags), "entries": result.entries}


def public(entry: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in entry.items() if k not in POSITION}


def fund_created(seq: int, fund: str = "care", threshold: int = 500_000) -> dict[str, Any]:
    return {
        "community": OSM,
        "seq": seq,
        "fund": b32(fund),
        "kind": b16("community"),
        "ownersThreshold": threshold,
        "by": KEEPER,
    }


def donation(seq: int, day: int, amount: int, receipt: str, **over: Any) -> dict[str, Any]:
    args = {
        "community": OSM,
        "seq": seq,
        "receipt": b32(receipt),
        "fund": b32("care"),
        "earmark": b32("general"),
        "donor": b"\x07" * 32,
        "donorType": 1,
        "amount": amount,
        "businessDate": day,
        "source": seq,
        "formulaKind": 0,
        "formulaRate": 0,
        "formulaUnits": 0,
        "campaign": b"\0" * 32,
        "rights": b"\0" * 16,
        "publicName": "",
    }
    args.update(over)
    return args


def project_opened(seq: int, project: str = "ramp") -> dict[str, Any]:
    return {
        "community": OSM,
        "seq": seq,
        "project": b32(project),
        "fund": b32("care"),
        "earmark": b32("general"),
        "budget": 80_000,
        "acceptancesRequired": 1,
        "by": KEEPER,
    }


def disbursed(seq: int, day: int, amount: int, project: str = "ramp", **over: Any) -> dict[str, Any]:
    args = {
        "community": OSM,
        "seq": seq,
        "project": b32(project),
        "fund": b32("care"),
        "earmark": b32("general"),
        "amount": amount,
        "isFinal": False,
        "businessDate": day,
        "ref": b32("inv-1"),
        "evidenceHash": b"\x09" * 32,
        "proposalId": 3,
        "decisionType": 0,
        "by": KEEPER,
    }
    args.update(over)
    return args


# ================================================================================================
# Mismatches
# ================================================================================================


def test_projectOpenedAfterPeriodEnd_paidByBackdatedDisbursement_honestStatementVerifies(
    chain: Chain,
) -> None:
    """Was a mismatch (honest statement fails). ``Funds.disburse`` only checks that the business date is
    not in the future and not in a closed period, so a payment made on 3 April for an invoice of
    31 March (March still open: its statement is not anchored yet) is dated 31 March, while the
    project it pays was opened on 2 April (a set-up, dated by its block). The March statement's
    ``funds_projects`` leaves the project out (``funds/statement.py`` ``projects``: project_opened
    after the period's end is skipped, so its payment is skipped too), but the payment is a March
    entry, and ``proofs/funds.py`` ``recompute_funds`` requires every project paid in the period
    to be in ``funds_projects``."""
    chain.emit("Funds", "FundCreated", fund_created(1), ts(2026, 2, 1))
    chain.emit("Funds", "DonationReceived", donation(2, dn(2026, 2, 2), 100_000, "r-1"), ts(2026, 2, 2))
    chain.emit("Funds", "ProjectOpened", project_opened(3), ts(2026, 4, 2))
    chain.emit("Funds", "Disbursed", disbursed(4, dn(2026, 3, 31), 30_000), ts(2026, 4, 3))

    statement = statement_of(funds_statement.funds_section, chain)
    entries = statement["entries"]
    assert [e["kind"] for e in entries] == ["funds_disbursement"]  # the payment is a March entry
    # the entry itself re-derives exactly
    log = chain.logs[-1]
    assert funds_entry(log.event, log.args, "2026-03-31") == public(entries[0])
    # ... but the statement's numbers do not verify
    assert recompute_funds(statement, entries) == []


def test_statementWithoutFundsGrants_hidesAGrantFormulaMismatch_isRefused(chain: Chain) -> None:
    """Was a mismatch (the verifier accepts what it should not). A statement with funds entries always
    carries ``funds_grants`` (``funds/statement.py``: every key once the community has funds
    rows). ``recompute_funds`` checks the grants and the ``funds_grant_formula_mismatch`` flag
    only *if* the key is there, so a statement that drops ``funds_grants`` and the flag passes
    although its own entries show a government grant posted off its formula."""
    chain.emit("Funds", "FundCreated", fund_created(1), ts(2026, 2, 1))
    grant = donation(
        2, dn(2026, 3, 10), 99_999, "gov-1", donorType=5, formulaKind=1, formulaRate=100, formulaUnits=100_000
    )  # per_area: 100 fen per m² for 1,000 m² is 100,000 fen; 99,999 posted
    chain.emit("Funds", "DonationReceived", grant, ts(2026, 3, 10))

    honest = statement_of(funds_statement.funds_section, chain)
    assert "funds_grant_formula_mismatch" in honest["flags"]
    assert recompute_funds(honest, honest["entries"]) == []

    doctored = {k: v for k, v in honest.items() if k != "funds_grants"}
    doctored["flags"] = [f for f in honest["flags"] if f != "funds_grant_formula_mismatch"]
    assert recompute_funds(doctored, doctored["entries"]) != []


@pytest.mark.parametrize(
    ("part", "recompute", "statement", "entries"),
    [
        (
            "timebank.minted",
            recompute_timebank,
            {"timebank": {"minted": True, "rewarded": 0, "redeemed": 0, "deducted": 0}},
            [{"kind": "timebank_minted", "amount": 1}],
        ),
        (
            "goods.coat.donated",
            recompute_goods,
            {
                "goods": {
                    "coat": {
                        "opening": 0,
                        "donated": True,
                        "received": 0,
                        "transferred": 0,
                        "distributed": 0,
                        "closing": 1,
                    }
                }
            },
            [{"kind": "goods_donated", "item": "coat", "quantity": 1}],
        ),
    ],
)
def test_sectionNumbers_aBoolWhereTheEntriesGiveAnInteger_isRefused(
    part: str, recompute: Any, statement: dict[str, Any], entries: list[dict[str, Any]]
) -> None:
    """Was a mismatch, minor (the verifier accepts what it should not). The revenue part refuses a bool
    for a number (``entries._int``) and entries are compared with their types
    (``entry_differences``), but the time-bank, funds and goods numbers are compared with ``!=``
    only, and ``True == 1`` in Python: a statement saying ``"minted": true`` passes."""
    problems = recompute(statement, entries)
    assert any(part in p for p in problems), problems


def test_blockDatedEntry_withoutTheTimeZone_refusesADateNoUtcOffsetGives() -> None:
    """Was a mismatch, minor (the verifier accepts what it should not). Without the community's
    registration, ``block_local_date`` accepts any date within ±14 h of the block "(every UTC
    offset)", but ``CommunityRoles`` only takes offsets from -12:00 to +14:00
    (``utcOffsetMinutes`` -720..840). At 13:00 UTC on 1 April every community is on 1 or 2 April;
    31 March (which moves a set-up into the previous period) is accepted."""
    block = int(dt.datetime(2026, 4, 1, 13, 0, tzinfo=dt.UTC).timestamp())
    possible = {
        dt.datetime.fromtimestamp(block + m * 60, dt.UTC).date().isoformat() for m in range(-720, 841, 15)
    }
    assert possible == {"2026-04-01", "2026-04-02"}
    with pytest.raises(LookupError):
        block_local_date(EntryContext(), block, {"business_date": "2026-03-31"}, [])


@pytest.fixture(params=["sqlite", "postgresql"])
def db_chain(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Chain]:
    """A ``Chain`` on a real database of each kind the service runs on (the migrations size the
    columns as the ORM does)."""
    urls = make_database_url(request.param, tmp_path)
    engine = make_engine(next(urls))
    try:
        with engine.begin() as conn:
            for table in (FundEntry, GoodsEntry, TimebankEntry, TimebankMovement):
                table.__table__.create(conn)
        with engine.connect() as conn:
            yield Chain(conn)
    finally:
        engine.dispose()
        urls.close()


@pytest.mark.parametrize(
    ("contract", "event", "args"),
    [
        ("Funds", "FundCreated", {**fund_created(1), "fund": NOT_UTF8}),
        ("Funds", "FundCreated", {**fund_created(1), "kind": b"\0" * 16}),
        (
            "TimeBank",
            "Rewarded",
            {
                "community": OSM,
                "seq": 7,
                "holder": ALICE,
                "amount": 5,
                "reason": b"\x80" * 16,
                "businessDate": dn(2026, 3, 3),
                "by": KEEPER,
            },
        ),
        # the service's own ``fixed_text`` takes any UTF-8 without NUL: a full-width space (U+3000,
        # common in Chinese input) is not ``isprintable``, so the receipt is published as hex
        ("Funds", "DonationReceived", donation(2, dn(2026, 3, 1), 500, "2026\u3000001")),
    ],
    ids=["fund-not-utf8", "fund-kind-all-zero", "reason-not-utf8", "receipt-ideographic-space"],
)
def test_opaqueSlug_isIndexedAsTheVerifierReadsIt(
    db_chain: Chain, contract: str, event: str, args: dict[str, Any]
) -> None:
    """Was a mismatch, indexer side (an honest statement cannot be built). ``label`` turns a slug that
    is not printable UTF-8 (or is all zeros) into ``0x`` hex of *all* its bytes: 66 characters
    for a bytes32, 34 for a bytes16; the verifier expects exactly that. But the columns are sized
    for the text (``funds_entries.fund`` String(32), ``fund_kind``/``rights`` String(16),
    ``timebank_entries.service_type``/``category``/``reason`` String(16), ``bucket`` String(32),
    ``goods_entries.item``/``request``/``purpose`` String(32), ``unit`` String(16); the same in the
    migrations), so on PostgreSQL the indexer's insert fails ("value too long") and the index
    stops at that log. The contracts accept such slugs (only all-zero ones are refused, and not
    even that for a fund's kind). On SQLite (no length check) the same cases agree."""
    log = db_chain.emit(contract, event, args, ts(2026, 3, 7))
    table = FundEntry if contract == "Funds" else TimebankEntry
    (row,) = db_chain.conn.execute(table.__table__.select()).all()
    if contract == "Funds":
        date = row.business_date.isoformat() if "businessDate" in args else "2026-03-07"
        assert funds_entry(log.event, log.args, date) == public(funds_statement.entry_json(row))
    else:
        assert timebank_entry(log.event, log.args) == public(timebank_statement.entry_json(row))


# Numbers beyond 2^53 - 1 (which no statement can carry: RFC 8785 JSON) are refused by the
# contracts themselves: a grant formula's amount (tests/contracts/test_funds.py
# test_aMalformedDonor_isRefused), a record number (tests/contracts/test_timebank.py
# test_mint_refusesBadRecords) and withdrawn fee terms' caps (tests/contracts/test_timebank_fees.py).


def _check_published_votes(published: list[dict[str, Any]], logs: list[tuple[dict[str, Any], int]]) -> Any:
    """``_Verifier.check_votes`` over hand-made proved logs (the proving itself is not under test)."""
    from ledger_service.proofs import verify

    v = verify._Verifier({"scope": "statement", "context": {"votes": [{} for _ in logs]}}, {}, None)
    v.statement = {
        "period": {"label": "2026-03", "from": "2026-03-01", "to": "2026-03-31"},
        "governance": {"votes": published},
    }
    v.anchor = {"as_of_block": 1_000}
    v.community_id = OSM
    v.ctx = EntryContext(utc_offset_minutes=SHANGHAI, community=OSM)
    proved = iter(logs)
    v.headers = {block: SimpleNamespace(timestamp=when) for block, (_, when) in enumerate(logs, 1)}
    blocks = iter(range(1, len(logs) + 1))

    def fake_log(where: Any, contract: Any, what: str) -> Any:
        args, _ = next(proved)
        spec = SimpleNamespace(name="VoteRecorded")
        return verify._ProvedLog(f"{next(blocks)}/0", 0, "Governance", spec, args, None)  # type: ignore[arg-type]

    v._log = fake_log  # type: ignore[method-assign]
    try:
        v.check_votes()
    except verify._Stop:
        pass
    return v.verdict


def test_publishedVote_recordedOutsideThePeriod_isRefused() -> None:
    """Was a mismatch, minor (the verifier accepts what it should not). ``governance.votes`` lists the
    owners' votes recorded *in the period* (``governance/statement.py``: ``_in(q.period,
    recorded_on)``), but ``verify.check_votes`` only rebuilds each published vote from its log
    and checks it is not after the as-of block: a vote recorded in January (a passed one, say,
    standing in for a failed March one) or the same vote twice is accepted in the March
    statement. (That the list is complete cannot be checked offline; that each item belongs to
    the period can.)"""
    args = {
        "community": OSM,
        "proposalId": 7,
        "decisionType": 1,
        "rule": (2, 3, 1, 2, False, False, True, True),
        "tally": (240, 190, 150, 0, 20, 15, 11, 0),
        "ballotHash": b"\x01" * 32,
        "quorumMet": True,
        "passed": True,
        "recorder": KEEPER,
    }
    march = _check_published_votes([vote_json(args, {}, "2026-03-31")], [(args, ts(2026, 3, 31, 23, 59))])
    assert march.ok, march.failed  # the harness: a March vote, recorded at 23:59 in Shanghai, passes
    january = ts(2026, 1, 15)
    published = vote_json(args, {}, "2026-01-15")
    verdict = _check_published_votes([published], [(args, january)])
    assert not verdict.ok, "a January vote was accepted in the March statement"


# ================================================================================================
# Checked and agreeing (these pin the tricky cases)
# ================================================================================================


@pytest.mark.parametrize(
    ("when", "local"),
    [
        (dt.datetime(2026, 3, 31, 15, 59, 59, tzinfo=dt.UTC), "2026-03-31"),
        (dt.datetime(2026, 3, 31, 16, 0, 0, tzinfo=dt.UTC), "2026-04-01"),  # midnight in Shanghai
    ],
)
def test_blockDatedSetUp_nearMidnightInShanghai_sameDateBothSides(
    chain: Chain, when: dt.datetime, local: str
) -> None:
    log = chain.emit("Funds", "FundCreated", fund_created(1), int(when.timestamp()))
    (row,) = chain.conn.execute(FundEntry.__table__.select()).all()
    assert row.business_date.isoformat() == local
    notes: list[str] = []
    date = block_local_date(EntryContext(utc_offset_minutes=SHANGHAI), log.timestamp, None, notes)
    assert date == local and notes == []
    assert funds_entry(log.event, log.args, date) == public(funds_statement.entry_json(row))


def _funds_rows(chain: Chain) -> list[Any]:
    return chain.conn.execute(FundEntry.__table__.select().order_by(FundEntry.block_number)).all()


@pytest.mark.parametrize(
    ("event", "args"),
    [
        ("FundCreated", fund_created(1, threshold=0)),  # a zero threshold stays 0, not left out
        ("FundCreated", {**fund_created(1), "kind": b"\0" * 16}),  # an all-zero kind: 0x hex both sides
        ("FundCreated", {**fund_created(1), "fund": NOT_UTF8}),
        (
            "EarmarkOpened",
            {"community": OSM, "seq": 2, "fund": b32("care"), "earmark": NON_PRINTABLE, "by": KEEPER},
        ),
        ("ProjectOpened", {**project_opened(3), "project": INNER_NUL}),
        ("DonationReceived", donation(4, dn(2026, 3, 1), 500, "r-1")),  # zero campaign/rights, no name
        (
            "DonationReceived",
            donation(
                4,
                dn(2026, 3, 1),
                500,
                "r-1",
                donorType=5,
                formulaKind=2,
                formulaRate=0,
                formulaUnits=7,
                campaign=b32("winter"),
                rights=b16("vote"),
                publicName="张三",
            ),
        ),
        (
            "DonationReceived",
            donation(
                4, dn(2026, 3, 1), 500, "r-1", donorType=9, formulaKind=3, formulaRate=5, formulaUnits=5
            ),
        ),
        (
            "RevenueReceived",
            {
                "community": OSM,
                "revenueSeq": 41,
                "fund": b32("care"),
                "earmark": b32("general"),
                "bucket": b32("maintenance"),
                "amount": 700,
                "businessDate": dn(2026, 3, 2),
                "source": 0,
            },
        ),
        (
            "Disbursed",
            disbursed(
                5,
                dn(2026, 3, 3),
                100,
                ref=b"\0" * 32,
                evidenceHash=b"\0" * 32,
                proposalId=2**200,
                decisionType=17,
                isFinal=True,
            ),
        ),
        (
            "ProjectAccepted",
            {
                "community": OSM,
                "seq": 6,
                "project": b32("ramp"),
                "acceptances": 1,
                "evidenceHash": b"\0" * 32,
                "businessDate": dn(2026, 3, 4),
                "by": BOB,
            },
        ),
        (
            "UnspentReturned",
            {
                "community": OSM,
                "seq": 7,
                "project": b32("ramp"),
                "fund": b32("care"),
                "earmark": b32("general"),
                "amount": 10,
                "businessDate": dn(2026, 3, 5),
                "evidenceHash": b"\x01" * 32,
                "proposalId": 0,
                "source": 3,
                "by": KEEPER,
            },
        ),
        (
            "DonorRefunded",
            {
                "community": OSM,
                "seq": 8,
                "receipt": b32("r-1"),
                "fund": b32("care"),
                "earmark": b32("general"),
                "amount": 10,
                "businessDate": dn(2026, 3, 6),
                "evidenceHash": b"\x01" * 32,
                "proposalId": 9,
                "by": KEEPER,
            },
        ),
    ],
)
def test_fundsEntry_edgeValues_sameEntryBothSides(chain: Chain, event: str, args: dict[str, Any]) -> None:
    log = chain.emit("Funds", event, args, ts(2026, 3, 7))
    (row,) = _funds_rows(chain)
    date = (
        dt.date(1970, 1, 1) + dt.timedelta(days=args["businessDate"])
        if "businessDate" in args
        else dt.date(2026, 3, 7)
    ).isoformat()
    mine = public(funds_statement.entry_json(row))
    theirs = funds_entry(log.event, log.args, date)
    assert theirs == mine
    assert {k: type(v) for k, v in theirs.items()} == {k: type(v) for k, v in mine.items()}


TB_ARGS: list[tuple[str, dict[str, Any]]] = [
    (
        "ServiceMinted",
        {
            "community": OSM,
            "seq": 1,
            "recordRef": 0,
            "volunteer": ALICE,
            "beneficiary": BOB,
            "serviceType": b"\x80" * 16,
            "amount": 60,
            "serviceDate": dn(2026, 2, 28),
            "businessDate": dn(2026, 3, 1),
            "attester": BOB,
            "bySignature": True,
        },
    ),
    (
        "ServiceMinted",
        {
            "community": OSM,
            "seq": 2,
            "recordRef": 5,
            "volunteer": ALICE,
            "beneficiary": BOB,
            "serviceType": b16("visit"),
            "amount": 1,
            "serviceDate": dn(2026, 3, 1),
            "businessDate": dn(2026, 3, 1),
            "attester": KEEPER,
            "bySignature": False,
        },
    ),
    (
        "Redeemed",
        {
            "community": OSM,
            "seq": 3,
            "holder": ALICE,
            "proxy": ZERO_ADDR,
            "item": b"\x05" * 32,
            "category": b16("health_check"),
            "provider": b"\x06" * 32,
            "quantity": 1,
            "amount": 30,
            "businessDate": dn(2026, 3, 2),
        },
    ),
    (
        "Redeemed",
        {
            "community": OSM,
            "seq": 4,
            "holder": ALICE,
            "proxy": BOB,
            "item": b"\x05" * 32,
            "category": b16("health_check ").replace(b" ", b"\x01"),
            "provider": b"\0" * 32,
            "quantity": 2,
            "amount": 30,
            "businessDate": dn(2026, 3, 2),
        },
    ),
    (
        "Donated",
        {
            "community": OSM,
            "seq": 5,
            "holder": ALICE,
            "proxy": ZERO_ADDR,
            "amount": 5,
            "businessDate": dn(2026, 3, 3),
        },
    ),
    (
        "Granted",
        {
            "community": OSM,
            "seq": 6,
            "resident": BOB,
            "amount": 5,
            "businessDate": dn(2026, 3, 3),
            "by": KEEPER,
        },
    ),
    (
        "Rewarded",
        {
            "community": OSM,
            "seq": 7,
            "holder": ALICE,
            "amount": 5,
            "reason": b"\0" * 16,
            "businessDate": dn(2026, 3, 3),
            "by": KEEPER,
        },
    ),
    (
        "Deducted",
        {
            "community": OSM,
            "seq": 8,
            "holder": ALICE,
            "amount": 5,
            "reason": b16("late\n"),
            "businessDate": dn(2026, 3, 3),
            "by": KEEPER,
        },
    ),
    (
        "CatalogItemSet",
        {
            "community": OSM,
            "seq": 9,
            "item": b"\x05" * 32,
            "category": b16("health_check"),
            "price": 30,
            "provider": b32("clinic"),
            "active": False,
            "businessDate": dn(2026, 3, 4),
            "by": KEEPER,
        },
    ),
    (
        "ProxySet",
        {
            "community": OSM,
            "seq": 10,
            "principal": ALICE,
            "proxy": BOB,
            "active": False,
            "businessDate": dn(2026, 3, 4),
            "by": KEEPER,
        },
    ),
    (
        "ElderlySet",
        {
            "community": OSM,
            "seq": 11,
            "resident": ALICE,
            "registered": True,
            "businessDate": dn(2026, 3, 4),
            "by": KEEPER,
        },
    ),
    (
        "FeeTermsSet",
        {
            "community": OSM,
            "seq": 12,
            "bucket": b32("property_fee"),
            "ratePerHour": 0,
            "capPerHolder": 0,
            "capTotal": 0,
            "periodMonths": 0,
            "businessDate": dn(2026, 3, 5),
            "by": KEEPER,
            "proposalId": 0,
        },
    ),
    (
        "FeeDiscountRedeemed",
        {
            "community": OSM,
            "revenueSeq": 77,
            "holder": ALICE,
            "proxy": ZERO_ADDR,
            "amount": 60,
            "fen": 500,
            "bucket": b32("property_fee"),
            "businessDate": dn(2026, 3, 6),
        },
    ),
]


@pytest.mark.parametrize(("event", "args"), TB_ARGS, ids=[f"{e}-{a.get('seq', 0)}" for e, a in TB_ARGS])
def test_timebankEntry_edgeValues_sameEntryBothSides(chain: Chain, event: str, args: dict[str, Any]) -> None:
    log = chain.emit("TimeBank", event, args, ts(2026, 3, 7))
    (row,) = chain.conn.execute(TimebankEntry.__table__.select()).all()
    mine = public(timebank_statement.entry_json(row))
    theirs = timebank_entry(log.event, log.args)
    assert theirs == mine
    assert {k: type(v) for k, v in theirs.items()} == {k: type(v) for k, v in mine.items()}
    assert "beneficiary" not in theirs
    if event == "ServiceMinted" and args["bySignature"]:
        assert "actor" not in theirs
    if theirs.get("category") == "health_check" and event == "Redeemed":
        assert "item" not in theirs and "provider" not in theirs


def test_timebankSection_flowsIncludingFeeDiscounts_verify(chain: Chain) -> None:
    for event, args in TB_ARGS:
        chain.emit("TimeBank", event, args, ts(2026, 3, 7))
    # and one in February, one in April: outside the period, in the balances only
    chain.emit(
        "TimeBank",
        "ServiceMinted",
        {**TB_ARGS[1][1], "seq": 20, "businessDate": dn(2026, 2, 27)},
        ts(2026, 2, 27),
    )
    chain.emit(
        "TimeBank", "Rewarded", {**TB_ARGS[6][1], "seq": 21, "businessDate": dn(2026, 4, 1)}, ts(2026, 4, 1)
    )
    statement = statement_of(timebank_statement.timebank_section, chain)
    assert statement["timebank"]["redeemed"] == 30 + 30 + 60
    assert recompute_timebank(statement, statement["entries"]) == []


def test_fundsPeriodWithRowsButNoEntries_verifies(chain: Chain) -> None:
    chain.emit("Funds", "FundCreated", fund_created(1), ts(2026, 1, 5))
    chain.emit("Funds", "DonationReceived", donation(2, dn(2026, 1, 6), 1_000, "r-1"), ts(2026, 1, 6))
    chain.emit("Funds", "ProjectOpened", project_opened(3), ts(2026, 1, 7))
    statement = statement_of(funds_statement.funds_section, chain)
    assert statement["entries"] == [] and statement["funds_sources"] == {} and statement["funds_grants"] == []
    assert statement["funds"]["care"]["general"]["opening"] == 1_000
    assert recompute_funds(statement, []) == []


def test_fundsProjectOpenedEarlier_paidInThePeriod_andAFundOpenedAfterTheEnd_verify(chain: Chain) -> None:
    chain.emit("Funds", "FundCreated", fund_created(1), ts(2026, 1, 5))
    chain.emit("Funds", "DonationReceived", donation(2, dn(2026, 1, 6), 100_000, "r-1"), ts(2026, 1, 6))
    chain.emit("Funds", "ProjectOpened", project_opened(3), ts(2026, 2, 7))
    chain.emit("Funds", "Disbursed", disbursed(4, dn(2026, 2, 20), 1_000), ts(2026, 2, 20))
    chain.emit("Funds", "Disbursed", disbursed(5, dn(2026, 3, 20), 2_000, ref=b"\0" * 32), ts(2026, 3, 20))
    grant = donation(
        6, dn(2026, 3, 21), 10_000, "gov-1", donorType=5, formulaKind=2, formulaRate=100, formulaUnits=100
    )
    chain.emit("Funds", "DonationReceived", grant, ts(2026, 3, 21))
    # a fund created on 2 April receives a donation dated 31 March (March still open)
    chain.emit("Funds", "FundCreated", fund_created(7, fund="late"), ts(2026, 4, 2))
    late = donation(8, dn(2026, 3, 31), 5, "r-late", fund=b32("late"), donorType=9)
    chain.emit("Funds", "DonationReceived", late, ts(2026, 4, 3))
    statement = statement_of(funds_statement.funds_section, chain)
    assert statement["funds_projects"]["ramp"]["paid"] == 2_000
    assert statement["funds"]["late"]["general"]["donated"] == 5
    assert recompute_funds(statement, statement["entries"]) == []


def _goods(chain: Chain, event: str, args: dict[str, Any], when: int) -> Log:
    return chain.emit("Goods", event, args, when)


def test_goodsTransferBetweenCommunities_bothStatementsVerify(chain: Chain) -> None:
    """A transfer is ``goods_transferred`` for the giver and ``goods_received`` for the receiver
    (counterpart: the giver) on both sides. A transfer to oneself cannot happen:
    ``Goods.requestGoods`` refuses ``from == community`` (``goods_flows`` would count it as
    received while its entry says transferred)."""
    coat = b32("coat")
    _goods(
        chain,
        "GoodsItemRegistered",
        {"community": OSM, "seq": 1, "item": coat, "unit": b16("piece"), "by": KEEPER},
        ts(2026, 3, 31, 23, 59),
    )
    _goods(
        chain,
        "GoodsDonated",
        {
            "community": OSM,
            "seq": 2,
            "receipt": b32("g-1"),
            "item": coat,
            "quantity": 10,
            "donor": b"\x07" * 32,
            "donorType": 4,
            "businessDate": dn(2026, 3, 2),
            "publicName": "",
        },
        ts(2026, 4, 1, 0, 1),
    )
    _goods(
        chain,
        "GoodsRequested",
        {
            "community": PLUM,
            "seq": 1,
            "request": b32("q-1"),
            "from": OSM,
            "item": coat,
            "quantity": 4,
            "businessDate": dn(2026, 3, 3),
            "by": BOB,
        },
        ts(2026, 4, 1),
    )
    transfer = _goods(
        chain,
        "GoodsTransferred",
        {
            "community": OSM,
            "seq": 3,
            "request": b32("q-1"),
            "to": PLUM,
            "item": coat,
            "quantity": 4,
            "businessDate": dn(2026, 3, 4),
            "evidenceHash": b"\x03" * 32,
            "by": KEEPER,
        },
        ts(2026, 4, 1),
    )
    _goods(
        chain,
        "GoodsDistributed",
        {
            "community": PLUM,
            "seq": 2,
            "item": coat,
            "quantity": 1,
            "purpose": b32("winter_relief"),
            "businessDate": dn(2026, 3, 5),
            "evidenceHash": b"\x04" * 32,
            "by": BOB,
        },
        ts(2026, 4, 1),
    )
    osm = statement_of(goods_statement.goods_section, chain, OSM_ID)
    plum = statement_of(goods_statement.goods_section, chain, PLUM_ID)
    assert recompute_goods(osm, osm["entries"]) == []
    assert recompute_goods(plum, plum["entries"]) == []
    assert osm["goods"]["coat"]["transferred"] == 4 and plum["goods"]["coat"]["received"] == 4
    # the item was registered at 23:59 on 31 March in Shanghai: a March set-up
    assert osm["entries"][0]["kind"] == "goods_item_registered"
    assert osm["entries"][0]["business_date"] == "2026-03-31"
    for community, statement in ((OSM, osm), (PLUM, plum)):
        (mine,) = [e for e in statement["entries"] if e["tx_hash"] == transfer.tx_hash]
        assert goods_entry(transfer.event, transfer.args, "2026-03-04", community) == public(mine)
    assert [e["kind"] for e in plum["entries"]] == ["goods_requested", "goods_received", "goods_distributed"]


def _vote_row(args: dict[str, Any], when: int) -> Any:
    batch = Batch(None, 1, memo={"offsets": {OSM_ID: SHANGHAI}})  # type: ignore[arg-type]
    log = Log("Governance", "VoteRecorded", args, 1, 9, "0x" + "09" * 32, "0x" + "0a" * 32, 0, when)
    registry.handlers[("Governance", "VoteRecorded")](log, batch)
    (row,) = batch.rows[GovernanceVote.__table__]
    return SimpleNamespace(**row)


@pytest.mark.parametrize(
    ("decision_type", "rule", "tally", "names"),
    [
        (1, (2, 3, 1, 2, False, False, True, True), (0, 0, 0, 0, 0, 0, 0, 0), {}),  # nothing counted
        (4, (2, 3, 3, 4, True, False, True, True), (240, 190, 150, 12, 20, 15, 11, 3), {}),
        (
            16,
            (0, 0, 1, 2, False, True, False, True),
            (240, 190, 150, 0, 20, 15, 11, 0),
            {16: ""},
        ),  # no quorum
        (17, (1, 2, 2, 3, True, True, True, False), (240, 0, 0, 0, 20, 0, 0, 0), {17: "街道改造"}),
    ],
)
def test_voteJson_edgeValues_sameBothSides(
    decision_type: int, rule: tuple[Any, ...], tally: tuple[int, ...], names: dict[int, str]
) -> None:
    args = {
        "community": OSM,
        "proposalId": 7,
        "decisionType": decision_type,
        "rule": rule,
        "tally": tally,
        "ballotHash": b"\0" * 32,
        "quorumMet": False,
        "passed": False,
        "recorder": KEEPER,
    }
    when = ts(2026, 3, 31, 23, 59)
    row = _vote_row(args, when)
    service_names = {
        **{
            0: "committee",
            1: "ordinary",
            2: "maintenance_use",
            3: "raise_maintenance",
            4: "rebuild",
            5: "common_parts",
        },
        **names,
    }
    mine = {k: v for k, v in governance_queries.vote_json(row, service_names).items() if k not in POSITION}
    day = block_local_date(EntryContext(utc_offset_minutes=SHANGHAI), when, None, [])
    theirs = vote_json(args, names, day)
    assert theirs == mine
    assert {k: type(v) for k, v in theirs.items()} == {k: type(v) for k, v in mine.items()}
