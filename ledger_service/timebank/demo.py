"""The time bank part of the demonstration ledger (REQUIREMENTS AS-11, shortened), in
lotus-garden on the day the demo is made.

Three volunteers serve an elderly neighbour who lives alone; a coordinator attests their hours.
Two of them donate 10 hours to the community pool; the coordinator grants them to the neighbour
(registered as elderly, without a smartphone), whose registered proxy redeems them for grocery
delivery. Names and phone numbers stay encrypted in SQL; the chain and the explorer show
pseudonymous ids only, and the neighbour has no public page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ledger_service.communities.commands import key_label
from ledger_service.timebank import commands
from ledger_service.timebank import operations as ops

if TYPE_CHECKING:
    from ledger_service.service import LedgerService


def build_timebank_demo(svc: LedgerService, slug: str, say: Callable[[str], Any] = lambda _m: None) -> None:
    """Volunteers, a pool grant and a proxy's redemption in ``slug`` (which has a coordinator key)."""
    ts = int(svc.w3.eth.get_block("latest")["timestamp"])
    day = dt.datetime.fromtimestamp(ts + 8 * 3600, dt.UTC).date()
    coordinator = key_label(slug, "coordinator")
    volunteers = [
        ops.add_person(svc, slug, "volunteer", name=name, phone=phone, keep_key=True).holder
        for name, phone in (("陈志强", "13811112222"), ("林美华", "13933334444"), ("赵小军", "13700001111"))
    ]
    elder = ops.add_person(
        svc, slug, "elderly", name="王秀英", phone="010-6543-2100", address="和平里小区3号楼2单元501"
    ).holder
    proxy = ops.add_person(svc, slug, "proxy", name="王建国", phone="13655556666", keep_key=True).holder
    for volunteer, minutes, kind in zip(
        volunteers, (360, 300, 240), ("companionship", "housework", "repairs"), strict=True
    ):
        ops.record_service(svc, slug, volunteer, elder, kind, minutes, day)
    ops.mint_pending(svc, slug, signer=coordinator)
    say(f"{slug}: 15 hours of attested service by 3 volunteers")
    ops.donate(svc, slug, volunteers[0], 300, signer=coordinator)
    ops.donate(svc, slug, volunteers[1], 300, signer=coordinator)
    commands.set_elderly(svc, slug, elder, signer=coordinator)
    commands.grant(svc, slug, elder, 600, signer=coordinator)
    ops.set_item(svc, slug, "grocery-delivery", "goods", 60, "fresh-mart", signer=coordinator)
    commands.set_proxy(svc, slug, elder, proxy, signer=coordinator)
    ops.redeem(svc, slug, elder, "grocery-delivery", 10, proxy=proxy, signer=coordinator)
    say(f"{slug}: 10 pool hours granted to an elderly neighbour, redeemed by her proxy for groceries")
