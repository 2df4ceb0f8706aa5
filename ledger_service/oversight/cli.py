"""`civic-ledger budget|contract|objection ...`: annual budgets approved through governance, the
register of revenue-earning contracts, and residents' objections with their answers.

Registered on the main CLI by one line at the bottom of ``ledger_service/cli.py``.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from ledger_service.cli import (
    AsOpt,
    HomeOpt,
    _evidence,
    _label,
    _settings,
    _write,
    app,
    command,
    console,
    format_fen,
    parse_date,
    parse_share,
    parse_yuan,
)
from ledger_service.core.errors import InvalidInput
from ledger_service.oversight.encoding import CONTRACT_KINDS, BudgetLine

budget_app = typer.Typer(
    help="Annual budgets: lines per fund and purpose, approved through the owners' process.",
    no_args_is_help=True,
)
contract_app = typer.Typer(
    help="The register of contracts that earn revenue (ad space, shared parking, stalls).",
    no_args_is_help=True,
)
objection_app = typer.Typer(
    help="Residents' objections to a closed period, and their answers.", no_args_is_help=True
)
app.add_typer(budget_app, name="budget")
app.add_typer(contract_app, name="contract")
app.add_typer(objection_app, name="objection")

SlugArg = Annotated[str, typer.Argument(help="The community, e.g. lotus-garden.")]
YearOpt = Annotated[int, typer.Option("--year", help="The calendar year the budget covers, e.g. 2026.")]
LinesOpt = Annotated[
    list[str],
    typer.Option(
        "--line",
        help="FUND:PURPOSE:YUAN, once per line, e.g. --line maintenance:repairs:400000. Purposes "
        '"contingency" (10–15 % of the spending total) and "other" (unexplained, at most the '
        'community\'s limit, 10 % unless changed) are special; FUND "income" plans an income '
        "source (income:elevator_ads:3650000).",
    ),
]
DocumentOpt = Annotated[
    str | None,
    typer.Option("--document", help="The budget document: a file (its SHA-256 is recorded) or a short text."),
]
PeriodOpt = Annotated[str, typer.Option("--period", help="The closed period, e.g. 2026Q1, 2026-03 or 2026.")]


def _lines(specs: list[str]) -> list[BudgetLine]:
    out = []
    for spec in specs:
        parts = spec.split(":")
        if len(parts) != 3:
            raise InvalidInput(
                f"budget line '{spec}' must look like FUND:PURPOSE:YUAN, e.g. maintenance:repairs:400000"
            )
        out.append(BudgetLine(parts[0].strip(), parts[1].strip(), parse_yuan(parts[2])))
    return out


def _lines_json(lines: list[BudgetLine]) -> list[dict[str, Any]]:
    return [{"bucket": x.bucket, "purpose": x.purpose, "amount": x.amount} for x in lines]


def _done(what: str, result: Any) -> None:
    data = result.to_json() if hasattr(result, "to_json") else dict(result)
    console.print(
        f"[green]✓[/green] {what} (block {data.get('block_number')}, transaction {data.get('tx_hash')}).",
        highlight=False,
    )


# -- budgets ---------------------------------------------------------------------------------------


@command(budget_app, "check")
def budget_check(
    ctx: typer.Context,
    slug: SlugArg,
    year: YearOpt,
    lines: LinesOpt,
    document: DocumentOpt = None,
    home: HomeOpt = None,
    as_: AsOpt = None,
) -> None:
    """Check a draft budget by the contract's own rules (nothing is written) and print the action
    hash a governance proposal must name to approve exactly this budget."""
    from ledger_service.oversight import commands

    parsed, doc = _lines(lines), _evidence(document)
    body = {"year": year, "lines": _lines_json(parsed), "document": doc}
    result = _write(
        ctx,
        _settings(home),
        slug,
        "accountant",
        as_,
        "budgets/check",
        body,
        lambda svc, key: {
            **commands.check_budget(svc, slug, parsed),
            "action_hash": commands.budget_action_hash(svc, slug, year, parsed, doc),
        },
    )
    limit = int(result["other_limit_bps"])
    console.print(
        f"[green]✓[/green] The budget can be approved: spending {format_fen(result['total'])} yuan, "
        f"other {format_fen(result['other'])} (limit {limit // 100}.{limit % 100:02d} %), "
        f"contingency {format_fen(result['contingency'])}.\n"
        f"  Action hash for the proposal: {result['action_hash']}",
        highlight=False,
    )


@command(budget_app, "adopt")
def budget_adopt(
    ctx: typer.Context,
    slug: SlugArg,
    year: YearOpt,
    lines: LinesOpt,
    document: DocumentOpt = None,
    home: HomeOpt = None,
    as_: AsOpt = None,
) -> None:
    """Adopt a budget once its governance proposal (for exactly these lines and document) is
    approved. Refused if the "other" share is above the limit or the contingency outside 10–15 %."""
    from ledger_service.oversight import commands

    parsed, doc = _lines(lines), _evidence(document)
    body = {"year": year, "lines": _lines_json(parsed), "document": doc}
    result = _write(
        ctx,
        _settings(home),
        slug,
        "accountant",
        as_,
        "budgets",
        body,
        lambda svc, key: commands.adopt_budget(svc, slug, year, parsed, doc, signer=key),
    )
    _done(f"Budget {year} of {slug} adopted", result)


@command(budget_app, "set-limit")
def budget_set_limit(
    ctx: typer.Context,
    slug: SlugArg,
    limit: Annotated[
        str, typer.Option("--limit", help='The new limit on "other", e.g. 12% or 1200 (basis points).')
    ],
    home: HomeOpt = None,
    as_: AsOpt = None,
) -> None:
    """Change the limit on a budget's unexplained "other" share (needs an approved proposal for
    `otherLimitActionHash`). Signed by a committee member's key."""
    from ledger_service.oversight import commands

    _, bps = parse_share(f"limit={limit}")
    result = _write(
        ctx,
        _settings(home),
        slug,
        "committee",
        as_,
        "budgets/other-limit",
        {"limit_bps": bps},
        lambda svc, key: commands.set_other_limit(svc, slug, bps, signer=key),
    )
    _done(f'Limit on "other" of {slug} set to {bps} basis points', result)


