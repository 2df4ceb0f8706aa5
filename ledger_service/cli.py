"""``civic-ledger``: the command line for the people who run and keep a community ledger.

Amounts are typed in yuan (``120000`` or ``1234.56``) and kept as whole fen, never as floating
point; dates are ``YYYY-MM-DD``. Every error prints one readable sentence and exits with status 1.

While ``civic-ledger up`` runs, the writes of the other commands go through the running service
(its HTTP API, with a token this command line keeps in ``HOME/cli-tokens.json``), because only one
process may drive the embedded node.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from ledger_service.core.config import Settings, load_settings
from ledger_service.core.errors import (
    ChainUnavailable,
    ConfigError,
    Conflict,
    InvalidInput,
    LedgerError,
)
from ledger_service.revenue.encoding import MAX_AMOUNT, evidence_hash

if TYPE_CHECKING:  # the chain layer is imported only by the commands that need it (fast --help)
    from ledger_service.db.session import Database
    from ledger_service.service import LedgerService

T = TypeVar("T")

console = Console(soft_wrap=True)
err_console = Console(stderr=True, soft_wrap=True)

app = typer.Typer(
    name="civic-ledger",
    help="Civic Ledger: public revenue of residential communities, written to a chain, published "
    "as statements anyone can check.\n\nStart with `civic-ledger init`, then `civic-ledger up`.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode="markdown",
)
community_app = typer.Typer(help="Register communities.", no_args_is_help=True)
period_app = typer.Typer(help="Close a period so its statement is fixed and anchored.", no_args_is_help=True)
index_app = typer.Typer(help="The SQL index of the chain.", no_args_is_help=True)
token_app = typer.Typer(help="API tokens for people who post through the HTTP API.", no_args_is_help=True)
app.add_typer(community_app, name="community")
app.add_typer(period_app, name="period")
app.add_typer(index_app, name="index")
app.add_typer(token_app, name="token")

CLI_TOKENS = "cli-tokens.json"
HomeOpt = Annotated[
    Path | None,
    typer.Option(
        "--home", envvar="CIVIC_LEDGER_HOME", help="Data directory (default: ./.home).", show_default=False
    ),
]
AsOpt = Annotated[
    str | None,
    typer.Option(
        "--as",
        help="Key that signs, by label or address (default: the community's own key "
        "for the role, e.g. lotus-garden:accountant).",
        show_default=False,
    ),
]
DateOpt = Annotated[str, typer.Option("--date", help="Business date, YYYY-MM-DD.")]
AmountOpt = Annotated[str, typer.Option("--amount", help="Amount in yuan, e.g. 120000 or 1234.56.")]
RefOpt = Annotated[str, typer.Option("--ref", help="Invoice, receipt or contract number (at most 32 bytes).")]
EvidenceOpt = Annotated[
    str | None,
    typer.Option(
        "--evidence", help="Evidence: a file (its SHA-256 is recorded) or a short text.", show_default=False
    ),
]


# -- plumbing -------------------------------------------------------------------------------------


def _fail(message: str) -> typer.Exit:
    err_console.print(f"[bold red]Error:[/bold red] {message}", highlight=False, markup=True, soft_wrap=True)
    return typer.Exit(1)


def command(
    group: typer.Typer, name: str | None = None, **kw: Any
) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """Register a command whose errors print as one red sentence (exit 1), never a traceback."""

    def decorate(fn: Callable[..., T]) -> Callable[..., T]:
        @functools.wraps(fn)
        def run(*args: Any, **kwargs: Any) -> T:
            try:
                return fn(*args, **kwargs)
            except typer.Exit:
                raise
            except LedgerError as e:
                raise _fail(_escape(e.message)) from None
            except (ValueError, OSError) as e:
                raise _fail(_escape(str(e))) from None
            except KeyboardInterrupt:
                raise _fail("interrupted") from None
            except Exception as e:
                if os.environ.get("CIVIC_LEDGER_DEBUG"):
                    raise
                raise _fail(
                    _escape(f"unexpected {type(e).__name__}: {e} (set CIVIC_LEDGER_DEBUG=1 for details)")
                ) from None

        group.command(name, **kw)(run)
        return run

    return decorate


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)


def _settings(home: Path | None, **overrides: Any) -> Settings:
    return load_settings(home=home, **overrides)


def _injected(ctx: typer.Context | None) -> LedgerService | None:
    """A service handed in by the caller (tests, the demo) instead of opening the home."""
    obj = ctx.find_root().obj if ctx is not None else None
    if isinstance(obj, dict):
        return obj.get("svc")  # type: ignore[no-any-return]
    return None


def _require_initialised(settings: Settings) -> None:
    if not settings.manifest_path.exists():
        raise ConfigError(
            f"{settings.home} is not initialised; run `civic-ledger init --home {settings.home}` first"
        )


@contextmanager
def _service(ctx: typer.Context | None, settings: Settings) -> Iterator[LedgerService]:
    injected = _injected(ctx)
    if injected is not None:
        yield injected
        return
    from ledger_service.service import LedgerService

    _require_initialised(settings)
    with console.status("Starting the ledger (node and index)…"):
        svc = LedgerService.open(settings)
    try:
        yield svc
    finally:
        svc.close()


@contextmanager
def index_db(ctx: typer.Context | None, home: Path | None) -> Iterator[Database]:
    """The SQL index to read: the injected service's, or the home's database (no node started)."""
    svc = _injected(ctx)
    if svc is not None:
        yield svc.db
        return
    from ledger_service.db.session import Database

    settings = _settings(home)
    _require_initialised(settings)
    db = Database(settings.db_url)
    try:
        yield db
    finally:
        db.dispose()


def _running(ctx: typer.Context | None, settings: Settings) -> Any:
    """The running service on this home (``None`` when none, or when a service is injected)."""
    if _injected(ctx) is not None:
        return None
    from ledger_service.api.server import running_service

    return running_service(settings.home)


def _refuse_while_running(ctx: typer.Context | None, settings: Settings, what: str) -> None:
    running = _running(ctx, settings)
    if running is not None:
        raise Conflict(
            f"the service is running at {running.url} (process {running.pid}); {what} cannot go "
            "through it: stop it with Ctrl-C first, then run this command again"
        )


# -- parsing what people type ---------------------------------------------------------------------

_YUAN = re.compile(r"^(\d{1,3}(,\d{3})+|\d+)(\.(\d{1,2}))?$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_yuan(text: str) -> int:
    """``"120000"`` → 12000000 fen, ``"1234.56"`` → 123456, ``"120,000.5"`` → 12000050.

    Integer arithmetic only: no float ever holds an amount. More than 2 decimals is refused, since
    a fen is the smallest unit.
    """
    s = text.strip()
    m = _YUAN.fullmatch(s)
    if m is None:
        if re.fullmatch(r"\d[\d,]*\.\d{3,}", s):
            raise InvalidInput(
                f"amount '{text}' has more than 2 decimals; the smallest unit is 0.01 yuan (1 fen)"
            )
        raise InvalidInput(f"amount '{text}' is not an amount in yuan; write e.g. 120000 or 1234.56")
    whole = int(m.group(1).replace(",", ""))
    cents = int((m.group(4) or "").ljust(2, "0"))
    fen = whole * 100 + cents
    if fen <= 0:
        raise InvalidInput(f"amount '{text}' must be more than 0")
    if fen > MAX_AMOUNT:
        raise InvalidInput(f"amount '{text}' is too large (at most {format_fen(MAX_AMOUNT)} yuan)")
    return fen


def format_fen(fen: int) -> str:
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(fen), 100)
    return f"{sign}{yuan:,}.{cents:02d}"


def parse_date(text: str, what: str = "date") -> dt.date:
    s = text.strip()
    if _DATE.fullmatch(s):
        try:
            return dt.date.fromisoformat(s)
        except ValueError:
            pass
    raise InvalidInput(f"{what} '{text}' is not a date; write it as YYYY-MM-DD, e.g. 2026-01-15")


def parse_share(text: str) -> tuple[str, int]:
    """``maintenance=60%`` or ``maintenance=6000`` (basis points) → ("maintenance", 6000)."""
    name, sep, value = text.partition("=")
    name, value = name.strip(), value.strip()
    if not sep or not name or not value:
        raise InvalidInput(f"'{text}' is not BUCKET=SHARE; write e.g. maintenance=60% or maintenance=6000")
    try:
        if value.endswith("%"):
            bps = Decimal(value[:-1]) * 100
        else:
            bps = Decimal(value)
    except InvalidOperation:
        raise InvalidInput(f"share '{value}' of {name} is not a number") from None
    if bps != bps.to_integral_value() or bps <= 0:
        raise InvalidInput(
            f"share '{value}' of {name} must be a positive whole number of basis points (0.01 %)"
        )
    return name, int(bps)


def _evidence(value: str | None) -> str | None:
    """A file's SHA-256 as 0x-hex, or the text itself (hashed by the command)."""
    if value is None or value == "":
        return None
    path = Path(value)
    if len(value) < 4096 and path.is_file():
        return "0x" + evidence_hash(path.read_bytes()).hex()
    return value


