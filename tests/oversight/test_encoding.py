"""The integer rules the statement and the contract share: the overrun flag, the "other" share,
the contingency range, and how a reference names its contract or purpose."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from ledger_service.core.errors import InvalidInput
from ledger_service.oversight.encoding import (
    BudgetLine,
    budget_figures,
    contingency_allowed,
    encode_lines,
    other_share_allowed,
    overrun,
    tag,
)

AMOUNT = st.integers(0, 2**53 - 1)


@given(actual=AMOUNT, budget=st.integers(1, 2**53 - 1))
@example(actual=115, budget=100)
@example(actual=116, budget=100)
@example(actual=575_000, budget=500_000)
@example(actual=575_001, budget=500_000)
def test_overrun_isMoreThan115Percent_exactly(actual: int, budget: int) -> None:
    assert overrun(actual, budget) is (Fraction(actual, budget) > Fraction(115, 100))


def test_overrun_ofAnUnbudgetedLine_isAnySpending() -> None:
    assert overrun(1, 0) and not overrun(0, 0)


@given(other=AMOUNT, total=st.integers(1, 2**53 - 1), limit=st.integers(0, 10_000))
@example(other=100_000, total=1_000_000, limit=1_000)
@example(other=100_001, total=1_000_000, limit=1_000)
def test_otherShare_atMostTheLimit_exactly(other: int, total: int, limit: int) -> None:
    assert other_share_allowed(other, total, limit) is (Fraction(other, total) <= Fraction(limit, 10_000))


@pytest.mark.parametrize(
    ("contingency", "ok"), [(99_999, False), (100_000, True), (150_000, True), (150_001, False)]
)
def test_contingency_10to15Percent_inclusive(contingency: int, ok: bool) -> None:
    assert contingency_allowed(contingency, 1_000_000) is ok


def test_budgetFigures_leaveIncomeLinesOut() -> None:
    lines = [
        BudgetLine("maintenance", "repairs", 800),
        BudgetLine("maintenance", "other", 50),
        BudgetLine("welfare", "other", 50),
        BudgetLine("welfare", "contingency", 100),
        BudgetLine("income", "elevator_ads", 10_000),
    ]
    f = budget_figures(lines)
    assert (f.total, f.other, f.contingency, f.has_contingency) == (1_000, 100, 100, True)


@pytest.mark.parametrize(
    ("ref", "expected"),
    [
        ("AD-2026-01", "AD-2026-01"),
        ("AD-2026-01/2026Q1", "AD-2026-01"),
        ("repairs/PO-1/a", "repairs"),
        ("", ""),
        (None, ""),
    ],
)
def test_tag_isTheReferenceBeforeItsFirstSlash(ref: str | None, expected: str) -> None:
    assert tag(ref) == expected


def test_encodeLines_refusesARepeatedLine_andAnEmptyBudget() -> None:
    with pytest.raises(InvalidInput, match="appears twice"):
        encode_lines([BudgetLine("m", "repairs", 1), BudgetLine("m", "repairs", 2)])
    with pytest.raises(InvalidInput, match="at least one line"):
        encode_lines([])
    with pytest.raises(InvalidInput, match="out of range"):
        encode_lines([BudgetLine("m", "repairs", 0)])
