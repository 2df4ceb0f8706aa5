"""Each context's statement section, registered once (read side only: no handlers, no chain
imports, so the read-only explorer can load it). Adding a context adds its line here."""

from ledger_service.funds import statement as _funds  # noqa: F401
from ledger_service.governance import statement as _governance  # noqa: F401
from ledger_service.oversight import statement as _oversight  # noqa: F401
from ledger_service.revenue import statement as _revenue  # noqa: F401
from ledger_service.timebank import statement as _timebank  # noqa: F401