def _signer(slug: str, role: str, as_: str | None) -> str:
    from ledger_service.communities.commands import key_label

    return as_ or key_label(slug, role)


# -- writes: through the running service, or directly --------------------------------------------


@dataclass
class Remote:
    """Writes sent to the running service's API with a token this command line keeps."""

    url: str
    settings: Settings

    def _tokens_path(self) -> Path:
        return self.settings.home / CLI_TOKENS

    def _tokens(self) -> dict[str, str]:
        try:
            return dict(json.loads(self._tokens_path().read_text(encoding="utf-8")))
        except (OSError, ValueError):
            return {}

    def _save(self, tokens: dict[str, str]) -> None:
        path = self._tokens_path()
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(tokens, f, indent=2, sort_keys=True)
        os.chmod(path, 0o600)

    def token(self, slug: str, role: str, key: str, *, fresh: bool = False) -> str:
        from ledger_service.api.auth import create_token
        from ledger_service.chain.keys import KeyStore
        from ledger_service.db.session import Database

        address = KeyStore(self.settings.keystore_dir, self.settings.keystore_password).resolve(key)
        name = f"{slug}|{role}|{address}"
        tokens = self._tokens()
        if name in tokens and not fresh:
            return tokens[name]
        db = Database(self.settings.db_url)
        try:
            tokens[name] = create_token(db, slug, role, address, f"cli {key}")
        finally:
            db.engine.dispose()
        self._save(tokens)
        return tokens[name]

    def post(self, slug: str, role: str, key: str, path: str, body: Any) -> dict[str, Any]:
        import httpx

        for attempt in (0, 1):
            token = self.token(slug, role, key, fresh=attempt == 1)
            try:
                r = httpx.post(
                    f"{self.url}/api/v1/communities/{slug}/{path}",
                    json=body,
                    timeout=300,
                    headers={"Authorization": f"Bearer {token}"},
                )
            except httpx.HTTPError as e:
                raise ChainUnavailable(f"the running service at {self.url} does not answer ({e})") from None
            if r.status_code == 401 and attempt == 0:
                continue
            break
        try:
            answer = r.json()
        except ValueError:
            answer = {"message": r.text}
        if r.status_code >= 400:
            err = LedgerError(str(answer.get("message", r.text)))
            err.data = dict(answer.get("data") or {})
            err.status = r.status_code
            raise err
        answer["_status"] = r.status_code
        return dict(answer)


