"""Statement sections contributed by bounded contexts.

A section reads its context's tables (SQL only) for one community, period and block, and
returns the statement keys it owns plus its entries. The builder merges them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.engine import Connection

from ledger_service.statements.periods import Period


@dataclass(frozen=True)
class Query:
    community: str  # 0x id
    period: Period
    as_of_block: int


@dataclass
class SectionResult:
    fields: dict[str, Any] = field(default_factory=dict)
    entries: list[dict[str, Any]] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)


Section = Callable[[Connection, Query], SectionResult]
SECTIONS: list[Section] = []


def section(fn: Section) -> Section:
    """Register a statement section (called once per context, at import)."""
    SECTIONS.append(fn)
    return fn
