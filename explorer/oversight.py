"""Oversight pages: a period's budget vs actual (lines more than 15 % over marked), the register of
revenue contracts (overdue and missing payments marked) and the objections with their answers.

``/c/{slug}/{period}/oversight`` and its ``.json`` twin, read from the period's statement (the
same figures an auditor checks: for a closed period, the anchored statement itself). Read-only.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from explorer.contexts import Kit
from explorer.i18n import add_words
from ledger_service.core.errors import LedgerError, NotFound
from ledger_service.statements.periods import parse_period
from ledger_service.statements.store import get_statement

add_words(
    {
        "zh-Hans": {
            "ov_title": "预算、收益合同与异议",
            "ov_budget": "年度预算与实际支出",
            "ov_budget_note": "实际支出为本年截至本期末的累计；超出预算15%以上的项目标红。",
            "ov_no_budget": "本年度尚无经批准的预算。",
            "ov_purpose": "用途",
            "ov_budgeted": "预算",
            "ov_actual": "实际",
            "ov_remaining": "剩余",
            "ov_over": "超支15%以上",
            "ov_income_plan": "计划收入与实际收入",
            "ov_planned_to_date": "截至期末计划",
            "ov_shortfall": "差额",
            "ov_contracts": "收益合同登记",
            "ov_contracts_note": (
                "每份产生收益的合同（广告位、共享车位、摊位）登记其应收款项；逾期或未收到的款项公开标出。"
            ),
            "ov_no_contracts": "尚未登记收益合同。",
            "ov_number": "合同编号",
            "ov_kind": "类型",
            "ov_expected": "截至期末应收",
            "ov_received": "截至期末实收",
            "ov_outstanding": "未收",
            "ov_status": "状态",
            "ov_status_paid": "已收齐",
            "ov_status_overdue": "逾期",
            "ov_status_missing": "未收到",
            "ov_status_not_due": "未到期",
            "ov_objections": "异议与答复",
            "ov_objections_note": (
                "居民可在期间结账后15天内提出异议（以化名记录，证据以哈希记录）；"
                "7天内以更正分录或书面理由答复。"
            ),
            "ov_no_objections": "本期没有异议。",
            "ov_filed": "提出日期",
            "ov_late": "逾期提出",
            "ov_answer": "答复",
            "ov_corrected_by": "更正分录 #{seq}",
            "ov_rejected": "驳回：{reason}",
            "ov_unanswered": "尚未答复（应于 {due} 前答复）",
            "ov_answered_late": "逾期答复",
            "ov_back": "返回本期报表",
        },
        "en": {
            "ov_title": "Budget, revenue contracts and objections",
            "ov_budget": "Annual budget vs actual",
            "ov_budget_note": (
                "Actual is the year to date through the period's end; lines more than 15 % over are marked."
            ),
            "ov_no_budget": "No approved budget for this year yet.",
            "ov_purpose": "Purpose",
            "ov_budgeted": "Budget",
            "ov_actual": "Actual",
            "ov_remaining": "Remaining",
            "ov_over": "More than 15 % over",
            "ov_income_plan": "Planned vs actual income",
            "ov_planned_to_date": "Planned to date",
            "ov_shortfall": "Shortfall",
            "ov_contracts": "Register of revenue contracts",
            "ov_contracts_note": (
                "Every contract that earns revenue (ad space, shared parking, stalls) is registered "
                "with its payments; overdue or missing payments are shown publicly."
            ),
            "ov_no_contracts": "No revenue contracts registered yet.",
            "ov_number": "Contract",
            "ov_kind": "Kind",
            "ov_expected": "Due by period end",
            "ov_received": "Received by period end",
            "ov_outstanding": "Outstanding",
            "ov_status": "Status",
            "ov_status_paid": "Paid",
            "ov_status_overdue": "Overdue",
            "ov_status_missing": "Missing",
            "ov_status_not_due": "Not due yet",
            "ov_objections": "Objections and answers",
            "ov_objections_note": (
                "Residents may object within 15 days of a period's close (by pseudonym, evidence "
                "by hash); the answer, within 7 days, is a correcting entry or written reasons."
            ),
            "ov_no_objections": "No objections in this period.",
            "ov_filed": "Filed",
            "ov_late": "Filed late",
            "ov_answer": "Answer",
            "ov_corrected_by": "Corrected by entry #{seq}",
            "ov_rejected": "Rejected: {reason}",
            "ov_unanswered": "Not answered yet (due by {due})",
            "ov_answered_late": "answered late",
            "ov_back": "Back to the period's statement",
        },
    }
)

SECTIONS = ("budget", "revenue_contracts", "objections")


def register(app: FastAPI, kit: Kit) -> None:
    """Add the oversight pages to the explorer."""

    def load(slug: str, period: str) -> dict[str, Any]:
        try:
            label = parse_period(period).label
        except (ValueError, TypeError) as e:
            raise NotFound(str(e)) from None
        with kit.reader() as conn:
            return get_statement(conn, slug, label).statement

    @app.api_route("/c/{slug}/{period}/oversight.json", methods=["GET", "HEAD"])
    def oversight_json(request: Request, slug: str, period: str) -> Response:
        try:
            s = load(slug, period)
        except LedgerError as e:
            return kit.not_found(request, e.message, as_json=True)
        body = {
            "community": s["community"],
            "period": s["period"],
            "status": s["status"],
            "chain": s["chain"],
            "flags": [f for f in s.get("flags", []) if f.split(":", 1)[0] in FLAG_KINDS],
            **{k: s.get(k) for k in SECTIONS},
        }
        return JSONResponse(body, headers={"Cache-Control": "no-cache"})

    @app.api_route("/c/{slug}/{period}/oversight", methods=["GET", "HEAD"])
    def oversight_page(request: Request, slug: str, period: str) -> Response:
        try:
            s = load(slug, period)
        except LedgerError as e:
            return kit.not_found(request, e.message, as_json=False)
        p = kit.page(request)
        path = f"/c/{quote(s['community'])}/{s['period']['label']}"
        return kit.templates.TemplateResponse(
            request,
            "oversight_page.html",
            p.context(s=s, statement_path=path, json_path=path + "/oversight.json"),
            headers={"Cache-Control": "no-cache"},
        )


FLAG_KINDS = (
    "budget_overrun",
    "income_shortfall",
    "contract_overdue",
    "contract_missing",
    "objection_unanswered",
    "objection_answered_late",
)