def _write(
    ctx: typer.Context,
    settings: Settings,
    slug: str,
    role: str,
    as_: str | None,
    path: str,
    body: Any,
    local: Callable[[LedgerService, str], Any],
) -> Any:
    """Run a write through the running service's API if there is one, else on a service opened here.

    Returns the API's JSON answer, or what ``local(svc, signer)`` returned.
    """
    key = _signer(slug, role, as_)
    running = _running(ctx, settings)
    if running is not None:
        console.print(f"[dim]The service is running at {running.url}: sending this through it.[/dim]")
        return Remote(running.url, settings).post(slug, role, key, path, body)
    with _service(ctx, settings) as svc:
        result = local(svc, key)
        try:
            svc.sync()
        except ChainUnavailable:
            pass
        return result


def _entry_json(entry: Any) -> dict[str, Any]:
    if isinstance(entry, dict):
        return entry
    return {
        "id": entry.id,
        "status": entry.status,
        "seq": entry.seq,
        "seq_count": entry.seq_count,
        "tx_hash": entry.tx_hash,
        "block_number": entry.block_number,
        "_status": 202 if entry.status == "queued" else 201,
    }


def _report(what: str, entry: Any) -> None:
    e = _entry_json(entry)
    if e.get("status") == "queued":
        console.print(
            f"[yellow]{what}: the chain cannot be reached; the write is kept and will be sent "
            "when it returns.[/yellow]"
        )
        return
    where = f" in block {e['block_number']}" if e.get("block_number") is not None else ""
    console.print(
        f"[green]✓[/green] {what}: entry #{e.get('seq')}{where} (transaction {e.get('tx_hash')}).",
        highlight=False,
    )


