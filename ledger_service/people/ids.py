"""Resident identity numbers (GB 11643-1999): 17 digits and an ISO 7064 MOD 11-2 check
character. Used to validate what is entered and to find ID numbers where they must not be
(only numbers with a valid check character count, so hashes and amounts do not false-alarm)."""

from __future__ import annotations

import re

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
#: 18 characters not inside a longer run of hex or digits
CANDIDATE = re.compile(r"(?<![0-9A-Za-z])([1-9][0-9]{16}[0-9Xx])(?![0-9A-Za-z])")


def check_character(first17: str) -> str:
    return _CHECK[sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def is_gb11643(value: str) -> bool:
    v = value.strip().upper()
    if len(v) != 18 or not v[:17].isdigit() or v[0] == "0":
        return False
    return check_character(v[:17]) == v[17]


def find_id_numbers(text: str) -> list[str]:
    """Every valid identity number in ``text``."""
    return [m for m in CANDIDATE.findall(text) if is_gb11643(m)]
