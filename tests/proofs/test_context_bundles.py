"""Statements with time-bank, funds and goods entries verify offline like revenue-only ones.

The verifier re-derives every entry from its proved log (``proofs/timebank.py``,
``proofs/funds.py``) and compares it with the entry the indexer wrote into the anchored statement,
field by field; a statement bundle proves every entry of both communities, a goods transfer
included (the giver's log is the receiver's ``goods_received`` entry); each entry cut out of the
statement bundle verifies alone; tampering with any field of any of those entries fails at the
step that owns it; every number of the time-bank, funds and goods parts that does not follow from
the entries is named; and what the public entry leaves out (a health check-up's item and provider,
a signed record's attester) is refused if a statement publishes it.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from ledger_service.audit.export import export_period
from ledger_service.proofs import bundle as bundles
from ledger_service.proofs.entries import recompute_statement
from ledger_service.proofs.verify import verify_bundle
from tests.proofs.context_world import OSMANTHUS, PLUM, ContextWorld
from tests.proofs.test_export_offline import run_offline
from tests.proofs.test_tamper import tamper_all

NEW_KINDS = sorted(
    {f"timebank_{k}" for k in ("minted", "redeemed", "donated", "granted", "rewarded", "deducted",
                               "catalog_item", "proxy_set", "elderly_set", "fee_terms", "fee_discount")}
    | {f"funds_{k}" for k in ("fund_created", "earmark_opened", "project_opened", "donation", "from_revenue",
                              "disbursement", "acceptance", "returned", "refund")}
    | {f"goods_{k}" for k in ("item_registered", "donated", "requested", "transferred", "distributed")}
)  # fmt: skip


def _entry_steps(verdict: Any, check: str) -> int:
    return sum(1 for s in verdict.steps if s.check == check and s.status == "pass")


@pytest.mark.parametrize("slug", [OSMANTHUS, PLUM])
def test_statementBundle_withTimebankFundsAndGoods_verifiesEveryEntry(
    context_world: ContextWorld, slug: str
) -> None:
    w = context_world
    verdict = verify_bundle(w.statement_bundles[slug], w.root)
    assert verdict.ok, verdict.failed
    entries = w.statement(slug)["entries"]
    assert _entry_steps(verdict, "entry.event") == len(entries)
    kinds = {e["kind"] for e in entries}
    if slug == OSMANTHUS:
        assert set(NEW_KINDS) <= kinds
    else:
        assert "goods_received" in kinds


@pytest.mark.parametrize("slug", [OSMANTHUS, PLUM])
def test_everyEntry_cutOutOfTheStatementBundle_verifiesAlone(context_world: ContextWorld, slug: str) -> None:
    w = context_world
    failed = []
    for i, e in enumerate(w.statement(slug)["entries"]):
        for limit in (bundles.ENTRY_BUNDLE_LIMIT, None):
            verdict = verify_bundle(
                bundles.derive_entry_bundle(w.statement_bundles[slug], i, limit=limit), w.root
            )
            if not verdict.ok:
                failed.append((i, e["kind"], limit, verdict.failed))
    assert failed == []


@pytest.mark.parametrize("slug,kind", [(OSMANTHUS, k) for k in NEW_KINDS] + [(PLUM, "goods_received")])
def test_entryBundle_ofEachKind_everyFieldTampered_failsAtItsStep(
    context_world: ContextWorld, slug: str, kind: str
) -> None:
    w = context_world
    index = w.index_of(slug, kind=kind)
    b = bundles.derive_entry_bundle(w.statement_bundles[slug], index, limit=None)
    tried, wrong = tamper_all(b, w.root, exhaustive=False)
    assert tried > 15
    assert wrong == []


def test_blockDatedSetUps_provedWithTheCommunitysTimeZone(context_world: ContextWorld) -> None:
    """A fund, earmark, project or goods item has no business date: its entry is dated by its block
    in the community's calendar, and its entry bundle carries the registration that proves it."""
    w = context_world
    for kind in (
        "funds_fund_created",
        "funds_earmark_opened",
        "funds_project_opened",
        "goods_item_registered",
    ):
        index = w.index_of(OSMANTHUS, kind=kind)
        b = bundles.derive_entry_bundle(w.statement_bundles[OSMANTHUS], index, limit=None)
        assert "community" in b["context"], kind
        assert verify_bundle(b, w.root).ok
        b["entries"][0]["entry"]["business_date"] = "2026-03-03"  # a day off
        assert verify_bundle(b, w.root).failed.check in ("entry.event", "entry.inclusion")  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "match,field,value",
    [
        ({"kind": "timebank_redeemed", "category": "health_check"}, "provider", "0x" + "ab" * 32),
        ({"kind": "timebank_redeemed", "category": "health_check"}, "item", "0x" + "cd" * 32),
        ({"kind": "timebank_minted", "by_signature": True}, "actor", "0x" + "11" * 20),
        ({"kind": "timebank_minted"}, "beneficiary", "0x" + "22" * 20),
    ],
)
def test_whatThePublicEntryLeavesOut_isRefusedWhenPublished(
    context_world: ContextWorld, match: dict[str, Any], field: str, value: str
) -> None:
    w = context_world
    index = w.index_of(OSMANTHUS, **match)
    b = bundles.derive_entry_bundle(w.statement_bundles[OSMANTHUS], index, limit=None)
    b.pop("statement")  # check the entry against its event, not only against the anchored hash
    entry = b["entries"][0]["entry"]
    assert field not in entry
    entry[field] = value
    failed = verify_bundle(b, w.root).failed
    assert failed is not None and failed.check == "entry.event"
    assert f"{field}={value!r} is not in the event" in failed.detail


