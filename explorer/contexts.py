"""Pages that bounded contexts add to the explorer (governance, funds, volunteers).

A context's explorer module defines ``register(app, kit)``, adds its routes under ``/c/{slug}/...``
with words of its own (``explorer.i18n.add_words``) and templates named ``<context>_*.html``; it
is listed once in ``MODULES``. The explorer stays read-only: a page reads the SQL index through
``kit.reader()`` and never writes.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy.engine import Connection

MODULES: tuple[str, ...] = (
    "explorer.oversight",
    "explorer.governance",
    "explorer.volunteers",
    "explorer.funds",
)


@dataclass(frozen=True)
class Kit:
    """What a context's pages get from the explorer: its templates, a read-only connection per
    request, the per-request page helpers (language, words, links) and the not-found response."""

    templates: Jinja2Templates
    reader: Callable[[], AbstractContextManager[Connection]]
    page: Callable[[Request], Any]
    not_found: Callable[..., Response]


def context_pages() -> Iterator[Callable[[FastAPI, Kit], None]]:
    for name in MODULES:
        yield importlib.import_module(name).register
