"""The demonstration ledger: REQUIREMENTS AS-1, AS-2 and AS-6 replayed on a fresh chain, then served.

The chain starts on 2026-01-01 (Shanghai) and the embedded node's clock is moved forward before
each dated step (``evm_setTime`` then ``evm_mine``), so every entry carries the business date the
story gives it and the contracts' date rules (no future dates, no writes into closed periods,
policies effective from "today") hold exactly as in production. At the end the clock is set to the
real time, and ``up`` serves the result.

- lotus-garden (A, AS-1): policy 60/30/10 from 2026-01-01; 120,000 yuan of elevator ads on
  2026-01-15 → 72,000 / 36,000 / 12,000; a 30,000 yuan repair from maintenance on 2026-03-10.
- bamboo-court (B, AS-2): 10,000 yuan of stall rental on 2026-02-10 with no policy → held in the
  owners' common account; a 60/40 policy activated on 2026-04-15 splits it by reallocation (Q2).
- osmanthus-court (C, AS-6): 120,000 yuan of shared parking and 48,000 of residents' parking.
- 2026Q1 closed for all three on 2026-04-02; then lotus-garden's owners' committee (3 members,
  2 signatures) adopts the 2026 budget, two revenue contracts are registered (one unpaid, flagged)
  and two residents' objections are answered (one rejected with reasons, one by a correcting entry).
- maple-court (governance, dated on the day the demo is made): AS-3's policy change through the
  owners' vote and the committee's signatures, and a renovation payment that needs 2/3 of all 200
  households: 133 yes fails, 134 passes, and only then is it paid.
- peach-court (funds, AS-7, dated today): 1,200,000 yuan of earmarked donations traced first in,
  first out to the payments they funded; 300 winter coats donated.
- lotus-garden's time bank (AS-11, dated today): attested hours, a pool grant to an elderly
  neighbour and her proxy's redemption.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from typing import Any

from rich.console import Console

from ledger_service.audit.commands import close_period
from ledger_service.communities.commands import add_community, key_label
from ledger_service.core.config import Settings
from ledger_service.core.errors import ConfigError, Conflict
from ledger_service.funds.demo import build_funds_demo
from ledger_service.governance.commands import set_up_committee
from ledger_service.governance.demo import build_governance_demo, demo_members
from ledger_service.oversight.demo import build_oversight_demo
from ledger_service.revenue import commands as revenue
from ledger_service.revenue.encoding import Income
from ledger_service.service import LedgerService
from ledger_service.timebank.demo import build_timebank_demo

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
A, B, C = "lotus-garden", "bamboo-court", "osmanthus-court"
COMMUNITIES = (A, B, C)
#: Written when the demo data is complete; a directory without it holds an interrupted demo.
MARKER = "demo-complete"
GENESIS = dt.datetime(2026, 1, 1, 0, 0, tzinfo=SHANGHAI)
D = dt.date


def at(d: dt.date, hour: int = 10) -> int:
    return int(dt.datetime(d.year, d.month, d.day, hour, tzinfo=SHANGHAI).timestamp())


def set_clock(svc: LedgerService, unix: int) -> None:
    """Move the embedded node's clock and mine a block there (dates on chain follow block time)."""
    svc.w3.provider.make_request("evm_setTime", [unix])  # type: ignore[arg-type]
    svc.w3.provider.make_request("evm_mine", [])  # type: ignore[arg-type]


