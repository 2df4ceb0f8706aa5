"""The residents' explorer: read-only, server-rendered pages over the SQL index (see ``explorer.app``)."""

from explorer.app import create_explorer

__all__ = ["create_explorer"]
