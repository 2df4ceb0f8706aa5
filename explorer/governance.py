"""Governance pages: a community's proposals with their state and approvals, and every owners'
vote with its turnout and the rule applied (failed votes are shown like passed ones; individual
ballots are never published, only the ballot record's hash).

``/c/{slug}/governance`` with ``.json`` and ``.csv`` (the votes table) twins. Read-only: the page
reads the SQL index through ``kit.reader()``.
"""

from __future__ import annotations

import csv
import io
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from explorer.contexts import Kit
from explorer.i18n import add_words
from ledger_service.core.errors import LedgerError
from ledger_service.governance import queries
from ledger_service.statements.builder import community_by_slug

add_words(
    {
        "zh-Hans": {
            "gv_title": "业主决策与委员会审批",
            "gv_committee": "业主委员会",
            "gv_committee_note": (
                "成员以各自的密钥签名审批；需 {m} / {n} 名成员同意。超过 {threshold} 元的支出须经审批。"
            ),
            "gv_no_committee": "本小区尚未设立委员会：政策仍由委员会成员直接启用。",
            "gv_proposals": "提案",
            "gv_no_proposals": "尚无提案。",
            "gv_what": "内容",
            "gv_decided_by": "决定方式",
            "gv_state": "状态",
            "gv_approvals": "委员会同意",
            "gv_votes": "业主表决",
            "gv_votes_note": "每次表决都公布参与率与适用规则，未通过的表决同样公布；不公布个人选票。",
            "gv_no_votes": "尚无表决。",
            "gv_rule": "适用规则",
            "gv_turnout": "参与率（户 / 面积）",
            "gv_yes": "同意（户 / 面积）",
            "gv_result": "结果",
            "gv_passed": "通过",
            "gv_failed": "未通过",
            "gv_quorum_not_met": "参与人数不足",
            "gv_emergency": "紧急使用维修资金（第281条）",
            "gv_state_open": "待审批",
            "gv_state_approved": "已批准",
            "gv_state_used": "已执行",
            "gv_state_failed": "表决未通过",
            "gv_state_rejected": "委员会否决",
            "gv_state_expired": "已过期",
            "gv_policies": "分配政策版本及其决定",
            "gv_version": "版本",
            "gv_enacted_on": "启用日期",
            "gv_decision": "决定",
            "gv_by_committee_member": "委员会成员直接启用（尚未设立委员会）",
            "gv_by_proposal": "提案 #{id}",
        },
        "en": {
            "gv_title": "Owners' decisions and committee approvals",
            "gv_committee": "Owners' committee",
            "gv_committee_note": (
                "Members approve with their own keys; {m} of {n} must approve. "
                "Payments above {threshold} yuan need approval."
            ),
            "gv_no_committee": (
                "This community has not set up its committee yet: policies are still activated "
                "by a committee member directly."
            ),
            "gv_proposals": "Proposals",
            "gv_no_proposals": "No proposals yet.",
            "gv_what": "What",
            "gv_decided_by": "Decided by",
            "gv_state": "State",
            "gv_approvals": "Committee approvals",
            "gv_votes": "Owners' votes",
            "gv_votes_note": (
                "Every vote is shown with its turnout and the rule applied, failed votes like passed ones; "
                "individual ballots are never published."
            ),
            "gv_no_votes": "No votes yet.",
            "gv_rule": "Rule applied",
            "gv_turnout": "Turnout (units / area)",
            "gv_yes": "Yes (units / area)",
            "gv_result": "Result",
            "gv_passed": "Passed",
            "gv_failed": "Failed",
            "gv_quorum_not_met": "quorum not met",
            "gv_emergency": "Emergency use of the maintenance fund (art. 281)",
            "gv_state_open": "Open",
            "gv_state_approved": "Approved",
            "gv_state_used": "Carried out",
            "gv_state_failed": "Vote failed",
            "gv_state_rejected": "Rejected by the committee",
            "gv_state_expired": "Expired",
            "gv_policies": "Allocation policy versions and the decisions that enacted them",
            "gv_version": "Version",
            "gv_enacted_on": "Enacted on",
            "gv_decision": "Decision",
            "gv_by_committee_member": "a committee member directly (no committee set up yet)",
            "gv_by_proposal": "proposal #{id}",
        },
    }
)

VOTE_COLUMNS = (
    "proposal_id", "decision_type", "rule", "total_units", "participating_units", "yes_units", "paper_units",
    "total_area", "participating_area", "yes_area", "paper_area", "turnout_units", "turnout_area",
    "yes_units_share", "yes_area_share", "quorum_met", "passed", "ballot_hash", "recorded_on",
    "tx_hash", "block_number", "log_index",
)  # fmt: skip


def _data(conn: Any, slug: str) -> dict[str, Any]:
    c = community_by_slug(conn, slug)
    return {
        "community": c.slug,
        "committee": queries.committee(conn, c.id),
        "proposals": queries.proposals(conn, c.id),
        "votes": queries.votes(conn, c.id),
        "policies": [{"version": v, **e} for v, e in sorted(queries.enactments(conn, c.id).items())],
    }


def register(app: FastAPI, kit: Kit) -> None:
    """Add the governance pages to the explorer."""

    @app.api_route("/c/{slug}/governance.json", methods=["GET", "HEAD"])
    def governance_json(request: Request, slug: str) -> Response:
        try:
            with kit.reader() as conn:
                body = _data(conn, slug)
        except LedgerError as e:
            return kit.not_found(request, e.message, as_json=True)
        return JSONResponse(body, headers={"Cache-Control": "no-cache"})

    @app.api_route("/c/{slug}/governance.csv", methods=["GET", "HEAD"])
    def governance_csv(request: Request, slug: str) -> Response:
        try:
            with kit.reader() as conn:
                votes = _data(conn, slug)["votes"]
        except LedgerError as e:
            return kit.not_found(request, e.message, as_json=False)
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(VOTE_COLUMNS)
        for v in votes:
            writer.writerow([v[k] for k in VOTE_COLUMNS])
        return Response(
            out.getvalue(), media_type="text/csv; charset=utf-8", headers={"Cache-Control": "no-cache"}
        )

    @app.api_route("/c/{slug}/governance", methods=["GET", "HEAD"])
    def governance_page(request: Request, slug: str) -> Response:
        try:
            with kit.reader() as conn:
                data = _data(conn, slug)
        except LedgerError as e:
            return kit.not_found(request, e.message, as_json=False)
        p = kit.page(request)
        path = f"/c/{quote(data['community'])}"
        return kit.templates.TemplateResponse(
            request,
            "governance_page.html",
            p.context(
                g=data,
                community_path=path,
                json_path=path + "/governance.json",
                csv_path=path + "/governance.csv",
            ),
            headers={"Cache-Control": "no-cache"},
        )
