"""`civic-ledger timebank ...`: what a time-bank coordinator (and, for fee discounts, the
committee and an accountant) types. Minutes are whole minutes, or hours written ``1.5h`` /
``2h30``; holders are pseudonymous ids (0x…); nobody's name is ever written on chain.

Registered on the main CLI by one line at the bottom of ``ledger_service/cli.py``.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from ledger_service.cli import (
    AsOpt,
    HomeOpt,
    _injected,
    _report,
    _service,
    _settings,
    _signer,
    _write,
    app,
    command,
    console,
    format_fen,
    index_db,
    parse_date,
    parse_yuan,
)
from ledger_service.core.errors import InvalidInput, NotFound

if TYPE_CHECKING:
    pass

timebank_app = typer.Typer(
    help="Time bank: service hours attested and minted, a pool for elderly neighbours, proxies, "
    "redemptions, property-fee discounts, balance slips and statistics.",
    no_args_is_help=True,
)
person_app = typer.Typer(
    help="People of the time bank (personal data encrypted, shown masked).", no_args_is_help=True
)
app.add_typer(timebank_app, name="timebank")
timebank_app.add_typer(person_app, name="person")

Slug = Annotated[str, typer.Argument(help="The community, e.g. lotus-garden.")]
HolderArg = Annotated[str, typer.Argument(help="The holder's pseudonymous id (0x and 40 hex digits).")]
MinutesOpt = Annotated[str, typer.Option("--minutes", "-m", help="Minutes (90) or hours (1.5h, 2h30).")]
ProxyOpt = Annotated[
    str | None,
    typer.Option(
        "--proxy",
        help="The registered proxy who signs for the holder (their pseudonymous id).",
        show_default=False,
    ),
]
SignatureOpt = Annotated[
    str | None,
    typer.Option(
        "--signature",
        help="A signature made in the person's own wallet (0x…); "
        "without it the key the service keeps for them (or their proxy) signs.",
        show_default=False,
    ),
]
DeadlineOpt = Annotated[
    int | None,
    typer.Option(
        "--deadline", help="Unix seconds the wallet signature expires (with --signature).", show_default=False
    ),
]

_HOURS = re.compile(r"^(\d+(?:\.\d+)?)h(?:(\d{1,2})m?)?$")


def parse_minutes(text: str) -> int:
    """``"90"`` → 90, ``"1.5h"`` → 90, ``"2h30"`` → 150; whole minutes only, never a float."""
    s = text.strip().lower().replace(" ", "")
    if s.isdigit():
        minutes = int(s)
    else:
        m = _HOURS.fullmatch(s)
        if m is None:
            raise InvalidInput(f"'{text}' is not a time; write minutes (90) or hours (1.5h, 2h30)")
        try:
            whole = Decimal(m.group(1)) * 60
        except InvalidOperation:
            raise InvalidInput(f"'{text}' is not a time") from None
        if whole != whole.to_integral_value():
            raise InvalidInput(f"'{text}' is not a whole number of minutes")
        minutes = int(whole) + int(m.group(2) or 0)
    if minutes <= 0:
        raise InvalidInput("the time must be at least 1 minute")
    return minutes


def _hex_bytes(text: str | None, what: str = "signature") -> str | None:
    if text is None:
        return None
    s = text.strip()
    if not re.fullmatch(r"0x([0-9a-fA-F]{2})+", s):
        raise InvalidInput(f"the {what} must be 0x followed by hex digits")
    return s


def _sig(text: str | None) -> bytes | None:
    return None if text is None else bytes.fromhex(text[2:])


def _signed(proxy: str | None, signature: str | None, deadline: int | None) -> dict[str, Any]:
    if deadline is not None and signature is None:
        raise InvalidInput("--deadline goes with --signature (the wallet signed that deadline)")
    return {"proxy": proxy, "signature": _hex_bytes(signature), "deadline": deadline}


def _print_json(value: Any) -> None:
    console.print_json(json.dumps(value, ensure_ascii=False))


# -- people -----------------------------------------------------------------------------------------


@command(person_app, "add")
def person_add(
    ctx: typer.Context,
    slug: Slug,
    role: Annotated[str, typer.Option("--role", help="volunteer, beneficiary, elderly or proxy.")],
    name: Annotated[str, typer.Option("--name", help="Full name (stored encrypted, shown as 张**).")],
    phone: Annotated[str | None, typer.Option("--phone", help="Phone number (encrypted).")] = None,
    address: Annotated[str | None, typer.Option("--address", help="Home address (encrypted).")] = None,
    wallet: Annotated[
        str | None, typer.Option("--wallet", help="Their own wallet address: it becomes their holder id.")
    ] = None,
    keep_key: Annotated[
        bool,
        typer.Option(
            "--keep-key", help="Keep a signing key for them here (they sign on a coordinator's device)."
        ),
    ] = False,
    home: HomeOpt = None,
    as_: AsOpt = None,
) -> None:
    """Register a person. Their name, phone and address are stored only encrypted; on chain and on
    every public page they are a pseudonymous id, different per community and role."""
    from ledger_service.timebank import operations as ops

    settings = _settings(home)
    body = {
        "role": role,
        "name": name,
        "phone": phone,
        "address": address,
        "wallet": wallet,
        "keep_key": keep_key,
    }

    def local(svc: Any, key: str) -> dict[str, Any]:
        done = ops.add_person(
            svc, slug, role, name=name, phone=phone, address=address, wallet=wallet, keep_key=keep_key
        )
        return {"holder": done.holder, "person": done.person.to_json()}

    out = _write(ctx, settings, slug, "coordinator", as_, "timebank/people", body, local)
    p = out["person"]
    console.print(
        f"[green]✓[/green] {p['name']} registered as {role} of {slug}: "
        f"holder id [bold]{out['holder']}[/bold]",
        highlight=False,
    )


@command(person_app, "show")
def person_show(
    ctx: typer.Context,
    slug: Slug,
    holder: HolderArg,
    reveal: Annotated[
        str | None,
        typer.Option(
            "--reveal",
            help="Show in clear, giving the reason (logged; coordinators only).",
            show_default=False,
        ),
    ] = None,
    home: HomeOpt = None,
    as_: AsOpt = None,
) -> None:
    """Show a person masked (or, with --reveal REASON, in clear: the reveal is logged)."""
    from ledger_service.people import People

    settings = _settings(home)
    svc = _injected(ctx)
    key = settings.data_key.get_secret_value() if svc is None else svc.settings.data_key.get_secret_value()
    with index_db(ctx, home) as db:
        people = People(db, key)
        if reveal is None:
            _print_json(people.masked(holder).to_json())
        else:
            _print_json(
                people.reveal(
                    holder, by=_signer(slug, "coordinator", as_), role="coordinator", reason=reveal
                ).to_json()
            )


@command(person_app, "erase")
def person_erase(
    ctx: typer.Context,
    slug: Slug,
    holder: HolderArg,
    reason: Annotated[str, typer.Option("--reason", help="Why (logged), e.g. 'the person asked'.")],
    home: HomeOpt = None,
    as_: AsOpt = None,
) -> None:
    """Erase a person's personal data (SEC-2). Their pseudonymous id, every chain record and every
    proof that names it stay exactly as they are."""
    from ledger_service.timebank import operations as ops

    settings = _settings(home)
    out = _write(
        ctx,
        settings,
        slug,
        "coordinator",
        as_,
        f"timebank/people/{holder}/erasure",
        {"reason": reason},
        lambda svc, key: ops.erase_person(svc, holder, by=key, role="coordinator", reason=reason).to_json(),
    )
    console.print(f"[green]✓[/green] personal data of {out['pseudonym']} erased; its records stay.")


# -- service records ----------------------------------------------------------------------------------


@command(timebank_app, "record")
def record(
    ctx: typer.Context,
    slug: Slug,
    volunteer: Annotated[str, typer.Option("--volunteer", help="Who gave the service (holder id).")],
    beneficiary: Annotated[str, typer.Option("--beneficiary", help="Who received it (holder id).")],
    service_type: Annotated[str, typer.Option("--type", help="e.g. companionship, repairs, shopping.")],
    minutes: MinutesOpt,
    date: Annotated[str, typer.Option("--date", help="The day it was given, YYYY-MM-DD.")],
    reported_by: Annotated[
        str, typer.Option("--reported-by", help="volunteer, beneficiary or coordinator.")
    ] = "coordinator",
    typed_data: Annotated[
        Path | None,
        typer.Option(
            "--typed-data",
            help="Also write what the beneficiary's wallet signs (EIP-712 JSON).",
            show_default=False,
        ),
    ] = None,
    home: HomeOpt = None,
    as_: AsOpt = None,
) -> None:
    """Write a service record down. It gets the community's next record number and mints nothing
    yet: self-reported hours are not credits until the beneficiary signs (`timebank attest`) or a
    coordinator attests them (`timebank mint`)."""
    from ledger_service.timebank import operations as ops

    n = parse_minutes(minutes)
    day = parse_date(date, "service date")
    settings = _settings(home)
    body = {
        "volunteer": volunteer,
        "beneficiary": beneficiary,
        "service_type": service_type,
        "minutes": n,
        "service_date": day.isoformat(),
        "reported_by": reported_by,
    }
    out = _write(
        ctx,
        settings,
        slug,
        "coordinator",
        as_,
        "timebank/records",
        body,
        lambda svc, key: ops.record_service(
            svc, slug, volunteer, beneficiary, service_type, n, day, reported_by=reported_by
        ),
    )
    console.print(
        f"[green]✓[/green] service record #{out['record_ref']} written ({n} minutes, {service_type}); "
        "it mints once attested.",
        highlight=False,
    )
    if typed_data is not None:
        with _service(ctx, settings) as svc:
            typed_data.write_text(
                json.dumps(ops.record_typed_data(svc, slug, int(out["record_ref"])), indent=2),
                encoding="utf-8",
            )
        console.print(f"  what the beneficiary signs: {typed_data}")


def read_records_csv(path: Path) -> list[dict[str, Any]]:
    """A coordinator's sheet: columns volunteer, beneficiary, service_type, minutes (90 or 1.5h),
    date (YYYY-MM-DD). Every row is checked; all problems are reported together."""
    import csv

    from ledger_service.timebank.encoding import check_holder

    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as e:
        raise InvalidInput(f"cannot read {path}: {e.strerror}") from None
    reader = csv.DictReader(text.splitlines())
    need = {"volunteer", "beneficiary", "service_type", "minutes", "date"}
    missing = need - set(reader.fieldnames or [])
    if missing:
        raise InvalidInput(f"{path.name} lacks the column(s) {', '.join(sorted(missing))}")
    rows, problems = [], []
    for n, row in enumerate(reader, start=2):
        try:
            v, b = (
                check_holder(row["volunteer"].strip(), "volunteer"),
                check_holder(row["beneficiary"].strip(), "beneficiary"),
            )
            if v == b:
                raise InvalidInput(
                    "a volunteer cannot attest their own service (volunteer and beneficiary are the same)"
                )
            rows.append(
                {
                    "volunteer": v,
                    "beneficiary": b,
                    "service_type": row["service_type"].strip(),
                    "minutes": parse_minutes(row["minutes"]),
                    "service_date": parse_date(row["date"], "date").isoformat(),
                }
            )
        except InvalidInput as e:
            problems.append(f"line {n}: {e.message}")
    if problems:
        raise InvalidInput(
            f"{path.name} has {len(problems)} problem(s), nothing was written: " + "; ".join(problems[:10])
        )
    if not rows:
        raise InvalidInput(f"{path.name} has no records")
    return rows


@command(timebank_app, "import")
def import_records(
    ctx: typer.Context,
    slug: Slug,
    file: Annotated[Path, typer.Argument(help="CSV: volunteer,beneficiary,service_type,minutes,date.")],
    mint: Annotated[
        bool, typer.Option("--mint", help="Attest them as coordinator and mint at once.")
    ] = False,
    home: HomeOpt = None,
    as_: AsOpt = None,
) -> None:
    """Write a sheet of service records down (every row checked first; nothing is written if one
    is wrong). With --mint you attest them as the coordinator and they mint in batches of 1,000."""
    import datetime as dt

    from ledger_service.timebank import operations as ops

    rows = read_records_csv(file)

    def local(svc: Any, key: str) -> dict[str, Any]:
        from ledger_service.cli import _entry_json

        recs = [
            ops.RecordIn(
                r["volunteer"],
                r["beneficiary"],
                r["service_type"],
                r["minutes"],
                dt.date.fromisoformat(r["service_date"]),
            )
            for r in rows
        ]
        refs = ops.record_many(svc, slug, recs)
        entries = ops.mint_pending(svc, slug, refs, signer=key) if mint else []
        return {"record_refs": refs, "writes": [_entry_json(e) for e in entries]}

    out = _write(
        ctx,
        _settings(home),
        slug,
        "coordinator",
        as_,
        "timebank/records/batch",
        {"records": rows, "mint": mint},
        local,
    )
    refs = out["record_refs"]
    console.print(
        f"[green]✓[/green] {len(refs):,} records written down (#{refs[0]}–#{refs[-1]}).", highlight=False
    )
    for e in out["writes"]:
        _report("Service records minted", e)


@command(timebank_app, "attest")
def attest(
    ctx: typer.Context,
    slug: Slug,
    record_ref: Annotated[int, typer.Argument(help="The record number.")],
    signature: SignatureOpt = None,
    proxy: ProxyOpt = None,
    home: HomeOpt = None,
    as_: AsOpt = None,
) -> None:
    """Mint a record attested by its beneficiary's signature (from their wallet with --signature,
    or with the key the service keeps for them or their registered --proxy); relayed by you, the
    coordinator."""
    from ledger_service.timebank import operations as ops

    settings = _settings(home)
    body = {"proxy": proxy, "signature": _hex_bytes(signature)}
    entry = _write(
        ctx,
        settings,
        slug,
        "coordinator",
        as_,
        f"timebank/records/{record_ref}/attestations",
        body,
        lambda svc, key: ops.attest(
            svc, slug, record_ref, signature=_sig(signature), proxy=proxy, signer=key
        ),
    )
    _report(f"Record #{record_ref} attested by its beneficiary and minted", entry)


@command(timebank_app, "mint")
def mint(
    ctx: typer.Context,
    slug: Slug,
    records: Annotated[
        list[int] | None, typer.Argument(help="Record numbers to attest (default: every pending record).")
    ] = None,
    home: HomeOpt = None,
    as_: AsOpt = None,
) -> None:
    """Attest pending records as the coordinator and mint them, in batches of 1,000 per transaction."""
    from ledger_service.timebank import operations as ops

    settings = _settings(home)
    refs = list(records) if records else None
    out = _write(
        ctx,
        settings,
        slug,
        "coordinator",
        as_,
        "timebank/mints",
        {"records": refs},
        lambda svc, key: ops.mint_pending(svc, slug, refs, signer=key),
    )
    entries = out["writes"] if isinstance(out, dict) else out
    for e in entries:
        _report("Service records minted", e)


# -- movements -------------------------------------------------------------------------------------


@command(timebank_app, "donate")
def donate(
    ctx: typer.Context,
    slug: Slug,
    holder: HolderArg,
    minutes: MinutesOpt,
    proxy: ProxyOpt = None,
    signature: SignatureOpt = None,
    deadline: DeadlineOpt = None,
    home: HomeOpt = None,
    as_: AsOpt = None,
) -> None:
    """Give a holder's minutes to the community pool (signed by the holder or their proxy)."""
    from ledger_service.timebank import operations as ops

    n = parse_minutes(minutes)
    settings = _settings(home)
    entry = _write(
        ctx,
        settings,
        slug,
        "coordinator",
        as_,
        "timebank/donations",
        {"holder": holder, "minutes": n, **_signed(proxy, signature, deadline)},
        lambda svc, key: ops.donate(
            svc, slug, holder, n, proxy=proxy, signature=_sig(signature), deadline=deadline, signer=key
        ),
    )
    _report(f"{n} minutes donated to the pool", entry)


