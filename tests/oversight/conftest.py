"""The contract tests' chain fixtures (a real anvil with every deployed contract), reused to make
real Oversight and RevenueLedger logs for the indexer and the statement section."""

from tests.contracts.conftest import bamboo, fresh, ledger, ledger_node, lotus  # noqa: F401
