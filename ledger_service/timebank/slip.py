"""A printable balance slip (AC-1): one page in large type, Chinese and English, with the
holder's balance and lifetime totals in hours and, for a volunteer, a QR code to their
pseudonymous page in the explorer. People who receive help have no public page: their slip has
no QR code and no link. The slip names the person only masked (张**), never in clear."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import segno
from jinja2 import Environment, select_autoescape
from sqlalchemy.engine import Connection

from ledger_service.core.errors import NotFound
from ledger_service.timebank.encoding import hours
from ledger_service.timebank.reads import community_id, head_block, helped
from ledger_service.timebank.statement import holder_balances

_TEMPLATE = """<!doctype html>
<html lang="zh-Hans">
<head>
<meta charset="utf-8">
<title>时间银行余额单 · Time-bank balance slip</title>
<style>
  body { font-family: system-ui, "Noto Sans CJK SC", sans-serif; font-size: 20pt; color: #000; }
  h1 { font-size: 26pt; margin: 0 0 .5em; }
  table { border-collapse: collapse; width: 100%; }
  th, td { text-align: left; padding: .3em .2em; border-bottom: 1px solid #999; }
  td.n { text-align: right; font-variant-numeric: tabular-nums; font-weight: bold; }
  .id { font-family: ui-monospace, monospace; font-size: 14pt; overflow-wrap: anywhere; }
  .qr { display: flex; gap: 1em; align-items: center; margin-top: 1em; }
  .small { font-size: 13pt; }
  @page { size: A5; margin: 1cm; }
</style>
</head>
<body>
<h1>时间银行余额单<br><span class="small">Time-bank balance slip · {{ slug }}</span></h1>
{% if person %}<p>{{ person }}</p>{% endif %}
<p class="id">{{ holder }}</p>
<table>
  <tr><th>余额 Balance</th><td class="n">{{ balance }} 小时 h</td></tr>
  <tr><th>服务累计 Hours served</th><td class="n">{{ minted }} 小时 h</td></tr>
  <tr><th>获赠 Received (pool, rewards)</th><td class="n">{{ received }} 小时 h</td></tr>
  <tr><th>已兑换 Redeemed</th><td class="n">{{ redeemed }} 小时 h</td></tr>
  <tr><th>捐入互助池 Donated to the pool</th><td class="n">{{ donated }} 小时 h</td></tr>
</table>
<p class="small">1 小时服务 = 1 时间币 · 1 hour of service = 1 credit.
截至区块 {{ block }}，打印于 {{ printed }} · As of block {{ block }}, printed {{ printed }}.</p>
{% if qr %}
<div class="qr">{{ qr|safe }}
<p class="small">扫码在线核对 · Check it online:<br><span class="id">{{ url }}</span></p></div>
{% endif %}
</body>
</html>
"""


@dataclass(frozen=True)
class Slip:
    html: str
    balance: int
    public_url: str | None


def volunteer_url(public_url: str, slug: str, holder: str) -> str:
    """The explorer page of a volunteer (pseudonymous)."""
    return f"{public_url.rstrip('/')}/c/{slug}/volunteers/{holder.lower()}"


def balance_slip(
    conn: Connection,
    slug: str,
    holder: str,
    *,
    public_url: str,
    masked_name: str | None = None,
    printed: dt.date | None = None,
) -> Slip:
    """The slip of ``holder`` in community ``slug`` as of the index's head."""
    cid = community_id(conn, slug)
    block = head_block(conn)
    if cid is None or block is None:
        raise NotFound(f"there is no community '{slug}' in the index yet")
    h = holder.lower()
    line = holder_balances(conn, cid, as_of_block=block).get(h)
    if line is None:
        raise NotFound(f"{holder} has no time-bank minutes in {slug}")
    public = h not in helped(conn, cid, block)
    url = volunteer_url(public_url, slug, h) if public and line.get("minted") else None
    qr = segno.make(url, error="m").svg_inline(scale=4, border=2, title=url) if url else None
    env = Environment(autoescape=select_autoescape(default=True))
    html = env.from_string(_TEMPLATE).render(
        slug=slug,
        holder=h,
        person=masked_name,
        balance=hours(line["balance"]),
        minted=hours(line.get("minted", 0)),
        received=hours(line.get("granted", 0) + line.get("rewarded", 0)),
        redeemed=hours(line.get("redeemed", 0) + line.get("deducted", 0)),
        donated=hours(line.get("donated", 0)),
        block=block,
        printed=(printed or dt.date.today()).isoformat(),
        qr=qr,
        url=url,
    )
    return Slip(html, line["balance"], url)
