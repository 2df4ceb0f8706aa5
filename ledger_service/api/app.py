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
from collections.abc import Callable, Sequence
from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy import select
from starlette.exceptions import HTTPException as StarletteHTTPException

from ledger_service.api.deps import PREFIX, Writes, period_of
from ledger_service.api.schemas import (
    CommunityOut,
    ErrorOut,
)
from ledger_service.audit import routes as audit_routes
from ledger_service.communities.tables import Community
from ledger_service.core.errors import LedgerError
from ledger_service.funds import routes as funds_routes
from ledger_service.governance import routes as governance_routes
from ledger_service.oversight import routes as oversight_routes
from ledger_service.revenue import routes as revenue_routes
from ledger_service.service import LedgerService
from ledger_service.statements.export import statement_csv
from ledger_service.statements.periods import Period
from ledger_service.statements.store import ServedStatement, get_statement
from ledger_service.timebank import routes as timebank_routes

log = logging.getLogger(__name__)


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

    api = APIRouter(prefix=PREFIX)

    # -- writes: each bounded context brings its own routes ------------------------------------------

    writes = Writes(svc)
    for context_router in (
        revenue_routes.router(writes),
        audit_routes.router(writes),
        timebank_routes.router(writes),
        funds_routes.router(writes),
        oversight_routes.router(writes),
        governance_routes.router(writes),
    ):
        api.include_router(context_router)

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
        period_of(label)
        with svc.db.begin() as conn:
            return get_statement(conn, slug, label)

    @api.get(
        "/communities/{slug}/statements/{period}",
        tags=["reads"],
        responses={
            200: {"content": {"application/json": {}, "text/csv": {}, "application/pdf": {}}},
            404: {"model": ErrorOut},
        },
        summary="A statement (civic-ledger/statement@1), closed ones as anchored; or as CSV or PDF",
    )
    def statement(
        slug: str, period: str, format: Annotated[str, Query(pattern="^(json|csv|pdf)$")] = "json"
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
        if format == "pdf":
            from ledger_service.proofs.trust_root import trust_root, trust_root_hash
            from ledger_service.statements.pdf import statement_pdf

            root = trust_root_hash(trust_root(svc.deployment, svc.settings.validators))
            return Response(
                statement_pdf(s.statement, trust_root_sha256=root),
                media_type="application/pdf",
                headers={**headers, "Content-Disposition": f'attachment; filename="{slug}-{period}.pdf"'},
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