@command(timebank_app, "grant")
def grant(
    ctx: typer.Context,
    slug: Slug,
    resident: Annotated[str, typer.Argument(help="A registered elderly resident's holder id.")],
    minutes: MinutesOpt,
    home: HomeOpt = None,
    as_: AsOpt = None,
) -> None:
    """Grant minutes from the pool to a registered elderly resident."""
    from ledger_service.timebank import commands

    n = parse_minutes(minutes)
    entry = _write(
        ctx,
        _settings(home),
        slug,
        "coordinator",
        as_,
        "timebank/grants",
        {"resident": resident, "minutes": n},
        lambda svc, key: commands.grant(svc, slug, resident, n, signer=key),
    )
    _report(f"{n} minutes granted from the pool", entry)


@command(timebank_app, "redeem")
def redeem(
    ctx: typer.Context,
    slug: Slug,
    holder: HolderArg,
    item: Annotated[str, typer.Argument(help="The catalog item's code, e.g. grocery-delivery.")],
    quantity: Annotated[int, typer.Option("--quantity", "-q", help="How many.")] = 1,
    proxy: ProxyOpt = None,
    signature: SignatureOpt = None,
    deadline: DeadlineOpt = None,
    home: HomeOpt = None,
    as_: AsOpt = None,
) -> None:
    """Redeem a catalog item with a holder's minutes (price from the chain; signed by the holder or
    their proxy). The minutes are burnt; a named provider fulfils it."""
    from ledger_service.timebank import operations as ops

    entry = _write(
        ctx,
        _settings(home),
        slug,
        "coordinator",
        as_,
        "timebank/redemptions",
        {"holder": holder, "item": item, "quantity": quantity, **_signed(proxy, signature, deadline)},
        lambda svc, key: ops.redeem(
            svc,
            slug,
            holder,
            item,
            quantity,
            proxy=proxy,
            signature=_sig(signature),
            deadline=deadline,
            signer=key,
        ),
    )
    _report(f"{quantity} × {item} redeemed", entry)


