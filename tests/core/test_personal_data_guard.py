"""Text bound for the chain (references, reasons, labels) is refused when it carries a phone or
identity number, before anything is signed: the chain is public and permanent (SEC-1)."""

from __future__ import annotations

import pytest

from ledger_service.core.errors import InvalidInput
from ledger_service.people.ids import check_character
from ledger_service.revenue.encoding import fixed_text

ID_17 = "11010119900307451"
VALID_ID = ID_17 + check_character(ID_17)
WRONG_CHECK = ID_17 + ("0" if check_character(ID_17) != "0" else "1")


@pytest.mark.parametrize(
    "text",
    ["INV 13811112222", "13811112222", "退款 13911112222 王", f"ID{' '}{VALID_ID}", VALID_ID],
)
def test_phoneOrIdentityNumber_isRefused_withAReason(text: str) -> None:
    with pytest.raises(InvalidInput) as e:
        fixed_text(text, 64, "reference")
    assert "personal data never goes on chain" in e.value.message


@pytest.mark.parametrize(
    "text",
    [
        "AD-2026-001",
        "REPAIR-0310",
        WRONG_CHECK,  # 18 digits whose check character is wrong: not an identity number
        "138111122223",  # 12 digits: not a mobile number
        "0x13811112222ab",  # inside a hex run
        "12811112222",  # 12x is no mobile prefix
    ],
)
def test_documentNumbersAndLookAlikes_pass(text: str) -> None:
    assert fixed_text(text, 32, "reference").rstrip(b"\0") == text.encode()
