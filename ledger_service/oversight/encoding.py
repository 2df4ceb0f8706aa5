"""How oversight writes are encoded, and the two matching rules the statement applies.

Pure functions shared by the commands, the indexer, the statement section and the tests.

Matching (deterministic from events alone):

- a revenue **payment belongs to a registered contract** when the income's reference, or the part
  of it before the first "/", equals the contract's number: ``AD-2026-01`` and
  ``AD-2026-01/INV-0042`` both pay contract ``AD-2026-01``. Reversing such an income takes the
  payment back.
- a **spend counts against a budget line** of its bucket when the part of its reference before
  the first "/" is one of that bucket's budget purposes: ``repairs/PO-17`` spent from
  ``maintenance`` counts against the line (maintenance, repairs). Anything else spent from the
  bucket (no "/", or a purpose the budget does not name) counts against (bucket, "other"), the
  unexplained share. A spend reversal takes its amount back from the line its spend counted
  against; a transfer out to a sink contract counts like a spend.
"""

from __future__ import annotations

from dataclasses import dataclass

from ledger_service.core.errors import InvalidInput
from ledger_service.revenue.encoding import check_amount, fixed_text

#: Lines with this bucket plan income (their purpose is the income source), not spending.
INCOME = "income"
OTHER = "other"
CONTINGENCY = "contingency"
#: Default limit on a budget's "other" share, in basis points of its spending total.
DEFAULT_OTHER_LIMIT_BPS = 1_000
#: A line is flagged when 100 * actual > OVERRUN_PERCENT * budget.
OVERRUN_PERCENT = 115
OBJECTION_WINDOW_DAYS = 15
ANSWER_DAYS = 7
CONTRACT_KINDS = ("ad_space", "shared_parking", "stall_rental", "venue_rental", "other")


def tag(ref: str | None) -> str:
    """The part of a reference before its first "/" (the whole reference when there is none)."""
    return (ref or "").split("/", 1)[0]


@dataclass(frozen=True)
class BudgetLine:
    bucket: str
    purpose: str
    amount: int


@dataclass(frozen=True)
class BudgetCheck:
    """The arithmetic the contract applies, in integers: what ``checkBudget`` returns."""

    total: int
    other: int
    contingency: int
    has_contingency: bool


def budget_figures(lines: list[BudgetLine]) -> BudgetCheck:
    total = sum(line.amount for line in lines if line.bucket != INCOME)
    other = sum(line.amount for line in lines if line.bucket != INCOME and line.purpose == OTHER)
    cont = [line.amount for line in lines if line.bucket != INCOME and line.purpose == CONTINGENCY]
    return BudgetCheck(total, other, sum(cont), bool(cont))


def other_share_allowed(other: int, total: int, limit_bps: int) -> bool:
    """other / total <= limit, exactly: other * 10,000 <= limit_bps * total."""
    return other * 10_000 <= limit_bps * total


def contingency_allowed(contingency: int, total: int) -> bool:
    """10 % <= contingency / total <= 15 %, exactly."""
    return total * 10 <= contingency * 100 <= total * 15


def overrun(actual: int, budget: int) -> bool:
    """A line running more than 15 % over: 100 * actual > 115 * budget."""
    return 100 * actual > OVERRUN_PERCENT * budget


def encode_lines(lines: list[BudgetLine]) -> tuple[list[bytes], list[bytes], list[int]]:
    """The three arrays ``adoptBudget`` takes."""
    if not lines:
        raise InvalidInput("a budget needs at least one line")
    seen = set()
    for line in lines:
        if (line.bucket, line.purpose) in seen:
            raise InvalidInput(f"budget line {line.bucket}:{line.purpose} appears twice")
        seen.add((line.bucket, line.purpose))
    return (
        [fixed_text(line.bucket, 32, "bucket") for line in lines],
        [fixed_text(line.purpose, 32, "purpose") for line in lines],
        [check_amount(line.amount) for line in lines],
    )