# -- set-up and running ---------------------------------------------------------------------------


@command(app, "init")
def init(
    home: HomeOpt = None,
) -> None:
    """Create a new ledger: data directory, operator key, local chain node and contracts.

    Run once per installation. Then add communities with `civic-ledger community add` and start
    everything with `civic-ledger up`.
    """
    from ledger_service.service import LedgerService

    settings = _settings(home)
    with console.status(f"Creating the ledger in {settings.home}…"):
        svc = LedgerService.init(settings)
    try:
        table = Table(title="Civic Ledger initialised", show_header=False)
        table.add_row("data directory", str(settings.home))
        table.add_row("chain id", str(svc.deployment.chain_id))
        for name in sorted(svc.deployment.contracts):
            table.add_row(name, svc.deployment.address(name))
        console.print(table)
        console.print(
            "Next: [bold]civic-ledger community add SLUG[/bold], then [bold]civic-ledger up[/bold]."
        )
    finally:
        svc.close()


@command(app, "up")
def up(
    ctx: typer.Context,
    home: HomeOpt = None,
    port: Annotated[int, typer.Option("--port", help="Port of the API and explorer.")] = 8000,
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
) -> None:
    """Run the ledger in the foreground: chain node, indexer, API and explorer.

    Open http://127.0.0.1:8000 in a browser for the explorer; the API is under /api/v1 (its
    description at /openapi.json). Press Ctrl-C to stop everything cleanly.
    """
    from ledger_service.api.server import serve

    settings = _settings(home)
    if (running := _running(ctx, settings)) is not None:
        raise Conflict(
            f"the service for {settings.home} is already running at {running.url} (process {running.pid})"
        )
    with _service(ctx, settings) as svc:
        console.print(
            f"[green]Serving[/green] {settings.home} on [bold]http://{host}:{port}[/bold] "
            "(explorer at /, API at /api/v1, Ctrl-C to stop)"
        )
        serve(svc, host=host, port=port)
    console.print("Stopped.")


@command(app, "demo")
def demo(
    ctx: typer.Context,
    home: HomeOpt = None,
    port: Annotated[int, typer.Option("--port", help="Port of the API and explorer.")] = 8000,
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    serve_it: Annotated[bool, typer.Option("--serve/--no-serve", help="Start `up` afterwards.")] = True,
) -> None:
    """Set up three demonstration communities with 2026 Q1 closed, then serve them (like `up`).

    lotus-garden: elevator ads split 60/30/10 and a repair; bamboo-court: stall rental held until
    a policy is approved in Q2; osmanthus-court: shared parking and residents' parking. Run again on
    the same directory and it just starts serving.
    """
    from ledger_service.demo import run_demo

    run_demo(_settings(home), host=host, port=port, serve=serve_it, console=console)


# -- communities, policies ------------------------------------------------------------------------


