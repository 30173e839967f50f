"""The PostgreSQL store's typing kept beside a letter, its decisions on suggestions (tables
``typed`` and ``decisions``, migration 0002) and its archive (table ``archived``, migration
0005): a part of ``PostgresStore``."""

from __future__ import annotations

import contextlib
import hashlib
import json
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

from letterkit.drafts import decisions as decided
from letterkit.drafts.decisions import Decision
from letterkit.drafts.store import Head
from letterkit.errors import HistoryError, LetterNotFoundError

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine

    from letterkit.store.postgres import PostgresStore

MAX_KEPT = 2 * 1024 * 1024
"""Most bytes of typing kept for one letter (as the files store)."""


class KeptAndDecided:
    """Mixed into ``PostgresStore``, which gives ``engine``, ``errors`` and ``_letter``."""

    if TYPE_CHECKING:
        engine: Engine

        def errors(self) -> AbstractContextManager[None]: ...

        def _letter(
            self, connection: Connection, name: str, *, for_update: bool = False
        ) -> tuple[int, Head | None] | None: ...

    def kept(self, name: str) -> bytes | None:
        from sqlalchemy import text

        with self.errors(), self.engine.connect() as connection:
            found = self._letter(connection, name)
            if found is None:
                return None
            content = connection.execute(
                text("SELECT content FROM typed WHERE letter_id = :id"), {"id": found[0]}
            ).scalar()
        if content is None or len(content) > MAX_KEPT:
            return None
        return bytes(content)

    def keep(self, name: str, content: bytes | None) -> None:
        from sqlalchemy import text

        with self.errors(), self.engine.begin() as connection:
            found = self._letter(connection, name)
            if found is None:
                if content is None:
                    return
                raise LetterNotFoundError(name, "no such letter in the database — check the name")
            if content is None:
                connection.execute(text("DELETE FROM typed WHERE letter_id = :id"), {"id": found[0]})
                return
            connection.execute(
                text(
                    "INSERT INTO typed (letter_id, content) VALUES (:id, :content) "
                    "ON CONFLICT (letter_id) DO UPDATE SET content = excluded.content, updated = now()"
                ),
                {"id": found[0], "content": content},
            )

    def archived(self) -> list[str]:
        from sqlalchemy import text

        with self.errors(), self.engine.connect() as connection:
            rows = connection.execute(
                text("SELECT l.name FROM archived a JOIN letters l ON l.id = a.letter_id ORDER BY l.name")
            ).scalars()
            return sorted(rows)

    def archive(self, name: str, archived: bool = True) -> None:
        from sqlalchemy import text

        with self.errors(), self.engine.begin() as connection:
            found = self._letter(connection, name)
            if found is None:
                raise LetterNotFoundError(name, "no such letter in the database — check the name")
            if archived:
                connection.execute(
                    text("INSERT INTO archived (letter_id) VALUES (:id) ON CONFLICT DO NOTHING"),
                    {"id": found[0]},
                )
            else:
                connection.execute(text("DELETE FROM archived WHERE letter_id = :id"), {"id": found[0]})

    def decisions(self, name: str) -> list[Decision]:
        with self.errors(), self.engine.connect() as connection:
            return list(self._decisions(connection, name))

    def append_decisions(self, name: str, new: Sequence[Mapping[str, Any]]) -> list[Decision]:
        from sqlalchemy import text

        with self.errors(), self.engine.begin() as connection:
            found = self._letter(connection, name, for_update=True)  # one writer at a time
            if found is None:
                raise LetterNotFoundError(name, "no such letter in the database — check the name")
            made = decided.chain(list(self._decisions(connection, name)), new)
            for record in made:
                connection.execute(
                    text("INSERT INTO decisions (letter_id, number, record) VALUES (:id, :n, :record)"),
                    {
                        "id": found[0],
                        "n": record.number,
                        "record": json.dumps(record.to_json(), sort_keys=True),
                    },
                )
            return made

    def _insert_decisions(self, connection: Connection, letter: int, made: Sequence[Decision]) -> None:
        """Records kept elsewhere (a folder being imported), as they are: numbers and hashes."""
        from sqlalchemy import text

        for record in made:
            connection.execute(
                text("INSERT INTO decisions (letter_id, number, record) VALUES (:id, :n, :record)"),
                {"id": letter, "n": record.number, "record": json.dumps(record.to_json(), sort_keys=True)},
            )

    def _decisions(self, connection: Connection, name: str) -> Iterator[Decision]:
        from sqlalchemy import text

        found = self._letter(connection, name)
        if found is None:
            return
        rows = connection.execute(
            text("SELECT number, record FROM decisions WHERE letter_id = :id ORDER BY number"),
            {"id": found[0]},
        )
        for number, record in rows:
            try:
                fields = json.loads(record)
                yield Decision(**fields)
            except (ValueError, TypeError, RecursionError):
                raise HistoryError(
                    f"{name}: decision {number} is damaged; restore it from a backup of the database"
                ) from None


class NameLock:
    """Reentrant in this process (a thread lock) and across processes (a PostgreSQL advisory
    lock, held on its own connection while the outermost holder is inside)."""

    def __init__(self, store: PostgresStore, name: str) -> None:
        self._store = store
        self._key = int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)
        self._thread = threading.RLock()
        self._depth = 0
        self._connection: Connection | None = None

    def __enter__(self) -> NameLock:
        from sqlalchemy import func, select

        self._thread.acquire()
        try:
            if self._depth == 0:
                with self._store.errors():
                    connection = self._store.engine.connect()
                    connection.execute(select(func.pg_advisory_lock(self._key)))
                    connection.commit()
                self._connection = connection
        except BaseException:
            self._thread.release()
            raise
        self._depth += 1
        return self

    def __exit__(self, *exc: object) -> None:
        from sqlalchemy import func, select

        self._depth -= 1
        try:
            if self._depth == 0 and self._connection is not None:
                connection, self._connection = self._connection, None
                with contextlib.suppress(Exception):  # closing the connection frees the lock too
                    connection.execute(select(func.pg_advisory_unlock(self._key)))
                    connection.commit()
                connection.close()
        finally:
            self._thread.release()
