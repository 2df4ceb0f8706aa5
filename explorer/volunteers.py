"""Volunteer pages (time bank): the community's volunteers by pseudonym with their hours, the
statistics of the year (hours, active volunteers, redemption rate, retention), and each
volunteer's own page — the QR code on their printed balance slip points here.

``/c/{slug}/volunteers`` (+ ``.json``, ``.csv``) and ``/c/{slug}/volunteers/{holder}`` (+
``.json``). No names anywhere; people who receive help (beneficiaries, elderly residents) have no
page at all; a health check-up shows only its category. Read-only.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from typing import Any
from urllib.parse import quote

import segno
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from explorer.contexts import Kit
from explorer.i18n import add_words
from ledger_service.statements.periods import Period
from ledger_service.timebank.encoding import hours
from ledger_service.timebank.reads import (
    community_id,
    community_statistics,
    head_block,
    previous_period,
    volunteer_page,
    volunteers,
)

add_words(
    {
        "zh-Hans": {
            "vol_title": "志愿者",
            "vol_note": "以化名显示，不显示姓名；受助人没有公开页面。1 小时服务 = 1 个时间币。",
            "vol_stats": "{year} 年统计",
            "vol_hours": "服务小时",
            "vol_active": "活跃志愿者",
            "vol_rate": "兑换率（已兑换 ÷ 获得）",
            "vol_retention": "留存率（上年志愿者今年继续服务）",
            "vol_id": "化名",
            "vol_served": "累计服务（小时）",
            "vol_balance": "余额（小时）",
            "vol_none": "尚无志愿服务记录。",
            "vol_page": "志愿者 {id}",
            "vol_acts": "记录",
            "vol_kind": "类型",
            "vol_detail": "说明",
            "vol_minutes": "时长（小时:分）",
            "vol_attested_beneficiary": "受助人签名确认",
            "vol_attested_coordinator": "协调员确认",
            "vol_by_proxy": "由代理人办理",
            "vol_back": "返回志愿者名单",
            "vol_kind_minted": "服务获得",
            "vol_kind_redeemed": "兑换",
            "vol_kind_donated": "捐入互助池",
            "vol_kind_granted": "互助池拨给",
            "vol_kind_rewarded": "奖励",
            "vol_kind_deducted": "扣除",
            "vol_kind_fee_discount": "抵扣物业费",
        },
        "en": {
            "vol_title": "Volunteers",
            "vol_note": (
                "Shown by pseudonym, never by name; people who receive help have no public page. "
                "1 hour of service = 1 credit."
            ),
            "vol_stats": "Statistics {year}",
            "vol_hours": "Hours served",
            "vol_active": "Active volunteers",
            "vol_rate": "Redemption rate (redeemed ÷ earned)",
            "vol_retention": "Retention (last year's volunteers serving again)",
            "vol_id": "Pseudonym",
            "vol_served": "Served (hours)",
            "vol_balance": "Balance (hours)",
            "vol_none": "No volunteer service recorded yet.",
            "vol_page": "Volunteer {id}",
            "vol_acts": "Records",
            "vol_kind": "Kind",
            "vol_detail": "Detail",
            "vol_minutes": "Time (h:mm)",
            "vol_attested_beneficiary": "confirmed by the beneficiary's signature",
            "vol_attested_coordinator": "confirmed by a coordinator",
            "vol_by_proxy": "through a proxy",
            "vol_back": "Back to the volunteers",
            "vol_kind_minted": "Service",
            "vol_kind_redeemed": "Redeemed",
            "vol_kind_donated": "Donated to the pool",
            "vol_kind_granted": "Granted from the pool",
            "vol_kind_rewarded": "Reward",
            "vol_kind_deducted": "Deduction",
            "vol_kind_fee_discount": "Property-fee discount",
        },
    }
)

_HOLDER = re.compile(r"^0x[0-9a-fA-F]{40}$")


def _year_of(conn: Any) -> Period:
    from explorer import queries

    at = queries.head(conn)
    year = (
        dt.datetime.fromtimestamp(at.timestamp, dt.UTC).year if at and at.timestamp else dt.date.today().year
    )
    return Period.year(year)


def register(app: FastAPI, kit: Kit) -> None:
    """Add the volunteer pages to the explorer."""

    def listing(slug: str) -> dict[str, Any] | None:
        with kit.reader() as conn:
            cid, block = community_id(conn, slug), head_block(conn)
            if cid is None or block is None:
                return None
            year = _year_of(conn)
            stats = community_statistics(conn, cid, year, previous_period(year), block)
            lines = volunteers(conn, cid, block)
        return {
            "community": slug,
            "as_of_block": block,
            "statistics": {"period": year.label, **stats.to_json()},
            "volunteers": [line.to_json() for line in lines],
        }

    @app.api_route("/c/{slug}/volunteers.json", methods=["GET", "HEAD"])
    def volunteers_json(request: Request, slug: str) -> Response:
        data = listing(slug)
        if data is None:
            return kit.not_found(request, f"there is no community '{slug}'", as_json=True)
        p = kit.page(request)
        for v in data["volunteers"]:
            v["url"] = p.public(f"/c/{quote(slug)}/volunteers/{v['holder']}")
        return JSONResponse(data, headers={"Cache-Control": "no-cache"})

    @app.api_route("/c/{slug}/volunteers.csv", methods=["GET", "HEAD"])
    def volunteers_csv(request: Request, slug: str) -> Response:
        data = listing(slug)
        if data is None:
            return kit.not_found(request, f"there is no community '{slug}'", as_json=True)
        out = io.StringIO()
        w = csv.writer(out, lineterminator="\n")
        w.writerow(["holder", "minted_minutes", "redeemed_minutes", "balance_minutes", "as_of_block"])
        for v in data["volunteers"]:
            w.writerow([v["holder"], v["minted"], v["redeemed"], v["balance"], data["as_of_block"]])
        return Response(
            out.getvalue(), media_type="text/csv; charset=utf-8", headers={"Cache-Control": "no-cache"}
        )

    @app.api_route("/c/{slug}/volunteers", methods=["GET", "HEAD"])
    def volunteers_page(request: Request, slug: str) -> Response:
        data = listing(slug)
        p = kit.page(request)
        if data is None:
            return kit.not_found(request, p.t("not_found_body"), as_json=False)
        path = f"/c/{quote(slug)}/volunteers"
        return kit.templates.TemplateResponse(
            request,
            "volunteers_index.html",
            p.context(d=data, path=path, json_path=path + ".json", csv_path=path + ".csv", hours=hours),
            headers={"Cache-Control": "no-cache"},
        )

    def one(slug: str, holder: str) -> dict[str, Any] | None:
        if not _HOLDER.match(holder):
            return None
        with kit.reader() as conn:
            cid, block = community_id(conn, slug), head_block(conn)
            if cid is None or block is None:
                return None
            page = volunteer_page(conn, cid, holder, block)
        if page is None:
            return None
        return {
            "community": slug,
            "holder": page.holder,
            "balance": page.balance,
            "totals": page.totals,
            "entries": page.entries,
            "as_of_block": page.as_of_block,
        }

    @app.api_route("/c/{slug}/volunteers/{holder}.json", methods=["GET", "HEAD"])
    def volunteer_json(request: Request, slug: str, holder: str) -> Response:
        data = one(slug, holder)
        if data is None:
            return kit.not_found(request, "no public page for this id", as_json=True)
        return JSONResponse(data, headers={"Cache-Control": "no-cache"})

    @app.api_route("/c/{slug}/volunteers/{holder}", methods=["GET", "HEAD"])
    def volunteer_page_html(request: Request, slug: str, holder: str) -> Response:
        data = one(slug, holder)
        p = kit.page(request)
        if data is None:
            return kit.not_found(request, p.t("not_found_body"), as_json=False)
        path = f"/c/{quote(slug)}/volunteers/{data['holder']}"
        qr = segno.make(p.public(path), error="m").svg_inline(scale=3, border=2, title=p.public(path))
        return kit.templates.TemplateResponse(
            request,
            "volunteers_page.html",
            p.context(
                d=data,
                path=path,
                list_path=f"/c/{quote(slug)}/volunteers",
                json_path=path + ".json",
                qr_svg=qr,
                public_page=p.public(path),
                hours=hours,
            ),
            headers={"Cache-Control": "no-cache"},
        )