@command(community_app, "add")
def community_add(
    ctx: typer.Context,
    slug: Annotated[str, typer.Argument(help="Short name: a-z, 0-9 and '-', e.g. lotus-garden.")],
    home: HomeOpt = None,
    utc_offset: Annotated[int, typer.Option("--utc-offset", help="Minutes from UTC (480 = China).")] = 480,
) -> None:
    """Register a community and create its keys (admin, accountant, committee, auditor)."""
    from ledger_service.communities.commands import add_community

    settings = _settings(home)
    _refuse_while_running(ctx, settings, "registering a community")
    with _service(ctx, settings) as svc:
        granted = add_community(svc, slug, utc_offset_minutes=utc_offset)
    table = Table(title=f"Community {slug} registered")
    table.add_column("role")
    table.add_column("key label")
    table.add_column("address")
    for role, address in granted.items():
        table.add_row(role, f"{slug}:{role}", address)
    console.print(table)


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    )


# -- periods and statements -----------------------------------------------------------------------


def _label(period: str) -> str:
    from ledger_service.statements.periods import parse_period

    try:
        return parse_period(period).label
    except (ValueError, TypeError) as e:
        raise InvalidInput(str(e)) from None


@command(period_app, "close")
def period_close(
    ctx: typer.Context,
    slug: Annotated[str, typer.Argument(help="The community, e.g. lotus-garden.")],
    period: Annotated[str, typer.Argument(help="2026Q1 (quarter), 2026-03 (month) or 2026 (year).")],
    home: HomeOpt = None,
    as_: AsOpt = None,
) -> None:
    """Close a period after it has ended: its statement is fixed and its hash anchored on the chain.
    Afterwards nothing dated inside it can be posted; corrections go into a later period."""
    from ledger_service.audit.commands import close_period

    label = _label(period)

    def local(svc: LedgerService, key: str) -> dict[str, Any]:
        c = close_period(svc, slug, label, signer=key)
        return {
            "label": c.label,
            "statement_hash": c.statement_hash,
            "entries_root": c.entries_root,
            "tx_hash": c.tx_hash,
        }

    closed = _write(ctx, _settings(home), slug, "accountant", as_, f"periods/{label}/close", None, local)
    console.print(
        f"[green]✓[/green] {slug} {label} closed. Statement SHA-256 {closed['statement_hash']}, "
        f"anchored in transaction {closed['tx_hash']}.",
        highlight=False,
    )


@command(app, "statement")
def statement(
    ctx: typer.Context,
    slug: Annotated[str, typer.Argument(help="The community, e.g. lotus-garden.")],
    period: Annotated[
        str, typer.Option("--period", help="2026Q1 (quarter), 2026-03 (month) or 2026 (year).")
    ],
    fmt: Annotated[
        str,
        typer.Option("--format", help="json (exactly as anchored once closed) or csv (for spreadsheets)."),
    ] = "json",
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write to this file instead of the screen.", show_default=False),
    ] = None,
    home: HomeOpt = None,
) -> None:
    """Print a community's statement for a period: income by source, allocations, spending, balances
    and every entry with its transaction. An open period's statement is provisional."""
    from ledger_service.statements.export import statement_csv
    from ledger_service.statements.store import get_statement

    if fmt not in ("json", "csv"):
        raise InvalidInput(f"format '{fmt}' is not json or csv")
    label = _label(period)
    svc = _injected(ctx)
    if svc is not None:
        db = svc.db
    else:
        from ledger_service.db.session import Database

        settings = _settings(home)
        _require_initialised(settings)
        db = Database(settings.db_url)
    try:
        with db.begin() as conn:
            served = get_statement(conn, slug, label)
    finally:
        if svc is None:
            db.dispose()
    data = served.body if fmt == "json" else statement_csv(served.statement).encode("utf-8")
    if output is not None:
        output.write_bytes(data)
        err_console.print(
            f"[green]✓[/green] {slug} {label} ({'closed' if served.closed else 'provisional'}) "
            f"written to {output}",
            highlight=False,
        )
        return
    sys.stdout.buffer.write(data)
    if fmt == "json":
        sys.stdout.buffer.write(b"\n")
    sys.stdout.flush()


# -- index ----------------------------------------------------------------------------------------