def _adjust(
    ctx: typer.Context,
    home: Path | None,
    slug: str,
    holder: str,
    minutes: str,
    reason: str,
    as_: str | None,
    kind: str,
) -> None:
    from ledger_service.timebank import commands

    n = parse_minutes(minutes)
    fn = commands.reward if kind == "rewards" else commands.deduct
    entry = _write(
        ctx,
        _settings(home),
        slug,
        "coordinator",
        as_,
        f"timebank/{kind}",
        {"holder": holder, "minutes": n, "reason": reason},
        lambda svc, key: fn(svc, slug, holder, n, reason, signer=key),
    )
    _report(f"{n} minutes {'rewarded' if kind == 'rewards' else 'deducted'} ({reason})", entry)


ReasonOpt = Annotated[str, typer.Option("--reason", help="Reason code, e.g. event_helper, noise_violation.")]


@command(timebank_app, "reward")
def reward(
    ctx: typer.Context,
    slug: Slug,
    holder: HolderArg,
    minutes: MinutesOpt,
    reason: ReasonOpt,
    home: HomeOpt = None,
    as_: AsOpt = None,
) -> None:
    """Reward a holder with new minutes, with a reason code."""
    _adjust(ctx, home, slug, holder, minutes, reason, as_, "rewards")


@command(timebank_app, "deduct")
def deduct(
    ctx: typer.Context,
    slug: Slug,
    holder: HolderArg,
    minutes: MinutesOpt,
    reason: ReasonOpt,
    home: HomeOpt = None,
    as_: AsOpt = None,
) -> None:
    """Deduct minutes from a holder, with a reason code; never below zero."""
    _adjust(ctx, home, slug, holder, minutes, reason, as_, "deductions")


