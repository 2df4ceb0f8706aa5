"""Pseudonyms are keyed, per community and per role (DESIGN "Privacy", SEC-1)."""

from __future__ import annotations

import hashlib

from ledger_service.core.pseudonyms import pseudonym

KEY = "k" * 32


def test_pseudonym_differsPerCommunityAndRole_andIsNotAPlainHash() -> None:
    a = pseudonym(KEY, "lotus-garden", "payer", "张三 13812341234")
    assert a != pseudonym(KEY, "bamboo-court", "payer", "张三 13812341234")
    assert a != pseudonym(KEY, "lotus-garden", "donor", "张三 13812341234")
    assert a != hashlib.sha256("张三 13812341234".encode()).digest()
    assert a != pseudonym("another key" * 3, "lotus-garden", "payer", "张三 13812341234")


def test_pseudonym_isStableUnderSpacingAndWidth() -> None:
    assert pseudonym(KEY, "c", "payer", " ACME Co ") == pseudonym(KEY, "c", "payer", "acme co")
    assert pseudonym(KEY, "c", "payer", "ＡＣＭＥ") == pseudonym(KEY, "c", "payer", "acme")
