"""Governance demonstration on one community, all on the chain's current date: the AS-3 policy
change (60/40 → 60/30/10, owners' vote 240 of 300 units and 21,600.00 of 27,000.00 m²
participating, 190 units and 17,500.00 m² yes) and an old-estate renovation payment that needs
2/3 of all 200 households: a vote with 133 yes fails, one with 134 passes, and only then is it paid.

The committee members' keys are made here and sign here, standing in for members signing in their
own wallets; the ledger still only relays their signatures. Call ``build_governance_demo`` after
the main demo (``ledger_service.demo``) has set the clock to the present.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from eth_account import Account
from eth_account.signers.local import LocalAccount
from eth_utils import keccak

from ledger_service.communities.commands import add_community
from ledger_service.governance import commands as gov
from ledger_service.governance.rules import Rule
from ledger_service.governance.signing import sign_approval
from ledger_service.revenue import commands as revenue
from ledger_service.revenue.encoding import Income

if TYPE_CHECKING:
    from ledger_service.service import LedgerService

SLUG = "maple-court"
RENOVATION = 16
RENOVATION_RULE = Rule(0, 0, 2, 3, True, True, False, True)


def demo_members() -> list[LocalAccount]:
    """Three committee members (demo keys: public seeds, for the demonstration only)."""
    return [Account.from_key(keccak(text=f"civic-ledger demo member {n}")) for n in ("wang", "li", "zhao")]


def _today(svc: LedgerService) -> dt.date:
    """The chain's date in Shanghai (UTC+8), as the community's calendar has it."""
    ts = int(svc.w3.eth.get_block("latest")["timestamp"])
    return dt.datetime.fromtimestamp(ts + 8 * 3600, dt.UTC).date()


def build_governance_demo(svc: LedgerService, say: Callable[[str], Any] = lambda _m: None) -> dict[str, int]:
    """Write the governance demonstration; returns the proposal numbers it made."""
    members = demo_members()
    today = _today(svc)
    acct, committee, admin = f"{SLUG}:accountant", f"{SLUG}:committee", f"{SLUG}:admin"

    def approve(pid: int, who: list[LocalAccount]) -> None:
        for m in who:
            a = gov.approval_request(svc, SLUG, pid)
            gov.relay_signature(svc, SLUG, a, m.address, sign_approval(m, gov.domain(svc), a))

    add_community(svc, SLUG)
    revenue.set_policy(svc, SLUG, {"maintenance": 6000, "welfare": 4000}, today, signer=committee)
    revenue.post_income(svc, SLUG, Income("elevator_ads", 20_000_000, today, "MC-AD-001"), signer=acct)
    gov.set_up_committee(svc, SLUG, [m.address for m in members], 2, spend_threshold=1_000_000, signer=admin)
    say(f"{SLUG}: committee of 3 set up (2 must approve; payments above 10,000.00 yuan need approval)")

    shares = {"maintenance": 6000, "welfare": 3000, "operations": 1000}
    effective = today + dt.timedelta(days=1)
    policy, _ = gov.propose_policy(svc, SLUG, shares, effective, document="policy 60/30/10", signer=committee)
    approve(policy, members[:2])
    gov.record_vote(
        svc, SLUG, policy, gov.Tally(27_000_00, 21_600_00, 17_500_00, 300, 240, 190, 3_600_00, 40),
        "ballot record (policy 60/30/10)", signer=committee,
    )  # fmt: skip
    gov.enact_policy(svc, SLUG, policy, shares, effective, signer=committee)
    say(f"{SLUG}: policy 60/30/10 voted (80.0 % turnout, 79.2 % / 81.0 % yes), approved and enacted")

    define = gov.propose_decision_type(
        svc, SLUG, RENOVATION, "renovation_2_3_all", RENOVATION_RULE, signer=committee
    )
    approve(define, members[1:])
    gov.define_decision_type(
        svc, SLUG, define, RENOVATION, "renovation_2_3_all", RENOVATION_RULE, signer=admin
    )
    amount, ref, evidence = 6_000_000, "MC-RENO-1", "renovation contract"
    failed = gov.propose_spend(
        svc, SLUG, "welfare", amount, ref, evidence=evidence, decision_type=RENOVATION, signer=acct
    )
    gov.record_vote(
        svc, SLUG, failed, gov.Tally(0, 0, 0, 200, 171, 133), "ballot record (133 yes)", signer=committee
    )
    passed = gov.propose_spend(
        svc, SLUG, "welfare", amount, ref, evidence=evidence, decision_type=RENOVATION, signer=acct
    )
    gov.record_vote(
        svc, SLUG, passed, gov.Tally(0, 0, 0, 200, 171, 134), "ballot record (134 yes)", signer=committee
    )
    approve(passed, members[:2])
    revenue.spend(svc, SLUG, "welfare", amount, today, ref, signer=acct, evidence=evidence)
    say(f"{SLUG}: renovation vote 133/200 failed, 134/200 passed; 60,000.00 yuan paid after approval")
    svc.sync()
    return {"policy": policy, "decision_type": define, "renovation_failed": failed, "renovation": passed}