# -- registrations ------------------------------------------------------------------------------------


@command(timebank_app, "item")
def item(
    ctx: typer.Context,
    slug: Slug,
    code: Annotated[str, typer.Argument(help="Your code for the item, e.g. haircut or grocery-delivery.")],
    category: Annotated[
        str,
        typer.Option(
            "--category",
            help="housekeeping, haircut, repairs, goods, gifts, parking, priority, health_check.",
        ),
    ],
    price: Annotated[str, typer.Option("--price", help="Price in minutes (60) or hours (1h).")],
    provider: Annotated[str, typer.Option("--provider", help="Who fulfils it (a short name or code).")],
    withdraw: Annotated[bool, typer.Option("--withdraw", help="Withdraw it from the catalog.")] = False,
    home: HomeOpt = None,
    as_: AsOpt = None,
) -> None:
    """Create, reprice or withdraw a catalog item priced in time."""
    from ledger_service.timebank import operations as ops

    n = parse_minutes(price)
    entry = _write(
        ctx,
        _settings(home),
        slug,
        "coordinator",
        as_,
        "timebank/catalog",
        {"code": code, "category": category, "price": n, "provider": provider, "active": not withdraw},
        lambda svc, key: ops.set_item(
            svc, slug, code, category, n, provider, active=not withdraw, signer=key
        ),
    )
    _report(f"Catalog item {code} {'withdrawn' if withdraw else 'set'}", entry)


