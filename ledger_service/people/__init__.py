"""People and their personal data (SEC-1, SEC-2): the only place names, phone numbers, addresses
and ID numbers are kept.

A person is known to everything else by a pseudonym (a keyed hash per community and role, see
``ledger_service.core.pseudonyms``): that is what goes on chain, into statements and onto public
pages. Their personal data sits only in SQL, encrypted with a key of their own that is itself
wrapped under the service's data key; it is shown masked (张**, 138****1234), revealed in clear
only to authorised staff (every reveal is logged), and erased by destroying that key and the
ciphertexts — the pseudonym, and every chain record and proof that names it, stay intact.

The API is ``People`` (register, update, masked, reveal, erase); ``scan`` finds personal data
where it must not be (AS-13).
"""

from ledger_service.people.masking import mask_address, mask_id_number, mask_name, mask_phone
from ledger_service.people.registry import (
    REVEAL_ROLES,
    MaskedPerson,
    People,
    RevealedPerson,
    derive_pseudonym,
    holder_address,
)

__all__ = [
    "REVEAL_ROLES",
    "MaskedPerson",
    "People",
    "RevealedPerson",
    "derive_pseudonym",
    "holder_address",
    "mask_address",
    "mask_id_number",
    "mask_name",
    "mask_phone",
]
