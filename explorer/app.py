"""The residents' explorer: read-only, server-rendered pages over the SQL index.

Every page has a ``.json`` twin, and every table page a ``.csv`` twin, so any number on screen can
be traced to the transaction, block and log it came from (STYLE.md, "Explorer"). A closed
statement's ``.json`` is served byte for byte as anchored: ``sha256`` of the response body is the
hash registered on chain.

The app opens its database read-only and reads through the statement layer and the contexts'
tables. It never imports the chain layer, the sender, the journal or any command: a bug here can
show something wrong, but can never write anything (a test checks the import graph).

Routes (all GET/HEAD):

- ``/`` and ``/index.json``: communities and the newest indexed block.
- ``/c/{slug}``: redirect to the community's newest quarter with entries (or the current one);
  ``/c/{slug}.json`` redirects to that quarter's ``.json``.
- ``/c/{slug}/{period}`` (``2026Q1``, ``2026-03``, ``2026``), ``.json`` and ``.csv``: the statement.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

import segno
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError
from starlette.exceptions import HTTPException as StarletteHTTPException

# Registers every context's statement section with the builder: the read side only, not
# ``ledger_service.contexts``, whose event handlers pull in the chain layer's ABI code.
import ledger_service.statement_sections  # noqa: F401
from explorer import queries
from explorer.charts import bar_chart
from explorer.contexts import Kit, context_pages
from explorer.i18n import DEFAULT_LANG, namer, pick_lang, translator
from ledger_service.core.errors import LedgerError, NotFound
from ledger_service.db.session import Database
from ledger_service.statements.export import format_yuan, statement_csv
from ledger_service.statements.periods import Period, parse_period
from ledger_service.statements.store import ServedStatement, get_statement

log = logging.getLogger(__name__)

HERE = Path(__file__).parent
TEMPLATES_DIR = HERE / "templates"
STATIC_DIR = HERE / "static"

#: No scripts at all: the pages must read fully without JavaScript, and this proves they do.
CSP = ("default-src 'none'; style-src 'self'; img-src 'self' data:; base-uri 'none'; "
       "form-action 'none'; frame-ancestors 'none'")


# -- small formatting helpers (also Jinja filters) ----------------------------------------------------

def short_hash(value: str | None, keep: int = 6) -> str:
    """``0x1234ab…89cdef``: enough to compare by eye; the full value goes in a ``title``."""
    if not value:
        return ""
    body = value[2:] if value.startswith("0x") else value
    prefix = "0x" if value.startswith("0x") else ""
    if len(body) <= 2 * keep + 1:
        return value
    return f"{prefix}{body[:keep]}…{body[-keep:]}"


def pseudonym(payer_ref: str | None) -> str:
    """A payer shown only as a short pseudonym (the ref is already a keyed hash; SEC-1)."""
    if not payer_ref:
        return ""
    body = payer_ref[2:] if payer_ref.startswith("0x") else payer_ref
    return "#" + body[:8]


def percent_bps(bps: int) -> str:
    """Basis points as a percentage without floats: 6000 → ``60%``, 3333 → ``33.33%``."""
    whole, frac = divmod(int(bps), 100)
    return f"{whole}%" if frac == 0 else f"{whole}.{frac:02d}%"


def hours_minutes(minutes: int) -> str:
    """Time-bank minutes as ``h:mm`` (60 minutes = 1 credit)."""
    h, m = divmod(int(minutes), 60)
    return f"{h}:{m:02d}"


def _utc(ts: int | None) -> str:
    if ts is None:
        return ""
    return dt.datetime.fromtimestamp(ts, dt.UTC).strftime("%Y-%m-%d %H:%M")


# -- the app ----------------------------------------------------------------------------------------

class _Page:
    """Per-request helpers handed to templates: language, words, and links that keep the language."""

    def __init__(self, request: Request, public_url: str) -> None:
        self.request = request
        self.lang = pick_lang(request.query_params.get("lang"))
        self.t = translator(self.lang)
        self.name = namer(self.lang)
        self.root = request.scope.get("root_path", "").rstrip("/")
        self.public_url = public_url.rstrip("/")

    def href(self, path: str, lang: str | None = None) -> str:
        """A link inside the explorer that keeps (or sets) the reader's language."""
        lang = self.lang if lang is None else lang
        return self.root + path + ("" if lang == DEFAULT_LANG else f"?lang={lang}")

    def raw(self, path: str) -> str:
        """A link to a twin file (.json, .csv): the same bytes in every language."""
        return self.root + path

    def public(self, path: str) -> str:
        """The absolute public address of a page, for JSON links, print and the QR code."""
        return self.public_url + path

    def context(self, **values: Any) -> dict[str, Any]:
        here = self.request.url.path
        if self.root and here.startswith(self.root):
            here = here[len(self.root):]
        other = "en" if self.lang == DEFAULT_LANG else DEFAULT_LANG
        return {
            "lang": self.lang, "t": self.t, "name": self.name, "href": self.href, "raw": self.raw,
            "switch_href": self.href(here or "/", other), "static": lambda f: self.root + "/static/" + f,
            **values,
        }