@command(timebank_app, "proxy")
def proxy(
    ctx: typer.Context,
    slug: Slug,
    principal: Annotated[str, typer.Argument(help="The person acted for (holder id).")],
    proxy_id: Annotated[str, typer.Argument(help="The person acting (holder id).")],
    remove: Annotated[bool, typer.Option("--remove", help="Remove the registration.")] = False,
    home: HomeOpt = None,
    as_: AsOpt = None,
) -> None:
    """Register (or remove) a proxy who may sign for a resident; both are on every act."""
    from ledger_service.timebank import commands

    entry = _write(
        ctx,
        _settings(home),
        slug,
        "coordinator",
        as_,
        "timebank/proxies",
        {"principal": principal, "proxy": proxy_id, "active": not remove},
        lambda svc, key: commands.set_proxy(svc, slug, principal, proxy_id, active=not remove, signer=key),
    )
    _report("Proxy removed" if remove else "Proxy registered", entry)


@command(timebank_app, "elderly")
def elderly(
    ctx: typer.Context,
    slug: Slug,
    resident: Annotated[str, typer.Argument(help="The resident's holder id.")],
    remove: Annotated[bool, typer.Option("--remove", help="Remove the registration.")] = False,
    home: HomeOpt = None,
    as_: AsOpt = None,
) -> None:
    """Register (or remove) an elderly resident living alone, whom the pool may grant to."""
    from ledger_service.timebank import commands

    entry = _write(
        ctx,
        _settings(home),
        slug,
        "coordinator",
        as_,
        "timebank/elderly",
        {"resident": resident, "registered": not remove},
        lambda svc, key: commands.set_elderly(svc, slug, resident, registered=not remove, signer=key),
    )
    _report("Elderly resident removed" if remove else "Elderly resident registered", entry)


