"""The funds' explorer pages (read-only): a community's funds with every source and payment, a
donor's receipt lookup, in-kind goods and a goods receipt, and the street office's view of its
communities (``/street/funds/{period}``, optionally ``?communities=a,b``: per community and in
total the period's flows, inflows by donor type and the traced share; the deployment is the street
office's, so "its communities" are the ones it registered). Each page has a ``.json`` twin, the
tables a ``.csv`` twin, every line with its transaction, block and log index. Donors appear by
pseudonym, or by the name they chose to publish; nothing else about them is shown (the street view
shows sums only)."""

from __future__ import annotations

import csv
import io
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy.engine import Connection

from explorer import queries
from explorer.contexts import Kit
from explorer.i18n import DEFAULT_LANG, add_words
from ledger_service.core.errors import LedgerError, NotFound
from ledger_service.funds.encoding import DONOR_TYPES
from ledger_service.funds.goods import goods_trace
from ledger_service.funds.reads import community_names, goods_receipt_view, receipt_view, street_view
from ledger_service.funds.statement import FLOWS
from ledger_service.funds.trace import community_trace
from ledger_service.statements.builder import community_by_slug
from ledger_service.statements.periods import parse_period

add_words(
    {
        "zh-Hans": {
            "funds_title": "{slug} 的公益基金",
            "funds_lead": "每一笔捐赠都有收据号；每一笔支出都按“先进先出”追溯到来源。",
            "funds_sources": "资金来源",
            "funds_payments": "项目支出",
            "funds_balance": "余额",
            "funds_spent": "已用",
            "funds_unspent": "未用",
            "funds_refunded": "已退",
            "funds_traced": "可追溯",
            "funds_source_kind": "来源",
            "funds_donor": "捐赠人",
            "funds_anonymous": "匿名",
            "funds_receipt": "收据号",
            "funds_receipt_title": "收据 {receipt}",
            "funds_receipt_lead": "这笔捐赠用于以下支出（先进先出）。",
            "funds_lookup": "查询收据：在地址栏输入 /c/{slug}/funds/receipts/收据号",
            "funds_project": "项目",
            "funds_final": "尾款",
            "funds_rate": "追溯率",
            "goods_title": "{slug} 的捐赠物资",
            "goods_item": "物品",
            "goods_stock": "库存",
            "goods_moves": "去向",
            "goods_purpose": "用途",
            "goods_to": "转至",
            "goods_quantity": "数量",
            "street_title": "街道各社区的基金 · {period}",
            "street_lead": (
                "街道办视角：辖区每个社区本期的基金收支（各基金、各专项合计）、按捐赠人类型的捐赠来源和追溯率。"
                "这里只有合计，没有任何捐赠人的个人信息。"
            ),
            "street_community": "社区",
            "street_funds": "基金数",
            "street_details": "明细",
            "street_by_donor_type": "按捐赠人类型的捐赠",
            "street_donor_type": "捐赠人类型",
            "street_empty": "本期没有社区记录基金收支。",
            "street_only": "只看：{communities}",
            "street_all": "看全部社区",
            "donor_type_resident": "居民",
            "donor_type_company": "企业",
            "donor_type_bank": "银行",
            "donor_type_charity": "慈善组织、基金会",
            "donor_type_government": "政府",
        },
        "en": {
            "funds_title": "Funds of {slug}",
            "funds_lead": (
                "Every donation has a receipt number; every payment is traced to its sources, "
                "first in, first out."
            ),
            "funds_sources": "Where the money came from",
            "funds_payments": "Payments to projects",
            "funds_balance": "Balance",
            "funds_spent": "Spent",
            "funds_unspent": "Unspent",
            "funds_refunded": "Refunded",
            "funds_traced": "Traced",
            "funds_source_kind": "Source",
            "funds_donor": "Donor",
            "funds_anonymous": "anonymous",
            "funds_receipt": "Receipt",
            "funds_receipt_title": "Receipt {receipt}",
            "funds_receipt_lead": "This donation paid for the following (first in, first out).",
            "funds_lookup": "Look up a receipt: /c/{slug}/funds/receipts/RECEIPT-NUMBER",
            "funds_project": "Project",
            "funds_final": "final",
            "funds_rate": "Traced share",
            "goods_title": "Donated goods of {slug}",
            "goods_item": "Item",
            "goods_stock": "In stock",
            "goods_moves": "Where it went",
            "goods_purpose": "Purpose",
            "goods_to": "To",
            "goods_quantity": "Quantity",
            "street_title": "Street office: funds of its communities · {period}",
            "street_lead": (
                "The street office's view: each community's funds in the period (all funds and "
                "earmarks together), donations by donor type and the traced share. Sums only: "
                "nothing about any donor as a person."
            ),
            "street_community": "Community",
            "street_funds": "Funds",
            "street_details": "Details",
            "street_by_donor_type": "Donations by donor type",
            "street_donor_type": "Donor type",
            "street_empty": "No community recorded funds in this period.",
            "street_only": "Only: {communities}",
            "street_all": "See every community",
            "donor_type_resident": "Residents",
            "donor_type_company": "Companies",
            "donor_type_bank": "Banks",
            "donor_type_charity": "Charities and foundations",
            "donor_type_government": "Government",
        },
    }
)

