"""A closed statement as a PDF for people who print it (REQUIREMENTS A-7): the notice-board copy.

The PDF is a rendering of the statement JSON, never a second source of truth. It prints the
statement's SHA-256 (the anchored hash), its entries root and, when given, the trust root's
SHA-256 on its first page, so a reader can match the paper with the anchored file and verify that
file offline. Amounts are integer fen rendered as yuan (``format_yuan``, no floats); text from the
chain is printed as text (escaped, never interpreted as markup). Output is deterministic: the same
statement gives the same bytes (no creation date or random document id), so two auditors can
compare their copies with ``sha256sum``.

Chinese headings use the Adobe CID font STSong-Light, which PDF readers supply: nothing is
downloaded or embedded.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from xml.sax.saxutils import escape

from ledger_service.statements.canonical import statement_hash
from ledger_service.statements.export import format_yuan

__all__ = ["statement_pdf"]

_FONT = "STSong-Light"
_MINUTES_PER_HOUR = 60


def _hours(minutes: int) -> str:
    whole, rest = divmod(minutes * 10 // _MINUTES_PER_HOUR, 10)
    return f"{whole:,}.{rest} h"


def _kv(rows: Iterable[tuple[str, Any]]) -> list[list[str]]:
    return [[k, str(v)] for k, v in rows]


class _Doc:
    """A list of flowables with the few styles this document uses."""

    def __init__(self) -> None:
        from reportlab.lib import colors
        from reportlab.lib.enums import TA_RIGHT
        from reportlab.lib.styles import ParagraphStyle
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.cidfonts import UnicodeCIDFont

        if _FONT not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(UnicodeCIDFont(_FONT))
        self.colors = colors
        self.body = ParagraphStyle("body", fontName=_FONT, fontSize=8.5, leading=11)
        self.small = ParagraphStyle("small", parent=self.body, fontSize=7, leading=8.5)
        self.right = ParagraphStyle("right", parent=self.small, alignment=TA_RIGHT)
        self.h1 = ParagraphStyle("h1", parent=self.body, fontSize=15, leading=19, spaceAfter=4)
        self.h2 = ParagraphStyle("h2", parent=self.body, fontSize=11, leading=14, spaceBefore=8, spaceAfter=3)
        self.flow: list[Any] = []

    def heading(self, text: str, level: int = 2) -> None:
        from reportlab.platypus import Paragraph

        self.flow.append(Paragraph(escape(text), self.h1 if level == 1 else self.h2))

    def para(self, text: str, small: bool = False) -> None:
        from reportlab.platypus import Paragraph

        self.flow.append(Paragraph(escape(text), self.small if small else self.body))

    def table(
        self, header: Sequence[str] | None, rows: Sequence[Sequence[Any]], right: Sequence[int] | None = None
    ) -> None:
        """A table; the ``right`` columns (default: all but the first) are right-aligned amounts."""
        from reportlab.platypus import Paragraph, Table, TableStyle

        if not rows:
            self.para("—")
            return
        data = ([list(header)] if header else []) + [list(r) for r in rows]
        columns = set(range(1, len(data[0])) if right is None else right)
        cells = [
            [Paragraph(escape(str(c)), self.right if i in columns else self.small) for i, c in enumerate(row)]
            for row in data
        ]
        t = Table(cells, repeatRows=1 if header else 0, hAlign="LEFT")
        style: list[tuple[Any, ...]] = [
            ("GRID", (0, 0), (-1, -1), 0.25, self.colors.grey),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]
        if header:
            style.append(("BACKGROUND", (0, 0), (-1, 0), self.colors.whitesmoke))
        t.setStyle(TableStyle(style))
        self.flow.append(t)

    def render(self, title: str) -> bytes:
        from reportlab.lib.pagesizes import A4
        from reportlab.lib.units import mm
        from reportlab.platypus import SimpleDocTemplate

        out = io.BytesIO()
        doc = SimpleDocTemplate(
            out,
            pagesize=A4,
            invariant=True,
            title=title,
            author="Civic Ledger",
            creator="Civic Ledger",
            leftMargin=14 * mm,
            rightMargin=14 * mm,
            topMargin=14 * mm,
            bottomMargin=14 * mm,
        )

        def footer(canvas: Any, d: Any) -> None:
            canvas.saveState()
            canvas.setFont(_FONT, 7)
            canvas.drawString(14 * mm, 8 * mm, f"{title} · page {d.page}")
            canvas.restoreState()

        doc.build(self.flow, onFirstPage=footer, onLaterPages=footer)
        return out.getvalue()


def _entry_detail(e: Mapping[str, Any]) -> str:
    keys = (
        "source",
        "bucket",
        "ref",
        "fund",
        "earmark",
        "project",
        "receipt",
        "item",
        "category",
        "service_type",
        "reason",
        "purpose",
        "corrects",
    )
    parts = [f"{k} {e[k]}" for k in keys if e.get(k) not in (None, "")]
    if e.get("quantity"):
        parts.append(f"quantity {e['quantity']}")
    if e.get("public_name"):
        parts.append(f"named donor {e['public_name']}")
    return ", ".join(parts)


def _entry_amount(e: Mapping[str, Any]) -> str:
    """Fen as yuan; time-bank minutes as minutes; goods are counted in ``detail``."""
    kind, amount = str(e.get("kind", "")), int(e.get("amount", 0))
    if not amount or kind.startswith("goods_"):
        return ""
    return f"{amount:,} min" if kind.startswith("timebank_") else format_yuan(amount)


def statement_pdf(statement: Mapping[str, Any], *, trust_root_sha256: str | None = None) -> bytes:
    """The statement as a deterministic PDF (A4); see the module docstring."""
    s = statement
    period = s["period"]
    chain = s.get("chain") or {}
    title = (
        f"{s['community']} · {period['label']} ({period['from']} – {period['to']}) · {s.get('status', '')}"
    )
    d = _Doc()
    d.heading(f"公共收益与基金报表 · {title}", level=1)
    identity = [
        ("statement SHA-256 (anchored on chain when closed)", statement_hash(s)),
        ("entries root (RFC 6962)", s.get("entries_root", "")),
        ("entries", len(s.get("entries") or [])),
        (
            "chain id / as of block",
            f"{chain.get('chain_id')} / {chain.get('to_block')} {chain.get('to_block_hash', '')}",
        ),
    ]
    if trust_root_sha256:
        identity.append(("trust root SHA-256 (as on the community's notice)", trust_root_sha256))
    d.table(None, _kv(identity), right=())
    d.para(
        "This page is a rendering of statement.json. Its SHA-256 is the hash the accountant anchored; "
        "check that file, and every entry, with the verifier in the audit folder, offline. "
        "本页据 statement.json 生成；请用审计文件夹中的验证程序离线核对。",
        small=True,
    )
    if s.get("flags"):
        d.heading("Flags · 提示")
        d.para(", ".join(str(f) for f in s["flags"]))

    income = s.get("income") or {}
    d.heading("Income by source · 收入来源")
    d.table(
        ["source", "yuan"],
        [
            *((k, format_yuan(v)) for k, v in sorted((income.get("by_source") or {}).items())),
            ("total", format_yuan(int(income.get("total", 0)))),
        ],
    )
    d.heading("Balances by bucket · 各账户余额")
    d.table(
        ["bucket", "opening", "allocated", "reallocated", "spent", "closing"],
        [
            [
                b,
                *(
                    format_yuan(int(line[p]))
                    for p in ("opening", "allocated", "reallocated", "spent", "closing")
                ),
            ]
            for b, line in sorted((s.get("balances") or {}).items())
        ],
    )
    deposits = s.get("deposits") or {}
    d.table(
        None,
        _kv(
            [
                (
                    "awaiting a decision (owners' common account)",
                    format_yuan(int(s.get("awaiting_decision", 0))),
                ),
                (
                    "deposits received / returned / held",
                    " / ".join(
                        format_yuan(int(deposits.get(k, 0))) for k in ("received", "returned", "held")
                    ),
                ),
            ]
        ),
    )

    if s.get("funds"):
        d.heading("Funds · 基金（来源与去向）")
        d.table(
            [
                "fund / earmark",
                "opening",
                "from revenue",
                "donated",
                "returned",
                "disbursed",
                "refunded",
                "closing",
            ],
            [
                [
                    f"{fund} / {earmark}",
                    *(
                        format_yuan(int(line[k]))
                        for k in (
                            "opening",
                            "from_revenue",
                            "donated",
                            "returned",
                            "disbursed",
                            "refunded",
                            "closing",
                        )
                    ),
                ]
                for fund, earmarks in sorted(s["funds"].items())
                for earmark, line in sorted(earmarks.items())
            ],
        )
        for fund, src in sorted((s.get("funds_sources") or {}).items()):
            by_type = ", ".join(f"{t} {format_yuan(v)}" for t, v in src["by_donor_type"].items() if v)
            d.para(
                f"{fund}: donations by donor type {by_type or '—'}; from revenue "
                f"{format_yuan(src['from_revenue'])}; returned {format_yuan(src['returned'])}"
            )
        payments = [
            [
                name,
                p["business_date"],
                format_yuan(p["amount"]),
                "final" if p["final"] else "",
                p.get("ref") or "",
            ]
            for name, project in sorted((s.get("funds_projects") or {}).items())
            for p in project["payments"]
        ]
        if payments:
            d.table(["project", "date", "paid", "", "reference"], payments, right=(2,))
        for g in s.get("funds_grants") or []:
            d.para(
                f"grant {g['receipt']}: {g['formula']} {g['rate']} × {g['units']} = "
                f"{format_yuan(g['expected'])}, posted {format_yuan(g['posted'])} "
                f"({'matches' if g['matches'] else 'DOES NOT MATCH'})"
            )
    if s.get("goods"):
        d.heading("Donated goods · 捐赠物资")
        d.table(
            ["item (unit)", "opening", "donated", "received", "transferred", "distributed", "closing"],
            [
                [
                    f"{item} ({line.get('unit') or ''})",
                    *(
                        line[k]
                        for k in ("opening", "donated", "received", "transferred", "distributed", "closing")
                    ),
                ]
                for item, line in sorted(s["goods"].items())
            ],
        )
    tb = s.get("timebank") or {}
    if any(tb.get(k) for k in ("minted", "rewarded", "redeemed", "deducted", "pool")):
        d.heading("Time bank · 时间银行")
        d.table(
            None,
            _kv(
                (k, _hours(int(tb.get(k, 0)))) for k in ("minted", "rewarded", "redeemed", "deducted", "pool")
            ),
        )
    votes = (s.get("governance") or {}).get("votes") or []
    if votes:
        d.heading("Owners' votes · 业主表决")
        d.table(
            ["proposal", "decision", "turnout area / units", "yes area / units", "result"],
            [
                [
                    v["proposal_id"],
                    v["decision_type"],
                    f"{v['turnout_area']} / {v['turnout_units']}",
                    f"{v['yes_area_share']} / {v['yes_units_share']}",
                    "passed" if v["passed"] else "failed",
                ]
                for v in votes
            ],
            right=(),
        )

    d.heading("Entries · 明细")
    d.table(
        ["#", "kind", "date", "amount", "detail", "transaction"],
        [
            [
                e.get("seq"),
                e.get("kind"),
                e.get("business_date"),
                _entry_amount(e),
                _entry_detail(e),
                f"{str(e.get('tx_hash', ''))[:18]}… block {e.get('block_number')} log {e.get('log_index')}",
            ]
            for e in s.get("entries") or []
        ],
        right=(3,),
    )
    return d.render(title)
