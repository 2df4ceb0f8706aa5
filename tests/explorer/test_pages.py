"""The explorer over a real index (AS-1 for lotus-garden, AS-2 for bamboo-court; see conftest)."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.exc import OperationalError

from ledger_service.db.session import Database
from ledger_service.revenue.encoding import day_number
from ledger_service.statements.export import ENTRY_COLUMNS
from ledger_service.statements.store import cursor, get_statement
from tests.explorer.conftest import HOSTILE_REF, PAYER_REF, Index
from tests.explorer.html import table_rows, text

A, B = "lotus-garden", "bamboo-court"
D = dt.date


def served(index: Index, slug: str, label: str):  # type: ignore[no-untyped-def]
    db = Database(index.db_url, read_only=True)
    try:
        with db.engine.connect() as conn:
            return get_statement(conn, slug, label)
    finally:
        db.dispose()


def balances(html: str) -> dict[str, list[str]]:
    """Balances table: bucket name -> [opening, allocated, reallocated, spent, closing]."""
    return {row[0]: row[1:] for row in table_rows(html, "balances")[1:]}


# -- home ------------------------------------------------------------------------------------------

def test_home_lists_communities_and_newest_block(client: TestClient, real_index: Index) -> None:
    r = client.get("/")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    page = text(r.text)
    assert A in page and B in page
    assert 'href="/c/lotus-garden/2026Q1"' in r.text and 'href="/c/bamboo-court/2026Q1"' in r.text
    block, _ = _cursor(real_index)
    assert f"最新记录到第 {block} 号区块" in page
    assert 'href="/index.json"' in r.text


def test_home_json_twin(client: TestClient, real_index: Index) -> None:
    r = client.get("/index.json")
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    data = r.json()
    assert [c["slug"] for c in data["communities"]] == [B, A]
    lotus = data["communities"][1]
    assert lotus["url"] == "https://ledger.example.org/c/lotus-garden/2026Q1"
    assert lotus["json"].endswith("/c/lotus-garden/2026Q1.json")
    assert lotus["csv"].endswith("/c/lotus-garden/2026Q1.csv")
    block, block_hash = _cursor(real_index)
    assert data["indexed"]["block_number"] == block and data["indexed"]["block_hash"] == block_hash


def _cursor(index: Index) -> tuple[int, str]:
    db = Database(index.db_url, read_only=True)
    try:
        with db.engine.connect() as conn:
            return cursor(conn)
    finally:
        db.dispose()


def test_community_redirects_to_its_newest_period(client: TestClient) -> None:
    r = client.get("/c/lotus-garden")
    assert r.status_code == 302 and r.headers["location"] == "/c/lotus-garden/2026Q1"
    r = client.get("/c/bamboo-court?lang=en")
    assert r.headers["location"] == "/c/bamboo-court/2026Q1?lang=en"
    r = client.get("/c/lotus-garden.json")
    assert r.status_code == 302 and r.headers["location"] == "/c/lotus-garden/2026Q1.json"


# -- AS-1 and AS-2 ------------------------------------------------------------------------------------

def test_as1_statement_page(client: TestClient) -> None:
    r = client.get("/c/lotus-garden/2026Q1")
    assert r.status_code == 200
    html = r.text
    page = text(html)
    assert 'lang="zh-Hans"' in html
    assert "收入合计 120,000.00" in page
    assert "分配合计 120,000.00" in page
    assert "支出合计 30,000.00" in page
    assert "等待业主决定的金额：0.00 元" in page
    assert 'class="awaiting"' not in html  # no banner when nothing is waiting
    assert "未结账（临时）" in page

    b = balances(html)
    assert b["维修"] == ["0.00", "72,000.00", "0.00", "30,000.00", "42,000.00"]
    assert b["社区福利"][-1] == "36,000.00"
    assert b["运营"][-1] == "12,000.00"
    assert b["业主共有账户（待决定）"][-1] == "0.00"

    # income by source, as a table and as a server-drawn chart
    assert ["电梯广告", "120,000.00"] in table_rows(html, "amounts")
    assert html.count("<svg") >= 2 and 'role="img"' in html


def test_as1_every_entry_is_traceable(client: TestClient) -> None:
    s = client.get("/c/lotus-garden/2026Q1.json").json()
    html = client.get("/c/lotus-garden/2026Q1").text
    rows = table_rows(html, "entries")[1:]
    assert len(rows) == len(s["entries"]) == 3  # policy, income, spend
    for e, row in zip(s["entries"], rows, strict=True):
        assert f'id="entry-{e["block_number"]}-{e["log_index"]}"' in html
        assert f'title="{e["tx_hash"]}"' in html  # full hash on hover, shortened on screen
        assert row[-2:] == [str(e["block_number"]), str(e["log_index"])]
    income = rows[1]
    assert income[1] == "2026-01-15" and income[2] == "120,000.00"
    assert "维修 72,000.00" in income[3] and "社区福利 36,000.00" in income[3]  # its split, every yuan
    assert "ADS-2026" in income[4]
    evidence = s["entries"][1]["evidence_hash"]
    assert f'title="{evidence}"' in html and evidence not in text(html)


def test_as2_awaiting_decision_is_prominent(client: TestClient) -> None:
    r = client.get("/c/bamboo-court/2026Q1")
    html = r.text
    banner = re.search(r'<section class="awaiting".*?</section>', html, re.S)
    assert banner is not None
    assert "10,000.00" in banner.group(0) and "有钱等待业主决定用途" in banner.group(0)
    # the banner comes before everything else on the statement
    assert html.index('class="awaiting"') < html.index('class="summary"')
    assert balances(html)["业主共有账户（待决定）"][-1] == "10,000.00"


def test_as2_deposit_is_a_liability_with_a_pseudonymous_payer(client: TestClient) -> None:
    html = client.get("/c/bamboo-court/2026Q1").text
    page = text(html)
    assert "押金是要退还的钱（负债），不是收入" in page
    assert "期末持有 500.00" in page
    assert "收入合计 10,000.00" in page  # the deposit is not income
    full = PAYER_REF.hex()
    assert full not in html and "0x" + full not in html
    assert "付款方 #a1b2c3d4" in page


def test_chain_text_stays_text(client: TestClient) -> None:
    r = client.get("/c/bamboo-court/2026Q1")
    assert "<script" not in r.text
    assert "=1+1&lt;script&gt;x&lt;/script&gt;" in r.text
    csv_text = client.get("/c/bamboo-court/2026Q1.csv").text
    assert "'" + HOSTILE_REF in csv_text  # a spreadsheet will not run it


# -- twins ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("slug", "label"), [(A, "2026Q1"), (B, "2026Q1"), (A, "2026-03"), (A, "2026")])
def test_json_twin_is_the_statement(client: TestClient, real_index: Index, slug: str, label: str) -> None:
    r = client.get(f"/c/{slug}/{label}.json")
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    expected = served(real_index, slug, label)
    assert r.json() == expected.statement
    assert r.content == expected.body
    assert r.headers["x-statement-sha256"] == hashlib.sha256(r.content).hexdigest()
    html = client.get(f"/c/{slug}/{label}").text
    assert f'href="/c/{slug}/{label}.json"' in html and f'href="/c/{slug}/{label}.csv"' in html


def test_pdf_twin_is_the_statement_to_print(client: TestClient, real_index: Index) -> None:
    import io
    import re

    import pypdf

    def text(path: str) -> str:
        r = client.get(path)
        assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
        assert r.headers["content-disposition"].endswith('.pdf"')
        return "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(r.content)).pages)

    closed = text("/c/lotus-garden/2026-01.pdf")
    assert real_index.closed_hash in re.sub(r"\s+", "", closed)  # the anchored hash, printed
    assert 'href="/c/lotus-garden/2026-01.pdf"' in client.get("/c/lotus-garden/2026-01").text
    assert HOSTILE_REF in text("/c/bamboo-court/2026Q1.pdf")  # chain text printed as text
    assert client.get("/c/no-such-court/2026Q1.pdf").status_code == 404


def test_closed_statement_is_served_as_anchored(client: TestClient, real_index: Index) -> None:
    r = client.get("/c/lotus-garden/2026-01.json")
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    digest = hashlib.sha256(r.content).hexdigest()
    assert digest == real_index.closed_hash
    # ...and equals what the chain itself holds for that period
    led = real_index.ledger
    cid = led.communities[A].id
    first, last = day_number(D(2026, 1, 1)), day_number(D(2026, 1, 31))
    key = led.call("AuditAnchor", "periodKeyOf", cid, first, last)[0]
    assert led.call("AuditAnchor", "anchoredHash", cid, key)[0].hex() == digest
    assert r.json()["status"] == "closed"

    page = client.get("/c/lotus-garden/2026-01")
    assert "已结账" in text(page.text)
    assert digest in page.text and real_index.anchor_tx in page.text
    assert "public" in page.headers["cache-control"]


def test_csv_twin_has_one_row_per_entry(client: TestClient) -> None:
    for slug in (A, B):
        r = client.get(f"/c/{slug}/2026Q1.csv")
        assert r.status_code == 200 and r.headers["content-type"] == "text/csv; charset=utf-8"
        assert "attachment" in r.headers["content-disposition"]
        statement = client.get(f"/c/{slug}/2026Q1.json").json()
        body = r.content.decode("utf-8-sig")
        blocks = body.split("\r\n\r\n")
        header = dict(row for row in csv.reader(io.StringIO(blocks[0])))
        assert header["community"] == slug and header["period"] == "2026Q1"
        assert header["statement_sha256"] == r.headers["x-statement-sha256"]
        entries = list(csv.DictReader(io.StringIO(blocks[1])))
        assert tuple(entries[0]) == ENTRY_COLUMNS
        got = [(e["tx_hash"], int(e["block_number"]), int(e["log_index"]), int(e["amount_fen"]))
               for e in entries]
        want = [(e["tx_hash"], e["block_number"], e["log_index"], e["amount"]) for e in statement["entries"]]
        assert got == want
        assert client.get(f"/c/{slug}/2026Q1.csv").content == r.content  # deterministic


# -- languages, errors, read-only -----------------------------------------------------------------------

def test_simplified_chinese_by_default_english_on_request(client: TestClient) -> None:
    zh = client.get("/c/lotus-garden/2026Q1").text
    en = client.get("/c/lotus-garden/2026Q1?lang=en").text
    assert '<html lang="zh-Hans">' in zh and "各账户余额" in zh
    assert '<html lang="en">' in en and "Account balances" in en and "各账户余额" not in en
    assert "Total income 120,000.00" in text(en)
    # links keep the reader's language; the switch leads to the other one
    assert 'href="/c/lotus-garden/2026Q1?lang=en"' in zh
    assert 'href="/c/lotus-garden/2026Q2?lang=en"' in en and 'href="/c/lotus-garden/2026Q1"' in en
    assert "English" in client.get("/").text and "中文" in client.get("/?lang=en").text


@pytest.mark.parametrize(
    "path",
    ["/c/nowhere/2026Q1", "/c/lotus-garden/2026Q5", "/c/lotus-garden/2026-13", "/c/lotus-garden/2026q1",
     "/c/lotus-garden/26Q1", "/c/nowhere", "/c/lotus-garden/2026Q1/extra", "/no/such/page"],
)
def test_unknown_pages_are_friendly_404s(client: TestClient, path: str) -> None:
    r = client.get(path)
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("text/html")
    assert "找不到这个页面" in r.text and 'href="/"' in r.text
    en = client.get(path + "?lang=en")
    assert en.status_code == 404 and "Page not found" in en.text


@pytest.mark.parametrize("path", ["/c/nowhere/2026Q1.json", "/c/lotus-garden/2026Q5.json", "/c/nowhere.json"])
def test_unknown_json_is_a_json_404(client: TestClient, path: str) -> None:
    r = client.get(path)
    assert r.status_code == 404 and r.headers["content-type"] == "application/json"
    assert r.json()["error"] == "not_found"


def test_pages_need_no_javascript(client: TestClient) -> None:
    for path in ("/", "/c/lotus-garden/2026Q1", "/c/bamboo-court/2026Q1?lang=en", "/c/nowhere"):
        r = client.get(path)
        assert "<script" not in r.text.lower()
        assert not re.search(r"<[^>]+\son[a-z]+=", r.text)  # no inline event handlers either
        assert "script-src" not in r.headers["content-security-policy"]  # default-src 'none' covers it
        assert "default-src 'none'" in r.headers["content-security-policy"]
    css = client.get("/static/explorer.css")
    assert css.status_code == 200 and "@media print" in css.text


def test_explorer_database_is_read_only(explorer_app, real_index: Index) -> None:  # type: ignore[no-untyped-def]
    db: Database = explorer_app.state.db
    assert db.read_only
    with db.engine.connect() as conn, pytest.raises(OperationalError, match="readonly|read-only"):
        conn.exec_driver_sql("CREATE TABLE intruder (x INTEGER)")


def test_ends_of_the_calendar(client: TestClient) -> None:
    last = client.get("/c/lotus-garden/9999Q4")
    assert last.status_code == 200 and 'rel="prev"' in last.text and 'rel="next"' not in last.text
    first = client.get("/c/lotus-garden/0001")
    assert first.status_code == 200 and 'rel="prev"' not in first.text and 'rel="next"' in first.text


def test_missing_index_is_a_plain_503(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from explorer.app import create_explorer

    app = create_explorer(f"sqlite:///{tmp_path}/never-created.sqlite")
    with TestClient(app) as c:
        r = c.get("/")
        assert r.status_code == 503 and "暂时无法显示" in r.text
        assert c.get("/index.json").status_code == 503
        assert c.get("/c/lotus-garden/2026Q1.json").json()["error"] == "unavailable"
    assert not (tmp_path / "never-created.sqlite").exists()  # read-only: not even created
