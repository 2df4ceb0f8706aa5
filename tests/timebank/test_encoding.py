"""Pure time-bank helpers: rates, hours, slugs, ranges."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from ledger_service.core.errors import InvalidInput
from ledger_service.timebank.encoding import (
    MAX_AMOUNT,
    POOL,
    check_holder,
    check_minutes,
    fixed_text,
    hours,
    label,
    redemption_rate,
)


def test_redemptionRate_AS10() -> None:
    assert redemption_rate(408_000, 480_000, 0) == "85.0"
    assert redemption_rate(408_000, 480_000, 600) == "84.9"
    assert redemption_rate(0, 0, 0) is None
    assert hours(480_600) == "8,010.0" and hours(408_000) == "6,800.0"


@given(st.integers(0, MAX_AMOUNT), st.integers(1, MAX_AMOUNT))
@example(0, 1)
@example(MAX_AMOUNT, MAX_AMOUNT)
def test_redemptionRate_isAPercentWithOneDecimal(redeemed: int, issued: int) -> None:
    redeemed = min(redeemed, issued)
    rate = redemption_rate(redeemed, issued, 0)
    assert rate is not None
    assert 0 <= float(rate) <= 100 and len(rate.split(".")[1]) == 1


def test_label_readsSlugsAndLeavesOpaqueIdsInHex() -> None:
    assert label(fixed_text("noise_violation", 16, "reason")) == "noise_violation"
    assert label(b"\x01" * 32) == "0x" + "01" * 32
    assert label(b"\xff\xfe" + b"\0" * 14).startswith("0x")


def test_checks_refuseOutOfRangeValues() -> None:
    assert check_minutes(1440, record=True) == 1440
    for bad in (0, 1441, True, 1.5):
        with pytest.raises(InvalidInput):
            check_minutes(bad, record=True)  # type: ignore[arg-type]
    with pytest.raises(InvalidInput):
        check_minutes(MAX_AMOUNT + 1)
    with pytest.raises(InvalidInput):
        check_holder("0x" + "00" * 20)
    with pytest.raises(InvalidInput):
        check_holder("not-an-address")
    assert check_holder(POOL.lower()) == POOL
    with pytest.raises(InvalidInput):
        fixed_text("x" * 17, 16, "reason code")