def build_demo(svc: LedgerService, say: Callable[[str], Any] = lambda _m: None) -> None:
    """Write the demo's communities and entries into ``svc`` (a fresh ledger started at ``GENESIS``)."""

    def on(d: dt.date) -> None:
        set_clock(svc, at(d))
        say(f"[dim]{d}[/dim]")

    def acct(slug: str) -> str:
        return key_label(slug, "accountant")

    for slug in COMMUNITIES:
        add_community(svc, slug)
        say(f"community {slug} registered")
    revenue.set_policy(
        svc,
        A,
        {"maintenance": 6000, "welfare": 3000, "operations": 1000},
        D(2026, 1, 1),
        signer=key_label(A, "committee"),
        decision="owners' assembly 2025-12",
    )
    say(f"{A}: policy 60/30/10 from 2026-01-01")
    on(D(2026, 1, 15))
    revenue.post_income(
        svc, A, Income("elevator_ads", 12_000_000, D(2026, 1, 15), "AD-2026-001"), signer=acct(A)
    )
    say(f"{A}: 120,000.00 yuan of elevator ads (AD-2026-001)")
    on(D(2026, 2, 10))
    revenue.post_income(
        svc, B, Income("stall_rental", 1_000_000, D(2026, 2, 10), "STALL-2026-02"), signer=acct(B)
    )
    say(f"{B}: 10,000.00 yuan of stall rental, no policy yet → owners' common account")
    revenue.post_incomes(
        svc,
        C,
        [
            Income("shared_parking", 12_000_000, D(2026, 2, 10), "SP-2026-Q1"),
            Income("parking", 4_800_000, D(2026, 2, 10), "PK-2026-Q1"),
        ],
        signer=acct(C),
    )
    say(f"{C}: 120,000.00 yuan of shared parking and 48,000.00 of residents' parking")
    on(D(2026, 3, 10))
    revenue.spend(
        svc,
        A,
        "maintenance",
        3_000_000,
        D(2026, 3, 10),
        "REPAIR-0310",
        signer=acct(A),
        evidence="elevator repair invoice 2026-03-10",
    )
    say(f"{A}: 30,000.00 yuan elevator repair from maintenance")
    on(D(2026, 4, 2))
    for slug in COMMUNITIES:
        closed = close_period(svc, slug, "2026Q1", signer=acct(slug))
        say(f"{slug}: 2026Q1 closed, statement {closed.statement_hash[:16]}…")
    # Oversight (issue 5): A's committee signs its 2026 budget; contracts, objections, answers.
    members = demo_members()
    set_up_committee(
        svc, A, [m.address for m in members], 2, spend_threshold=5_000_000, signer=key_label(A, "admin")
    )
    say(f"{A}: owners' committee of 3 (2 signatures needed; spending above 50,000.00 yuan needs them)")
    build_oversight_demo(svc, A, say, members=members)
    on(D(2026, 4, 15))
    revenue.set_policy(
        svc,
        B,
        {"maintenance": 6000, "welfare": 4000},
        D(2026, 4, 15),
        signer=key_label(B, "committee"),
        decision="owners' assembly 2026-04",
    )
    say(f"{B}: policy 60/40 from 2026-04-15; the held 10,000.00 yuan is reallocated")
    set_clock(svc, max(int(time.time()), at(D(2026, 4, 15)) + 3600))
    # Governance (issue 5), dated today: AS-3's policy change and the renovation vote.
    build_governance_demo(svc, say)
    # Funds (issue 6): AS-7 in peach-court; time bank (issue 7): AS-11 in lotus-garden.
    build_funds_demo(svc, say)
    build_timebank_demo(svc, A, say)
    svc.sync()


def run_demo(
    settings: Settings,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    serve: bool = True,
    console: Console | None = None,
) -> None:
    """Make the demo in ``settings.home`` unless it is there already, then (with ``serve``) run ``up``."""
    from ledger_service.api.server import running_service
    from ledger_service.api.server import serve as serve_app

    out = console or Console()
    if (running := running_service(settings.home)) is not None:
        raise Conflict(
            f"the demo in {settings.home} is already running at {running.url} (process {running.pid})"
        )
    marker = settings.home / MARKER
    if settings.manifest_path.exists() and not marker.exists():
        raise ConfigError(
            f"{settings.home} holds a ledger that is not a finished demo; delete the directory "
            "and run `make demo` again"
        )
    if settings.manifest_path.exists():
        out.print(f"The demo in {settings.home} is ready.")
        svc = LedgerService.open(settings)
    else:
        out.print(f"Creating the demo ledger in {settings.home} (2026 Q1–Q2 replayed on a local chain)…")
        svc = LedgerService.init(settings, genesis_timestamp=int(GENESIS.timestamp()))
        try:
            build_demo(svc, lambda m: out.print(f"  {m}", highlight=False))
        except BaseException:
            svc.close()
            raise
        marker.write_text("AS-1 AS-2 AS-3 AS-6 AS-7 AS-11\n", encoding="utf-8")
    try:
        url = f"http://{host}:{port}"
        out.print("[bold]Civic Ledger demo[/bold]: five communities, 2026Q1 closed")
        for slug, story, period in (
            (A, "AS-1 elevator ads split 60/30/10, a repair", "2026Q1"),
            (B, "AS-2 held without a policy, reallocated in Q2", "2026Q2"),
            (C, "AS-6 shared parking and parking", "2026Q1"),
            ("maple-court", "AS-3 policy through the owners' vote; renovation", "governance"),
            ("peach-court", "AS-7 earmarked donations, traced", "funds"),
            (A, "AS-11 time bank: volunteers, pool, proxy", "volunteers"),
        ):
            out.print(f"  {slug:<16} {story:<48} {url}/c/{slug}/{period}", highlight=False, soft_wrap=True)
        if serve:
            out.print(f"[green]Serving[/green] on [bold]{url}[/bold] (API at {url}/api/v1, Ctrl-C to stop)")
            serve_app(svc, host=host, port=port)
            out.print("Stopped.")
    finally:
        svc.close()
