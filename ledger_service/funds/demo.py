"""The funds part of the demonstration ledger: REQUIREMENTS AS-7 in its own community, on the day
the demo is made (the chain's clock at the present).

peach-court keeps a community fund with three earmarks. A company gives 500,000 yuan and 200
households 1,000 each (a crowdfund) to the playground; a foundation (which chose to be named) gives
300,000 and a bank 200,000 to the canteen. The committee of three approves each payment with two
members' own signatures; the playground is paid 450,000, accepted by two resident representatives,
then paid its final 250,000; the canteen's equipment costs 180,000. A donor's receipt number shows
which payments their money funded, first in, first out. 300 winter coats are donated as goods.
Names and phone numbers stay encrypted in SQL; only the foundation's chosen name is public.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ledger_service.communities.commands import add_community, ensure_key, grant_role, key_label
from ledger_service.funds import commands as funds
from ledger_service.governance import commands as governance
from ledger_service.governance.demo import demo_members
from ledger_service.governance.signing import sign_approval

if TYPE_CHECKING:
    from ledger_service.service import LedgerService

SLUG = "peach-court"
YUAN = 100
EVIDENCE = b"\x0e" * 32


def _today(svc: LedgerService) -> dt.date:
    ts = int(svc.w3.eth.get_block("latest")["timestamp"])
    return dt.datetime.fromtimestamp(ts + 8 * 3600, dt.UTC).date()


def build_funds_demo(svc: LedgerService, say: Callable[[str], Any] = lambda _m: None) -> None:
    """Write AS-7 into a new community ``peach-court``, dated on the chain's current day."""
    day = _today(svc)
    keeper = key_label(SLUG, "fund_keeper")
    add_community(svc, SLUG)
    for n in (1, 2):
        grant_role(svc, SLUG, "resident_rep", ensure_key(svc, key_label(SLUG, "resident_rep", n)))
    members = demo_members()
    governance.set_up_committee(
        svc, SLUG, [m.address for m in members], 2, spend_threshold=5_000_000,
        signer=key_label(SLUG, "admin"),
    )  # fmt: skip
    funds.create_fund(svc, SLUG, "community", "community", 10**15, signer=keeper)
    for earmark in ("playground", "canteen", "parking"):
        funds.open_earmark(svc, SLUG, "community", earmark, signer=keeper)

    def give(receipt: str, name: str, phone: str, kind: str, amount: int, earmark: str, **kw: Any) -> None:
        donor, public = funds.donor_for(
            svc, SLUG, name=name, phone=phone, named_publicly=kw.pop("named", False)
        )
        gift = funds.Donation(
            "community", receipt, donor, kind, amount, day, earmark=earmark, public_name=public
        )
        funds.donate(svc, SLUG, gift, signer=keeper)

    give("CO-0001", "Lotus Bakery Ltd.", "021-5555-0101", "company", 500_000 * YUAN, "playground")
    households = []
    for i in range(200):
        donor, _ = funds.donor_for(svc, SLUG, name=f"Household {i}", phone=f"1380000{i:04d}")
        households.append(
            funds.Donation(
                "community",
                f"HH-{i:04d}",
                donor,
                "resident",
                1_000 * YUAN,
                day,
                earmark="playground",
                campaign="playground-2026",
            )  # fmt: skip
        )
    funds.donate_many(svc, SLUG, households, signer=keeper)
    give("FD-0001", "Sunrise Foundation", "021-5555-0202", "charity", 300_000 * YUAN, "canteen", named=True)
    give("BK-0001", "Harbour Bank", "021-5555-0303", "bank", 200_000 * YUAN, "canteen")
    say(f"{SLUG}: 1,200,000.00 yuan donated (playground 700,000.00, canteen 500,000.00)")
    funds.open_project(
        svc, SLUG, "playground", "community", "playground", budget=700_000 * YUAN, acceptances_required=2,
        signer=keeper,
    )  # fmt: skip
    funds.open_project(svc, SLUG, "canteen-kit", "community", "canteen", budget=180_000 * YUAN, signer=keeper)

    def pay(project: str, earmark: str, amount: int, ref: str, *, final: bool = False) -> None:
        action = funds.disbursement_action_hash(
            svc.community_id(SLUG), project, "community", earmark, amount, final, ref, EVIDENCE
        )
        pid = governance.propose(svc, SLUG, action, document=f"payment {ref}", label=ref, signer=keeper)
        for member in members[:2]:
            request = governance.approval_request(svc, SLUG, pid)
            governance.relay_signature(
                svc, SLUG, request, member.address, sign_approval(member, governance.domain(svc), request)
            )
        funds.disburse(
            svc, SLUG, project, "community", earmark, amount, day, final=final, ref=ref, evidence=EVIDENCE,
            signer=keeper,
        )  # fmt: skip

    pay("playground", "playground", 450_000 * YUAN, "PG-1")
    for n in (1, 2):
        funds.accept_project(
            svc, SLUG, "playground", day, b"\x0a" * 32, signer=key_label(SLUG, "resident_rep", n)
        )
    pay("playground", "playground", 250_000 * YUAN, "PG-2", final=True)
    pay("canteen-kit", "canteen", 180_000 * YUAN, "CK-1")
    say(f"{SLUG}: playground paid 450,000.00 + 250,000.00 after acceptance; canteen kit 180,000.00")
    funds.register_item(svc, SLUG, "winter_coat", "piece", signer=keeper)
    coats, _ = funds.donor_for(svc, SLUG, name="Warm Winter Garment Co.", phone="021-5555-0404")
    funds.donate_goods(svc, SLUG, "GD-0001", "winter_coat", 300, coats, "company", day, signer=keeper)
    say(f"{SLUG}: 300 winter coats donated; receipt CO-0001 traces to both playground payments")
