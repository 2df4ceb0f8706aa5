"""Alembic environment: runs migrations on the URL the service configured."""

from __future__ import annotations

from alembic import context
from sqlalchemy import engine_from_config, pool

from ledger_service.db.models import metadata

config = context.config


def run_migrations_online() -> None:
    url = config.get_main_option("sqlalchemy.url") or ""
    if url.startswith("postgresql://"):
        config.set_main_option("sqlalchemy.url", "postgresql+psycopg://" + url[len("postgresql://") :])
    connectable = engine_from_config(
        config.get_section(config.config_ini_section, {}), prefix="sqlalchemy.", poolclass=pool.NullPool
    )
    with connectable.connect() as connection:
        context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()


run_migrations_online()
