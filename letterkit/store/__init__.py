"""Where letters and their drafts are kept: the ``Store`` protocol and its implementations.

A ``Workspace`` reads and writes letters only through a store, so where they are kept can
change without touching compose/, writers/, diffs/ or review/. ``FileStore`` (the default)
keeps each letter as a file and its drafts in the folder beside it (``peter.yaml.drafts/``),
exactly as earlier releases did; ``PostgresStore`` keeps them in a PostgreSQL database, for a
service (``pip install 'letterkit[postgres]'``; its packages load only when one is made). Every
implementation passes the same contract tests (tests/test_store_contract.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from letterkit.store.files import FileStore
from letterkit.store.protocol import Store

if TYPE_CHECKING:
    from letterkit.store.postgres import PostgresStore

__all__ = ["FileStore", "PostgresStore", "Store"]


def __getattr__(name: str) -> Any:
    """``PostgresStore`` is loaded when it is first named, so a command on files never reads
    the database store's code (a cold ``letterkit render`` stays fast)."""
    if name == "PostgresStore":
        from letterkit.store.postgres import PostgresStore

        return PostgresStore
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
