"""How time-bank values are written on chain and read back: short slugs (service types,
categories, reason codes) UTF-8 left-aligned in 16 bytes, providers in 32, minutes as integers
(60 minutes = 1 credit), pseudonymous holder ids as addresses."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from eth_utils import keccak, to_checksum_address

from ledger_service.core.errors import InvalidInput

ZERO_ADDRESS = "0x" + "00" * 20
#: The pool's holder id: address(uint160(uint256(keccak256("civic.timebank.pool")))).
POOL = to_checksum_address(keccak(text="civic.timebank.pool")[12:])
#: Most minutes one service record may hold (one day).
MAX_RECORD_MINUTES = 1_440
MAX_AMOUNT = 2**53 - 1
MINUTES_PER_CREDIT = 60
#: Catalog categories (TB-3). The property-fee discount is redeemed through the revenue ledger (TB-8).
CATEGORIES = ("housekeeping", "haircut", "repairs", "goods", "gifts", "parking", "priority", "health_check")
#: The category whose redemptions are shown by category only (SEC-1: no health data).
HEALTH_CATEGORY = "health_check"


def fixed_text(value: str, size: int, what: str) -> bytes:
    """``value`` as UTF-8, left-aligned and zero-padded to ``size`` bytes, or a clear error."""
    raw = value.encode("utf-8")
    if not raw:
        raise InvalidInput(f"{what} must not be empty")
    if len(raw) > size:
        raise InvalidInput(f"{what} '{value}' is {len(raw)} bytes long; at most {size} fit on chain")
    if b"\0" in raw:
        raise InvalidInput(f"{what} must not contain NUL characters")
    return raw.ljust(size, b"\0")


def label(raw: bytes) -> str:
    """A slug read back from bytesN: its text when it is printable UTF-8 padded with zeros,
    otherwise ``0x`` hex (an opaque id such as a pseudonymous provider)."""
    text = raw.rstrip(b"\0")
    try:
        decoded = text.decode("utf-8")
    except UnicodeDecodeError:
        return "0x" + raw.hex()
    if not decoded or b"\0" in text or not decoded.isprintable():
        return "0x" + raw.hex()
    return decoded


def check_minutes(minutes: int, *, record: bool = False) -> int:
    """Whole minutes, 0 < minutes <= 1,440 for one service record, < 2^53 otherwise."""
    top = MAX_RECORD_MINUTES if record else MAX_AMOUNT
    if isinstance(minutes, bool) or not isinstance(minutes, int) or not 0 < minutes <= top:
        raise InvalidInput(f"{minutes!r} minutes is out of range (1 to {top:,} minutes)")
    return minutes


def check_holder(holder: str, what: str = "holder") -> str:
    """A pseudonymous id: a 20-byte address, not zero; returned checksummed."""
    try:
        address = to_checksum_address(holder)
    except ValueError:
        raise InvalidInput(f"{what} '{holder}' is not a pseudonymous id (0x and 40 hex digits)") from None
    if address.lower() == ZERO_ADDRESS:
        raise InvalidInput(f"{what} cannot be the zero id")
    return address


def item_id(community_slug: str, code: str) -> bytes:
    """An opaque catalog item id from the service's own item code (never from a health detail)."""
    return keccak(text=f"civic.timebank.item:{community_slug}:{code}")


def hours(minutes: int) -> str:
    """Minutes shown as hours with one decimal (480,600 -> '8,010.0')."""
    value = (Decimal(minutes) / MINUTES_PER_CREDIT).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{value:,}"


def percent(numerator: int, denominator: int) -> str | None:
    """numerator ÷ denominator in percent with one decimal, rounded half up, computed in integers
    only (tenths of a percent: ⌊(1000·n + d/2) ÷ d⌋ for non-negative n, d); None when d is 0."""
    if denominator == 0:
        return None
    tenths = (1000 * numerator * 2 + denominator) // (2 * denominator)
    return f"{tenths // 10}.{tenths % 10}"


def redemption_rate(redeemed: int, minted: int, rewarded: int) -> str | None:
    """redeemed ÷ (minted + rewarded) as a percentage with one decimal ('84.9'); None if nothing issued."""
    return percent(redeemed, minted + rewarded)