@command(index_app, "rebuild")
def index_rebuild(
    ctx: typer.Context,
    home: HomeOpt = None,
) -> None:
    """Empty the SQL index and rebuild it from the chain (the chain is the source of truth).
    Closed statements come back byte for byte."""
    settings = _settings(home)
    _refuse_while_running(ctx, settings, "rebuilding the index")
    with _service(ctx, settings) as svc, _progress() as progress:
        target = int(svc.w3.eth.block_number)
        task = progress.add_task("Rebuilding the index", total=max(target, 1))
        previous = svc.indexer.progress
        svc.indexer.progress = lambda done, goal: progress.update(task, completed=done, total=max(goal, 1))
        try:
            logs = svc.indexer.rebuild()
        finally:
            svc.indexer.progress = previous
        progress.update(task, completed=progress.tasks[0].total)
    console.print(f"[green]✓[/green] index rebuilt: {logs} events up to block {target}.")


# -- tokens ---------------------------------------------------------------------------------------


@command(token_app, "create")
def token_create(
    ctx: typer.Context,
    slug: Annotated[str, typer.Argument(help="The community the token may write to.")],
    role: Annotated[str, typer.Argument(help="accountant (posts revenue) or committee (sets policies).")],
    key: Annotated[
        str | None,
        typer.Option(
            "--key",
            help="Key the token signs with, by label or address (default SLUG:ROLE).",
            show_default=False,
        ),
    ] = None,
    label: Annotated[
        str | None, typer.Option("--label", help="A note saying who holds it.", show_default=False)
    ] = None,
    home: HomeOpt = None,
) -> None:
    """Make an API token for one person's key, one community and one role. It is shown ONCE: give
    it to that person; only its hash is kept."""
    from ledger_service.api.auth import create_token
    from ledger_service.chain.keys import KeyStore
    from ledger_service.communities.commands import ROLES

    if role not in ROLES:
        raise InvalidInput(f"unknown role '{role}'; use one of: {', '.join(ROLES)}")
    svc = _injected(ctx)
    settings = svc.settings if svc is not None else _settings(home)
    _require_initialised(settings)
    keys = svc.keys if svc is not None else KeyStore(settings.keystore_dir, settings.keystore_password)
    address = keys.resolve(_signer(slug, role, key))
    if svc is not None:
        token = create_token(svc, slug, role, address, label or f"{slug}:{role}")
    else:
        from ledger_service.db.session import Database

        db = Database(settings.db_url)
        try:
            token = create_token(db, slug, role, address, label or f"{slug}:{role}")
        finally:
            db.dispose()
    err_console.print(f"Token for {role} of {slug} (key {address}); it is shown only now:", highlight=False)
    typer.echo(token)


@command(token_app, "revoke")
def token_revoke(
    ctx: typer.Context,
    token: Annotated[str, typer.Argument(help="The token itself.")],
    home: HomeOpt = None,
) -> None:
    """Revoke an API token; it stops working at once."""
    from ledger_service.api.auth import revoke_token

    svc = _injected(ctx)
    if svc is not None:
        revoke_token(svc, token)
    else:
        from ledger_service.db.session import Database

        settings = _settings(home)
        _require_initialised(settings)
        db = Database(settings.db_url)
        try:
            revoke_token(db, token)
        finally:
            db.dispose()
    console.print("[green]✓[/green] token revoked.")


# Bounded contexts that bring their own commands (imported last: they use the helpers above).
import ledger_service.audit.cli  # noqa: E402,F401  (adds `audit ...` and `verify`)
import ledger_service.funds.cli  # noqa: E402,F401  (adds `fund`, `donation`, `disbursement`, `trace`, `goods`)
import ledger_service.governance.cli  # noqa: E402,F401  (adds `governance`, `proposal`, `approve`, `vote`)
import ledger_service.oversight.cli  # noqa: E402,F401  (adds `budget`, `contract`, `objection`)
import ledger_service.revenue.cli  # noqa: E402,F401  (adds `policy`, `revenue`, `spend`, `reverse`, `deposit`)
import ledger_service.timebank.cli  # noqa: E402,F401  (adds `timebank ...`)


def main() -> None:  # pragma: no cover - console entry
    app()


__all__ = ["app", "parse_yuan", "parse_date", "format_fen", "command", "console"]

if __name__ == "__main__":  # pragma: no cover
    # Run the imported module's app, which the contexts' command modules registered with.
    from ledger_service.cli import app as registered

    registered()
