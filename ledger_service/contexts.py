"""The bounded contexts, registered once: importing a context's ``handlers`` registers its event
handlers with the indexer; ``statement_sections`` registers the statement sections. Adding a
context adds its lines here and there."""

import ledger_service.statement_sections  # noqa: F401
from ledger_service.audit import handlers as _audit  # noqa: F401
from ledger_service.communities import handlers as _communities  # noqa: F401
from ledger_service.funds import errors as _funds_errors  # noqa: F401
from ledger_service.funds import handlers as _funds  # noqa: F401
from ledger_service.governance import errors as _governance_errors  # noqa: F401
from ledger_service.governance import handlers as _governance  # noqa: F401
from ledger_service.oversight import handlers as _oversight  # noqa: F401
from ledger_service.revenue import handlers as _revenue  # noqa: F401
from ledger_service.timebank import errors as _timebank_errors  # noqa: F401
from ledger_service.timebank import handlers as _timebank  # noqa: F401