# -- property-fee discounts --------------------------------------------------------------------------


@command(timebank_app, "fee-terms")
def fee_terms(
    ctx: typer.Context,
    slug: Slug,
    bucket: Annotated[str, typer.Option("--bucket", help="The revenue bucket that pays, e.g. welfare.")],
    rate: Annotated[
        str, typer.Option("--rate", help="Yuan per hour of credit, e.g. 15 (0 withdraws the terms).")
    ],
    cap_holder: Annotated[
        str, typer.Option("--cap-holder", help="Most yuan one holder may receive per period.")
    ],
    cap_total: Annotated[
        str, typer.Option("--cap-total", help="Most yuan the community may pay per period.")
    ],
    period_months: Annotated[
        int, typer.Option("--period-months", help="The period: 1, 3, 6 or 12 months.")
    ] = 3,
    home: HomeOpt = None,
    as_: AsOpt = None,
) -> None:
    """Set the owners' approved terms for property-fee discounts (a committee member's key; when a
    governance contract is wired, only terms the owners' proposal approved are accepted)."""
    from ledger_service.timebank import commands

    r = 0 if rate.strip() in ("0", "0.00") else parse_yuan(rate)
    ch, ct = parse_yuan(cap_holder), parse_yuan(cap_total)
    entry = _write(
        ctx,
        _settings(home),
        slug,
        "committee",
        as_,
        "timebank/fee-terms",
        {
            "bucket": bucket,
            "rate_per_hour": r,
            "cap_per_holder": ch,
            "cap_total": ct,
            "period_months": period_months,
        },
        lambda svc, key: commands.set_fee_terms(svc, slug, bucket, r, ch, ct, period_months, signer=key),
    )
    _report(f"Fee-discount terms: {format_fen(r)} yuan per hour from {bucket}", entry)


@command(timebank_app, "fee-discount")
def fee_discount(
    ctx: typer.Context,
    slug: Slug,
    holder: HolderArg,
    minutes: MinutesOpt,
    ref: Annotated[str, typer.Option("--ref", help="The fee bill's reference (at most 32 bytes).")],
    date: Annotated[str, typer.Option("--date", help="Business date, YYYY-MM-DD.")],
    proxy: ProxyOpt = None,
    signature: SignatureOpt = None,
    deadline: DeadlineOpt = None,
    home: HomeOpt = None,
    as_: AsOpt = None,
) -> None:
    """Turn a holder's minutes into a property-fee discount: paid from the approved revenue bucket
    at the approved rate (fen = minutes × rate ÷ 60, rounded down), within the caps; spending in
    the revenue statement. Signed by an accountant's key and by the holder (or proxy)."""
    from ledger_service.timebank import operations as ops

    n = parse_minutes(minutes)
    day = parse_date(date, "business date")

    def local(svc: Any, key: str) -> dict[str, Any]:
        entry, fen = ops.fee_discount(
            svc,
            slug,
            holder,
            n,
            ref,
            day,
            proxy=proxy,
            signature=_sig(signature),
            deadline=deadline,
            signer=key,
        )
        from ledger_service.cli import _entry_json

        return {**_entry_json(entry), "fen": fen}

    out = _write(
        ctx,
        _settings(home),
        slug,
        "accountant",
        as_,
        "timebank/fee-discounts",
        {
            "holder": holder,
            "minutes": n,
            "ref": ref,
            "business_date": day.isoformat(),
            **_signed(proxy, signature, deadline),
        },
        local,
    )
    _report(f"Fee discount of {format_fen(int(out['fen']))} yuan for {n} minutes", out)