def create_explorer(db_url: str, *, public_url: str = "http://127.0.0.1:8000") -> FastAPI:
    """The explorer as a FastAPI app over the index at ``db_url``, opened read-only.

    ``public_url`` is the address residents reach the explorer's root at; it is used for the
    absolute links in JSON twins and for the QR code printed on notices. Mount the app at ``/``
    (or anywhere: links follow the mount's root path).
    """
    db = Database(db_url, read_only=True)
    templates = Jinja2Templates(directory=str(TEMPLATES_DIR))
    env = templates.env
    env.filters.update(yuan=format_yuan, short=short_hash, pseudonym=pseudonym, bps=percent_bps,
                       hm=hours_minutes, utc=_utc)
    env.trim_blocks = True
    env.lstrip_blocks = True

    app = FastAPI(title="Civic Ledger explorer", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.db = db
    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="explorer-static")

    @app.middleware("http")
    async def security_headers(request: Request, call_next: Callable[[Request], Any]) -> Response:
        response: Response = await call_next(request)
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response

    @contextmanager
    def reader() -> Iterator[Connection]:
        # One read-only connection per request, as the statement layer expects.
        with db.engine.connect() as conn:
            yield conn

    def page(request: Request) -> _Page:
        return _Page(request, public_url)

    def not_found(request: Request, message: str, *, as_json: bool) -> Response:
        if as_json:
            return JSONResponse({"error": "not_found", "message": message}, status_code=404)
        p = page(request)
        return templates.TemplateResponse(
            request, "not_found.html", p.context(message=message), status_code=404,
            headers={"Cache-Control": "no-cache"},
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        wants_json = request.url.path.endswith(".json") or (
            "application/json" in request.headers.get("accept", "")
            and "text/html" not in request.headers.get("accept", "")
        )
        if exc.status_code == 404:
            t = translator(pick_lang(request.query_params.get("lang")))
            return not_found(request, t("not_found_body"), as_json=wants_json)
        return JSONResponse({"error": "http_error", "message": str(exc.detail)}, status_code=exc.status_code)

    @app.exception_handler(SQLAlchemyError)
    async def index_unavailable(request: Request, exc: SQLAlchemyError) -> Response:
        # The index is missing or locked (e.g. before the service has run once): say so plainly.
        log.warning("explorer: the index cannot be read: %s", exc)
        p = page(request)
        if request.url.path.endswith(".json"):
            return JSONResponse({"error": "unavailable", "message": p.t("unavailable_body")}, status_code=503)
        return templates.TemplateResponse(request, "unavailable.html", p.context(), status_code=503,
                                          headers={"Cache-Control": "no-cache", "Retry-After": "30"})

    def load(slug: str, label: str) -> ServedStatement:
        """The served statement, or ``NotFound`` for an unknown community or a malformed period."""
        try:
            parse_period(label)
        except (ValueError, TypeError) as e:
            raise NotFound(str(e)) from None
        with reader() as conn:
            return get_statement(conn, slug, label)

    # -- home -----------------------------------------------------------------------------------------

    def home_data() -> tuple[queries.Head | None, list[dict[str, Any]]]:
        with reader() as conn:
            at = queries.head(conn)
            rows = queries.communities(conn, at.block_number if at else None)
        items = []
        for row in rows:
            label = queries.current_period(row, at).label
            items.append({"slug": row.slug, "period": label, "path": f"/c/{quote(row.slug)}/{label}"})
        return at, items

    @app.api_route("/", methods=["GET", "HEAD"])
    def index(request: Request) -> Response:
        p = page(request)
        at, items = home_data()
        # The street office's view of every community's funds, for the quarter most pages open on.
        street = f"/street/funds/{max(c['period'] for c in items)}" if items else None
        return templates.TemplateResponse(
            request, "index.html",
            p.context(head=at, communities=items, json_path="/index.json", street_path=street),
            headers={"Cache-Control": "no-cache"},
        )

    @app.api_route("/index.json", methods=["GET", "HEAD"])
    def index_json(request: Request) -> Response:
        p = page(request)
        at, items = home_data()
        return JSONResponse({
            "communities": [
                {"slug": c["slug"], "period": c["period"], "url": p.public(c["path"]),
                 "json": p.public(c["path"] + ".json"), "csv": p.public(c["path"] + ".csv")}
                for c in items
            ],
            "indexed": at.to_json() if at else None,
        }, headers={"Cache-Control": "no-cache"})

    # -- each context's own pages (before the catch-all statement routes below) ---------------------

    kit = Kit(templates=templates, reader=reader, page=page, not_found=not_found)
    for register in context_pages():
        register(app, kit)

    # -- a community -----------------------------------------------------------------------------------

    def latest_label(slug: str) -> str:
        with reader() as conn:
            at = queries.head(conn)
            row = queries.community_row(conn, slug, at.block_number if at else None)
        return queries.current_period(row, at).label

    @app.api_route("/c/{slug}.json", methods=["GET", "HEAD"])
    def community_json(request: Request, slug: str) -> Response:
        try:
            label = latest_label(slug)
        except LedgerError as e:
            return not_found(request, e.message, as_json=True)
        return RedirectResponse(page(request).raw(f"/c/{quote(slug)}/{label}.json"), status_code=302)

    @app.api_route("/c/{slug}/{period}.json", methods=["GET", "HEAD"])
    def statement_json(request: Request, slug: str, period: str) -> Response:
        try:
            served = load(slug, period)
        except LedgerError as e:
            return not_found(request, e.message, as_json=True)
        # The stored bytes, untouched: for a closed period sha256(body) is the anchored hash.
        return Response(served.body, media_type="application/json", headers=_statement_headers(served))

    @app.api_route("/c/{slug}/{period}.csv", methods=["GET", "HEAD"])
    def statement_csv_route(request: Request, slug: str, period: str) -> Response:
        try:
            served = load(slug, period)
        except LedgerError as e:
            return not_found(request, e.message, as_json=False)
        # A byte-order mark so spreadsheet programs on Chinese Windows read the file as UTF-8.
        body = "\ufeff" + statement_csv(served.statement)
        headers = _statement_headers(served)
        s = served.statement
        filename = _safe_filename(f'{s["community"]}-{s["period"]["label"]}.csv')
        headers["Content-Disposition"] = f'attachment; filename="{filename}"'
        return Response(body.encode("utf-8"), media_type="text/csv; charset=utf-8", headers=headers)

    @app.api_route("/c/{slug}/{period}.pdf", methods=["GET", "HEAD"])
    def statement_pdf_route(request: Request, slug: str, period: str) -> Response:
        """The notice-board copy: the statement rendered to PDF with its anchored hash and the
        trust root's hash on the first page (a rendering; the JSON stays the record)."""
        from ledger_service.statements.pdf import statement_pdf

        try:
            served = load(slug, period)
        except LedgerError as e:
            return not_found(request, e.message, as_json=False)
        headers = _statement_headers(served)
        s = served.statement
        filename = _safe_filename(f'{s["community"]}-{s["period"]["label"]}.pdf')
        headers["Content-Disposition"] = f'attachment; filename="{filename}"'
        body = statement_pdf(s, trust_root_sha256=trust_root_hash())
        return Response(body, media_type="application/pdf", headers=headers)

    @app.api_route("/c/{slug}", methods=["GET", "HEAD"])
    def community(request: Request, slug: str) -> Response:
        try:
            label = latest_label(slug)
        except LedgerError as e:
            return not_found(request, e.message, as_json=False)
        return RedirectResponse(page(request).href(f"/c/{quote(slug)}/{label}"), status_code=302)

    def trust_root_hash() -> str:
        """The hash of this deployment's trust root, shown on every statement and printed notice
        so an auditor can check that a bundle's trust root is the one the community published."""
        from ledger_service.proofs.trust_root import trust_root
        from ledger_service.proofs.trust_root import trust_root_hash as hash_of
        from ledger_service.statements.builder import chain_manifest

        with reader() as conn:
            manifest = chain_manifest(conn)
        return hash_of(trust_root(manifest, manifest.get("extra", {}).get("validators", ())))

    @app.api_route("/c/{slug}/{period}", methods=["GET", "HEAD"])
    def statement_page(request: Request, slug: str, period: str) -> Response:
        try:
            served = load(slug, period)
        except LedgerError as e:
            return not_found(request, e.message, as_json=False)
        p = page(request)
        path = f"/c/{quote(slug)}/{served.statement['period']['label']}"
        view = statement_view(served, p, path)
        view["trust_root_hash"] = trust_root_hash()
        return templates.TemplateResponse(request, "statement.html", p.context(**view),
                                          headers=_statement_headers(served, html=True))

    return app


def _statement_headers(served: ServedStatement, *, html: bool = False) -> dict[str, str]:
    """Closed statements never change, so caches may keep them; provisional ones must be rechecked."""
    headers = {"Cache-Control": "public, max-age=3600" if served.closed else "no-cache"}
    if not html:
        headers["ETag"] = f'"{served.hash}"'
        headers["X-Statement-SHA256"] = served.hash
    return headers


def _neighbour(step: Callable[[], Period]) -> str | None:
    """The label of the period before or after, or ``None`` at the ends of the calendar."""
    try:
        return step().label
    except (OverflowError, ValueError):
        return None


def _safe_filename(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "_", name)


def _other_periods(period: Period) -> list[tuple[str, str]]:
    """Links from a period to the ones around it: its months, its quarter, its year."""
    out: list[tuple[str, str]] = []
    start = period.start
    if period.kind == "year":
        out += [("quarter", Period.quarter(start.year, q).label) for q in range(1, 5)]
    if period.kind == "quarter":
        out += [("month", Period.month(start.year, start.month + i).label) for i in range(3)]
        out.append(("year", Period.year(start.year).label))
    if period.kind == "month":
        out.append(("quarter", Period.containing(start, "quarter").label))
        out.append(("year", Period.year(start.year).label))
    return out


def _flag(flag: str, t: Callable[..., str]) -> str | None:
    kind, _, value = flag.partition(":")
    if kind == "awaiting_decision":
        return None  # shown as its own banner
    if kind in ("duplicate_ref", "reversal_mismatch"):
        return t(f"flag_{kind}", value=value)
    return t("flag_other", value=flag)


def statement_view(served: ServedStatement, p: _Page, path: str) -> dict[str, Any]:
    """Everything ``statement.html`` shows, prepared once (the template only lays it out)."""
    s = served.statement
    period = parse_period(s["period"]["label"])
    income = s.get("income", {"total": 0, "by_source": {}})
    balances = s.get("balances", {})
    timebank = s.get("timebank", {})
    qr = segno.make(p.public(path), error="m").svg_inline(scale=3, border=2, title=p.public(path))
    return {
        "s": s,
        "served": served,
        "path": path,
        "slug_path": "/c/" + quote(s["community"]),
        "json_path": path + ".json",
        # Proof bundles are made by the service's API (they need the chain); the explorer links them.
        "bundle_base": (f"/api/v1/communities/{quote(s['community'])}/periods/{s['period']['label']}"
                        if served.closed else None),
        "csv_path": path + ".csv",
        "pdf_path": path + ".pdf",
        "public_page": p.public(path),
        "previous": _neighbour(period.previous),
        "next": _neighbour(period.next),
        "others": _other_periods(period),
        "flags": [m for m in (_flag(f, p.t) for f in s.get("flags", [])) if m],
        "income_chart": bar_chart(p.t("income_by_source"), income.get("by_source", {}).items(), p.name),
        "balance_chart": bar_chart(p.t("closing_chart"), ((b, v["closing"]) for b, v in balances.items()),
                                   p.name),
        "timebank_shown": any(v for v in timebank.values()),
        "qr_svg": qr,
    }