_SOURCE_COLUMNS = (
    "fund", "earmark", "source", "kind", "receipt", "donor_type", "public_name", "amount", "spent",
    "refunded", "unspent", "business_date", "tx_hash", "block_number", "log_index",
)  # fmt: skip


def funds_view(conn: Connection, slug: str) -> dict[str, Any]:
    """Every fund and earmark as of the index's head: sources, payments, traceability."""
    community = community_by_slug(conn, slug)
    at = queries.head(conn)
    t = community_trace(conn, community.id)
    earmarks = []
    for (fund, earmark), e in sorted(t.earmarks.items()):
        sources = [s.to_json() for s in e.sources]
        earmarks.append({
            "fund": fund, "earmark": earmark, "balance": e.balance,
            "in": sum(s["amount"] for s in sources), "spent": sum(s["spent"] for s in sources),
            "refunded": sum(s["refunded"] for s in sources), "sources": sources,
        })  # fmt: skip
    payments = [p.to_json() for p in t.payments]
    return {
        "community": slug,
        "as_of_block": at.block_number if at else None,
        "earmarks": earmarks,
        "payments": payments,
        "traceability": t.traceability(),
    }


def goods_view(conn: Connection, slug: str) -> dict[str, Any]:
    community = community_by_slug(conn, slug)
    at = queries.head(conn)
    t = goods_trace(conn)
    names = community_names(conn)
    stock = {
        item: sum(lot.quantity for lot in q) for (c, item), q in sorted(t.stock.items()) if c == community.id
    }
    donations = [d.to_json(names) for (c, _), d in sorted(t.donations.items()) if c == community.id]
    moves = [
        {**m, "receipt": d["receipt"], "item": d["item"]}
        for (_, _), dd in sorted(t.donations.items())
        for d in [dd.to_json(names)]
        for m in d["moves"]
        if m["community"] == slug or m.get("to") == slug
    ]
    return {"community": slug, "as_of_block": at.block_number if at else None, "stock": stock,
            "donations": donations, "moves": moves}  # fmt: skip


def street_page_view(conn: Connection, label: str, communities: str | None) -> dict[str, Any]:
    """The street office's view (``ledger_service.funds.reads.street_view``, the API's answer),
    or ``NotFound`` for a malformed period or a community that does not exist."""
    try:
        period = parse_period(label)
    except (ValueError, TypeError) as e:
        raise NotFound(str(e)) from None
    slugs = [s for s in communities.split(",") if s] if communities else None
    return street_view(conn, period, slugs)


def _csv(rows: list[dict[str, Any]], columns: tuple[str, ...], filename: str) -> Response:
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(columns)
    for r in rows:
        w.writerow(["" if r.get(c) is None else r.get(c) for c in columns])
    return Response(
        ("\ufeff" + out.getvalue()).encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-cache"},
    )


