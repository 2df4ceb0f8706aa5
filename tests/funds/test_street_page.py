"""The street office's explorer page ``/street/funds/{period}`` and its ``.json`` twin on a real
service: each community's flows for the quarter and the total, donations by donor type and the
traced share, as this test posted them; in Chinese by default and in English with ``?lang=en``;
sums only (no donor's name, not even a published one); 404 for a community or period that is not
there."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from fastapi.testclient import TestClient

from ledger_service.api.app import create_app
from ledger_service.funds import commands as funds
from ledger_service.service import LedgerService
from ledger_service.statements.export import format_yuan
from tests.api.helpers import new_service, set_date
from tests.funds.service import YUAN, approve, keeper, set_up_community

A, B = "street-east", "street-west"
DAY = dt.date(2026, 2, 16)
EVIDENCE = b"\x0e" * 32
NAMED, HIDDEN = "Lotus Bakery", "王秀英"
#: (community, receipt, donor type, amount, name the donor chose to publish)
GIFTS = (
    (A, "E-1", "resident", 1_200 * YUAN, None),
    (A, "E-2", "company", 35_000 * YUAN, NAMED),
    (A, "E-3", "charity", 80_000 * YUAN + 55, None),
    (B, "W-1", "resident", 640 * YUAN + 1, None),
    (B, "W-2", "charity", 20_000 * YUAN, None),
)
PAID = 50_000 * YUAN  # community A pays a project from its fund


@dataclass
class Posted:
    svc: LedgerService
    client: TestClient
    donated: dict[str, int] = field(default_factory=dict)
    by_type: dict[str, dict[str, int]] = field(default_factory=dict)


@pytest.fixture(scope="module")
def posted(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Posted]:
    svc = new_service(tmp_path_factory.mktemp("street") / "home")
    try:
        set_date(svc, DAY)
        out = Posted(svc, TestClient(create_app(svc)))
        for slug in (A, B):
            set_up_community(svc, slug, reps=1)
            funds.create_fund(svc, slug, "community", "community", 10**15, signer=keeper(slug))
        funds.open_project(svc, A, "ramp", "community", None, signer=keeper(A))
        for slug, receipt, donor_type, amount, public in GIFTS:
            donor, name = funds.donor_for(
                svc,
                slug,
                name=public or f"{HIDDEN}{receipt}",
                phone="13912345678",
                named_publicly=bool(public),
            )
            funds.donate(
                svc,
                slug,
                funds.Donation("community", receipt, donor, donor_type, amount, DAY, public_name=name),
                signer=keeper(slug),
            )
            out.donated[slug] = out.donated.get(slug, 0) + amount
            types = out.by_type.setdefault(slug, {})
            types[donor_type] = types.get(donor_type, 0) + amount
        action = funds.disbursement_action_hash(
            svc.community_id(A), "ramp", "community", None, PAID, False, "R-1", EVIDENCE
        )
        approve(svc, A, action)
        funds.disburse(
            svc, A, "ramp", "community", None, PAID, DAY, ref="R-1", evidence=EVIDENCE, signer=keeper(A)
        )
        svc.sync()
        yield out
    finally:
        svc.close()


def _expected(p: Posted, slug: str) -> dict[str, int]:
    paid = PAID if slug == A else 0
    donated = p.donated[slug]
    return {"opening": 0, "donated": donated, "disbursed": paid, "closing": donated - paid}


def test_theTwin_showsEachCommunitysFigures_andTheTotal_asPosted(posted: Posted) -> None:
    twin = posted.client.get("/street/funds/2026Q1.json")
    assert twin.status_code == 200
    view = twin.json()
    assert list(view["communities"]) == [A, B]
    for slug in (A, B):
        line = view["communities"][slug]
        assert {k: line[k] for k in ("opening", "donated", "disbursed", "closing")} == _expected(posted, slug)
        assert {t: v for t, v in line["by_donor_type"].items() if v} == posted.by_type[slug]
    total = view["total"]
    assert total["donated"] == sum(amount for *_, amount, _ in GIFTS)
    assert total["disbursed"] == PAID and total["closing"] == total["donated"] - PAID
    assert {t: v for t, v in total["by_donor_type"].items() if v} == {
        t: sum(a for _, _, dt_, a, _ in GIFTS if dt_ == t) for t in ("resident", "company", "charity")
    }
    assert view["communities"][A]["traceability"] == "100.0" and total["traceability"] == "100.0"
    # the same answer as the API's street view
    assert posted.client.get("/api/v1/street/funds/2026Q1").json() == view
    only = posted.client.get("/street/funds/2026Q1.json", params={"communities": B}).json()
    assert list(only["communities"]) == [B] and only["total"]["donated"] == posted.donated[B]


@pytest.mark.parametrize(
    ("query", "title", "words"),
    [
        ("", "街道各社区的基金 · 2026Q1", ("捐赠", "拨付", "期末", "按捐赠人类型的捐赠", "企业", "追溯率")),
        ("?lang=en", "Street office: funds of its communities · 2026Q1",
         ("Donated", "Donations by donor type", "Companies", "Charities and foundations")),
    ],
)  # fmt: skip
def test_thePage_showsTheSameFigures_inChineseByDefault_andInEnglish(
    posted: Posted, query: str, title: str, words: tuple[str, ...]
) -> None:
    page = posted.client.get("/street/funds/2026Q1" + query)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    text = page.text
    assert title in text and all(w in text for w in words) and "2026-01-01 – 2026-03-31" in text
    for slug in (A, B):
        assert f'href="/c/{slug}/funds{query}"' in text
        for figure in _expected(posted, slug).values():
            assert format_yuan(figure) in text
    total = sum(amount for *_, amount, _ in GIFTS)
    assert format_yuan(total) in text and format_yuan(total - PAID) in text
    for t, amount in {"resident": 1_200 * YUAN + 640 * YUAN + 1, "charity": 100_000 * YUAN + 55}.items():
        assert format_yuan(amount) in text, t
    assert 'href="/street/funds/2026Q1.json"' in text
    # the language switch leads to the other language; the period links keep this one
    other = "?lang=en" if query == "" else ""
    assert f'href="/street/funds/2026Q1{other}" hreflang=' in text
    assert f'href="/street/funds/2025Q4{query}"' in text and f'href="/street/funds/2026Q2{query}"' in text


def test_sumsOnly_noDonorIsNamed_notEvenOneWhoChoseIt(posted: Posted) -> None:
    for path in ("/street/funds/2026Q1", "/street/funds/2026Q1?lang=en", "/street/funds/2026Q1.json"):
        body = posted.client.get(path).text
        assert HIDDEN not in body and NAMED not in body and "13912345678" not in body
    # the donor who chose to be named is named on their community's funds page
    assert NAMED in posted.client.get(f"/c/{A}/funds").text


def test_anUnknownCommunityOrPeriod_isNotFound(posted: Posted) -> None:
    c = posted.client
    for path in ("/street/funds/2026Q1", "/street/funds/2026Q1.json"):
        r = c.get(path, params={"communities": f"{A},no-such-lane"})
        assert r.status_code == 404 and "no-such-lane" in r.text
    assert c.get("/street/funds/2026Q9").status_code == 404
    assert c.get("/street/funds/someday.json").json()["error"] == "not_found"
    assert c.get("/street/funds/2026Q1?lang=en", params={"communities": "nowhere"}).status_code == 404


def test_aChosenSetOfCommunities_isKeptAcrossLanguagesAndPeriods(posted: Posted) -> None:
    page = posted.client.get("/street/funds/2026Q1", params={"communities": B, "lang": "en"})
    assert page.status_code == 200
    text = page.text
    assert A not in text and format_yuan(posted.donated[B]) in text
    assert f'href="/street/funds/2026Q1?communities={B}" hreflang=' in text  # to Chinese, same set
    assert f'href="/street/funds/2025Q4?communities={B}&amp;lang=en"' in text
    assert 'href="/street/funds/2026Q1?lang=en"' in text  # back to every community
    assert f'href="/street/funds/2026Q1.json?communities={B}"' in text
