"""The HTTP API: accountants' writes (token per person, community and role) and public reads.

Routes live under ``/api/v1``; the OpenAPI document is at ``/openapi.json`` and the residents'
explorer is mounted at ``/`` behind them. Every error is JSON ``{"error", "message", "data"}``
with the status of the typed service error, and a refused request changes nothing: requests are
validated before anything is signed, and the journal simulates each write on the node before it
journals it.

Writes are signed with the key the caller's token is bound to, so the chain records who did what;
the contract checks the role again. After a write the index is brought up to date, so the entry is
in the next statement read. ``201``: the write is on chain; ``202``: the chain was unreachable, the
write is journaled and will be sent when it returns.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import select
from starlette.exceptions import HTTPException as StarletteHTTPException

from ledger_service.api.auth import Caller, authenticate
from ledger_service.api.schemas import (
    BatchOut,
    CloseOut,
    CommunityOut,
    DepositIn,
    DepositReturnIn,
    ErrorOut,
    IncomeBatchIn,
    IncomeIn,
    PolicyIn,
    ReversalIn,
    SpendIn,
    WriteOut,
)
from ledger_service.audit.commands import close_period
from ledger_service.chain.journal_tables import JournalEntry
from ledger_service.communities.tables import Community
from ledger_service.core.errors import ChainUnavailable, Forbidden, InvalidInput, LedgerError, Unauthorized
from ledger_service.revenue import commands as revenue
from ledger_service.revenue.encoding import Income, evidence_hash
from ledger_service.service import LedgerService
from ledger_service.statements.export import statement_csv
from ledger_service.statements.periods import Period, parse_period
from ledger_service.statements.store import ServedStatement, get_statement

log = logging.getLogger(__name__)

PREFIX = "/api/v1"
QUEUED = "queued"

_bearer = HTTPBearer(auto_error=False, description="an API token made with `civic-ledger token create`")

#: What a write route may answer besides its success.
ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorOut, "description": "no token, or an unknown or revoked one"},
    403: {"model": ErrorOut, "description": "the token is for another community or role"},
    409: {"model": ErrorOut, "description": "refused: a closed period, a repeated reference, a balance"},
    422: {"model": ErrorOut, "description": "the request is malformed"},
}
_ACTION = {
    "accountant": "posting revenue, spending, reversals, deposits and closing periods",
    "committee": "setting allocation policies",
}


def _error_body(code: str, message: str, data: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"error": code, "message": message, "data": data or {}}


def _field(loc: Sequence[Any]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts)


def _readable(errors: Sequence[Any]) -> str:
    """Pydantic's errors as one sentence: ``amount: amount 9007199254740992 fen is out of range``."""
    out = []
    for err in errors:
        kind = err.get("type", "")
        msg = str(err.get("msg", "invalid"))
        if kind == "json_invalid":
            out.append("the body is not valid JSON")
            continue
        if msg.startswith("Value error, "):
            msg = msg[len("Value error, ") :]
        if kind == "extra_forbidden":
            msg = "unknown field"
        where = _field(err.get("loc", ()))
        out.append(f"{where}: {msg}" if where else msg)
    return "; ".join(out) or "the request is malformed"


def require(role: str) -> Callable[..., Caller]:
    """A dependency: the caller's token must be for the path's community and for ``role``."""

    def dependency(
        request: Request,
        slug: str,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    ) -> Caller:
        if credentials is None or credentials.scheme.lower() != "bearer" or not credentials.credentials:
            raise Unauthorized("this needs an API token: send the header 'Authorization: Bearer <token>'")
        svc: LedgerService = request.app.state.svc
        caller = authenticate(svc.db, credentials.credentials)
        if caller.community != slug:
            raise Forbidden(
                f"this token is for community {caller.community}, not {slug}; use a token of {slug}",
                token_community=caller.community,
                community=slug,
            )
        if caller.role != role:
            raise Forbidden(
                f"this token acts as {caller.role} of {slug}; "
                f"{_ACTION.get(role, 'this')} needs the {role} role",
                token_role=caller.role,
                required_role=role,
            )
        return caller

    return dependency


Accountant = Annotated[Caller, Depends(require("accountant"))]
Committee = Annotated[Caller, Depends(require("committee"))]


def _out(entry: JournalEntry) -> WriteOut:
    return WriteOut(
        id=entry.id,
        status=entry.status,
        seq=entry.seq,
        seq_count=entry.seq_count,
        tx_hash=entry.tx_hash,
        block_number=entry.block_number,
    )


def _evidence(text: str | None) -> bytes:
    return evidence_hash(text)


def _income(body: IncomeIn) -> Income:
    return Income(body.source, body.amount, body.business_date, body.ref, _evidence(body.evidence))