# -- reads --------------------------------------------------------------------------------------------


@command(timebank_app, "balance")
def balance(ctx: typer.Context, slug: Slug, holder: HolderArg, home: HomeOpt = None) -> None:
    """A holder's minutes, as indexed."""
    from ledger_service.timebank.encoding import hours
    from ledger_service.timebank.reads import community_id, head_block
    from ledger_service.timebank.statement import holder_balances

    with index_db(ctx, home) as db, db.begin() as conn:
        cid, block = community_id(conn, slug), head_block(conn)
        if cid is None or block is None:
            raise NotFound(f"there is no community '{slug}' in the index")
        line = holder_balances(conn, cid, as_of_block=block).get(holder.lower(), {"balance": 0})
    t = Table(title=f"{holder.lower()} in {slug} (as of block {block})")
    t.add_column("")
    t.add_column("minutes", justify="right")
    t.add_column("hours", justify="right")
    for k, v in line.items():
        t.add_row(k, f"{v:,}", hours(v))
    console.print(t)


@command(timebank_app, "slip")
def slip(
    ctx: typer.Context,
    slug: Slug,
    holder: HolderArg,
    out: Annotated[Path, typer.Option("--out", "-o", help="The HTML file to print.")],
    home: HomeOpt = None,
) -> None:
    """Write a printable balance slip (large type, Chinese and English; for a volunteer, a QR code
    to their pseudonymous page). Open it in a browser and print."""
    from ledger_service.people import People
    from ledger_service.timebank.slip import balance_slip

    svc = _injected(ctx)
    settings = svc.settings if svc is not None else _settings(home)
    with index_db(ctx, home) as db:
        masked = None
        people = People(db, settings.data_key.get_secret_value())
        if people.exists(holder.lower()):
            masked = people.masked(holder.lower()).name
        with db.begin() as conn:
            done = balance_slip(conn, slug, holder, public_url=settings.public_url, masked_name=masked)
    out.write_text(done.html, encoding="utf-8")
    console.print(f"[green]✓[/green] balance slip written to {out}", highlight=False)


@command(timebank_app, "stats")
def stats(
    ctx: typer.Context,
    slug: Slug,
    period: Annotated[
        str, typer.Option("--period", help="2026 (year), 2026Q1 (quarter) or 2026-03 (month).")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    home: HomeOpt = None,
) -> None:
    """Hours served, active volunteers, redemption rate = redeemed ÷ (minted + rewarded) and
    retention (volunteers of the previous period who served again)."""
    from ledger_service.cli import _label
    from ledger_service.statements.periods import parse_period
    from ledger_service.timebank.encoding import hours
    from ledger_service.timebank.reads import community_id, community_statistics, head_block, previous_period

    p = parse_period(_label(period))
    with index_db(ctx, home) as db, db.begin() as conn:
        cid, block = community_id(conn, slug), head_block(conn)
        if cid is None or block is None:
            raise NotFound(f"there is no community '{slug}' in the index")
        s = community_statistics(conn, cid, p, previous_period(p), block)
    data = {"community": slug, "period": p.label, "as_of_block": block, **s.to_json()}
    if as_json:
        _print_json(data)
        return
    t = Table(title=f"Time bank of {slug}, {p.label} (as of block {block})")
    t.add_column("")
    t.add_column("", justify="right")
    for k in ("minted", "rewarded", "redeemed", "deducted", "held", "pool"):
        t.add_row(f"{k} (hours)", hours(data[k]))
    t.add_row("active volunteers", str(data["active_volunteers"]))
    t.add_row("redemption rate", f"{data['redemption_rate']} %" if data["redemption_rate"] else "—")
    t.add_row("retention", f"{data['retention']} %" if data["retention"] else "—")
    console.print(t)