def _bump(*path: str) -> Any:
    def change(s: dict[str, Any]) -> None:
        *keys, last = path
        for k in keys:
            s = s[k]
        s[last] = s[last] + 1

    return change


def _first_payment(s: dict[str, Any]) -> dict[str, Any]:
    return next(p for p in s["funds_projects"].values() if p["payments"])


@pytest.mark.parametrize(
    "change,named",
    [
        (_bump("timebank", "minted"), "timebank.minted"),
        (_bump("timebank", "redeemed"), "timebank.redeemed"),
        (_bump("timebank", "rewarded"), "timebank.rewarded"),
        (_bump("timebank", "deducted"), "timebank.deducted"),
        (_bump("funds", "public_welfare", "general", "donated"), "funds.public_welfare.general.donated"),
        (_bump("funds", "public_welfare", "general", "opening"), "funds.public_welfare.general.closing"),
        (_bump("funds", "public_welfare", "general", "disbursed"), "funds.public_welfare.general.disbursed"),
        (_bump("funds", "public_welfare", "general", "refunded"), "funds.public_welfare.general.refunded"),
        (_bump("funds", "public_welfare", "general", "returned"), "funds.public_welfare.general.returned"),
        (lambda s: s["funds"]["public_welfare"].clear(), "has no line"),
        (lambda s: s["funds_sources"]["public_welfare"]["by_donor_type"].update(company=1), "funds_sources"),
        (lambda s: s["funds_grants"][0].update(matches=False), "funds_grants"),
        (lambda s: s["flags"].append("funds_grant_formula_mismatch"), "funds_grant_formula_mismatch flag"),
        (lambda s: s["flags"].append("funds_negative_balance"), "funds_negative_balance flag"),
        (lambda s: _first_payment(s).update(paid=1), ".paid"),
        (lambda s: _first_payment(s)["payments"].pop(), ".payments"),
        (_bump("goods", "winter_coat", "donated"), "goods.winter_coat.donated"),
        (_bump("goods", "winter_coat", "distributed"), "goods.winter_coat.distributed"),
        (_bump("goods", "winter_coat", "closing"), "goods.winter_coat.closing"),
        (lambda s: s["goods"].clear(), "goods.winter_coat moved in the period but has no line"),
        (lambda s: s["flags"].append("goods_negative_stock"), "goods_negative_stock flag"),
        (lambda s: s["goods"]["winter_coat"].update(unit="box"), "goods.winter_coat.unit"),
        (lambda s: next(iter(s["funds_projects"].values())).update(budget=1), ".budget"),
        (lambda s: s["funds_projects"].clear(), "opened in the period but is not listed"),
        (lambda s: s["entries"].append({**s["entries"][-1], "kind": "funds_gift"}), "unknown kind"),
    ],
)
def test_contextTotals_anyNumberThatDoesNotFollow_isNamed(
    context_world: ContextWorld, change: Any, named: str
) -> None:
    statement = copy.deepcopy(context_world.statement(OSMANTHUS))
    assert recompute_statement(statement) == []
    change(statement)
    problems = recompute_statement(statement)
    assert any(named in p for p in problems), problems


def test_receivedGoods_recompute_inTheReceiversStatement(context_world: ContextWorld) -> None:
    statement = copy.deepcopy(context_world.statement(PLUM))
    assert recompute_statement(statement) == []
    statement["goods"]["winter_coat"]["received"] += 1
    assert any("goods.winter_coat.received" in p for p in recompute_statement(statement))