# -- revenue contracts ---------------------------------------------------------------------------------


@command(contract_app, "register")
def contract_register(
    ctx: typer.Context,
    slug: SlugArg,
    number: Annotated[
        str, typer.Option("--number", help="The contract number; payments use it as their reference.")
    ],
    kind: Annotated[str, typer.Option("--kind", help=f"One of: {', '.join(CONTRACT_KINDS)}.")],
    source: Annotated[str, typer.Option("--source", help="The income source its payments are posted under.")],
    counterparty: Annotated[
        str, typer.Option("--counterparty", help="The other party (only a keyed pseudonym is recorded).")
    ],
    instalments: Annotated[
        list[str],
        typer.Option(
            "--instalment", help="DUE-DATE:YUAN, once per payment, e.g. --instalment 2026-03-31:5000."
        ),
    ],
    document: DocumentOpt = None,
    home: HomeOpt = None,
    as_: AsOpt = None,
) -> None:
    """Register a contract that earns revenue, with every payment it should bring. Post its
    payments with the contract number as reference, or NUMBER/anything (e.g. AD-2026-01/2026Q1):
    statements then show expected vs received and flag what is overdue or missing."""
    from ledger_service.oversight import commands

    parsed = []
    for spec in instalments:
        day, sep, amount = spec.partition(":")
        if not sep:
            raise InvalidInput(f"instalment '{spec}' must look like YYYY-MM-DD:YUAN, e.g. 2026-03-31:5000")
        parsed.append(commands.Instalment(parse_date(day, "due date"), parse_yuan(amount)))
    doc = _evidence(document)
    body = {
        "number": number,
        "kind": kind,
        "source": source,
        "counterparty": counterparty,
        "document": doc,
        "instalments": [{"due_date": x.due_date.isoformat(), "amount": x.amount} for x in parsed],
    }
    result = _write(
        ctx,
        _settings(home),
        slug,
        "accountant",
        as_,
        "revenue-contracts",
        body,
        lambda svc, key: commands.register_contract(
            svc, slug, number, kind, source, counterparty, parsed, doc, signer=key
        ),
    )
    _done(f"Contract {number} registered with {len(parsed)} instalments", result)


@command(contract_app, "end")
def contract_end(
    ctx: typer.Context,
    slug: SlugArg,
    number: Annotated[str, typer.Option("--number", help="The contract number.")],
    date: Annotated[str, typer.Option("--date", help="Its last day, YYYY-MM-DD (today or later).")],
    reason: Annotated[str, typer.Option("--reason", help="Short reason (at most 32 bytes).")],
    home: HomeOpt = None,
    as_: AsOpt = None,
) -> None:
    """End a contract early: payments due after its last day are no longer expected. Signed by a
    committee member's key; never retroactive."""
    from ledger_service.oversight import commands

    day = parse_date(date, "end date")
    result = _write(
        ctx,
        _settings(home),
        slug,
        "committee",
        as_,
        f"revenue-contracts/{number}/end",
        {"end_date": day.isoformat(), "reason": reason},
        lambda svc, key: commands.end_contract(svc, slug, number, day, reason, signer=key),
    )
    _done(f"Contract {number} ends on {day}", result)


