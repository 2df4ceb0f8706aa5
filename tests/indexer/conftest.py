"""Fixtures for the indexer's behaviour suite: one real database per test, SQLite and PostgreSQL.

The same tests run on both engines (STYLE.md "Behaviour suites written once"). Every PostgreSQL
test gets its own database, created and migrated for it and dropped afterwards, so concurrent or
interrupted runs never see each other's rows. PostgreSQL is skipped only when the server cannot
be reached and ``CIVIC_LEDGER_REQUIRE_POSTGRES`` is unset; with it set (CI), that is a failure.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from ledger_service.db.session import Database

#: Admin connection used to create and drop per-test databases (trust auth on these machines).
POSTGRES_URLS = tuple(
    u
    for u in (
        os.environ.get("CIVIC_LEDGER_TEST_POSTGRES"),
        "postgresql://postgres@127.0.0.1:5432/test",
        "postgresql://root@127.0.0.1:5432/test",
    )
    if u
)


def _reachable_postgres() -> tuple[str | None, str]:
    errors = []
    for url in POSTGRES_URLS:
        try:
            with psycopg.connect(url, connect_timeout=3, autocommit=True) as conn:
                conn.execute("SELECT 1")
            return url, ""
        except psycopg.Error as e:
            errors.append(f"{url}: {str(e).strip()}")
    return None, "; ".join(errors)


@pytest.fixture(scope="session")
def postgres_admin_url() -> str:
    url, why = _reachable_postgres()
    if url is None:
        message = f"PostgreSQL is not reachable ({why})"
        if os.environ.get("CIVIC_LEDGER_REQUIRE_POSTGRES"):
            pytest.fail(message + " and CIVIC_LEDGER_REQUIRE_POSTGRES is set")
        pytest.skip(message)
    return url


def _with_database(url: str, name: str) -> str:
    base, _, _ = url.rpartition("/")
    return f"{base}/{name}"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A migrated, empty database of the parametrized engine, private to this test."""
    if request.param == "sqlite":
        db = Database(f"sqlite:///{tmp_path / 'index.db'}")
        db.migrate()
        yield db
        db.dispose()
        return
    admin_url: str = request.getfixturevalue("postgres_admin_url")
    name = f"civic_test_{secrets.token_hex(6)}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    db = Database(_with_database(admin_url, name))
    try:
        db.migrate()
        yield db
    finally:
        db.dispose()
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
