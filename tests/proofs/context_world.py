"""A proof-test world for the other contexts: one real service (SQLite + embedded anvil), two
communities with committees, every time-bank, funds and goods event written inside Q1 2026
(Asia/Shanghai) through the service's own commands, then Q1 closed for both.

``osmanthus``: a revenue policy (maintenance / welfare / mutual_aid / operations), income and a
spend; the time bank (minted by a coordinator and by the beneficiary's signature, a normal and a
health check-up redemption, a donation to the pool and a grant from it, a reward, a deduction,
catalog items, a proxy, an elderly registration, owners' fee terms and a fee discount paid from
welfare); a fund with an earmark and a project (donations plain, publicly named, a government grant
with a formula and a campaign share; money from revenue; a part and a final payment after the
representatives' acceptance; unspent money returned; a donor refunded); goods (an item, a donation,
a transfer to plum on plum's request, a distribution). ``plum``: a policy, income and a spend, and
goods: its request, the coats received, a distribution, and rice bags registered that osmanthus asks
for; its own decision type (a renovation needs 2/3 of all households) and two owners' votes under
it, 133 of 200 failing and 134 passing. In April, residents object to osmanthus's Q1 (one
rejected, one corrected, one left unanswered), and osmanthus closes Q2 (bundle key
``"osmanthus/2026Q2"``).

The ``context_world`` fixture is registered for the package in ``tests/proofs/conftest.py``.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from ledger_service.audit.commands import close_period
from ledger_service.communities.commands import ensure_key, grant_role, key_label
from ledger_service.funds import commands as funds
from ledger_service.proofs import bundle as bundles
from ledger_service.proofs.trust_root import trust_root
from ledger_service.revenue import commands as revenue
from ledger_service.revenue.encoding import Income
from ledger_service.service import LedgerService
from ledger_service.timebank import commands as timebank
from ledger_service.timebank import operations as tb
from tests.funds.service import YUAN, approve, keeper, rep, set_up_community
from tests.proofs.conftest import make_service, set_date

D = dt.date
OSMANTHUS, PLUM = "osmanthus", "plum"
Q1, Q2 = "2026Q1", "2026Q2"
#: Spending from maintenance needs an owners' decision once a committee exists: spends use operations.
POLICY = {"maintenance": 4000, "welfare": 3000, "mutual_aid": 2000, "operations": 1000}
EVIDENCE = b"\x0e" * 32
FUND = "public_welfare"
WELFARE = b"welfare".ljust(32, b"\0")
#: Fee-discount terms the owners approve: 15 yuan an hour, 90 yuan per holder, 150 in all, a quarter.
FEE_TERMS = ("welfare", 1_500, 9_000, 15_000, 3)


@dataclass
class ContextWorld:
    svc: LedgerService
    root: dict[str, Any]
    statement_bundles: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: What the world wrote, for tests that look for a particular entry (holders, receipts, ...).
    facts: dict[str, Any] = field(default_factory=dict)

    def statement(self, slug: str) -> dict[str, Any]:
        return json.loads(self.statement_bundles[slug]["statement"])

    def index_of(self, slug: str, **match: Any) -> int:
        for i, e in enumerate(self.statement(slug)["entries"]):
            if all(e.get(k) == v for k, v in match.items()):
                return i
        raise LookupError(match)


def _revenue(svc: LedgerService, slug: str, day: D, amount: int, spend: int) -> None:
    acct = key_label(slug, "accountant")
    revenue.post_income(
        svc, slug, Income("elevator_ads", amount, day, f"AD-{slug[:4].upper()}-1"), signer=acct
    )
    revenue.spend(svc, slug, "operations", spend, day, f"OPS-{slug[:4].upper()}-1", signer=acct,
                  evidence="cleaning contractor invoice")  # fmt: skip


def _timebank(svc: LedgerService, facts: dict[str, Any]) -> None:
    """Every TimeBank event of osmanthus, on 2026-02-10 (records dated the day before)."""
    s = OSMANTHUS
    coord, committee, acct = (
        key_label(s, "coordinator"),
        key_label(s, "committee"),
        key_label(s, "accountant"),
    )
    day = D(2026, 2, 10)
    set_date(svc, day)
    volunteer = tb.add_person(
        svc, s, "volunteer", name="Chen Zhiqiang", phone="13811112222", keep_key=True
    ).holder
    helped = tb.add_person(svc, s, "beneficiary", name="Qian Fang", phone="13700005678", keep_key=True).holder
    elder = tb.add_person(svc, s, "elderly", name="Wang Xiuying", phone="010-6543-2100").holder
    proxy = tb.add_person(svc, s, "proxy", name="Wang Jianguo", phone="13655556666", keep_key=True).holder
    # minted by the coordinator's attestation, and by the beneficiary's own signature
    tb.record_service(svc, s, volunteer, helped, "companionship", 600, D(2026, 2, 9))
    tb.mint_pending(svc, s, signer=coord)
    signed = tb.record_service(
        svc, s, volunteer, helped, "repairs", 90, D(2026, 2, 9), reported_by="volunteer"
    )
    tb.attest(svc, s, signed["record_ref"], signer=coord)
    # catalog, redemptions (one a health check-up: its item stays private)
    tb.set_item(svc, s, "grocery-delivery", "goods", 60, "fresh-mart", signer=coord)
    tb.set_item(svc, s, "check-7f3a", "health_check", 30, "street-clinic", signer=coord)
    tb.redeem(svc, s, volunteer, "grocery-delivery", 1, signer=coord)
    tb.redeem(svc, s, volunteer, "check-7f3a", 1, signer=coord)
    # the pool: a donation, the elderly registration, a grant; the elder's proxy
    tb.donate(svc, s, volunteer, 120, signer=coord)
    timebank.set_elderly(svc, s, elder, signer=coord)
    timebank.grant(svc, s, elder, 60, signer=coord)
    timebank.set_proxy(svc, s, elder, proxy, signer=coord)
    # reward and deduction
    timebank.reward(svc, s, volunteer, 30, "event_helper", signer=coord)
    timebank.deduct(svc, s, volunteer, 15, "noise_violation", signer=coord)
    # the owners' fee terms (an approved owners' decision), then a discount paid from welfare
    cid = bytes.fromhex(svc.community_id(s)[2:])
    bucket, *rest = FEE_TERMS
    action = timebank.view(svc, "feeTermsActionHash", cid, WELFARE, *rest)[0]
    approve(svc, s, bytes(action), decision_type=1)
    timebank.set_fee_terms(svc, s, bucket, *rest, signer=committee)
    _, fen = tb.fee_discount(svc, s, volunteer, 240, "FEE-2026-02", day, signer=acct)
    facts.update(volunteer=volunteer.lower(), beneficiary=helped.lower(), elder=elder.lower(),
                 proxy=proxy.lower(), fee_discount_fen=fen)  # fmt: skip


def _pay(
    svc: LedgerService, project: str, earmark: str, amount: int, *, final: bool, ref: str, when: D
) -> None:
    s = OSMANTHUS
    cid = svc.community_id(s)
    approve(svc, s, funds.disbursement_action_hash(cid, project, FUND, earmark, amount, final, ref, EVIDENCE))
    funds.disburse(svc, s, project, FUND, earmark, amount, when, final=final, ref=ref, evidence=EVIDENCE,
                   signer=keeper(s))  # fmt: skip


def _funds(svc: LedgerService, facts: dict[str, Any]) -> None:
    """Every Funds event of osmanthus, on 2026-03-02."""
    s, k = OSMANTHUS, keeper(OSMANTHUS)
    day = D(2026, 3, 2)
    set_date(svc, day)
    funds.create_fund(svc, s, FUND, "public_welfare", 10**15, signer=k)
    funds.open_earmark(svc, s, FUND, "elderly", signer=k)
    plain, _ = funds.donor_for(svc, s, name="A neighbour", phone="13900000001")
    named, public = funds.donor_for(
        svc, s, name="Osmanthus Bakery Ltd.", phone="021-6000-0001", named_publicly=True
    )
    bureau, _ = funds.donor_for(svc, s, name="District Civil Affairs Bureau", phone="021-6000-0000")
    crowd, _ = funds.donor_for(svc, s, name="A crowdfunding backer", phone="13900000002")
    donations = [
        funds.Donation(FUND, "R-001", plain, "resident", 20_000 * YUAN, day, earmark="elderly"),
        funds.Donation(FUND, "R-002", named, "company", 30_000 * YUAN, day, earmark="elderly",
                       public_name=public),
        funds.Donation(FUND, "R-003", bureau, "government", 10_000 * YUAN, day, earmark="elderly",
                       formula="per_resident", rate=20 * YUAN, units=500),
        funds.Donation(FUND, "R-004", crowd, "resident", 500 * YUAN, day, earmark="elderly",
                       campaign="winter-2026"),
    ]  # fmt: skip
    for d in donations:
        funds.donate(svc, s, d, signer=k)
    funds.from_revenue(svc, s, "mutual_aid", 2_000 * YUAN, day, FUND, "elderly", "TR-1",
                       signer=key_label(s, "accountant"))  # fmt: skip
    funds.open_project(
        svc, s, "ramps", FUND, "elderly", budget=40_000 * YUAN, acceptances_required=2, signer=k
    )
    _pay(svc, "ramps", "elderly", 25_000 * YUAN, final=False, ref="ramps-1", when=day)
    for n in (1, 2):
        funds.accept_project(svc, s, "ramps", day, b"\x0a" * 32, signer=rep(s, n))
    _pay(svc, "ramps", "elderly", 10_000 * YUAN, final=True, ref="ramps-2", when=day)
    funds.return_unspent(svc, s, "ramps", FUND, "elderly", 1_000 * YUAN, day, EVIDENCE, signer=k)
    cid = svc.community_id(s)
    # the payments used R-001 and R-002 (first in, first out): the campaign backer's is unspent
    approve(svc, s, funds.refund_action_hash(cid, "R-004", 200 * YUAN, EVIDENCE))
    funds.refund(svc, s, "R-004", FUND, "elderly", 200 * YUAN, day, EVIDENCE, signer=k)
    facts.update(public_name=public, receipts=[d.receipt for d in donations])


def _goods(svc: LedgerService) -> None:
    """Osmanthus registers and receives coats, sends 40 to plum on plum's request, hands 30 out;
    plum hands 25 of its 40 out; plum registers rice bags and osmanthus asks it for 20. On 2026-03-16."""
    day = D(2026, 3, 16)
    set_date(svc, day)
    ko, kp = keeper(OSMANTHUS), keeper(PLUM)
    funds.register_item(svc, OSMANTHUS, "winter_coat", "piece", signer=ko)
    donor, public = funds.donor_for(svc, OSMANTHUS, name="Warm Garments Co.", phone="021-6666-0001",
                                    named_publicly=True)  # fmt: skip
    funds.donate_goods(svc, OSMANTHUS, "G-0001", "winter_coat", 100, donor, "company", day,
                       public_name=public, signer=ko)  # fmt: skip
    funds.request_goods(svc, PLUM, "REQ-1", OSMANTHUS, "winter_coat", 40, day, signer=kp)
    funds.transfer_goods(svc, OSMANTHUS, PLUM, "REQ-1", 40, day, b"\x0d" * 32,
                         signer=key_label(OSMANTHUS, "committee"))  # fmt: skip
    funds.distribute(svc, OSMANTHUS, "winter_coat", 30, "winter_relief", day, signer=ko)
    funds.distribute(svc, PLUM, "winter_coat", 25, "elderly_winter", day, signer=kp)
    # and the other way: plum keeps rice, osmanthus asks for some (not answered in Q1)
    funds.register_item(svc, PLUM, "rice_bag", "bag", signer=kp)
    funds.request_goods(svc, OSMANTHUS, "REQ-2", PLUM, "rice_bag", 20, day, signer=ko)


def _votes(svc: LedgerService, facts: dict[str, Any]) -> None:
    """Plum's owners vote twice on a renovation under their own decision type, defined through the
    process (at least 2/3 of all households): 133 of 200 fails, 134 passes. On 2026-03-20."""
    from ledger_service.governance import commands as gov
    from ledger_service.governance.rules import Rule
    from ledger_service.governance.signing import sign_approval

    set_date(svc, D(2026, 3, 20))
    domain = gov.domain(svc)
    members = [svc.account(key_label(PLUM, "member", n)) for n in (1, 2)]

    def approve_by_members(pid: int) -> None:
        for m in members:
            a = gov.approval_request(svc, PLUM, pid)
            gov.relay_signature(svc, PLUM, a, m.address, sign_approval(m, domain, a))

    rule = Rule(0, 0, 2, 3, True, True, False, True)
    committee = key_label(PLUM, "committee")
    define = gov.propose_decision_type(svc, PLUM, 16, "renovation_2_3_all", rule, signer=committee)
    approve_by_members(define)
    admin = key_label(PLUM, "admin")
    gov.define_decision_type(svc, PLUM, define, 16, "renovation_2_3_all", rule, signer=admin)
    facts["votes"] = []
    for yes in (133, 134):
        pid = gov.propose_spend(svc, PLUM, "operations", 100 * YUAN, f"RENO-{yes}", evidence="renovation",
                                decision_type=16, signer=key_label(PLUM, "accountant"))  # fmt: skip
        result = gov.record_vote(
            svc, PLUM, pid, gov.Tally(0, 0, 0, 200, 171, yes), f"ballots {yes}", signer=committee
        )
        facts["votes"].append((pid, yes, result["passed"]))


def _objections(svc: LedgerService, facts: dict[str, Any]) -> None:
    """Residents object to osmanthus's closed Q1 in April: one rejected with reasons, one upheld
    by a correcting income, one left unanswered past its due day; then Q2 is closed (2026-07-02)."""
    from ledger_service.oversight import commands as oversight

    s, acct, committee = OSMANTHUS, key_label(OSMANTHUS, "accountant"), key_label(OSMANTHUS, "committee")
    set_date(svc, D(2026, 4, 5))
    first = oversight.file_objection(svc, s, Q1, "resident 3-201", "the spend looks high", signer=acct)
    second = oversight.file_objection(svc, s, Q1, "resident 5-1102", "ads income is short", entry_seq=2,
                                      signer=acct)  # fmt: skip
    set_date(svc, D(2026, 4, 6))
    oversight.reject_objection(svc, s, int(first.event["objectionId"]), "three quotes taken",
                               "the lowest of three written quotes was taken", signer=committee)  # fmt: skip
    fix = revenue.post_income(svc, s, Income("elevator_ads", 500 * YUAN, D(2026, 4, 6), "FIX"), signer=acct)
    assert fix.seq is not None
    oversight.answer_with_correction(svc, s, int(second.event["objectionId"]), fix.seq, "posted late",
                                     signer=acct)  # fmt: skip
    set_date(svc, D(2026, 4, 10))
    third = oversight.file_objection(svc, s, Q1, "resident 7-303", "the stall rent is missing", signer=acct)
    facts["objections"] = [int(o.event["objectionId"]) for o in (first, second, third)]
    set_date(svc, D(2026, 7, 2))
    close_period(svc, s, Q2, signer=acct)


def build_context_world(svc: LedgerService) -> dict[str, Any]:
    """Write the world into ``svc`` (a fresh service whose chain starts on 2026-01-01) and close
    Q1 for both communities on 2026-04-02. Returns facts about what was written."""
    facts: dict[str, Any] = {}
    for slug in (OSMANTHUS, PLUM):  # on the chain's first day: the policies start 2026-01-01
        set_up_community(svc, slug, reps=2, policy=POLICY)
    grant_role(svc, OSMANTHUS, "coordinator", ensure_key(svc, key_label(OSMANTHUS, "coordinator")))
    set_date(svc, D(2026, 1, 15))
    _revenue(svc, OSMANTHUS, D(2026, 1, 15), 100_000 * YUAN, 3_000 * YUAN)
    _revenue(svc, PLUM, D(2026, 1, 15), 50_000 * YUAN, 1_000 * YUAN)
    _timebank(svc, facts)
    _funds(svc, facts)
    _goods(svc)
    _votes(svc, facts)
    set_date(svc, D(2026, 4, 2))
    for slug in (OSMANTHUS, PLUM):
        close_period(svc, slug, Q1, signer=key_label(slug, "accountant"))
    _objections(svc, facts)
    return facts


@pytest.fixture(scope="package")
def context_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ContextWorld]:
    svc = make_service(tmp_path_factory.mktemp("context-proofs") / "home")
    try:
        facts = build_context_world(svc)
        w = ContextWorld(svc, trust_root(svc.deployment), facts=facts)
        for slug in (OSMANTHUS, PLUM):
            w.statement_bundles[slug] = bundles.statement_bundle(svc, slug, Q1)
        w.statement_bundles[f"{OSMANTHUS}/{Q2}"] = bundles.statement_bundle(svc, OSMANTHUS, Q2)
        yield w
    finally:
        svc.close()
