"""Where letters and their drafts are kept: the ``Store`` protocol and its implementations.

A ``Workspace`` reads and writes letters only through a store, so where they are kept can
change without touching compose/, writers/, diffs/ or review/. ``FileStore`` (the default)
keeps each letter as a file and its drafts in the folder beside it (``peter.yaml.drafts/``),
exactly as earlier releases did; ``PostgresStore`` keeps them in a PostgreSQL database, for a
service (``pip install 'letterkit[postgres]'``; its packages load only when one is made). Every
implementation passes the same contract tests (tests/test_store_contract.py).
"""

from __future__ import annotations

from letterkit.store.files import FileStore
from letterkit.store.postgres import PostgresStore
from letterkit.store.protocol import Store

__all__ = ["FileStore", "PostgresStore", "Store"]
