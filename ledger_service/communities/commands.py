"""Register communities and grant roles (the operator and community admins sign these)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from eth_utils import keccak

from ledger_service.chain.direct import transact
from ledger_service.chain.errors import remember_community
from ledger_service.core.errors import InvalidInput
from ledger_service.core.roles import ROLES

if TYPE_CHECKING:
    from ledger_service.service import LedgerService


def role_id(role: str) -> bytes:
    if role not in ROLES:
        raise InvalidInput(f"unknown role '{role}'; use one of: {', '.join(ROLES)}")
    return keccak(text=f"civic.role.{role}")


def key_label(slug: str, role: str, n: int = 1) -> str:
    """The keystore label of a service-held key: ``slug:role`` (``slug:role:2`` for a second one)."""
    return f"{slug}:{role}" if n == 1 else f"{slug}:{role}:{n}"


def ensure_key(svc: LedgerService, label: str) -> str:
    return svc.keys.resolve(label) if label in svc.keys.labels() else svc.keys.create(label)


def add_community(
    svc: LedgerService,
    slug: str,
    *,
    utc_offset_minutes: int = 480,
    roles: tuple[str, ...] = ("accountant", "committee", "auditor", "coordinator", "fund_keeper"),
) -> dict[str, str]:
    """Register ``slug`` (operator), make an admin key and one key per role in ``roles``, grant them.

    Returns role -> address. Keys stay in the service's encrypted keystore; committee members who
    hold their own keys are granted with ``grant_role`` instead.
    """
    cid = remember_community(slug)
    admin = ensure_key(svc, key_label(slug, "admin"))
    transact(
        svc.sender,
        svc.operator,
        "CommunityRoles",
        svc.deployment.address("CommunityRoles"),
        "registerCommunity",
        slug,
        utc_offset_minutes,
        admin,
    )
    granted = {"admin": admin}
    for role in roles:
        address = ensure_key(svc, key_label(slug, role))
        grant_role(svc, slug, role, address, cid=cid)
        granted[role] = address
    svc.sync()
    return granted


def grant_role(svc: LedgerService, slug: str, role: str, address: str, *, cid: bytes | None = None) -> None:
    """Grant ``role`` in ``slug`` to ``address``, signed by the community's admin key."""
    community = cid or remember_community(slug)
    admin = svc.account(key_label(slug, "admin"))
    transact(
        svc.sender,
        admin,
        "CommunityRoles",
        svc.deployment.address("CommunityRoles"),
        "grantRole",
        community,
        role_id(role),
        address,
    )


def revoke_role(svc: LedgerService, slug: str, role: str, address: str) -> None:
    admin = svc.account(key_label(slug, "admin"))
    transact(
        svc.sender,
        admin,
        "CommunityRoles",
        svc.deployment.address("CommunityRoles"),
        "revokeRole",
        remember_community(slug),
        role_id(role),
        address,
    )