# -- objections ----------------------------------------------------------------------------------------


@command(objection_app, "note-close")
def objection_note_close(
    ctx: typer.Context, slug: SlugArg, period: PeriodOpt, home: HomeOpt = None, as_: AsOpt = None
) -> None:
    """Publish a closed period's objection window: residents have 15 days from the day the period
    was anchored (the first objection notes it otherwise)."""
    from ledger_service.oversight import commands

    label = _label(period)
    result = _write(
        ctx,
        _settings(home),
        slug,
        "accountant",
        as_,
        f"periods/{label}/note-close",
        {},
        lambda svc, key: commands.note_close(svc, slug, label, signer=key),
    )
    _done(f"Objection window of {slug} {label} opened", result)


@command(objection_app, "file")
def objection_file(
    ctx: typer.Context,
    slug: SlugArg,
    period: PeriodOpt,
    resident: Annotated[
        str, typer.Option("--resident", help="Who objects (only a keyed pseudonym is recorded).")
    ],
    text: Annotated[
        str,
        typer.Option(
            "--text", help="The objection and its evidence: a file or a text (its SHA-256 is recorded)."
        ),
    ],
    entry: Annotated[
        int, typer.Option("--entry", help="The entry objected to (0: the whole statement).")
    ] = 0,
    home: HomeOpt = None,
    as_: AsOpt = None,
) -> None:
    """File a resident's objection to a closed period. One filed more than 15 days after the close
    is still recorded, as late. The answer is due within 7 days."""
    from ledger_service.oversight import commands

    label, evidence = _label(period), _evidence(text) or ""
    result = _write(
        ctx,
        _settings(home),
        slug,
        "accountant",
        as_,
        f"periods/{label}/objections",
        {"resident": resident, "text": evidence, "entry_seq": entry},
        lambda svc, key: commands.file_objection(
            svc, slug, label, resident, evidence, entry_seq=entry, signer=key
        ),
    )
    data = result.to_json() if hasattr(result, "to_json") else result
    late = " (late: after the 15 days)" if data.get("late") else ""
    _done(
        f"Objection #{data.get('objectionId')} filed{late}; answer due by day {data.get('answerDueDay')}",
        data,
    )


@command(objection_app, "correct")
def objection_correct(
    ctx: typer.Context,
    slug: SlugArg,
    objection_id: Annotated[int, typer.Argument(help="The objection's number.")],
    entry: Annotated[int, typer.Option("--entry", help="The correcting entry, posted after the objection.")],
    note: Annotated[
        str | None, typer.Option("--note", help="The written answer (its SHA-256 is recorded).")
    ] = None,
    home: HomeOpt = None,
    as_: AsOpt = None,
) -> None:
    """Uphold an objection: post the correcting entry first (e.g. the missing income, or a
    reversal), then name it here. The original entry stays as it was."""
    from ledger_service.oversight import commands

    result = _write(
        ctx,
        _settings(home),
        slug,
        "accountant",
        as_,
        f"objections/{objection_id}/correction",
        {"correction_seq": entry, "note": note},
        lambda svc, key: commands.answer_with_correction(svc, slug, objection_id, entry, note, signer=key),
    )
    _done(f"Objection #{objection_id} answered by entry #{entry}", result)


@command(objection_app, "reject")
def objection_reject(
    ctx: typer.Context,
    slug: SlugArg,
    objection_id: Annotated[int, typer.Argument(help="The objection's number.")],
    reason: Annotated[str, typer.Option("--reason", help="Short public reason (at most 32 bytes).")],
    reasons: Annotated[str, typer.Option("--reasons", help="The full written reasons: a file or a text.")],
    home: HomeOpt = None,
    as_: AsOpt = None,
) -> None:
    """Reject an objection with reasons. Signed by a committee member's key."""
    from ledger_service.oversight import commands

    full = _evidence(reasons) or ""
    result = _write(
        ctx,
        _settings(home),
        slug,
        "committee",
        as_,
        f"objections/{objection_id}/rejection",
        {"reason": reason, "reasons": full},
        lambda svc, key: commands.reject_objection(svc, slug, objection_id, reason, full, signer=key),
    )
    _done(f"Objection #{objection_id} rejected", result)