def register(app: FastAPI, kit: Kit) -> None:
    """Add the funds and goods pages."""

    def html(request: Request, template: str, **values: Any) -> Response:
        p = kit.page(request)
        return kit.templates.TemplateResponse(request, template, p.context(**values),
                                              headers={"Cache-Control": "no-cache"})  # fmt: skip

    @app.api_route("/c/{slug}/funds.json", methods=["GET", "HEAD"])
    def funds_json(request: Request, slug: str) -> Response:
        try:
            with kit.reader() as conn:
                return JSONResponse(funds_view(conn, slug), headers={"Cache-Control": "no-cache"})
        except LedgerError as e:
            return kit.not_found(request, e.message, as_json=True)

    @app.api_route("/c/{slug}/funds.csv", methods=["GET", "HEAD"])
    def funds_csv(request: Request, slug: str) -> Response:
        try:
            with kit.reader() as conn:
                view = funds_view(conn, slug)
        except LedgerError as e:
            return kit.not_found(request, e.message, as_json=False)
        rows = [s for e in view["earmarks"] for s in e["sources"]]
        return _csv(rows, _SOURCE_COLUMNS, f"{slug}-funds.csv")

    @app.api_route("/c/{slug}/funds", methods=["GET", "HEAD"])
    def funds_page(request: Request, slug: str) -> Response:
        try:
            with kit.reader() as conn:
                view = funds_view(conn, slug)
        except LedgerError as e:
            return kit.not_found(request, e.message, as_json=False)
        base = f"/c/{quote(slug)}/funds"
        return html(request, "funds_overview.html", v=view, slug=slug, base=base, json_path=base + ".json",
                    csv_path=base + ".csv")  # fmt: skip

    @app.api_route("/c/{slug}/funds/receipts/{receipt}.json", methods=["GET", "HEAD"])
    def receipt_json(request: Request, slug: str, receipt: str) -> Response:
        try:
            with kit.reader() as conn:
                return JSONResponse(receipt_view(conn, slug, receipt), headers={"Cache-Control": "no-cache"})
        except LedgerError as e:
            return kit.not_found(request, e.message, as_json=True)

    @app.api_route("/c/{slug}/funds/receipts/{receipt}", methods=["GET", "HEAD"])
    def receipt_page(request: Request, slug: str, receipt: str) -> Response:
        try:
            with kit.reader() as conn:
                view = receipt_view(conn, slug, receipt)
        except LedgerError as e:
            return kit.not_found(request, e.message, as_json=False)
        path = f"/c/{quote(slug)}/funds/receipts/{quote(receipt)}"
        return html(request, "funds_receipt.html", r=view, slug=slug, json_path=path + ".json")

    @app.api_route("/c/{slug}/goods.json", methods=["GET", "HEAD"])
    def goods_json(request: Request, slug: str) -> Response:
        try:
            with kit.reader() as conn:
                return JSONResponse(goods_view(conn, slug), headers={"Cache-Control": "no-cache"})
        except LedgerError as e:
            return kit.not_found(request, e.message, as_json=True)

    @app.api_route("/c/{slug}/goods.csv", methods=["GET", "HEAD"])
    def goods_csv(request: Request, slug: str) -> Response:
        try:
            with kit.reader() as conn:
                view = goods_view(conn, slug)
        except LedgerError as e:
            return kit.not_found(request, e.message, as_json=False)
        cols = (
            "receipt",
            "item",
            "kind",
            "community",
            "to",
            "purpose",
            "quantity",
            "business_date",
            "tx_hash",
        )
        return _csv(view["moves"], cols, f"{slug}-goods.csv")

    @app.api_route("/c/{slug}/goods", methods=["GET", "HEAD"])
    def goods_page(request: Request, slug: str) -> Response:
        try:
            with kit.reader() as conn:
                view = goods_view(conn, slug)
        except LedgerError as e:
            return kit.not_found(request, e.message, as_json=False)
        base = f"/c/{quote(slug)}/goods"
        return html(
            request, "funds_goods.html", v=view, slug=slug, json_path=base + ".json", csv_path=base + ".csv"
        )

    @app.api_route("/c/{slug}/goods/receipts/{receipt}.json", methods=["GET", "HEAD"])
    def goods_receipt_json(request: Request, slug: str, receipt: str) -> Response:
        try:
            with kit.reader() as conn:
                return JSONResponse(
                    goods_receipt_view(conn, slug, receipt), headers={"Cache-Control": "no-cache"}
                )
        except LedgerError as e:
            return kit.not_found(request, e.message, as_json=True)

    def street_query(communities: str | None, lang: str | None = None) -> str:
        q = {k: v for k, v in (("communities", communities), ("lang", lang)) if v}
        return "?" + urlencode(q, safe=",") if q else ""

    @app.api_route("/street/funds/{label}.json", methods=["GET", "HEAD"])
    def street_json(request: Request, label: str, communities: str | None = None) -> Response:
        try:
            with kit.reader() as conn:
                return JSONResponse(
                    street_page_view(conn, label, communities), headers={"Cache-Control": "no-cache"}
                )
        except LedgerError as e:
            return kit.not_found(request, e.message, as_json=True)

    @app.api_route("/street/funds/{label}", methods=["GET", "HEAD"])
    def street_page(request: Request, label: str, communities: str | None = None) -> Response:
        try:
            with kit.reader() as conn:
                view = street_page_view(conn, label, communities)
        except LedgerError as e:
            return kit.not_found(request, e.message, as_json=False)
        p = kit.page(request)
        period = parse_period(label)
        lang = None if p.lang == DEFAULT_LANG else p.lang

        def street_href(other: str, communities: str | None = communities, lang: str | None = lang) -> str:
            return p.raw(f"/street/funds/{quote(other)}") + street_query(communities, lang)

        given = {t for t, amount in view["total"]["by_donor_type"].items() if amount}
        types = [t for t in DONOR_TYPES if t in given] + sorted(given - set(DONOR_TYPES))
        return html(
            request, "funds_street.html", v=view, label=period.label, flows=FLOWS, types=types,
            communities=communities, json_path=f"/street/funds/{quote(period.label)}.json"
            + street_query(communities), previous=street_href(period.previous().label),
            next=street_href(period.next().label), all_href=street_href(period.label, None),
            switch_href=street_href(period.label, communities, None if lang else "en"),
        )  # fmt: skip
