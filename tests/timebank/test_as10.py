"""AS-10 through the service (real anvil, real SQLite): 150 volunteers' attested service totals
8,000 hours (480,000 minutes, written down as 3,000 records and minted in batches); redemptions
total 6,800 hours; the redemption rate is 85.0 %, then a reward of 10 hours and a deduction of 5
hours, each with a reason code, make it 6,800 ÷ 8,010 = 84.9 %; over-redemption is refused;
unattested hours mint nothing."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from ledger_service.chain.journal_tables import JournalEntry
from ledger_service.cli import app
from ledger_service.communities.commands import add_community, key_label
from ledger_service.service import LedgerService
from ledger_service.timebank import commands
from ledger_service.timebank import operations as ops
from tests.api.helpers import new_service, set_date

S = "as10-garden"
D = dt.date
VOLUNTEERS = 150
RECORD_MINUTES = 160
RECORDS_EACH = 20  # 150 x 20 x 160 = 480,000 minutes = 8,000 hours
REDEEM_EACH = 17  # x 160 minutes = 2,720 each; 150 x 2,720 = 408,000 = 6,800 hours


@pytest.fixture(scope="module")
def svc(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LedgerService]:
    service = new_service(tmp_path_factory.mktemp("as10") / "home")
    try:
        add_community(service, S, roles=("coordinator",))
        set_date(service, D(2026, 12, 20))
        yield service
    finally:
        service.close()


def run(svc: LedgerService, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args), obj={"svc": svc})
    assert "Traceback" not in result.output, result.output
    return result.exit_code, result.output


def stats(svc: LedgerService) -> dict:
    code, out = run(svc, "timebank", "stats", S, "--period", "2026", "--json")
    assert code == 0, out
    return json.loads(out)


def test_AS10_150Volunteers_8000Hours_85_0Then84_9(svc: LedgerService) -> None:
    coordinator = key_label(S, "coordinator")
    people = [
        ops.add_person(svc, S, "volunteer", name=f"志愿者{i:03d}", phone=f"139{i:08d}", keep_key=True).holder
        for i in range(VOLUNTEERS)
    ]
    beneficiary = ops.add_person(svc, S, "beneficiary", name="受助人", phone="13000000000").holder
    rows = [
        ops.RecordIn(
            v, beneficiary, "companionship", RECORD_MINUTES, D(2026, 1, 1) + dt.timedelta(days=d * 17)
        )
        for v in people
        for d in range(RECORDS_EACH)
    ]
    refs = ops.record_many(svc, S, rows)
    assert len(refs) == 3_000 and refs == list(range(refs[0], refs[0] + 3_000))
    # one more, self-reported by a volunteer and never attested: it mints nothing
    pending = ops.record_service(svc, S, people[0], beneficiary, "companionship", 60, D(2026, 12, 1),
                                 reported_by="volunteer")  # fmt: skip
    entries = ops.mint_pending(svc, S, refs, signer=coordinator)
    assert [e.seq_count for e in entries] == [1_000, 1_000, 1_000]  # minted in batches
    with svc.db.session() as s:
        functions = set(
            s.scalars(select(JournalEntry.function).where(JournalEntry.id.in_([e.id for e in entries])))
        )
    assert functions == {"mintByCoordinator"}
    svc.sync()
    first = stats(svc)
    assert first["minted"] == 480_000 and first["hours_served"] == "8,000.0"
    assert first["active_volunteers"] == VOLUNTEERS
    assert (
        commands.balance_of(svc, S, people[0]) == RECORDS_EACH * RECORD_MINUTES
    )  # the pending 60 did not mint

    ops.set_item(
        svc, S, "activity-priority", "priority", RECORD_MINUTES, "residents-committee", signer=coordinator
    )
    for v in people:
        ops.redeem(svc, S, v, "activity-priority", REDEEM_EACH, signer=coordinator)
    # over-redemption: 480 minutes left, 4 x 160 = 640 asked
    code, out = run(svc, "timebank", "redeem", S, people[0], "activity-priority", "-q", "4")
    assert code == 1 and "holds 480 minutes (8.0 h), less than 640 minutes (10.7 h)" in " ".join(out.split())
    svc.sync()
    second = stats(svc)
    assert second["redeemed"] == VOLUNTEERS * REDEEM_EACH * RECORD_MINUTES == 408_000
    assert second["redemption_rate"] == "85.0"

    assert (
        run(svc, "timebank", "reward", S, people[1], "--minutes", "10h", "--reason", "event_helper")[0] == 0
    )
    assert (
        run(svc, "timebank", "deduct", S, people[2], "--minutes", "5h", "--reason", "noise_violation")[0] == 0
    )
    third = stats(svc)
    assert (third["minted"], third["rewarded"], third["redeemed"], third["deducted"]) == (
        480_000,
        600,
        408_000,
        300,
    )
    assert third["redemption_rate"] == "84.9"  # 408,000 / 480,600
    assert third["held"] == 480_000 + 600 - 408_000 - 300
    # still pending after all of it
    assert ops._pending(svc, S, [pending["record_ref"]])[0].status == "pending"
