"""`civic-ledger fund|donation|disbursement|trace|goods ...`: what a fund keeper, a resident
representative and a donor type. Amounts in yuan (``1234.56``), dates ``YYYY-MM-DD``. A donor is
named by pseudonym, or by name and phone (kept encrypted, never on chain); their name is published
only with ``--named-publicly``.

Registered on the main CLI by one line at the bottom of ``ledger_service/cli.py``.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from ledger_service.cli import (
    AmountOpt,
    AsOpt,
    DateOpt,
    EvidenceOpt,
    HomeOpt,
    RefOpt,
    _evidence,
    _report,
    _settings,
    _write,
    app,
    command,
    console,
    format_fen,
    index_db,
    parse_date,
    parse_yuan,
)
from ledger_service.core.errors import InvalidInput
from ledger_service.funds.encoding import DONOR_TYPES, FORMULAS, FUND_KINDS

if TYPE_CHECKING:
    pass

fund_app = typer.Typer(help="Charity and community funds: funds, earmarks, projects.", no_args_is_help=True)
donation_app = typer.Typer(
    help="Donations: record, import a crowdfunding campaign, refund.", no_args_is_help=True
)
disbursement_app = typer.Typer(
    help="Payments to projects (each needs an approved proposal), acceptance, returned money.",
    no_args_is_help=True,
)
goods_app = typer.Typer(
    help="In-kind goods: items, donations, requests, transfers, distribution.", no_args_is_help=True
)
app.add_typer(fund_app, name="fund")
app.add_typer(donation_app, name="donation")
app.add_typer(disbursement_app, name="disbursement")
app.add_typer(goods_app, name="goods")

Slug = Annotated[str, typer.Argument(help="The community, e.g. lotus-garden.")]
FundOpt = Annotated[str, typer.Option("--fund", help="The fund, e.g. mutual_aid.")]
EarmarkOpt = Annotated[
    str | None, typer.Option("--earmark", help="The earmark (purpose); default: the fund's general earmark.")
]


def _fund_write(
    ctx: typer.Context,
    home: Path | None,
    slug: str,
    role: str,
    as_: str | None,
    path: str,
    body: dict[str, Any],
    local: Any,
) -> Any:
    return _write(ctx, _settings(home), slug, role, as_, f"funds{path}", body, local)


def _evidence_bytes(value: str | None) -> bytes:
    from ledger_service.revenue.encoding import evidence_hash

    return evidence_hash(_evidence(value))


# -- fund ------------------------------------------------------------------------------------------


@command(fund_app, "create")
def fund_create(
    ctx: typer.Context,
    slug: Slug,
    fund: Annotated[str, typer.Argument(help="The fund's name (slug), e.g. mutual_aid.")],
    kind: Annotated[
        str, typer.Option("--kind", help=f"What kind of fund: {', '.join(FUND_KINDS)}.")
    ] = "community",
    owners_threshold: Annotated[
        str, typer.Option("--owners-threshold", help="Payments above this many yuan need an owners' vote.")
    ] = "50000",
    home: HomeOpt = None,
    as_: AsOpt = None,
) -> None:
    """Create a fund (it gets a "general" earmark for money given without a purpose)."""
    from ledger_service.funds import commands

    threshold = parse_yuan(owners_threshold)
    body = {"fund": fund, "kind": kind, "owners_threshold": threshold}
    entry = _fund_write(
        ctx,
        home,
        slug,
        "fund_keeper",
        as_,
        "",
        body,
        lambda svc, key: commands.create_fund(svc, slug, fund, kind, threshold, signer=key),
    )
    _report(f"Fund {fund} in {slug}", entry)


@command(fund_app, "earmark")
def fund_earmark(
    ctx: typer.Context,
    slug: Slug,
    fund: Annotated[str, typer.Argument(help="The fund.")],
    earmark: Annotated[str, typer.Argument(help="The purpose money can be given for, e.g. playground.")],
    home: HomeOpt = None,
    as_: AsOpt = None,
) -> None:
    """Open an earmark: money given for it pays only for its own projects."""
    from ledger_service.funds import commands

    entry = _fund_write(
        ctx,
        home,
        slug,
        "fund_keeper",
        as_,
        f"/{fund}/earmarks",
        {"earmark": earmark},
        lambda svc, key: commands.open_earmark(svc, slug, fund, earmark, signer=key),
    )
    _report(f"Earmark {fund}/{earmark}", entry)


@command(fund_app, "project")
def fund_project(
    ctx: typer.Context,
    slug: Slug,
    project: Annotated[str, typer.Argument(help="The project's name (slug), e.g. playground-2026.")],
    fund: FundOpt,
    earmark: EarmarkOpt = None,
    budget: Annotated[str, typer.Option("--budget", help="Planned total in yuan.")] = "0",
    acceptances: Annotated[
        int,
        typer.Option(
            "--acceptances", help="Resident representatives who must accept it before the final payment."
        ),
    ] = 1,
    home: HomeOpt = None,
    as_: AsOpt = None,
) -> None:
    """Register a project, paid only from one earmark."""
    from ledger_service.funds import commands

    fen = parse_yuan(budget) if budget not in ("", "0") else 0
    body = {
        "project": project,
        "fund": fund,
        "earmark": earmark,
        "budget": fen,
        "acceptances_required": acceptances,
    }
    entry = _fund_write(
        ctx,
        home,
        slug,
        "fund_keeper",
        as_,
        "/projects",
        body,
        lambda svc, key: commands.open_project(
            svc, slug, project, fund, earmark, budget=fen, acceptances_required=acceptances, signer=key
        ),
    )
    _report(f"Project {project}", entry)


@command(fund_app, "from-revenue")
def fund_from_revenue(
    ctx: typer.Context,
    slug: Slug,
    bucket: Annotated[str, typer.Option("--bucket", help="The revenue bucket, e.g. mutual_aid.")],
    amount: AmountOpt,
    date: DateOpt,
    fund: FundOpt,
    ref: RefOpt,
    earmark: EarmarkOpt = None,
    home: HomeOpt = None,
    as_: AsOpt = None,
) -> None:
    """Move money the revenue policy put in a bucket into a fund (the accountant signs)."""
    from ledger_service.funds import commands

    fen, day = parse_yuan(amount), parse_date(date)
    body = {
        "bucket": bucket,
        "amount": fen,
        "business_date": day.isoformat(),
        "fund": fund,
        "earmark": earmark,
        "ref": ref,
    }
    entry = _fund_write(
        ctx,
        home,
        slug,
        "accountant",
        as_,
        "/from-revenue",
        body,
        lambda svc, key: commands.from_revenue(svc, slug, bucket, fen, day, fund, earmark, ref, signer=key),
    )
    _report(f"{format_fen(fen)} from {bucket} into {fund}", entry)


@command(fund_app, "traceability")
def fund_traceability(ctx: typer.Context, slug: Slug, home: HomeOpt = None) -> None:
    """Per fund: money disbursed, and how much of it is traced to its source (first in, first out)."""
    from ledger_service.funds.reads import traceability

    with index_db(ctx, home) as db, db.begin() as conn:
        view = traceability(conn, slug)
    t = Table(title=f"Traceability in {slug} (as of block {view['as_of_block']})")
    for col in (
        "fund",
        "donated",
        "from revenue",
        "returned",
        "disbursed",
        "traced",
        "refunded",
        "unspent",
        "rate %",
    ):
        t.add_column(col, justify="left" if col == "fund" else "right")
    for fund, line in view["funds"].items():
        t.add_row(
            fund,
            *(
                format_fen(line.get(k, 0))
                for k in ("donated", "from_revenue", "returned", "disbursed", "traced", "refunded", "unspent")
            ),
            line["rate"] or "—",
        )
    console.print(t)


@command(fund_app, "street")
def fund_street(
    ctx: typer.Context,
    period: Annotated[str, typer.Argument(help="The period: 2026Q1, 2026-03 or 2026.")],
    communities: Annotated[
        str | None, typer.Option("--communities", help="Comma-separated communities (default: all).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    home: HomeOpt = None,
) -> None:
    """A street office's view: every community's funds in the period, and the total."""
    from ledger_service.funds.reads import street_view
    from ledger_service.statements.periods import parse_period

    try:
        p = parse_period(period)
    except (ValueError, TypeError) as e:
        raise InvalidInput(str(e)) from None
    slugs = [s for s in communities.split(",") if s] if communities else None
    with index_db(ctx, home) as db, db.begin() as conn:
        view = street_view(conn, p, slugs)
    if as_json:
        console.print_json(json.dumps(view, ensure_ascii=False))
        return
    keys = ("opening", "from_revenue", "donated", "returned", "disbursed", "refunded", "closing")
    t = Table(title=f"Funds of the street's communities, {p.label} (as of block {view['as_of_block']})")
    t.add_column("community")
    for k in keys:
        t.add_column(k.replace("_", " "), justify="right")
    t.add_column("traced %", justify="right")
    for slug, line in {**view["communities"], "TOTAL": view["total"]}.items():
        t.add_row(slug, *(format_fen(line[k]) for k in keys), line["traceability"] or "—")
    console.print(t)


# -- donations ---------------------------------------------------------------------------------------


def _donation_body(
    fund: str,
    earmark: str | None,
    receipt: str,
    donor_type: str,
    fen: int,
    day: Any,
    donor: str | None,
    name: str | None,
    phone: str | None,
    address: str | None,
    named: bool,
    campaign: str | None,
    rights: str | None,
    formula: str | None,
    rate: int,
    units: int,
) -> dict[str, Any]:
    return {
        "fund": fund,
        "earmark": earmark,
        "receipt": receipt,
        "donor_type": donor_type,
        "amount": fen,
        "business_date": day.isoformat(),
        "donor": donor,
        "donor_name": name,
        "donor_phone": phone,
        "donor_address": address,
        "named_publicly": named,
        "campaign": campaign,
        "rights": rights,
        "formula": formula,
        "rate": rate,
        "units": units,
    }


@command(donation_app, "record")
def donation_record(
    ctx: typer.Context,
    slug: Slug,
    fund: FundOpt,
    receipt: Annotated[str, typer.Option("--receipt", help="The receipt number the donor keeps.")],
    donor_type: Annotated[str, typer.Option("--donor-type", help=f"One of: {', '.join(DONOR_TYPES)}.")],
    amount: AmountOpt,
    date: DateOpt,
    earmark: EarmarkOpt = None,
    donor: Annotated[
        str | None, typer.Option("--donor", help="The donor's pseudonym (0x…), if known.")
    ] = None,
    name: Annotated[str | None, typer.Option("--name", help="The donor's name (kept encrypted).")] = None,
    phone: Annotated[str | None, typer.Option("--phone", help="The donor's phone (kept encrypted).")] = None,
    address: Annotated[
        str | None, typer.Option("--address", help="The donor's address (kept encrypted).")
    ] = None,
    named_publicly: Annotated[
        bool, typer.Option("--named-publicly", help="The donor chose to have their name published.")
    ] = False,
    campaign: Annotated[str | None, typer.Option("--campaign", help="Crowdfunding campaign.")] = None,
    rights: Annotated[
        str | None, typer.Option("--rights", help="Rights the share carries, e.g. naming.")
    ] = None,
    formula: Annotated[
        str | None, typer.Option("--formula", help=f"Government grants: {', '.join(FORMULAS)}.")
    ] = None,
    rate: Annotated[str, typer.Option("--rate", help="Yuan per m² or per resident.")] = "0",
    units: Annotated[
        str, typer.Option("--units", help="Floor area in m² (e.g. 27000.00), or residents.")
    ] = "0",
    home: HomeOpt = None,
    as_: AsOpt = None,
) -> None:
    """Record one donation; prints the receipt number the donor can follow with `trace`."""
    from ledger_service.funds import commands
    from ledger_service.funds.routes import donation_of
    from ledger_service.funds.schemas import DonationIn

    if donor is None and not name:
        raise InvalidInput("give the donor's pseudonym (--donor) or their name (--name)")
    fen, day = parse_yuan(amount), parse_date(date)
    rate_fen = parse_yuan(rate) if rate not in ("", "0") else 0
    if formula == "per_area":
        unit_count = parse_yuan(units) if units not in ("", "0") else 0  # m² → 0.01 m²
    else:
        unit_count = int(units) if units.isdigit() else 0
        if units not in ("", "0") and not units.isdigit():
            raise InvalidInput(f"residents must be a whole number, not '{units}'")
    body = _donation_body(
        fund,
        earmark,
        receipt,
        donor_type,
        fen,
        day,
        donor,
        name,
        phone,
        address,
        named_publicly,
        campaign,
        rights,
        formula,
        rate_fen,
        unit_count,
    )
    entry = _fund_write(
        ctx,
        home,
        slug,
        "fund_keeper",
        as_,
        "/donations",
        body,
        lambda svc, key: commands.donate(svc, slug, donation_of(svc, slug, DonationIn(**body)), signer=key),
    )
    _report(f"Donation {receipt} of {format_fen(fen)} yuan", entry)


@command(donation_app, "import")
def donation_import(
    ctx: typer.Context,
    slug: Slug,
    file: Annotated[
        Path,
        typer.Argument(
            help="CSV with a header: fund,earmark,receipt,donor_type,amount,date and donor (a pseudonym) or "
            "name,phone; optional campaign,rights,named_publicly (yes/no).",
            exists=True,
            dir_okay=False,
        ),
    ],
    home: HomeOpt = None,
    as_: AsOpt = None,
) -> None:
    """Record many donations (a crowdfunding campaign's shares): all are checked first, then sent."""
    from ledger_service.funds import commands
    from ledger_service.funds.routes import donation_of
    from ledger_service.funds.schemas import DonationIn

    bodies = []
    with file.open(encoding="utf-8-sig", newline="") as f:
        for n, row in enumerate(csv.DictReader(f), start=2):
            try:
                bodies.append(
                    _donation_body(
                        row["fund"],
                        row.get("earmark") or None,
                        row["receipt"],
                        row["donor_type"],
                        parse_yuan(row["amount"]),
                        parse_date(row["date"]),
                        row.get("donor") or None,
                        row.get("name") or None,
                        row.get("phone") or None,
                        None,
                        (row.get("named_publicly") or "").strip().lower() in ("yes", "y", "true", "1"),
                        row.get("campaign") or None,
                        row.get("rights") or None,
                        None,
                        0,
                        0,
                    )
                )
            except KeyError as e:
                raise InvalidInput(f"{file.name} has no column {e}") from None
            except InvalidInput as e:
                raise InvalidInput(f"{file.name} line {n}: {e.message}") from None
    if not bodies:
        raise InvalidInput(f"{file.name} holds no donations")
    answer = _fund_write(
        ctx,
        home,
        slug,
        "fund_keeper",
        as_,
        "/donations/batch",
        {"donations": bodies},
        lambda svc, key: commands.donate_many(
            svc, slug, [donation_of(svc, slug, DonationIn(**b)) for b in bodies], signer=key
        ),
    )
    writes = answer["writes"] if isinstance(answer, dict) else answer
    console.print(f"[green]✓[/green] {len(bodies):,} donations recorded in {len(writes)} transaction(s).")


@command(donation_app, "refund")
def donation_refund(
    ctx: typer.Context,
    slug: Slug,
    receipt: Annotated[str, typer.Argument(help="The donation's receipt number.")],
    fund: FundOpt,
    amount: AmountOpt,
    date: DateOpt,
    earmark: EarmarkOpt = None,
    evidence: EvidenceOpt = None,
    home: HomeOpt = None,
    as_: AsOpt = None,
) -> None:
    """Refund a donor from their donation's unspent money (needs an approved proposal)."""
    from ledger_service.funds import commands

    fen, day, proof = parse_yuan(amount), parse_date(date), _evidence(evidence)
    body = {
        "receipt": receipt,
        "fund": fund,
        "earmark": earmark,
        "amount": fen,
        "business_date": day.isoformat(),
        "evidence": proof,
    }
    entry = _fund_write(
        ctx,
        home,
        slug,
        "fund_keeper",
        as_,
        "/refunds",
        body,
        lambda svc, key: commands.refund(
            svc, slug, receipt, fund, earmark, fen, day, _evidence_bytes(evidence), signer=key
        ),
    )
    _report(f"Refund of {format_fen(fen)} yuan on {receipt}", entry)


# -- disbursements -----------------------------------------------------------------------------------


@command(disbursement_app, "action")
def disbursement_action(
    ctx: typer.Context,
    slug: Slug,
    project: Annotated[str, typer.Argument(help="The project.")],
    fund: FundOpt,
    amount: AmountOpt,
    ref: RefOpt,
    earmark: EarmarkOpt = None,
    final: Annotated[bool, typer.Option("--final", help="The project's final payment.")] = False,
    evidence: EvidenceOpt = None,
    home: HomeOpt = None,
) -> None:
    """Print the action hash a proposal must name to approve exactly this payment."""
    from ledger_service.funds import commands

    fen = parse_yuan(amount)
    with index_db(ctx, home) as db, db.begin() as conn:
        from ledger_service.statements.builder import community_by_slug

        cid = community_by_slug(conn, slug).id
    h = commands.disbursement_action_hash(
        cid, project, fund, earmark, fen, final, ref, _evidence_bytes(evidence)
    )
    console.print("0x" + h.hex(), highlight=False)


@command(disbursement_app, "pay")
def disbursement_pay(
    ctx: typer.Context,
    slug: Slug,
    project: Annotated[str, typer.Argument(help="The project paid.")],
    fund: FundOpt,
    amount: AmountOpt,
    date: DateOpt,
    ref: RefOpt,
    earmark: EarmarkOpt = None,
    final: Annotated[
        bool, typer.Option("--final", help="The project's final payment (after acceptance).")
    ] = False,
    evidence: EvidenceOpt = None,
    home: HomeOpt = None,
    as_: AsOpt = None,
) -> None:
    """Pay a project from its earmark. The committee must have approved exactly this payment
    (see `disbursement action`); above the fund's threshold, with an owners' vote."""
    from ledger_service.funds import commands

    fen, day, proof = parse_yuan(amount), parse_date(date), _evidence(evidence)
    body = {
        "project": project,
        "fund": fund,
        "earmark": earmark,
        "amount": fen,
        "business_date": day.isoformat(),
        "final": final,
        "ref": ref,
        "evidence": proof,
    }
    entry = _fund_write(
        ctx,
        home,
        slug,
        "fund_keeper",
        as_,
        "/disbursements",
        body,
        lambda svc, key: commands.disburse(
            svc,
            slug,
            project,
            fund,
            earmark,
            fen,
            day,
            final=final,
            ref=ref,
            evidence=_evidence_bytes(evidence),
            signer=key,
        ),
    )
    _report(f"{'Final payment' if final else 'Payment'} of {format_fen(fen)} yuan to {project}", entry)


@command(disbursement_app, "accept")
def disbursement_accept(
    ctx: typer.Context,
    slug: Slug,
    project: Annotated[str, typer.Argument(help="The finished project.")],
    date: DateOpt,
    evidence: EvidenceOpt = None,
    home: HomeOpt = None,
    as_: AsOpt = None,
) -> None:
    """A resident representative accepts a finished project (needed before its final payment)."""
    from ledger_service.funds import commands

    day, proof = parse_date(date), _evidence(evidence)
    body = {"project": project, "business_date": day.isoformat(), "evidence": proof}
    entry = _fund_write(
        ctx,
        home,
        slug,
        "resident_rep",
        as_,
        "/acceptances",
        body,
        lambda svc, key: commands.accept_project(
            svc, slug, project, day, _evidence_bytes(evidence), signer=key
        ),
    )
    _report(f"Acceptance of {project}", entry)


@command(disbursement_app, "return")
def disbursement_return(
    ctx: typer.Context,
    slug: Slug,
    project: Annotated[str, typer.Argument(help="The project giving money back.")],
    fund: FundOpt,
    amount: AmountOpt,
    date: DateOpt,
    earmark: EarmarkOpt = None,
    evidence: EvidenceOpt = None,
    home: HomeOpt = None,
    as_: AsOpt = None,
) -> None:
    """Record unspent money a project gives back (into another earmark only by decision)."""
    from ledger_service.funds import commands

    fen, day, proof = parse_yuan(amount), parse_date(date), _evidence(evidence)
    body = {
        "project": project,
        "fund": fund,
        "earmark": earmark,
        "amount": fen,
        "business_date": day.isoformat(),
        "evidence": proof,
    }
    entry = _fund_write(
        ctx,
        home,
        slug,
        "fund_keeper",
        as_,
        "/returns",
        body,
        lambda svc, key: commands.return_unspent(
            svc, slug, project, fund, earmark, fen, day, _evidence_bytes(evidence), signer=key
        ),
    )
    _report(f"{format_fen(fen)} yuan returned by {project}", entry)


# -- trace ---------------------------------------------------------------------------------------------


@app.command("trace")
def trace(
    ctx: typer.Context,
    slug: Slug,
    receipt: Annotated[str, typer.Argument(help="The receipt number on the donor's receipt.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    home: HomeOpt = None,
) -> None:
    """Follow a donation by its receipt number: each payment it funded, refunds, what is unspent."""
    from ledger_service.cli import _fail
    from ledger_service.core.errors import LedgerError
    from ledger_service.funds.reads import receipt_view

    try:
        with index_db(ctx, home) as db, db.begin() as conn:
            view = receipt_view(conn, slug, receipt)
    except LedgerError as e:
        raise _fail(e.message) from None
    if as_json:
        console.print_json(json.dumps(view, ensure_ascii=False))
        return
    who = view.get("public_name") or view.get("donor")
    console.print(
        f"Receipt [bold]{receipt}[/bold] in {slug}: {format_fen(view['amount'])} yuan to "
        f"{view['fund']}/{view['earmark']} on {view['business_date']} ({view.get('donor_type')}, {who}).",
        highlight=False,
    )
    t = Table(title="Where it went (first in, first out)")
    for col in ("date", "project", "amount", "final", "transaction"):
        t.add_column(col, justify="right" if col == "amount" else "left")
    for u in view["uses"]:
        t.add_row(
            u["business_date"],
            u["project"],
            format_fen(u["amount"]),
            "yes" if u["final"] else "",
            u["tx_hash"],
        )
    console.print(t)
    console.print(
        f"Spent {format_fen(view['spent'])} · refunded {format_fen(view['refunded'])} · "
        f"unspent {format_fen(view['unspent'])} yuan (as of block {view['as_of_block']}).",
        highlight=False,
    )


# -- goods ---------------------------------------------------------------------------------------------

ItemArg = Annotated[str, typer.Argument(help="The item, e.g. winter_coat.")]
QuantityOpt = Annotated[int, typer.Option("--quantity", help="How many units.")]


@command(goods_app, "item")
def goods_item(
    ctx: typer.Context,
    slug: Slug,
    item: ItemArg,
    unit: Annotated[str, typer.Option("--unit", help="Its unit, e.g. piece or kg.")],
    home: HomeOpt = None,
    as_: AsOpt = None,
) -> None:
    """Register an item and its unit."""
    from ledger_service.funds import commands

    entry = _fund_write(
        ctx,
        home,
        slug,
        "fund_keeper",
        as_,
        "/goods/items",
        {"item": item, "unit": unit},
        lambda svc, key: commands.register_item(svc, slug, item, unit, signer=key),
    )
    _report(f"Item {item} ({unit})", entry)


@command(goods_app, "donate")
def goods_donate(
    ctx: typer.Context,
    slug: Slug,
    item: ItemArg,
    quantity: QuantityOpt,
    receipt: Annotated[str, typer.Option("--receipt", help="The receipt number the donor keeps.")],
    donor_type: Annotated[str, typer.Option("--donor-type", help=f"One of: {', '.join(DONOR_TYPES)}.")],
    date: DateOpt,
    donor: Annotated[
        str | None, typer.Option("--donor", help="The donor's pseudonym (0x…), if known.")
    ] = None,
    name: Annotated[str | None, typer.Option("--name", help="The donor's name (kept encrypted).")] = None,
    phone: Annotated[str | None, typer.Option("--phone", help="The donor's phone (kept encrypted).")] = None,
    named_publicly: Annotated[
        bool, typer.Option("--named-publicly", help="The donor chose to be named.")
    ] = False,
    home: HomeOpt = None,
    as_: AsOpt = None,
) -> None:
    """Record donated goods."""
    from ledger_service.funds import commands

    day = parse_date(date)
    body = {
        "item": item,
        "quantity": quantity,
        "receipt": receipt,
        "donor_type": donor_type,
        "business_date": day.isoformat(),
        "donor": donor,
        "donor_name": name,
        "donor_phone": phone,
        "named_publicly": named_publicly,
    }

    def local(svc: Any, key: str) -> Any:
        from ledger_service.funds.routes import goods_donor

        who, public = goods_donor(svc, slug, donor, name, phone, named_publicly)
        return commands.donate_goods(
            svc, slug, receipt, item, quantity, who, donor_type, day, public_name=public, signer=key
        )

    entry = _fund_write(ctx, home, slug, "fund_keeper", as_, "/goods/donations", body, local)
    _report(f"{quantity:,} × {item} on receipt {receipt}", entry)


@command(goods_app, "request")
def goods_request(
    ctx: typer.Context,
    slug: Annotated[str, typer.Argument(help="The community asking.")],
    request: Annotated[str, typer.Argument(help="The request's id, e.g. REQ-2026-01.")],
    from_: Annotated[str, typer.Option("--from", help="The community asked.")],
    item: Annotated[str, typer.Option("--item", help="The item.")],
    quantity: QuantityOpt,
    date: DateOpt,
    home: HomeOpt = None,
    as_: AsOpt = None,
) -> None:
    """Ask another community for goods (the asking community's fund keeper)."""
    from ledger_service.funds import commands

    day = parse_date(date)
    body = {
        "request": request,
        "from_community": from_,
        "item": item,
        "quantity": quantity,
        "business_date": day.isoformat(),
    }
    entry = _fund_write(
        ctx,
        home,
        slug,
        "fund_keeper",
        as_,
        "/goods/requests",
        body,
        lambda svc, key: commands.request_goods(svc, slug, request, from_, item, quantity, day, signer=key),
    )
    _report(f"Request {request} to {from_}", entry)


@command(goods_app, "transfer")
def goods_transfer(
    ctx: typer.Context,
    slug: Annotated[str, typer.Argument(help="The community giving.")],
    requester: Annotated[str, typer.Argument(help="The community that asked.")],
    request: Annotated[str, typer.Argument(help="Its request id.")],
    quantity: QuantityOpt,
    date: DateOpt,
    evidence: EvidenceOpt = None,
    home: HomeOpt = None,
    as_: AsOpt = None,
) -> None:
    """Approve and make a transfer against a request (a committee member of the giving community)."""
    from ledger_service.funds import commands

    day, proof = parse_date(date), _evidence(evidence)
    body = {
        "requester": requester,
        "request": request,
        "quantity": quantity,
        "business_date": day.isoformat(),
        "evidence": proof,
    }
    entry = _fund_write(
        ctx,
        home,
        slug,
        "committee",
        as_,
        "/goods/transfers",
        body,
        lambda svc, key: commands.transfer_goods(
            svc, slug, requester, request, quantity, day, _evidence_bytes(evidence), signer=key
        ),
    )
    _report(f"{quantity:,} sent to {requester} on {request}", entry)


@command(goods_app, "distribute")
def goods_distribute(
    ctx: typer.Context,
    slug: Slug,
    item: ItemArg,
    quantity: QuantityOpt,
    purpose: Annotated[
        str, typer.Option("--purpose", help="The programme, e.g. winter_relief (never a name).")
    ],
    date: DateOpt,
    evidence: EvidenceOpt = None,
    home: HomeOpt = None,
    as_: AsOpt = None,
) -> None:
    """Hand goods out for a purpose."""
    from ledger_service.funds import commands

    day, proof = parse_date(date), _evidence(evidence)
    body = {
        "item": item,
        "quantity": quantity,
        "purpose": purpose,
        "business_date": day.isoformat(),
        "evidence": proof,
    }
    entry = _fund_write(
        ctx,
        home,
        slug,
        "fund_keeper",
        as_,
        "/goods/distributions",
        body,
        lambda svc, key: commands.distribute(
            svc, slug, item, quantity, purpose, day, _evidence_bytes(evidence), signer=key
        ),
    )
    _report(f"{quantity:,} × {item} for {purpose}", entry)


@command(goods_app, "trace")
def goods_trace_cmd(
    ctx: typer.Context,
    slug: Slug,
    receipt: Annotated[str, typer.Argument(help="The goods receipt number.")],
    home: HomeOpt = None,
) -> None:
    """Where donated goods went: handed out by which community for which purpose, what is in stock."""
    from ledger_service.funds.reads import goods_receipt_view

    with index_db(ctx, home) as db, db.begin() as conn:
        view = goods_receipt_view(conn, slug, receipt)
    console.print_json(json.dumps(view, ensure_ascii=False))
