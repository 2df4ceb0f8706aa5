"""A statement page leads residents to the rest of the community's public record: every context
page it links answers, in the reader's language, and none of them writes."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

A = "lotus-garden"


def test_statementPage_linksEveryContextPage_andEachAnswers(client: TestClient) -> None:
    page = client.get(f"/c/{A}/2026Q1?lang=en")
    assert page.status_code == 200
    nav = re.search(
        r'<nav class="periods" aria-label="More about this community">(.*?)</nav>', page.text, re.S
    )
    assert nav is not None, "the statement page has no links to the community's other pages"
    links = re.findall(r'href="([^"]+)"', nav.group(1))
    assert [link.split("?")[0] for link in links] == [
        f"/c/{A}/2026Q1/oversight",
        f"/c/{A}/governance",
        f"/c/{A}/funds",
        f"/c/{A}/goods",
        f"/c/{A}/volunteers",
    ]
    for link in links:
        assert link.endswith("?lang=en"), f"{link} drops the reader's language"
        answer = client.get(link)
        assert answer.status_code == 200, f"{link}: {answer.status_code}"
        assert 'lang="en"' in answer.text


def test_contextPages_refuseWrites(client: TestClient) -> None:
    for path in (f"/c/{A}/governance", f"/c/{A}/funds", f"/c/{A}/volunteers", f"/c/{A}/2026Q1/oversight"):
        assert client.post(path).status_code == 405, path


def test_homePage_linksTheStreetOfficeView_whichAnswers(client: TestClient) -> None:
    home = client.get("/?lang=en").text
    link = re.search(r'href="(/street/funds/[^"?]+)\?lang=en">Street office view', home)
    assert link is not None, "the home page does not link the street office's view"
    assert client.get(link.group(1) + "?lang=en").status_code == 200
