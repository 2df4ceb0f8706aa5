"""Statement periods and business dates in a community's own calendar.

Residents read "March 2026" as March on the wall calendar in their community, not in UTC: income
recorded at 00:30 on 1 April in Shanghai (16:30 UTC on 31 March) belongs to April. So every chain
timestamp is turned into a *business date* in the community's time zone (IANA name, e.g.
``Asia/Shanghai``) before it is placed in a period, and periods themselves are plain calendar
dates with inclusive ends, as the statement format writes them (``period.from`` / ``period.to``).

On chain a business date is a ``uint32`` day number: days since 1970-01-01 of that calendar date
(:func:`day_number`, :func:`from_day_number`). It carries no time zone because the conversion to
local time has already happened.

Pure standard library (``zoneinfo``): imported by the offline verifier. On systems without an IANA
database (Windows) the ``tzdata`` package provides it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Literal, get_args
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = [
    "MAX_DAY_NUMBER",
    "Period",
    "PeriodKind",
    "business_date",
    "day_number",
    "from_day_number",
    "parse_period",
    "periods_covering",
    "resolve_tz",
    "today_in",
]

PeriodKind = Literal["month", "quarter", "year"]
_KINDS: tuple[PeriodKind, ...] = get_args(PeriodKind)

_EPOCH = date(1970, 1, 1)
#: Day number of 9999-12-31, the last date Python can represent; far below 2**32 - 1.
MAX_DAY_NUMBER = (date.max - _EPOCH).days

# [0-9], not \d: \d also matches full-width digits, which int() would happily accept.
_YEAR_RE = re.compile(r"([0-9]{4})")
_MONTH_RE = re.compile(r"([0-9]{4})-([0-9]{2})")
_QUARTER_RE = re.compile(r"([0-9]{4})Q([0-9])")
_EXPECTED = (
    "expected 'YYYY' (year), 'YYYY-MM' (month) or 'YYYYQn' (quarter), e.g. '2026', '2026-03', '2026Q1'"
)


def _month_end(year: int, month: int) -> date:
    """Last day of a month (handles February in leap years through the calendar, not a table)."""
    if month == 12:
        return date(year, 12, 31)
    return date(year, month + 1, 1) - timedelta(days=1)


def _check_year(year: int, label: str) -> None:
    if not 1 <= year <= 9999:
        raise ValueError(f"period {label!r}: year must be between 0001 and 9999")


@dataclass(frozen=True, slots=True)
class Period:
    """One statement period: a calendar month, quarter or year with an inclusive end date.

    Build periods with :func:`parse_period` or the ``month``/``quarter``/``year`` constructors;
    direct construction is checked so that label, dates and kind can never disagree (a statement
    whose label says Q1 but whose dates cover April would hash fine and mislead everyone).
    """

    label: str
    start: date
    end: date
    kind: PeriodKind

    def __post_init__(self) -> None:
        expected = parse_period(self.label)
        if (expected.start, expected.end, expected.kind) != (self.start, self.end, self.kind):
            raise ValueError(
                f"inconsistent period {self.label!r}: got {self.kind} {self.start}..{self.end}, "
                f"the label means {expected.kind} {expected.start}..{expected.end}"
            )

    @classmethod
    def _unchecked(cls, label: str, start: date, end: date, kind: PeriodKind) -> Period:
        """Build a period whose fields are consistent by construction, skipping ``__post_init__``."""
        obj = object.__new__(cls)
        object.__setattr__(obj, "label", label)
        object.__setattr__(obj, "start", start)
        object.__setattr__(obj, "end", end)
        object.__setattr__(obj, "kind", kind)
        return obj

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        """The calendar month ``year-month``, labelled ``'2026-03'``."""
        label = f"{year:04d}-{month:02d}"
        _check_year(year, label)
        if not 1 <= month <= 12:
            raise ValueError(f"period {label!r}: month must be 01 to 12")
        return cls._unchecked(label, date(year, month, 1), _month_end(year, month), "month")

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        """Calendar quarter ``quarter`` (1–4) of ``year``, labelled ``'2026Q1'``."""
        label = f"{year:04d}Q{quarter}"
        _check_year(year, label)
        if not 1 <= quarter <= 4:
            raise ValueError(f"period {label!r}: quarter must be 1 to 4")
        first_month = 3 * quarter - 2
        return cls._unchecked(label, date(year, first_month, 1), _month_end(year, first_month + 2), "quarter")

    @classmethod
    def year(cls, year: int) -> Period:
        """The calendar year, labelled ``'2026'``."""
        label = f"{year:04d}"
        _check_year(year, label)
        return cls._unchecked(label, date(year, 1, 1), date(year, 12, 31), "year")

    @classmethod
    def containing(cls, d: date, kind: PeriodKind) -> Period:
        """The period of ``kind`` that contains the business date ``d``."""
        _check_date(d)
        if kind == "month":
            return cls.month(d.year, d.month)
        if kind == "quarter":
            return cls.quarter(d.year, (d.month - 1) // 3 + 1)
        if kind == "year":
            return cls.year(d.year)
        raise ValueError(f"unknown period kind {kind!r}; expected one of {', '.join(_KINDS)}")

    def contains(self, d: date) -> bool:
        """Whether the business date ``d`` falls in this period (both ends inclusive)."""
        _check_date(d)
        return self.start <= d <= self.end

    def next(self) -> Period:
        """The period of the same kind that starts the day after this one ends."""
        return Period.containing(self.end + timedelta(days=1), self.kind)

    def previous(self) -> Period:
        """The period of the same kind that ends the day before this one starts."""
        return Period.containing(self.start - timedelta(days=1), self.kind)

    @property
    def days(self) -> int:
        """Number of calendar days in the period."""
        return (self.end - self.start).days + 1

    def to_dict(self) -> dict[str, str]:
        """The statement's ``period`` object: ``{"label", "from", "to"}`` with ISO dates."""
        return {"label": self.label, "from": self.start.isoformat(), "to": self.end.isoformat()}

    def __str__(self) -> str:
        return self.label


