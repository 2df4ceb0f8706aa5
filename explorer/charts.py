"""Bar charts drawn on the server as SVG: they need no JavaScript, print cleanly and scale to a phone.

Each bar gets its own row: the name on the left, the amount on the right, the bar underneath across
the full width; when a long name and its amount would not fit on one line, the amount moves to a
line of its own, so text never overlaps, even at 320 px.
The template ``_macros.html`` turns a :class:`BarChart` into markup; this module only does the
geometry.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ledger_service.statements.export import format_yuan

WIDTH = 320
LINE = 22  # one line of 15-unit text
BAR_HEIGHT = 16
GAP = 14
FONT = 15

#: Fill colours, chosen to stay distinguishable in grey when printed; the owners' common account
#: (money waiting for a decision) is always amber so it stands out.
PALETTE = ("#1f5f8b", "#2e7d32", "#6a4c93", "#8d5524", "#00695c", "#c2185b", "#455a64")
AWAITING_COLOUR = "#c77700"


@dataclass(frozen=True)
class Bar:
    label: str
    value: str
    label_y: int  # baseline of the name
    value_y: int  # baseline of the amount (same line as the name when both fit)
    bar_y: int
    width: float
    colour: str


@dataclass(frozen=True)
class BarChart:
    title: str
    bars: list[Bar]
    height: int
    width: int = WIDTH
    bar_height: int = BAR_HEIGHT

    @property
    def description(self) -> str:
        """Text equivalent for screen readers: every bar's name and amount."""
        return "; ".join(f"{b.label}: {b.value}" for b in self.bars)


def text_width(text: str, font: int = FONT) -> float:
    """A generous estimate of rendered width: CJK characters are square, others about 0.62 em.

    SVG text does not wrap, so a name and an amount share a line only when this says they fit.
    """
    return sum(font * (1.0 if unicodedata.east_asian_width(c) in "WF" else 0.62) for c in text)


def bar_chart(title: str, items: Iterable[tuple[str, int]], name: Callable[[str], str]) -> BarChart:
    """A chart of ``(slug, fen)`` pairs in the given order; bars scale to the largest amount.

    Each bar has the name on the left and the amount on the right, the bar underneath across the
    full width; a name too long to share its line puts the amount on a line of its own. Negative
    amounts get an empty bar (their value is still printed): only income by source and closing
    balances are charted, and neither is negative unless a correction overshot.
    """
    pairs = list(items)
    biggest = max((v for _, v in pairs if v > 0), default=0)
    bars = []
    y = 0
    for i, (slug, fen) in enumerate(pairs):
        label, value = name(slug), format_yuan(fen)
        label_y = y + LINE - 4
        shared = text_width(label) + text_width(value) + 12 <= WIDTH
        value_y = label_y if shared else label_y + LINE
        bar_y = value_y + 8
        width = 0.0 if biggest == 0 or fen <= 0 else max(round(WIDTH * fen / biggest, 1), 2.0)
        colour = AWAITING_COLOUR if slug == "owners_common" else PALETTE[i % len(PALETTE)]
        bars.append(Bar(label, value, label_y, value_y, bar_y, width, colour))
        y = bar_y + BAR_HEIGHT + GAP
    return BarChart(title, bars, max(y - GAP + 2, LINE))