def test_revenueTotals_ignoreFundsAndTimebankFields(context_world: ContextWorld) -> None:
    """Funds entries carry a ``source`` number and fee discounts a revenue seq: neither may leak
    into income by source or the reversal checks of the revenue part."""
    s = context_world.statement(OSMANTHUS)
    assert any(e["kind"].startswith("funds_") and "source" in e for e in s["entries"])
    assert all(isinstance(k, str) and not k.isdigit() for k in s["income"]["by_source"])
    assert recompute_statement(s) == []


def test_auditExport_ofAFundsAndTimebankCommunity_verifiesOffline(
    context_world: ContextWorld, tmp_path: Path
) -> None:
    """The folder an auditor takes away, checked by the verifier copied into it, in a process that
    cannot open a connection and cannot borrow a module from this checkout."""
    w = context_world
    result = export_period(w.svc, OSMANTHUS, "2026Q1", tmp_path / "audit")
    done = run_offline(
        result.directory, "bundle.json", "--trust-root", "trust-root.json",
        "--expect-trust-root-sha256", result.trust_root_hash, "--statement", "statement.json",
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "VERIFIED" in done.stdout and "FAIL" not in done.stdout
    assert "time-bank minutes, fund and goods movements" in done.stdout


# -- owners' votes -------------------------------------------------------------------------------------


def test_ownersVotes_inTheStatement_areEachProvedByTheirLog(context_world: ContextWorld) -> None:
    """Plum publishes two votes under its own decision type, 133 of 200 failing and 134 passing:
    the statement bundle proves each (and the type's definition) and the verdict says so."""
    w = context_world
    published = w.statement(PLUM)["governance"]["votes"]
    assert [(v["yes_units"], v["passed"], v["decision_type"]) for v in published] == [
        (133, False, "renovation_2_3_all"),
        (134, True, "renovation_2_3_all"),
    ]
    verdict = verify_bundle(w.statement_bundles[PLUM], w.root)
    assert verdict.ok, verdict.failed
    steps = {s.check: s for s in verdict.steps if s.status == "pass"}
    assert _entry_steps(verdict, "context.vote") == 2
    assert "renovation_2_3_all" in steps["context.decision_type"].detail
    assert "2 vote(s)" in steps["statement.votes"].detail


def test_ownersVotes_everyFieldOfTheirProof_tampered_failsAtItsStep(context_world: ContextWorld) -> None:
    w = context_world
    b = w.statement_bundles[PLUM]
    tried, wrong = tamper_all(b, w.root, exhaustive=False, keep=lambda path: path[:2] in (
        ("context", "votes"), ("context", "decision_types")))  # fmt: skip
    assert tried >= 6  # receipt and log of two votes and of the type's definition
    assert wrong == []


def test_ownersVotes_aLogMissingOrSwapped_fails(context_world: ContextWorld) -> None:
    w = context_world
    b = copy.deepcopy(w.statement_bundles[PLUM])
    b["context"]["votes"].reverse()  # each published vote against the other vote's log
    failed = verify_bundle(b, w.root).failed
    assert failed is not None and failed.check == "context.vote"
    assert "yes_units=133 but the event says 134" in failed.detail
    b["context"]["votes"].pop()
    failed = verify_bundle(b, w.root).failed
    assert failed is not None and failed.check == "statement.votes"
    b["context"].pop("decision_types")
    b["context"]["votes"] = copy.deepcopy(w.statement_bundles[PLUM]["context"]["votes"])
    failed = verify_bundle(b, w.root).failed
    assert failed is not None and failed.check == "context.vote" and "decision type 16" in failed.detail


def test_ownersVotes_anyPublishedFieldTheChainDidNotRecord_isNamed(context_world: ContextWorld) -> None:
    """The vote each log gives, field by field, against what the statement publishes: every field
    changed on its own is named."""
    from ledger_service.proofs.entries import entry_differences
    from ledger_service.proofs.eth import decode_receipt
    from ledger_service.proofs.events import decode_log
    from ledger_service.proofs.governance import vote_json

    w = context_world
    b = w.statement_bundles[PLUM]
    for where, vote in zip(b["context"]["votes"], w.statement(PLUM)["governance"]["votes"], strict=True):
        receipt = decode_receipt(bytes.fromhex(b["receipts"][where["receipt"]]["receipt"][2:]))
        _, args = decode_log("Governance", receipt.logs[where["log"]])
        want = vote_json(args, {16: "renovation_2_3_all"}, vote["recorded_on"])
        assert entry_differences(want, vote) == []
        for key, value in vote.items():
            changed = dict(vote)
            changed[key] = (
                (not value)
                if isinstance(value, bool)
                else value + 1
                if isinstance(value, int)
                else value + "x"
            )
            assert any(d.startswith(f"{key}=") for d in entry_differences(want, changed)), key


# -- residents' objections ---------------------------------------------------------------------------

Q2 = f"{OSMANTHUS}/2026Q2"


def test_objections_inTheStatement_areEachProvedByTheirLogs_andDecideTheFlags(
    context_world: ContextWorld,
) -> None:
    """Osmanthus's Q2 publishes the three objections to its Q1: rejected, corrected, unanswered
    past its due day (flagged); the statement bundle proves each from its filing, answer and the
    objected period's close note, and the flags from them."""
    w = context_world
    published = w.statement(Q2)["objections"]
    assert [(o["objection_id"], (o["answer"] or {}).get("kind")) for o in published] == [
        (1, "rejection"),
        (2, "correction"),
        (3, None),
    ]
    assert "objection_unanswered:3" in w.statement(Q2)["flags"]
    verdict = verify_bundle(w.statement_bundles[Q2], w.root)
    assert verdict.ok, verdict.failed
    assert _entry_steps(verdict, "context.objection") == 3
    assert "objection_unanswered:3" in next(
        s.detail for s in verdict.steps if s.check == "statement.objection_flags"
    )


def test_objections_everyFieldOfTheirProof_tampered_failsAtItsStep(context_world: ContextWorld) -> None:
    w = context_world
    tried, wrong = tamper_all(
        w.statement_bundles[Q2],
        w.root,
        exhaustive=False,
        keep=lambda path: path[:2] == ("context", "objections"),
    )
    assert tried >= 2 * (3 + 2 + 3)  # receipt and log of 3 filings, 2 answers, 3 close notes
    assert wrong == []


def test_objections_aLogMissingOrSwapped_fails(context_world: ContextWorld) -> None:
    w = context_world
    b = copy.deepcopy(w.statement_bundles[Q2])
    objections = b["context"]["objections"]
    objections[0]["answer"], objections[1]["answer"] = objections[1]["answer"], objections[0]["answer"]
    failed = verify_bundle(b, w.root).failed
    assert failed is not None and failed.check == "context.objection" and "does not answer" in failed.detail
    b = copy.deepcopy(w.statement_bundles[Q2])
    del b["context"]["objections"][0]["answer"]  # an answer the statement shows, not proved
    failed = verify_bundle(b, w.root).failed
    assert failed is not None and failed.check == "context.objection" and "answer=" in failed.detail
    b["context"]["objections"].pop()
    failed = verify_bundle(b, w.root).failed
    assert failed is not None and failed.check == "statement.objections"


def test_objections_anyPublishedFieldTheChainDidNotRecord_isNamed(context_world: ContextWorld) -> None:
    from ledger_service.proofs import verify
    from ledger_service.proofs.entries import entry_differences
    from ledger_service.proofs.oversight import objection_json

    w = context_world
    b = w.statement_bundles[Q2]
    v = verify._Verifier(b, w.root, None)
    assert v.run().ok

    def located(where: dict[str, Any], key: str) -> Any:
        return v._located(v._log(where[key], "Oversight", key), key) if key in where else None

    for where, item in zip(b["context"]["objections"], w.statement(Q2)["objections"], strict=True):
        want = objection_json(located(where, "filed"), located(where, "answer"), located(where, "period"))
        assert entry_differences(want, item) == []
        for key, value in item.items():
            changed = dict(item)
            if isinstance(value, bool):
                changed[key] = not value
            elif isinstance(value, int):
                changed[key] = value + 1
            elif isinstance(value, str):
                changed[key] = value + "x"
            else:  # the period, the answer
                changed[key] = None if value else {"kind": "rejection"}
            assert any(
                d.startswith(f"{key}=") or d.startswith(f"{key} ") for d in entry_differences(want, changed)
            ), key


def test_objectionFlags_unansweredPastDue_orAnsweredLate() -> None:
    from ledger_service.proofs.oversight import objection_flags

    open_item = {"objection_id": 4, "answer": None, "answer_due": "2026-06-29"}
    assert objection_flags(open_item, "2026-06-30") == {"objection_unanswered:4"}
    assert objection_flags({**open_item, "answer_due": "2026-06-30"}, "2026-06-30") == set()
    late = {**open_item, "answer": {"late": True}}
    assert objection_flags(late, "2026-06-30") == {"objection_answered_late:4"}
    assert objection_flags({**open_item, "answer": {"late": False}}, "2026-06-30") == set()
