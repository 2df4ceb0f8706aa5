"""The oversight part of the demonstration ledger (lotus-garden, after its 2026Q1 close).

Called by ``ledger_service.demo.build_demo`` right after the 2026Q1 close on 2026-04-02, before
the clock jumps to the present:

- 2026-04-02: the close is noted: residents' 15 days to object count from this day of anchoring.
- 2026-04-03: two revenue contracts are registered: the elevator-ad lease ``AD-2026-001`` (its
  January payment is the demo's 120,000-yuan income with that reference: paid; July's is not due
  yet) and a shared-parking agreement ``SP-LOT-2026`` whose 24,000 yuan were due on 2026-03-31 and
  never posted: missing, flagged.
- 2026-04-05: two residents object to 2026Q1: one to the elevator repair (entry #3), one because
  the shared-parking income is missing.
- 2026-04-06: the committee rejects the first with its reasons; the accountant posts the missing
  24,000 yuan (``SP-LOT-2026/2026Q1``, dated in Q2: Q1 stays as anchored) and names that entry as
  the second objection's correction. The contract is then paid.

A budget needs the owners' committee's own signatures through governance; with ``members``
(keys that can sign) a 2026 budget is approved and adopted on 2026-04-03 as well.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ledger_service.communities.commands import key_label
from ledger_service.oversight import commands
from ledger_service.oversight.encoding import BudgetLine
from ledger_service.revenue import commands as revenue
from ledger_service.revenue.encoding import Income

if TYPE_CHECKING:
    from eth_account.signers.local import LocalAccount

    from ledger_service.service import LedgerService

D = dt.date
BUDGET_2026 = [
    BudgetLine("maintenance", "repairs", 6_000_000),
    BudgetLine("maintenance", "elevator", 2_000_000),
    BudgetLine("maintenance", "contingency", 1_200_000),
    BudgetLine("welfare", "vouchers", 1_800_000),
    BudgetLine("operations", "other", 1_000_000),
    BudgetLine("income", "elevator_ads", 24_000_000),
    BudgetLine("income", "shared_parking", 9_600_000),
]


def build_oversight_demo(
    svc: LedgerService,
    slug: str = "lotus-garden",
    say: Callable[[str], Any] = lambda _m: None,
    *,
    members: list[LocalAccount] | None = None,
) -> None:
    """Contracts, objections and answers for ``slug`` (2026Q1 closed, clock on 2026-04-02)."""
    from ledger_service.demo import at, set_clock

    acct, committee = key_label(slug, "accountant"), key_label(slug, "committee")
    commands.note_close(svc, slug, "2026Q1", signer=acct)
    say(f"{slug}: 2026Q1 open for objections until 2026-04-17")
    set_clock(svc, at(D(2026, 4, 3)))
    commands.register_contract(
        svc,
        slug,
        "AD-2026-001",
        "ad_space",
        "elevator_ads",
        "Focus Media (elevator screens)",
        [commands.Instalment(D(2026, 1, 15), 12_000_000), commands.Instalment(D(2026, 7, 15), 12_000_000)],
        "elevator ad lease 2026",
        signer=acct,
    )
    commands.register_contract(
        svc,
        slug,
        "SP-LOT-2026",
        "shared_parking",
        "shared_parking",
        "Sunshine Parking Co.",
        [commands.Instalment(D(2026, 3, 31), 2_400_000), commands.Instalment(D(2026, 6, 30), 2_400_000)],
        "shared parking agreement 2026",
        signer=acct,
    )
    say(f"{slug}: contracts AD-2026-001 (paid in January) and SP-LOT-2026 (due 2026-03-31) registered")
    if members:
        _budget(svc, slug, members, acct)
        say(f"{slug}: budget 2026 approved by the committee and adopted")
    set_clock(svc, at(D(2026, 4, 5)))
    first = commands.file_objection(
        svc, slug, "2026Q1", "resident 3-201", "the elevator repair looks expensive", entry_seq=3, signer=acct
    )
    second = commands.file_objection(
        svc, slug, "2026Q1", "resident 5-1102", "shared-parking income for Q1 is missing", signer=acct
    )
    say(f"{slug}: two objections to 2026Q1")
    set_clock(svc, at(D(2026, 4, 6)))
    commands.reject_objection(
        svc,
        slug,
        int(first.event["objectionId"]),
        "three quotes, lowest taken",
        "the repair went to the lowest of three written quotes (attached)",
        signer=committee,
    )
    fix = revenue.post_income(
        svc, slug, Income("shared_parking", 2_400_000, D(2026, 4, 6), "SP-LOT-2026/2026Q1"), signer=acct
    )
    assert fix.seq is not None
    commands.answer_with_correction(
        svc, slug, int(second.event["objectionId"]), fix.seq, "posted late; now received", signer=acct
    )
    say(f"{slug}: one objection rejected with reasons, one corrected by entry #{fix.seq}")


def _budget(svc: LedgerService, slug: str, members: list[LocalAccount], signer: str) -> None:
    """Propose the budget (the accountant), relay two members' own approvals, then adopt it."""
    from ledger_service.governance import commands as governance
    from ledger_service.governance.signing import sign_approval

    document = "budget 2026, owners' assembly 2026-03"
    action = commands.budget_action_hash(svc, slug, 2026, BUDGET_2026, document)
    pid = governance.propose(
        svc, slug, bytes.fromhex(action[2:]), document=document, label="budget 2026", signer=signer
    )
    for member in members[:2]:
        request = governance.approval_request(svc, slug, pid)
        governance.relay_signature(
            svc, slug, request, member.address, sign_approval(member, governance.domain(svc), request)
        )
    commands.adopt_budget(svc, slug, 2026, BUDGET_2026, document, signer=signer)
