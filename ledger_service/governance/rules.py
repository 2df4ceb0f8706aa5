"""Decision types and their rules (PRC Civil Code art. 278 defaults), in plain words and integer
arithmetic. The contract is the authority (``Governance.ruleOf`` / ``evaluate``); this module names
the types for people and shows turnout without floats."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

from ledger_service.core.errors import InvalidInput


@dataclass(frozen=True)
class Rule:
    """``IGovernanceProcess.Rule``: participation >= quorum_num/quorum_den of the total; yes
    reaching pass_num/pass_den of the base ("at least" when inclusive, else "more than")."""

    quorum_num: int
    quorum_den: int
    pass_num: int
    pass_den: int
    pass_inclusive: bool
    pass_of_total: bool
    area: bool
    heads: bool

    def as_abi(self) -> tuple[Any, ...]:
        return (
            self.quorum_num, self.quorum_den, self.pass_num, self.pass_den,
            self.pass_inclusive, self.pass_of_total, self.area, self.heads,
        )  # fmt: skip

    @classmethod
    def from_abi(cls, values: Any) -> Rule:
        v = list(values)
        return cls(int(v[0]), int(v[1]), int(v[2]), int(v[3]), bool(v[4]), bool(v[5]), bool(v[6]), bool(v[7]))

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Rule:
        return cls(**json.loads(text))

    def validated(self) -> Rule:
        if self.pass_den <= 0 or not 0 <= self.pass_num <= self.pass_den:
            raise InvalidInput("the pass threshold must be a fraction between 0 and 1, e.g. 2/3")
        if not 0 <= self.quorum_num <= self.quorum_den or (self.quorum_den == 0 and self.quorum_num):
            raise InvalidInput("the quorum must be a fraction between 0 and 1 (or none)")
        if max(self.quorum_num, self.quorum_den, self.pass_num, self.pass_den) > 255:
            raise InvalidInput("fractions are written with numbers up to 255, e.g. 2/3")
        if not (self.area or self.heads):
            raise InvalidInput("a rule counts floor area, households (units), or both")
        return self

    def describe(self) -> str:
        """E.g. "turnout at least 2/3 of area and units; yes more than 1/2 of participating area
        and units"."""
        measures = " and ".join(m for m, on in (("area", self.area), ("units", self.heads)) if on)
        base = "all" if self.pass_of_total else "participating"
        word = "at least" if self.pass_inclusive else "more than"
        parts = []
        if self.quorum_den:
            parts.append(f"turnout at least {self.quorum_num}/{self.quorum_den} of {measures}")
        parts.append(f"yes {word} {self.pass_num}/{self.pass_den} of {base} {measures}")
        return "; ".join(parts)


MAJORITY = Rule(2, 3, 1, 2, False, False, True, True)
SPECIAL = Rule(2, 3, 3, 4, True, False, True, True)

#: id -> (name, rule) fixed by the contract
DEFAULT_TYPES: dict[int, tuple[str, Rule]] = {
    1: ("ordinary", MAJORITY),
    2: ("maintenance_use", MAJORITY),
    3: ("raise_maintenance", SPECIAL),
    4: ("rebuild", SPECIAL),
    5: ("common_parts", SPECIAL),
}
COMMITTEE_ONLY = 0
FIRST_CUSTOM = 16


def type_id(name_or_id: str | int, custom: dict[str, int] | None = None) -> int:
    """A decision type by name ("ordinary", "raise_maintenance", a community's own) or number."""
    if isinstance(name_or_id, int):
        return name_or_id
    text = name_or_id.strip().lower()
    if text in ("", "committee", "none", "0"):
        return COMMITTEE_ONLY
    if text.isdigit():
        return int(text)
    for i, (name, _) in DEFAULT_TYPES.items():
        if name == text:
            return i
    if custom and text in custom:
        return custom[text]
    known = ", ".join(["committee", *(n for n, _ in DEFAULT_TYPES.values()), *(custom or {})])
    raise InvalidInput(f"there is no decision type '{name_or_id}' (known: {known})")


def permille(part: int, whole: int) -> int:
    """part/whole in tenths of a percent, rounded half up, integers only."""
    if whole <= 0:
        return 0
    return (2000 * part + whole) // (2 * whole)


def percent(part: int, whole: int) -> str:
    """E.g. ``percent(190, 240) == "79.2 %"``."""
    p = permille(part, whole)
    return f"{p // 10}.{p % 10} %"
