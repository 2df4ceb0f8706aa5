"""The bounded contexts, registered once: importing a context's ``handlers`` module registers
its event handlers with the indexer. Adding a context adds one line here."""

from ledger_service.audit import handlers as _audit  # noqa: F401
from ledger_service.communities import handlers as _communities  # noqa: F401
from ledger_service.revenue import handlers as _revenue  # noqa: F401
