"""`civic-ledger policy|revenue|spend|reverse|deposit ...`: what a property accountant and the
owners' committee type to run the revenue ledger.

Registered on the main CLI by one line at the bottom of ``ledger_service/cli.py``.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ledger_service.cli import (
    AmountOpt,
    AsOpt,
    DateOpt,
    EvidenceOpt,
    HomeOpt,
    RefOpt,
    Remote,
    _escape,
    _evidence,
    _fail,
    _progress,
    _report,
    _running,
    _service,
    _settings,
    _signer,
    _write,
    app,
    command,
    console,
    err_console,
    format_fen,
    parse_date,
    parse_share,
    parse_yuan,
)
from ledger_service.core.errors import ChainUnavailable, Conflict, InvalidInput, LedgerError
from ledger_service.revenue.encoding import SOURCES, Income, evidence_hash, fixed_text

if TYPE_CHECKING:
    from ledger_service.service import LedgerService

policy_app = typer.Typer(
    help="Allocation policies: how every income is split into funds.", no_args_is_help=True
)
revenue_app = typer.Typer(help="Post income (one entry, or a CSV file of many).", no_args_is_help=True)
deposit_app = typer.Typer(help="Deposits held for a payer (liabilities, never income).", no_args_is_help=True)
app.add_typer(policy_app, name="policy")
app.add_typer(revenue_app, name="revenue")
app.add_typer(deposit_app, name="deposit")


@command(policy_app, "set")
def policy_set(
    ctx: typer.Context,
    slug: Annotated[str, typer.Argument(help="The community, e.g. lotus-garden.")],
    shares: Annotated[
        list[str],
        typer.Argument(
            help="BUCKET=SHARE for each fund: maintenance=60% welfare=30% "
            "operations=10% (or basis points: maintenance=6000)."
        ),
    ],
    effective: Annotated[
        str, typer.Option("--effective", help="First business date it applies to, YYYY-MM-DD.")
    ],
    decision: Annotated[
        str | None,
        typer.Option("--decision", help='The decision that approved it, e.g. "owners\' assembly 2025-12".'),
    ] = None,
    home: HomeOpt = None,
    as_: AsOpt = None,
) -> None:
    """Activate an allocation policy: every income from its effective date on is split by it.

    Shares must add up to 100 %. Signed by a committee member's key.
    """
    from ledger_service.revenue import commands as revenue

    buckets: dict[str, int] = {}
    for share in shares:
        name, bps = parse_share(share)
        if name in buckets:
            raise InvalidInput(f"bucket '{name}' is given twice")
        buckets[name] = bps
    if sum(buckets.values()) != 10_000:
        raise InvalidInput(f"the shares add up to {Decimal(sum(buckets.values())) / 100} %, not 100 %")
    when = parse_date(effective, "effective date")
    settings = _settings(home)
    entry = _write(
        ctx,
        settings,
        slug,
        "committee",
        as_,
        "policies",
        {"buckets": buckets, "effective_date": when.isoformat(), "decision": decision},
        lambda svc, key: revenue.set_policy(svc, slug, buckets, when, signer=key, decision=decision),
    )
    _report(f"Policy for {slug} from {when}", entry)


# -- revenue --------------------------------------------------------------------------------------


@command(revenue_app, "post")
def revenue_post(
    ctx: typer.Context,
    slug: Annotated[str, typer.Argument(help="The community, e.g. lotus-garden.")],
    source: Annotated[str, typer.Option("--source", help=f"Where it came from: {', '.join(SOURCES)}.")],
    amount: AmountOpt,
    date: DateOpt,
    ref: RefOpt,
    evidence: EvidenceOpt = None,
    home: HomeOpt = None,
    as_: AsOpt = None,
) -> None:
    """Post one income. It is split into the funds by the policy in force on its date."""
    from ledger_service.revenue import commands as revenue

    proof = _evidence(evidence)
    income = Income(source, parse_yuan(amount), parse_date(date), ref, evidence_hash(proof)).validated()
    body = {
        "source": source,
        "amount": income.amount,
        "business_date": income.business_date.isoformat(),
        "ref": ref,
        "evidence": "0x" + income.evidence.hex() if proof else None,
    }
    entry = _write(
        ctx,
        _settings(home),
        slug,
        "accountant",
        as_,
        "incomes",
        body,
        lambda svc, key: revenue.post_income(svc, slug, income, signer=key),
    )
    _report(f"Income {format_fen(income.amount)} yuan from {source} ({ref})", entry)


@dataclass(frozen=True)
class CsvRow:
    line: int
    income: Income


def read_incomes_csv(path: Path) -> tuple[list[CsvRow], list[str]]:
    """Parse and check every row of an income file; returns (rows, problems as "line N: ...").

    Columns: source,amount,business_date,ref[,evidence] (a header row with these names is
    optional). Amounts in yuan, dates YYYY-MM-DD; a reference may appear once per file.
    """
    rows: list[CsvRow] = []
    problems: list[str] = []
    seen: dict[str, int] = {}
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput(f"{path} is not UTF-8 text; save it from the spreadsheet as CSV UTF-8") from None
    reader = csv.reader(text.splitlines(keepends=True))
    for record in reader:
        line = reader.line_num
        cells = [c.strip() for c in record]
        if not any(cells):
            continue
        if line == 1 and cells[0].lower() == "source":
            continue
        if len(cells) not in (4, 5):
            problems.append(
                f"line {line}: expected 4 or 5 columns (source,amount,business_date,ref[,evidence]), "
                f"found {len(cells)}"
            )
            continue
        source, amount, day, ref = cells[:4]
        proof = cells[4] if len(cells) == 5 else ""
        try:
            if source not in SOURCES:
                raise InvalidInput(f"unknown source '{source}'; use one of: {', '.join(SOURCES)}")
            fixed_text(ref, 32, "reference")
            income = Income(
                source,
                parse_yuan(amount),
                parse_date(day, "business date"),
                ref,
                evidence_hash(proof or None),
            ).validated()
        except InvalidInput as e:
            problems.append(f"line {line}: {e.message}")
            continue
        if ref in seen:
            problems.append(f"line {line}: reference '{ref}' is also on line {seen[ref]}")
            continue
        seen[ref] = line
        rows.append(CsvRow(line, income))
    if not rows and not problems:
        problems.append(f"{path} has no rows to post")
    return rows, problems


def _check_rows_against_chain(svc: LedgerService, slug: str, rows: list[CsvRow]) -> list[str]:
    """What the contract would refuse, found before the first batch: closed periods, future dates,
    references already posted. (Reads the chain's own views, not display data.)"""
    from ledger_service.chain.direct import call
    from ledger_service.revenue import commands as revenue
    from ledger_service.statements.periods import from_day_number

    problems: list[str] = []
    cid = bytes.fromhex(svc.community_id(slug)[2:])
    closed = int(
        call(svc.sender, "RevenueLedger", svc.deployment.address("RevenueLedger"), "closedThrough", cid)[0]
    )
    offset = int(
        call(svc.sender, "CommunityRoles", svc.deployment.address("CommunityRoles"), "utcOffsetOf", cid)[0]
    )
    stamp = int(svc.w3.eth.get_block("latest")["timestamp"])
    today = dt.datetime.fromtimestamp(stamp + offset * 60, dt.UTC).date()
    closed_through = from_day_number(closed) if closed else None
    for row in rows:
        day = row.income.business_date
        if closed_through is not None and day <= closed_through:
            problems.append(
                f"line {row.line}: {day} is in a closed period of community {slug} (closed through "
                f"{closed_through}); post a correction in an open period"
            )
        elif day > today:
            problems.append(
                f"line {row.line}: {day} is in the future for community {slug} (today is {today})"
            )
    by_ref = {row.income.ref: row.line for row in rows}
    try:
        revenue.check_refs_unused(svc, slug, list(by_ref))
    except Conflict as e:
        ref = str(e.data.get("ref", ""))
        problems.append(f"line {by_ref.get(ref, '?')}: {e.message}")
    return problems


@command(revenue_app, "import")
def revenue_import(
    ctx: typer.Context,
    slug: Annotated[str, typer.Argument(help="The community, e.g. lotus-garden.")],
    file: Annotated[
        Path,
        typer.Argument(
            help="CSV file: source,amount,business_date,ref[,evidence] per line; "
            "amounts in yuan, dates YYYY-MM-DD.",
            exists=True,
            dir_okay=False,
        ),
    ],
    home: HomeOpt = None,
    as_: AsOpt = None,
) -> None:
    """Post every income in a CSV file, in batches.

    All rows are checked first: if any row is wrong, each problem is listed with its line number
    and NOTHING from the file is posted. Fix the file and run the command again.
    """
    rows, problems = read_incomes_csv(file)
    settings = _settings(home)
    running = _running(ctx, settings)
    if not problems and running is None:
        with _service(ctx, settings) as svc:
            problems = _check_rows_against_chain(svc, slug, rows)
            if not problems:
                _post_rows(svc, slug, _signer(slug, "accountant", as_), rows, file)
                return
    if problems:
        shown = problems[:20] + ([f"… and {len(problems) - 20} more"] if len(problems) > 20 else [])
        for p in shown:
            err_console.print(f"[red]{_escape(p)}[/red]", highlight=False)
        raise _fail(f"{file.name}: {len(problems)} problem(s); nothing from the file was posted")
    total = sum(r.income.amount for r in rows)
    body = {
        "incomes": [
            {
                "source": r.income.source,
                "amount": r.income.amount,
                "business_date": r.income.business_date.isoformat(),
                "ref": r.income.ref,
                "evidence": "0x" + r.income.evidence.hex() if any(r.income.evidence) else None,
            }
            for r in rows
        ]
    }
    with _progress() as progress:
        task = progress.add_task(f"Posting {file.name}", total=len(rows))
        try:
            answer = Remote(running.url, settings).post(
                slug, "accountant", _signer(slug, "accountant", as_), "incomes/batch", body
            )
        except LedgerError as e:
            ref = str(e.data.get("ref", ""))
            line = next((r.line for r in rows if r.income.ref == ref), None)
            raise _fail(
                _escape((f"line {line}: " if line else "") + e.message + "; nothing from the file was posted")
            ) from None
        progress.update(task, completed=len(rows))
    console.print(
        f"[green]✓[/green] {len(rows)} incomes, {format_fen(total)} yuan, posted in "
        f"{len(answer.get('writes', []))} batch(es)."
    )


def _post_rows(svc: LedgerService, slug: str, signer: str, rows: list[CsvRow], file: Path) -> None:
    from ledger_service.revenue import commands as revenue

    total = sum(r.income.amount for r in rows)
    with _progress() as progress:
        task = progress.add_task(f"Posting {file.name}", total=len(rows))
        entries = revenue.post_incomes(
            svc, slug, [r.income for r in rows], signer=signer, progress=lambda n: progress.advance(task, n)
        )
    try:
        svc.sync()
    except ChainUnavailable:
        pass
    queued = sum(1 for e in entries if e.status == "queued")
    console.print(
        f"[green]✓[/green] {len(rows)} incomes, {format_fen(total)} yuan, posted in {len(entries)} "
        f"batch(es)" + (f"; {queued} kept until the chain returns" if queued else "") + "."
    )


# -- spending, reversals, deposits ----------------------------------------------------------------


@command(app, "spend")
def spend(
    ctx: typer.Context,
    slug: Annotated[str, typer.Argument(help="The community, e.g. lotus-garden.")],
    bucket: Annotated[str, typer.Option("--bucket", help="The fund paid from, e.g. maintenance.")],
    amount: AmountOpt,
    date: DateOpt,
    ref: RefOpt,
    evidence: EvidenceOpt = None,
    home: HomeOpt = None,
    as_: AsOpt = None,
) -> None:
    """Record money spent from a fund (never more than the fund holds)."""
    from ledger_service.revenue import commands as revenue

    fen, when, proof = parse_yuan(amount), parse_date(date), _evidence(evidence)
    body = {"bucket": bucket, "amount": fen, "business_date": when.isoformat(), "ref": ref, "evidence": proof}
    entry = _write(
        ctx,
        _settings(home),
        slug,
        "accountant",
        as_,
        "spends",
        body,
        lambda svc, key: revenue.spend(svc, slug, bucket, fen, when, ref, signer=key, evidence=proof),
    )
    _report(f"Spent {format_fen(fen)} yuan from {bucket} ({ref})", entry)


@command(app, "reverse")
def reverse(
    ctx: typer.Context,
    slug: Annotated[str, typer.Argument(help="The community, e.g. lotus-garden.")],
    seq: Annotated[
        int, typer.Argument(help="Number (#) of the income or spend to reverse, as in the statement.")
    ],
    reason: Annotated[str, typer.Option("--reason", help="Why, in a few words (at most 32 bytes).")],
    date: DateOpt,
    home: HomeOpt = None,
    as_: AsOpt = None,
) -> None:
    """Correct a mistake: reverse an income or a spend. Nothing is ever edited or deleted; the
    reversal is a new entry that names the original and your reason."""
    from ledger_service.revenue import commands as revenue

    when = parse_date(date)
    entry = _write(
        ctx,
        _settings(home),
        slug,
        "accountant",
        as_,
        "reversals",
        {"seq": seq, "reason": reason, "business_date": when.isoformat()},
        lambda svc, key: revenue.reverse(svc, slug, seq, reason, when, signer=key),
    )
    _report(f"Reversal of entry #{seq}", entry)


@command(deposit_app, "receive")
def deposit_receive(
    ctx: typer.Context,
    slug: Annotated[str, typer.Argument(help="The community, e.g. lotus-garden.")],
    amount: AmountOpt,
    date: DateOpt,
    payer: Annotated[
        str, typer.Option("--payer", help="Who paid it (kept off the chain; only a hash is recorded).")
    ],
    ref: RefOpt,
    evidence: EvidenceOpt = None,
    home: HomeOpt = None,
    as_: AsOpt = None,
) -> None:
    """Record a deposit received (e.g. an advertiser's security deposit). It is held for the payer,
    never counted as income."""
    from ledger_service.revenue import commands as revenue

    fen, when, proof = parse_yuan(amount), parse_date(date), _evidence(evidence)
    body = {
        "amount": fen,
        "business_date": when.isoformat(),
        "payer_ref": payer,
        "ref": ref,
        "evidence": proof,
    }
    entry = _write(
        ctx,
        _settings(home),
        slug,
        "accountant",
        as_,
        "deposits",
        body,
        lambda svc, key: revenue.receive_deposit(
            svc, slug, fen, when, payer, ref, signer=key, evidence=proof
        ),
    )
    _report(f"Deposit of {format_fen(fen)} yuan received ({ref})", entry)


@command(deposit_app, "return")
def deposit_return(
    ctx: typer.Context,
    slug: Annotated[str, typer.Argument(help="The community, e.g. lotus-garden.")],
    deposit_seq: Annotated[int, typer.Argument(help="Number (#) of the deposit, as in the statement.")],
    amount: AmountOpt,
    date: DateOpt,
    ref: RefOpt,
    evidence: EvidenceOpt = None,
    home: HomeOpt = None,
    as_: AsOpt = None,
) -> None:
    """Record (part of) a deposit paid back to its payer."""
    from ledger_service.revenue import commands as revenue

    fen, when, proof = parse_yuan(amount), parse_date(date), _evidence(evidence)
    body = {"amount": fen, "business_date": when.isoformat(), "ref": ref, "evidence": proof}
    entry = _write(
        ctx,
        _settings(home),
        slug,
        "accountant",
        as_,
        f"deposits/{deposit_seq}/returns",
        body,
        lambda svc, key: revenue.return_deposit(
            svc, slug, deposit_seq, fen, when, ref, signer=key, evidence=proof
        ),
    )
    _report(f"Deposit #{deposit_seq}: {format_fen(fen)} yuan returned ({ref})", entry)


