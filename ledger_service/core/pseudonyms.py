"""Pseudonymous ids for people: keyed hashes, different per community and role.

A plain hash of a name or phone number can be reversed by trying likely inputs; an HMAC under the
deployment's secret data key cannot, and binding the community and role means one person cannot
be followed across communities or from one role to another (DESIGN "Privacy", SEC-1).
"""

from __future__ import annotations

import hashlib
import hmac
import unicodedata


def pseudonym(data_key: str, community: str, role: str, identity: str) -> bytes:
    """32-byte id of ``identity`` (a name, phone number or account number) as ``role`` in ``community``."""
    normalised = unicodedata.normalize("NFKC", identity).strip().lower()
    message = f"civic-ledger/pseudonym@1\n{community}\n{role}\n{normalised}".encode()
    return hmac.new(data_key.encode(), message, hashlib.sha256).digest()
