"""Every context's tables, imported once so metadata (and Alembic) sees them all.

Adding a bounded context adds one import line here.
"""

from ledger_service.api import tables as api_tables  # noqa: F401
from ledger_service.audit import tables as audit_tables  # noqa: F401
from ledger_service.chain import journal_tables  # noqa: F401
from ledger_service.communities import tables as community_tables  # noqa: F401
from ledger_service.db.base import INDEXED_TABLES, Base
from ledger_service.funds import tables as funds_tables  # noqa: F401
from ledger_service.governance import tables as governance_tables  # noqa: F401
from ledger_service.indexer import tables as indexer_tables  # noqa: F401
from ledger_service.oversight import tables as oversight_tables  # noqa: F401
from ledger_service.people import tables as people_tables  # noqa: F401
from ledger_service.revenue import tables as revenue_tables  # noqa: F401
from ledger_service.timebank import tables as timebank_tables  # noqa: F401

metadata = Base.metadata

__all__ = ["metadata", "INDEXED_TABLES"]