def parse_period(label: str) -> Period:
    """Parse a period label: ``'2026'``, ``'2026-03'`` or ``'2026Q1'``.

    Only these exact spellings are accepted (no lower-case ``q``, no spaces, no ``2026-3``): the
    label is part of the public statement format and of URLs, so each period has one name.
    Raises ``ValueError`` saying what was wrong.
    """
    if not isinstance(label, str):
        raise TypeError(f"a period label is a string, got {type(label).__name__}")
    if label == "":
        raise ValueError(f"empty period label; {_EXPECTED}")
    if m := _QUARTER_RE.fullmatch(label):
        return Period.quarter(int(m[1]), int(m[2]))
    if m := _MONTH_RE.fullmatch(label):
        return Period.month(int(m[1]), int(m[2]))
    if m := _YEAR_RE.fullmatch(label):
        return Period.year(int(m[1]))
    raise ValueError(f"unrecognised period label {label!r}; {_EXPECTED}")


def periods_covering(d: date, kind: PeriodKind | None = None) -> list[Period]:
    """The statement periods that include business date ``d``: month, quarter and year, in order.

    With ``kind``, only that one. A write dated ``d`` must be refused if any of these is closed,
    because each of their anchored statements would otherwise stop adding up.
    """
    kinds = _KINDS if kind is None else (kind,)
    return [Period.containing(d, k) for k in kinds]


def _check_date(d: object) -> None:
    """Refuse datetimes where a business date is meant: their date part depends on a time zone."""
    if isinstance(d, datetime):
        raise TypeError("expected a business date, got a datetime; convert it with business_date()")
    if not isinstance(d, date):
        raise TypeError(f"expected a date, got {type(d).__name__}")


def resolve_tz(tz: str | tzinfo) -> tzinfo:
    """The ``tzinfo`` for an IANA zone name (``'Asia/Shanghai'``), with a readable error."""
    if isinstance(tz, tzinfo):
        return tz
    if not isinstance(tz, str) or not tz:
        raise ValueError(f"time zone must be an IANA name such as 'Asia/Shanghai', got {tz!r}")
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {tz!r}; use an IANA name such as 'Asia/Shanghai'") from exc


def business_date(utc_ts: int | datetime, tz: str | tzinfo) -> date:
    """The calendar date in zone ``tz`` at an instant: how chain time becomes a statement date.

    ``utc_ts`` is a Unix timestamp in seconds (a block timestamp) or a timezone-aware datetime.
    Naive datetimes are refused: whether they meant UTC or local time is exactly the ambiguity
    that puts 00:30 on 1 April into March. Example: ``2026-03-31T16:30Z`` in ``Asia/Shanghai`` is
    ``2026-04-01``.
    """
    zone = resolve_tz(tz)
    if isinstance(utc_ts, datetime):
        if utc_ts.tzinfo is None or utc_ts.utcoffset() is None:
            raise ValueError("naive datetime: give a timezone-aware datetime or a Unix timestamp")
        instant = utc_ts
    elif isinstance(utc_ts, int) and not isinstance(utc_ts, bool):
        instant = datetime.fromtimestamp(utc_ts, UTC)
    else:
        raise TypeError(f"expected Unix seconds (int) or an aware datetime, got {type(utc_ts).__name__}")
    return instant.astimezone(zone).date()


def day_number(d: date) -> int:
    """Days from 1970-01-01 to the calendar date ``d``: how a business date is stored on chain.

    Dates before 1970 are refused because the contracts store the number as ``uint32``.
    """
    _check_date(d)
    n = (d - _EPOCH).days
    if n < 0:
        raise ValueError(f"{d.isoformat()} is before 1970-01-01 and has no on-chain day number")
    return n


def from_day_number(n: int) -> date:
    """The calendar date for an on-chain day number (inverse of :func:`day_number`)."""
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"a day number is an int, got {type(n).__name__}")
    if not 0 <= n <= MAX_DAY_NUMBER:
        raise ValueError(f"day number {n} is outside 0..{MAX_DAY_NUMBER} (1970-01-01..9999-12-31)")
    return _EPOCH + timedelta(days=n)


def today_in(tz: str | tzinfo, now: datetime | None = None) -> date:
    """Today's business date in ``tz``; ``now`` (aware) can be injected for tests."""
    return business_date(datetime.now(UTC) if now is None else now, tz)
