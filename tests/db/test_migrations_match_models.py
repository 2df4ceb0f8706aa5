"""The migrations build exactly the schema the models describe: every table, column, type and
length, on SQLite and on PostgreSQL (where a length is enforced: a model wider than its migrated
column lets the service write what the database then refuses)."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from ledger_service.db.models import metadata
from ledger_service.db.session import Database
from tests.conftest import make_database_url


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_migratedSchema_equalsTheModels(kind: str, tmp_path: Path) -> None:
    urls = make_database_url(kind, tmp_path)
    db = Database(next(urls))
    try:
        db.migrate()
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            differences = [
                d
                for d in compare_metadata(context, metadata)
                if not (isinstance(d, tuple) and d[0] == "remove_table" and d[1].name == "alembic_version")
            ]
    finally:
        db.dispose()
        next(urls, None)
    assert differences == []
