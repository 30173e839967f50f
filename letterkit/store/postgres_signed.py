"""The PostgreSQL store's sign-offs (table ``attestations``, migration 0003): a part of
``PostgresStore``. Each row holds the record exactly as the files store writes it
(``attestations/NNNN.json``), chained and checked the same way (``letterkit.drafts.attestations``)."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

from letterkit.drafts import attestations as attested
from letterkit.drafts.attestations import Attestation
from letterkit.drafts.store import Draft, Head, HistoryCheck
from letterkit.errors import HistoryError, LetterNotFoundError

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine


class SignedOff:
    """Mixed into ``PostgresStore``, which gives ``engine``, ``errors``, ``_letter`` and ``drafts``."""

    if TYPE_CHECKING:
        engine: Engine

        def errors(self) -> AbstractContextManager[None]: ...

        def _letter(
            self, connection: Connection, name: str, *, for_update: bool = False
        ) -> tuple[int, Head | None] | None: ...

        def _records(self, connection: Connection, name: str) -> list[tuple[Draft, bytes]]: ...

    def attestations(self, name: str) -> list[Attestation]:
        with self.errors(), self.engine.connect() as connection:
            return self._attestations(connection, name)

    def append_attestation(self, name: str, record: Mapping[str, Any]) -> Attestation:
        with self.errors(), self.engine.begin() as connection:
            found = self._letter(connection, name, for_update=True)  # one writer at a time
            if found is None:
                raise LetterNotFoundError(name, "no such letter in the database — check the name")
            made = attested.chain(self._attestations(connection, name), record)
            saved = {d.number: d for d, _ in self._records(connection, name)}
            signed = saved.get(made.draft)
            if signed is None or signed.hash != made.draft_hash:
                raise HistoryError(
                    f"{name}: draft {made.draft} is not saved as it was named, so it cannot be signed off"
                )
            self._insert_attestations(connection, found[0], [made])
            return made

    def _insert_attestations(self, connection: Connection, letter: int, made: Sequence[Attestation]) -> None:
        from sqlalchemy import text

        for record in made:
            connection.execute(
                text(
                    "INSERT INTO attestations (letter_id, number, draft, record) "
                    "VALUES (:id, :n, :draft, :record)"
                ),
                {
                    "id": letter,
                    "n": record.number,
                    "draft": record.draft,
                    "record": json.dumps(record.to_json(), sort_keys=True),
                },
            )

    def _attestations(self, connection: Connection, name: str) -> list[Attestation]:
        from sqlalchemy import text

        found = self._letter(connection, name)
        if found is None:
            return []
        rows = connection.execute(
            text("SELECT number, record FROM attestations WHERE letter_id = :id ORDER BY number"),
            {"id": found[0]},
        )
        out = []
        for number, record in rows:
            try:
                fields = json.loads(record)
            except (ValueError, RecursionError):
                fields = None
            out.append(attested.from_json(fields, int(number), f"{name}: sign-off {number}"))
        return out

    def _signed_off_check(self, connection: Connection, name: str, checked: HistoryCheck) -> HistoryCheck:
        """The history check with the sign-offs' own: each record's hash, link and draft."""
        try:
            records = self._attestations(connection, name)
        except HistoryError as error:
            return dataclasses.replace(checked, problems=(*checked.problems, str(error)))
        numbers = [r.number for r in records]
        missing = [
            f"{name}: sign-off {n} is missing from the database (deleted?)"
            for n in range(1, max(numbers, default=0) + 1)
            if n not in numbers
        ]
        found = attested.check_records(records, checked.drafts, name)
        return dataclasses.replace(checked, problems=(*checked.problems, *missing, *found))
