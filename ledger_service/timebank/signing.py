"""EIP-712 typed data of the TimeBank contract: what a beneficiary, holder or proxy signs.

Pure functions (no chain access) shared by the command layer, the tests and whatever hands a
request to a person's wallet: ``*_typed_data`` builds the JSON a wallet displays
(``eth_signTypedData_v4``), ``*_digest`` the 32-byte hash the contract recovers the signer from,
and ``sign_digest`` signs it with a key the service keeps for that person. The contract exposes
``hashServiceRecord`` / ``hashRedemption`` / ``hashDonation`` so the two can be compared.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from eth_abi import encode as abi_encode

from ledger_service.chain import eip712
from ledger_service.chain.eip712 import Eip712Domain

DOMAIN_NAME = "Civic Ledger TimeBank"
DOMAIN_VERSION = "1"

RECORD_TYPE = (
    "ServiceRecord(bytes32 community,uint64 recordRef,address volunteer,address beneficiary,"
    "bytes16 serviceType,uint64 minutes,uint32 serviceDate)"
)
REDEMPTION_TYPE = (
    "Redemption(bytes32 community,address holder,bytes32 item,uint32 quantity,uint64 minutes,"
    "uint64 nonce,uint64 deadline)"
)
DONATION_TYPE = "Donation(bytes32 community,address holder,uint64 minutes,uint64 nonce,uint64 deadline)"
FEE_DISCOUNT_TYPE = (
    "FeeDiscount(bytes32 community,address holder,uint64 minutes,uint64 fen,bytes32 bucket,uint64 nonce,"
    "uint64 deadline)"
)


@dataclass(frozen=True)
class ServiceRecord:
    """One service as attested; ``minutes`` is the amount, ``service_date`` a local day number."""

    record_ref: int
    volunteer: str
    beneficiary: str
    service_type: bytes  # 16 bytes, UTF-8 left-aligned
    minutes: int
    service_date: int

    def as_abi(self) -> tuple[Any, ...]:
        """The tuple ``ITimeBank.ServiceRecord`` takes in calldata."""
        return (
            self.record_ref,
            self.volunteer,
            self.beneficiary,
            self.service_type,
            self.minutes,
            self.service_date,
        )


class Domain(Eip712Domain):
    """The EIP-712 domain: one chain and one deployed TimeBank."""

    def __init__(self, chain_id: int, verifying_contract: str) -> None:
        super().__init__(DOMAIN_NAME, DOMAIN_VERSION, chain_id, verifying_contract)


_digest = eip712.digest
_fields = eip712.fields
typed_data = eip712.typed_data
sign_digest = eip712.sign_digest


def record_digest(domain: Domain, community: bytes, record: ServiceRecord) -> bytes:
    """What the beneficiary (or their registered proxy) signs to attest a service record."""
    return _digest(domain, RECORD_TYPE, [community, *record.as_abi()])


def redemption_digest(
    domain: Domain,
    community: bytes,
    holder: str,
    item: bytes,
    quantity: int,
    minutes: int,
    nonce: int,
    deadline: int,
) -> bytes:
    """What a holder (or their registered proxy) signs to redeem ``quantity`` of ``item``."""
    return _digest(domain, REDEMPTION_TYPE, [community, holder, item, quantity, minutes, nonce, deadline])


def donation_digest(
    domain: Domain, community: bytes, holder: str, minutes: int, nonce: int, deadline: int
) -> bytes:
    """What a holder (or their registered proxy) signs to donate minutes to the pool."""
    return _digest(domain, DONATION_TYPE, [community, holder, minutes, nonce, deadline])


def fee_discount_digest(
    domain: Domain,
    community: bytes,
    holder: str,
    minutes: int,
    fen: int,
    bucket: bytes,
    nonce: int,
    deadline: int,
) -> bytes:
    """What a holder (or their registered proxy) signs to turn ``minutes`` into a property-fee
    discount of ``fen`` paid from revenue ``bucket``."""
    return _digest(domain, FEE_DISCOUNT_TYPE, [community, holder, minutes, fen, bucket, nonce, deadline])


def fee_discount_data(holder: str, minutes: int, nonce: int, deadline: int, signature: bytes) -> bytes:
    """The ``data`` ``RevenueLedger.transferOut`` hands to ``TimeBank.onRevenueTransfer``."""
    return abi_encode(
        ["address", "uint64", "uint64", "uint64", "bytes"], [holder, minutes, nonce, deadline, signature]
    )


def fee_discount_fen(minutes: int, rate_per_hour: int) -> int:
    """The exact integer rule of the contract: fen = floor(minutes × rate ÷ 60)."""
    return minutes * rate_per_hour // 60


def record_typed_data(domain: Domain, community: bytes, record: ServiceRecord) -> dict[str, Any]:
    """The record as a wallet shows it to the beneficiary."""
    names = [f["name"] for f in _fields(RECORD_TYPE)]
    return typed_data(domain, RECORD_TYPE, dict(zip(names, [community, *record.as_abi()], strict=True)))


