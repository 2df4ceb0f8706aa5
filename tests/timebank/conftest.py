"""The contract tests' chain fixtures (a real anvil with the harness's contracts), reused here to
produce real TimeBank logs for the handlers and the statement section."""

from tests.contracts.conftest import bamboo, fresh, ledger, ledger_node, lotus  # noqa: F401
from tests.contracts.test_timebank import timebank_address  # noqa: F401
