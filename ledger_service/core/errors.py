"""The one exception tree of the service.

Every error a user can meet is a ``LedgerError`` carrying a readable message, a stable ``code`` and
the HTTP status the API answers with. Contract custom errors are decoded into these (see
``ledger_service.chain.errors``), so a property accountant reads "community lotus-garden has no
bucket 'parks'" instead of a hex blob.
"""

from __future__ import annotations

from typing import Any


class LedgerError(Exception):
    """Root of every error the service raises on purpose."""

    status: int = 400
    code: str = "ledger_error"

    def __init__(self, message: str, **data: Any) -> None:
        super().__init__(message)
        self.message = message
        self.data = data

    def to_dict(self) -> dict[str, Any]:
        """The JSON body the API answers with."""
        return {"error": self.code, "message": self.message, **({"data": self.data} if self.data else {})}


class InvalidInput(LedgerError):
    """A request or file the service refuses before anything is signed."""

    status = 422
    code = "invalid_input"


class NotFound(LedgerError):
    status = 404
    code = "not_found"


class Unauthorized(LedgerError):
    status = 401
    code = "unauthorized"


class Forbidden(LedgerError):
    status = 403
    code = "forbidden"


class Conflict(LedgerError):
    """The write contradicts what is already recorded (a repeated reference, a closed period)."""

    status = 409
    code = "conflict"


class ChainUnavailable(LedgerError):
    """The node cannot be reached; accepted writes stay journaled and are sent when it returns."""

    status = 503
    code = "chain_unavailable"


class ConfigError(LedgerError):
    status = 500
    code = "config_error"


class ContractRejected(LedgerError):
    """A contract refused a write with one of its custom errors.

    ``error_name`` and ``args`` are the decoded custom error; ``message`` is its readable form.
    """

    status = 409
    code = "contract_rejected"

    def __init__(
        self, message: str, error_name: str, args: dict[str, Any], status: int | None = None
    ) -> None:
        super().__init__(message, error=error_name, args=args)
        self.error_name = error_name
        self.error_args = args
        if status is not None:
            self.status = status


class TransactionFailed(LedgerError):
    """A transaction was mined but reverted without a decodable reason, or could not be sent."""

    status = 502
    code = "transaction_failed"
