"""Fixtures for the indexer's behaviour suite: one real database per test, SQLite and PostgreSQL.

The same tests run on both engines (STYLE.md "Behaviour suites written once"). Every PostgreSQL
test gets its own database, created and migrated for it and dropped afterwards, so concurrent or
interrupted runs never see each other's rows. PostgreSQL is skipped only when the server cannot
be reached and ``CIVIC_LEDGER_REQUIRE_POSTGRES`` is unset; with it set (CI), that is a failure.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ledger_service.db.session import Database
from tests.conftest import make_database_url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A migrated, empty database of the parametrized engine, private to this test."""
    urls = make_database_url(request.param, tmp_path)
    db = Database(next(urls))
    try:
        db.migrate()
        yield db
    finally:
        db.dispose()
        next(urls, None)
