"""Periods and business dates in a community's own calendar."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from ledger_service.statements.periods import (
    MAX_DAY_NUMBER,
    Period,
    business_date,
    day_number,
    from_day_number,
    parse_period,
    periods_covering,
    today_in,
)

SHANGHAI = "Asia/Shanghai"


def ts(text: str) -> int:
    return int(datetime.fromisoformat(text).timestamp())


# --- parsing ---


@pytest.mark.parametrize(
    ("label", "kind", "start", "end"),
    [
        ("2026Q1", "quarter", date(2026, 1, 1), date(2026, 3, 31)),
        ("2026Q2", "quarter", date(2026, 4, 1), date(2026, 6, 30)),
        ("2026Q3", "quarter", date(2026, 7, 1), date(2026, 9, 30)),
        ("2026Q4", "quarter", date(2026, 10, 1), date(2026, 12, 31)),
        ("2026-03", "month", date(2026, 3, 1), date(2026, 3, 31)),
        ("2026-04", "month", date(2026, 4, 1), date(2026, 4, 30)),
        ("2026-02", "month", date(2026, 2, 1), date(2026, 2, 28)),
        ("2028-02", "month", date(2028, 2, 1), date(2028, 2, 29)),
        ("2100-02", "month", date(2100, 2, 1), date(2100, 2, 28)),
        ("2000-02", "month", date(2000, 2, 1), date(2000, 2, 29)),
        ("2026-12", "month", date(2026, 12, 1), date(2026, 12, 31)),
        ("2026", "year", date(2026, 1, 1), date(2026, 12, 31)),
    ],
)
def test_parse_period(label: str, kind: str, start: date, end: date) -> None:
    period = parse_period(label)
    assert (period.label, period.kind, period.start, period.end) == (label, kind, start, end)
    assert str(period) == label
    assert period.to_dict() == {"label": label, "from": start.isoformat(), "to": end.isoformat()}


@pytest.mark.parametrize(
    ("label", "message"),
    [
        ("2026Q5", "quarter must be 1 to 4"),
        ("2026Q0", "quarter must be 1 to 4"),
        ("2026-13", "month must be 01 to 12"),
        ("2026-00", "month must be 01 to 12"),
        ("", "empty period label"),
        ("0000", "year must be between"),
        ("2026q1", "unrecognised period label"),
        ("2026-3", "unrecognised period label"),
        (" 2026", "unrecognised period label"),
        ("2026\n", "unrecognised period label"),
        ("26Q1", "unrecognised period label"),
        ("2026-03-01", "unrecognised period label"),
        ("2026H1", "unrecognised period label"),
        ("２０２６", "unrecognised period label"),  # full-width digits match \d but are not a label
    ],
)
def test_parse_period_refuses_bad_labels(label: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_period(label)


def test_bad_label_messages_show_the_accepted_forms() -> None:
    with pytest.raises(ValueError, match=r"'YYYY'.*'YYYY-MM'.*'YYYYQn'"):
        parse_period("March")


def test_direct_construction_must_agree_with_the_label() -> None:
    assert Period("2026Q1", date(2026, 1, 1), date(2026, 3, 31), "quarter") == parse_period("2026Q1")
    with pytest.raises(ValueError, match="inconsistent period"):
        Period("2026Q1", date(2026, 1, 1), date(2026, 4, 30), "quarter")
    with pytest.raises(ValueError, match="inconsistent period"):
        Period("2026", date(2026, 1, 1), date(2026, 12, 31), "month")


def test_periods_are_frozen_and_hashable() -> None:
    period = parse_period("2026-03")
    with pytest.raises(AttributeError):
        period.label = "2026-04"  # type: ignore[misc]
    assert {period, parse_period("2026-03")} == {period}


# --- navigation ---


@pytest.mark.parametrize(
    ("label", "previous", "following"),
    [
        ("2026-01", "2025-12", "2026-02"),
        ("2026-12", "2026-11", "2027-01"),
        ("2028-02", "2028-01", "2028-03"),
        ("2026Q1", "2025Q4", "2026Q2"),
        ("2026Q4", "2026Q3", "2027Q1"),
        ("2026", "2025", "2027"),
    ],
)
def test_previous_and_next(label: str, previous: str, following: str) -> None:
    period = parse_period(label)
    assert period.previous().label == previous
    assert period.next().label == following
    assert period.next().previous() == period
    assert period.previous().end + timedelta(days=1) == period.start


def test_contains_is_inclusive_at_both_ends() -> None:
    q1 = parse_period("2026Q1")
    assert q1.contains(date(2026, 1, 1))
    assert q1.contains(date(2026, 3, 31))
    assert not q1.contains(date(2025, 12, 31))
    assert not q1.contains(date(2026, 4, 1))


def test_contains_refuses_a_datetime() -> None:
    with pytest.raises(TypeError, match="business_date"):
        parse_period("2026Q1").contains(datetime(2026, 3, 31, 23, 0, tzinfo=UTC))


def test_leap_day_belongs_to_february_q1_and_the_year() -> None:
    leap = date(2028, 2, 29)
    assert [p.label for p in periods_covering(leap)] == ["2028-02", "2028Q1", "2028"]
    assert parse_period("2028").days == 366
    assert parse_period("2026").days == 365
    assert parse_period("2028Q1").days == 91


@pytest.mark.parametrize(
    ("d", "kind", "label"),
    [
        (date(2026, 3, 31), "quarter", "2026Q1"),
        (date(2026, 4, 1), "quarter", "2026Q2"),
        (date(2026, 12, 31), "year", "2026"),
        (date(2027, 1, 1), "year", "2027"),
        (date(2026, 12, 31), "month", "2026-12"),
    ],
)
def test_periods_covering_one_kind(d: date, kind: str, label: str) -> None:
    assert [p.label for p in periods_covering(d, kind)] == [label]  # type: ignore[arg-type]
    assert Period.containing(d, kind).label == label  # type: ignore[arg-type]


def test_periods_covering_refuses_unknown_kinds() -> None:
    with pytest.raises(ValueError, match="unknown period kind 'week'"):
        periods_covering(date(2026, 1, 1), "week")  # type: ignore[arg-type]


@given(st.dates(min_value=date(1970, 1, 1), max_value=date(9998, 12, 31)))
@example(date(2028, 2, 29))
@example(date(2026, 12, 31))
def test_every_date_is_in_exactly_one_period_of_each_kind(d: date) -> None:
    for period in periods_covering(d):
        assert period.contains(d)
        assert not period.previous().contains(d)
        assert not period.next().contains(d)
        assert parse_period(period.label) == period


# --- business dates ---


def test_shanghai_boundary_at_utc_1600() -> None:
    # Asia/Shanghai is UTC+8 (no DST since 1991): local midnight is 16:00 UTC the day before.
    assert business_date(ts("2026-03-31T15:59:59+00:00"), SHANGHAI) == date(2026, 3, 31)
    assert business_date(ts("2026-03-31T16:00:00+00:00"), SHANGHAI) == date(2026, 4, 1)
    assert business_date(ts("2026-03-31T16:30:00+00:00"), SHANGHAI) == date(2026, 4, 1)


def test_the_boundary_moves_the_entry_into_the_next_quarter_and_year() -> None:
    income_at = ts("2026-12-31T16:30:00+00:00")
    assert business_date(income_at, "UTC") == date(2026, 12, 31)
    local = business_date(income_at, SHANGHAI)
    assert local == date(2027, 1, 1)
    assert [p.label for p in periods_covering(local)] == ["2027-01", "2027Q1", "2027"]


def test_business_date_accepts_aware_datetimes() -> None:
    instant = datetime(2026, 3, 31, 16, 30, tzinfo=UTC)
    assert business_date(instant, SHANGHAI) == date(2026, 4, 1)
    same_instant = instant.astimezone(timezone(timedelta(hours=-5)))
    assert business_date(same_instant, SHANGHAI) == date(2026, 4, 1)


def test_business_date_in_a_zone_with_daylight_saving() -> None:
    # Europe/Berlin is UTC+2 in summer: 22:30 UTC on 30 June is already 1 July (Q3).
    assert business_date(datetime(2026, 6, 30, 22, 30, tzinfo=UTC), "Europe/Berlin") == date(2026, 7, 1)
    assert business_date(datetime(2026, 1, 31, 22, 30, tzinfo=UTC), "Europe/Berlin") == date(2026, 1, 31)


def test_business_date_refuses_naive_datetimes() -> None:
    with pytest.raises(ValueError, match="naive"):
        business_date(datetime(2026, 3, 31, 16, 30), SHANGHAI)


@pytest.mark.parametrize("value", [1.5, "1775000000", True])
def test_business_date_refuses_other_timestamps(value: object) -> None:
    with pytest.raises(TypeError):
        business_date(value, SHANGHAI)  # type: ignore[arg-type]


@pytest.mark.parametrize("tz", ["Asia/Shenzhen", "", "Asia", "../etc/passwd"])
def test_unknown_time_zones_are_a_clear_value_error(tz: str) -> None:
    with pytest.raises(ValueError, match="time zone"):
        business_date(0, tz)


def test_today_in_uses_the_local_calendar() -> None:
    now = datetime(2026, 3, 31, 16, 30, tzinfo=UTC)
    assert today_in(SHANGHAI, now=now) == date(2026, 4, 1)
    assert today_in("UTC", now=now) == date(2026, 3, 31)
    assert isinstance(today_in(SHANGHAI), date)


# --- day numbers ---


@pytest.mark.parametrize(
    ("d", "n"),
    [
        (date(1970, 1, 1), 0),
        (date(1970, 1, 2), 1),
        (date(2000, 3, 1), 11017),
        (date(2026, 4, 1), 20544),
        (date(2028, 2, 29), 21243),
        (date(9999, 12, 31), MAX_DAY_NUMBER),
    ],
)
def test_day_numbers(d: date, n: int) -> None:
    assert day_number(d) == n
    assert from_day_number(n) == d


def test_day_number_of_a_business_date_matches_unix_days_in_utc() -> None:
    # Only in UTC does the business date equal floor(timestamp / 86400).
    t = ts("2026-03-31T16:30:00+00:00")
    assert day_number(business_date(t, "UTC")) == t // 86400
    assert day_number(business_date(t, SHANGHAI)) == t // 86400 + 1


def test_day_numbers_fit_uint32() -> None:
    assert MAX_DAY_NUMBER < 2**32


def test_day_number_refuses_dates_before_1970_and_datetimes() -> None:
    with pytest.raises(ValueError, match="before 1970"):
        day_number(date(1969, 12, 31))
    with pytest.raises(TypeError, match="business_date"):
        day_number(datetime(2026, 1, 1, tzinfo=UTC))


@pytest.mark.parametrize("n", [-1, MAX_DAY_NUMBER + 1, 2**32])
def test_from_day_number_refuses_out_of_range(n: int) -> None:
    with pytest.raises(ValueError, match="outside"):
        from_day_number(n)


def test_from_day_number_refuses_non_integers() -> None:
    with pytest.raises(TypeError):
        from_day_number(1.0)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        from_day_number(True)


@given(st.dates(min_value=date(1970, 1, 1)))
@example(date(1970, 1, 1))
@example(date(2028, 2, 29))
@example(date.max)
def test_day_number_round_trips(d: date) -> None:
    assert from_day_number(day_number(d)) == d


@given(st.integers(min_value=0, max_value=MAX_DAY_NUMBER))
@example(0)
@example(MAX_DAY_NUMBER)
def test_day_number_round_trips_from_numbers(n: int) -> None:
    assert day_number(from_day_number(n)) == n
    assert from_day_number(n + 1 if n < MAX_DAY_NUMBER else n) >= from_day_number(n)


@given(st.integers(min_value=0, max_value=4_102_444_800))  # 1970 .. 2100
def test_business_date_is_never_more_than_a_day_from_utc(t: int) -> None:
    utc_day = t // 86400
    assert day_number(business_date(t, SHANGHAI)) in (utc_day, utc_day + 1)
    assert day_number(business_date(t, "UTC")) == utc_day