def _period(label: str) -> Period:
    try:
        return parse_period(label)
    except (ValueError, TypeError) as e:
        raise InvalidInput(str(e)) from None


def create_app(svc: LedgerService, *, explorer: bool = True, public_url: str | None = None) -> FastAPI:
    """The API over ``svc``; with ``explorer`` (and the explorer package present) mounted at ``/``.

    ``public_url`` (default: the settings') is where residents reach the explorer.
    """
    app = FastAPI(
        title="Civic Ledger API",
        version="1",
        description=__doc__,
        openapi_url="/openapi.json",
        docs_url="/api/docs",
        redoc_url=None,
    )
    app.state.svc = svc
    write_lock = threading.Lock()

    @app.exception_handler(LedgerError)
    async def ledger_error(_request: Request, exc: LedgerError) -> JSONResponse:
        return JSONResponse(_error_body(exc.code, exc.message, exc.data), status_code=exc.status)

    @app.exception_handler(RequestValidationError)
    async def validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        fields = [{"field": _field(e.get("loc", ())), "message": str(e.get("msg", ""))} for e in errors]
        return JSONResponse(
            _error_body("invalid_input", _readable(errors), {"fields": fields}), status_code=422
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = "not_found" if exc.status_code == 404 else "http_error"
        return JSONResponse(_error_body(code, str(exc.detail)), status_code=exc.status_code)

    @contextmanager
    def writing() -> Iterator[None]:
        """One write at a time through the API; afterwards the index catches up with the chain."""
        with write_lock:
            yield
            try:
                svc.sync()
            except ChainUnavailable as e:
                log.warning("write journaled but not indexed yet: %s", e.message)

    def answer(response: Response, entries: Sequence[JournalEntry]) -> None:
        response.status_code = 202 if any(e.status == QUEUED for e in entries) else 201

    api = APIRouter(prefix=PREFIX)

    # -- writes -----------------------------------------------------------------------------------

    @api.post(
        "/communities/{slug}/incomes",
        status_code=201,
        response_model=WriteOut,
        responses=ERRORS,
        tags=["writes"],
        summary="Post one income (split by the policy in force)",
    )
    def post_income(slug: str, body: IncomeIn, caller: Accountant, response: Response) -> WriteOut:
        with writing():
            entry = revenue.post_income(svc, slug, _income(body), signer=caller.address)
        answer(response, [entry])
        return _out(entry)

    @api.post(
        "/communities/{slug}/incomes/batch",
        status_code=201,
        response_model=BatchOut,
        responses=ERRORS,
        tags=["writes"],
        summary="Post many incomes: all are checked first, then sent in batches",
    )
    def post_incomes(slug: str, body: IncomeBatchIn, caller: Accountant, response: Response) -> BatchOut:
        with writing():
            entries = revenue.post_incomes(
                svc, slug, [_income(i) for i in body.incomes], signer=caller.address
            )
        answer(response, entries)
        return BatchOut(count=len(body.incomes), writes=[_out(e) for e in entries])

    @api.post(
        "/communities/{slug}/spends",
        status_code=201,
        response_model=WriteOut,
        responses=ERRORS,
        tags=["writes"],
        summary="Spend from a bucket (never more than its balance)",
    )
    def spend(slug: str, body: SpendIn, caller: Accountant, response: Response) -> WriteOut:
        with writing():
            entry = revenue.spend(
                svc,
                slug,
                body.bucket,
                body.amount,
                body.business_date,
                body.ref,
                signer=caller.address,
                evidence=body.evidence,
            )
        answer(response, [entry])
        return _out(entry)

    @api.post(
        "/communities/{slug}/reversals",
        status_code=201,
        response_model=WriteOut,
        responses=ERRORS,
        tags=["writes"],
        summary="Reverse an income or a spend by its sequence number, with a reason",
    )
    def reverse(slug: str, body: ReversalIn, caller: Accountant, response: Response) -> WriteOut:
        with writing():
            entry = revenue.reverse(
                svc, slug, body.seq, body.reason, body.business_date, signer=caller.address
            )
        answer(response, [entry])
        return _out(entry)

    @api.post(
        "/communities/{slug}/deposits",
        status_code=201,
        response_model=WriteOut,
        responses=ERRORS,
        tags=["writes"],
        summary="Receive a deposit (a liability: never income, never allocated)",
    )
    def receive_deposit(slug: str, body: DepositIn, caller: Accountant, response: Response) -> WriteOut:
        with writing():
            entry = revenue.receive_deposit(
                svc,
                slug,
                body.amount,
                body.business_date,
                body.payer_ref,
                body.ref,
                signer=caller.address,
                evidence=body.evidence,
            )
        answer(response, [entry])
        return _out(entry)

    @api.post(
        "/communities/{slug}/deposits/{deposit_seq}/returns",
        status_code=201,
        response_model=WriteOut,
        responses=ERRORS,
        tags=["writes"],
        summary="Return (part of) a deposit to its payer",
    )
    def return_deposit(
        slug: str, deposit_seq: int, body: DepositReturnIn, caller: Accountant, response: Response
    ) -> WriteOut:
        with writing():
            entry = revenue.return_deposit(
                svc,
                slug,
                deposit_seq,
                body.amount,
                body.business_date,
                body.ref,
                signer=caller.address,
                evidence=body.evidence,
            )
        answer(response, [entry])
        return _out(entry)

    @api.post(
        "/communities/{slug}/policies",
        status_code=201,
        response_model=WriteOut,
        responses=ERRORS,
        tags=["writes"],
        summary="Activate an allocation policy (committee)",
    )
    def set_policy(slug: str, body: PolicyIn, caller: Committee, response: Response) -> WriteOut:
        with writing():
            entry = revenue.set_policy(
                svc,
                slug,
                dict(body.buckets),
                body.effective_date,
                signer=caller.address,
                decision=body.decision,
            )
        answer(response, [entry])
        return _out(entry)

    @api.post(
        "/communities/{slug}/periods/{period}/close",
        status_code=201,
        response_model=CloseOut,
        responses=ERRORS,
        tags=["writes"],
        summary="Close a period: its statement is fixed and its hash anchored on chain",
    )
    def close(slug: str, period: str, caller: Accountant) -> CloseOut:
        label = _period(period).label
        with writing():
            closed = close_period(svc, slug, label, signer=caller.address)
        return CloseOut(
            label=closed.label,
            statement_hash=closed.statement_hash,
            entries_root=closed.entries_root,
            tx_hash=closed.tx_hash,
        )

    # -- reads ------------------------------------------------------------------------------------

    @api.get("/communities", response_model=list[CommunityOut], tags=["reads"], summary="Every community")
    def communities() -> list[CommunityOut]:
        with svc.db.session() as s:
            rows = s.scalars(select(Community).order_by(Community.slug)).all()
            return [
                CommunityOut(slug=c.slug, id=c.id, utc_offset_minutes=c.utc_offset_minutes, admin=c.admin)
                for c in rows
            ]

    def served(slug: str, label: str) -> ServedStatement:
        _period(label)
        with svc.db.begin() as conn:
            return get_statement(conn, slug, label)

    @api.get(
        "/communities/{slug}/statements/{period}",
        tags=["reads"],
        responses={200: {"content": {"application/json": {}, "text/csv": {}}}, 404: {"model": ErrorOut}},
        summary="A statement (civic-ledger/statement@1): closed ones exactly as anchored",
    )
    def statement(
        slug: str, period: str, format: Annotated[str, Query(pattern="^(json|csv)$")] = "json"
    ) -> Response:
        s = served(slug, period)
        headers = {
            "X-Statement-Sha256": s.hash,
            "X-Statement-Status": "closed" if s.closed else "provisional",
        }
        if format == "csv":
            return Response(
                statement_csv(s.statement),
                media_type="text/csv; charset=utf-8",
                headers={**headers, "Content-Disposition": f'attachment; filename="{slug}-{period}.csv"'},
            )
        return Response(s.body, media_type="application/json", headers=headers)

    @api.get(
        "/communities/{slug}/entries",
        tags=["reads"],
        responses={404: {"model": ErrorOut}},
        summary="The entries of a period, in chain order (default: the current quarter)",
    )
    def entries(slug: str, period: str | None = None) -> dict[str, Any]:
        if period is None:
            with svc.db.session() as session:
                offset = session.scalar(select(Community.utc_offset_minutes).where(Community.slug == slug))
            today = (dt.datetime.now(dt.UTC) + dt.timedelta(minutes=offset or 0)).date()
            period = Period.containing(today, "quarter").label
        s = served(slug, period)
        return {
            "community": slug,
            "period": s.statement["period"],
            "status": s.statement["status"],
            "entries": s.statement["entries"],
            "entries_root": s.statement["entries_root"],
        }

    @api.api_route("/{rest:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE"], include_in_schema=False)
    def unknown(rest: str) -> None:
        raise StarletteHTTPException(404, f"there is no API route /api/v1/{rest}")

    app.include_router(api)

    if explorer:
        factory = _explorer_factory()
        if factory is not None:
            app.mount("/", factory(svc.settings.db_url, public_url=public_url or svc.settings.public_url))
    return app


def _explorer_factory() -> Callable[..., Any] | None:
    try:
        from explorer import create_explorer  # type: ignore[attr-defined]
    except ImportError:
        try:
            from explorer.app import create_explorer
        except ImportError:
            return None
    return create_explorer  # type: ignore[no-any-return]
