"""The PostgreSQL store: letters, their drafts and work in progress in one database, for a service.

Three tables (``letterkit/store/migrations`` makes them): ``letters`` (one row per name, with
its history's head), ``versions`` (append-only: each saved draft's record, exactly the JSON the
files store writes as ``NNNN.json``, and the letter's bytes) and ``work`` (the letter as it is
now, with a version tag). The records are hash-chained and, in a history kept with a key,
signed, exactly as in the files store, so ``verify`` checks a database history the same way
and a history moves between the two stores unchanged (``import_folder``).

SQLAlchemy, psycopg and Alembic (``pip install 'letterkit[postgres]'``) are imported only
when a ``PostgresStore`` is made: the files store, the default, never loads them.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from letterkit.drafts import head as heads
from letterkit.drafts import records
from letterkit.drafts import store as history
from letterkit.drafts.store import Draft, Head, HistoryCheck, Revision, SaveResult
from letterkit.errors import (
    DatabaseError,
    HistoryError,
    LetterFileError,
    LetterNotFoundError,
    OutputError,
    UnknownRoleError,
)
from letterkit.extras import require
from letterkit.model.editing import version as version_tag
from letterkit.model.fields import ROLES
from letterkit.model.loading import decode, load_text
from letterkit.store.files import FileStore
from letterkit.store.postgres_more import KeptAndDecided, NameLock
from letterkit.store.postgres_records import (
    check_rows,
    draft_from,
    head_from,
    head_problems,
    head_text,
    new_head,
    tables,
)
from letterkit.store.postgres_signed import SignedOff
from letterkit.store.scope import APP_ROLE, act_in_transaction, audit

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).with_name("migrations")
URL_EXAMPLE = "postgresql://letterkit@localhost/letters"
MAX_NAME = 255


@dataclass(frozen=True)
class Upgraded:
    """What ``upgrade`` did: the schema's revision before (None: no tables yet) and after."""

    before: str | None
    after: str | None


@dataclass(frozen=True)
class ImportedLetter:
    """One letter brought in by ``import_folder``: its name and how many drafts came with it."""

    name: str
    drafts: int
    notices: tuple[str, ...] = ()


class PostgresStore(KeptAndDecided, SignedOff):
    """Letters in a PostgreSQL database (``postgresql://USER@HOST/DATABASE``; the psycopg 3
    driver is used). Names are keys such as ``peter.yaml``. Make the tables first with
    ``upgrade`` (``letterkit db upgrade``)."""

    def __init__(self, url: str, *, scoped: bool = False) -> None:
        require("postgres")
        from sqlalchemy import create_engine, event
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError

        try:
            parsed = make_url(url)
        except ArgumentError:
            raise DatabaseError(
                f"the database URL is not one letterkit can read; give one such as {URL_EXAMPLE}"
            ) from None
        if parsed.drivername in ("postgresql", "postgres"):
            parsed = parsed.set(drivername="postgresql+psycopg")
        if parsed.drivername != "postgresql+psycopg":
            raise DatabaseError(
                f"{parsed.render_as_string(hide_password=True)}: letterkit keeps letters in PostgreSQL "
                f"only; give a URL such as {URL_EXAMPLE}"
            )
        self.url = parsed
        # A service's worker answers up to 40 requests at once (its thread pool), a save holding
        # two connections (its lock's and its transaction's).
        pool = {"pool_size": 10, "max_overflow": 30} if scoped else {}
        self.engine: Engine = create_engine(parsed, pool_pre_ping=True, **pool)
        self.scoped = scoped
        """Each transaction acts as ``letterkit_app`` for whoever ``acting_as`` names (row-level
        security then shows only their letters; no one named, nothing shown)."""
        if scoped:
            event.listen(self.engine, "begin", act_in_transaction)
        self._locks: dict[str, NameLock] = {}
        self._guard = threading.Lock()

    def __repr__(self) -> str:
        return f"PostgresStore({self.shown!r}{', scoped=True' if self.scoped else ''})"

    def close(self) -> None:
        """Close the store's connections (it opens new ones if used again)."""
        self.engine.dispose()

    def __enter__(self) -> PostgresStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def shown(self) -> str:
        """The database's URL without its password, for messages."""
        return self.url.render_as_string(hide_password=True)

    # ----------------------------------------------------------------- errors

    @contextlib.contextmanager
    def errors(self) -> Iterator[None]:
        """Turn the database's errors into a ``DatabaseError`` that says what to do."""
        from sqlalchemy import exc

        try:
            yield
        except exc.DBAPIError as error:
            code = getattr(error.orig, "sqlstate", None)
            detail = _first_line(error.orig) if error.orig is not None else _first_line(error)
            if code == "42P01" or f'role "{APP_ROLE}" does not exist' in detail:  # not upgraded yet
                raise DatabaseError(
                    f"{self.shown}: the database has no letterkit tables yet; make them with an upgrade"
                ) from None
            if code == "42501":  # insufficient_privilege
                raise DatabaseError(f"{self.shown}: the database refused: {detail}") from None
            if isinstance(error, exc.OperationalError) or code is None or code.startswith("08"):
                raise DatabaseError(
                    f"{self.shown}: cannot reach the database ({detail}); check that PostgreSQL is "
                    "running and that the URL is right"
                ) from None
            raise DatabaseError(f"{self.shown}: the database refused: {detail}") from None
        except exc.SQLAlchemyError as error:
            raise DatabaseError(f"{self.shown}: {_first_line(error)}") from None

    # ----------------------------------------------------------------- the schema

    def upgrade(self) -> Upgraded:
        """Make or bring up to date letterkit's tables, trigger and app role (Alembic)."""
        from alembic import command
        from alembic.config import Config
        from alembic.runtime.migration import MigrationContext

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        with self.errors(), self.engine.begin() as connection:
            before = MigrationContext.configure(connection).get_current_revision()
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
            after = MigrationContext.configure(connection).get_current_revision()
        return Upgraded(before, after)

    # ----------------------------------------------------------------- the protocol

    def exists(self, name: str) -> bool:
        with self.errors(), self.engine.connect() as connection:
            return self._work(connection, _checked(name)) is not None

    def read(self, name: str) -> bytes:
        with self.errors(), self.engine.connect() as connection:
            content = self._work(connection, _checked(name))
        if content is None:
            raise LetterNotFoundError(name, "no such letter in the database — check the name")
        return content

    def write(self, name: str, content: bytes, *, create: bool = False) -> None:
        from sqlalchemy.dialects.postgresql import insert

        t = tables()
        with self.errors(), self.engine.begin() as connection:
            letter, head = self._made(connection, _checked(name))
            tag = version_tag(content, head.hash if head else None)
            statement = insert(t.work).values(letter_id=letter, content=content, version=tag)
            if create:
                added = connection.execute(
                    statement.on_conflict_do_nothing().returning(t.work.c.letter_id)
                ).first()
                if added is None:
                    raise OutputError(f"{name}: already exists and must not be replaced")
            else:
                connection.execute(
                    statement.on_conflict_do_update(
                        index_elements=[t.work.c.letter_id],
                        set_={"content": content, "version": tag, "updated": _now_sql()},
                    )
                )

    def lock(self, name: str) -> AbstractContextManager[object]:
        with self._guard:
            return self._locks.setdefault(name, NameLock(self, name))

    def drafts(self, name: str) -> list[Draft]:
        with self.errors(), self.engine.connect() as connection:
            return [draft for draft, _ in self._records(connection, name)]

    def draft_content(self, name: str, draft: Draft) -> bytes:
        from sqlalchemy import select

        t = tables()
        with self.errors(), self.engine.connect() as connection:
            found = self._letter(connection, name)
            content = None
            if found is not None:
                content = connection.execute(
                    select(t.versions.c.content).where(
                        t.versions.c.letter_id == found[0], t.versions.c.number == draft.number
                    )
                ).scalar()
        if content is None:
            raise HistoryError(
                f"{name}: draft {draft.number} is missing from the database (deleted?); restore it "
                "from a backup of the database"
            )
        content = bytes(content)
        if records._record_hash(draft.to_json()) != draft.hash:
            raise HistoryError(
                f"{name}: draft {draft.number}'s record was changed after it was saved (its hash does "
                "not match), so the draft cannot be trusted; restore it from a backup of the database"
            )
        if hashlib.sha256(content).hexdigest() != draft.content_sha256:
            raise HistoryError(
                f"{name}: draft {draft.number} was changed after it was saved (it no longer matches its "
                "record), so it cannot be trusted; restore it from a backup of the database"
            )
        if draft.mac is None:
            head = found[1] if found else None
            if head is not None and head.keyed_from is not None and draft.number >= head.keyed_from:
                raise HistoryError(
                    f"{name}: draft {draft.number}'s record has no key signature, though the history is "
                    f"kept with a key from draft {head.keyed_from}: it was rewritten without the key, so "
                    "it cannot be trusted; restore it from a backup"
                )
        else:
            key = records._history_key()
            if key is not None and records._key_id(key) == draft.key_id and not heads._mac_ok(key, draft):
                raise HistoryError(
                    f"{name}: draft {draft.number}'s record was rewritten without the history key (its key "
                    "signature does not match), so it cannot be trusted; restore it from a backup"
                )
        return content

    def append_draft(
        self, name: str, role: str, person: str = "", note: str = "", *, keyed: bool = False
    ) -> SaveResult:
        from sqlalchemy import exc

        if role not in ROLES:
            raise UnknownRoleError(str(role), ROLES)
        try:
            with self.errors(), self.engine.begin() as connection:
                return self._append(connection, _checked(name), role, person, note, keyed)
        except DatabaseError:
            raise
        except exc.IntegrityError:  # pragma: no cover - the row lock keeps saves apart
            raise HistoryError(f"{name}: another save is in progress; try again in a moment") from None

    def check(self, name: str) -> HistoryCheck:
        with self.errors(), self.engine.connect() as connection:
            return self._signed_off_check(connection, name, self._check(connection, name))

    def resolve(self, spec: str) -> Revision:
        return history.resolve_in(spec, self.exists, self.drafts)

    def names(self) -> list[str]:
        from sqlalchemy import select

        t = tables()
        with self.errors(), self.engine.connect() as connection:
            rows = connection.execute(
                select(t.letters.c.name).join(t.work, t.work.c.letter_id == t.letters.c.id)
            ).scalars()
            return sorted(rows)

    # ----------------------------------------------------------------- bringing letters in

    def import_folder(
        self, folder: str | os.PathLike[str], *, owner: str | None = None
    ) -> list[ImportedLetter]:
        """Bring in every letter of a folder with its whole draft history, in one transaction
        (``owner``: the account the letters belong to, in a service's database). Letters in
        the folder's archive stay in the archive; the decisions on suggestions and the sign-offs
        come along as they were kept.

        Each history is verified first (a damaged one is refused and nothing is imported), and
        again in the database before the transaction commits; a letter already in the database
        is refused.
        """
        from sqlalchemy import text

        files = FileStore(folder)
        if files.root is None or not files.root.is_dir():
            raise LetterNotFoundError(os.fspath(folder), "no such folder — check the name")
        found: list[tuple[str, bytes, list[tuple[Draft, bytes]], Head | None, tuple[str, ...]]] = []
        signed = {name: files.attestations(name) for name in files.names()}
        decided = {name: files.decisions(name) for name in files.names()}
        put_away = set(files.archived())
        for name in files.names():
            saved = files.drafts(name)
            notices: tuple[str, ...] = ()
            if saved or history.history_dir(files.path(name)).is_dir():
                checked = files.check(name)
                if checked.problems:
                    raise HistoryError(
                        f"{name}: its history is not intact, so nothing was imported: {checked.problems[0]}"
                    )
                notices = checked.notices
            versions = [(draft, files.draft_content(name, draft)) for draft in saved]
            found.append((name, files.read(name), versions, history.read_head(files.path(name)), notices))
        imported = []
        with self.errors(), self.engine.begin() as connection:
            for name, content, versions, head, notices in found:
                self._bring_in(connection, name, content, versions, head)
                letter_id = self._made(connection, name)[0]
                self._insert_attestations(connection, letter_id, signed[name])
                self._insert_decisions(connection, letter_id, decided[name])
                if name in put_away:  # still in the archive, as it was in the folder
                    connection.execute(
                        text("INSERT INTO archived (letter_id) VALUES (:id)"), {"id": letter_id}
                    )
                if owner is not None:
                    self._give(connection, name, owner)
                whose = f", for {owner}" if owner is not None else ""
                kept = f"{len(versions)} saved draft{'' if len(versions) == 1 else 's'}"
                audit(connection, "letter imported", name, f"{kept} from {folder}{whose}")
                if versions:
                    again = self._signed_off_check(connection, name, self._check(connection, name))
                    if again.problems:
                        raise HistoryError(
                            f"{name}: its history did not verify in the database, so nothing was "
                            f"imported: {again.problems[0]}"
                        )
                    notices = again.notices
                imported.append(ImportedLetter(name, len(versions), notices))
        return imported

    def _give(self, connection: Connection, name: str, owner: str) -> None:
        from sqlalchemy import text

        if connection.execute(text("SELECT 1 FROM accounts WHERE name = :n"), {"n": owner}).first() is None:
            raise LetterNotFoundError(owner, "there is no such account; `letterkit account list` shows them")
        connection.execute(text("UPDATE letters SET owner = :o WHERE name = :n"), {"o": owner, "n": name})

    def _bring_in(
        self,
        connection: Connection,
        name: str,
        content: bytes,
        versions: list[tuple[Draft, bytes]],
        head: Head | None,
    ) -> None:
        from sqlalchemy import insert, update

        t = tables()
        if self._letter(connection, _checked(name)) is not None:
            raise OutputError(f"{name}: is in the database already, so nothing was imported")
        letter, _ = self._made(connection, name)
        for draft, saved in versions:
            connection.execute(
                insert(t.versions).values(
                    letter_id=letter,
                    number=draft.number,
                    hash=draft.hash,
                    record=records._record_text(draft),
                    content=saved,
                )
            )
        latest = versions[-1][0] if versions else None
        if head is None and latest is not None:
            head = new_head(latest, [d for d, _ in versions], None)
        if head is not None:
            connection.execute(update(t.letters).where(t.letters.c.id == letter).values(head=head_text(head)))
        tag = version_tag(content, latest.hash if latest else None)
        connection.execute(insert(t.work).values(letter_id=letter, content=content, version=tag))

    # ----------------------------------------------------------------- inside a transaction

    def _made(self, connection: Connection, name: str) -> tuple[int, Head | None]:
        """The letter's id and head, its row made first if there is none."""
        from sqlalchemy.dialects.postgresql import insert

        # Looked for first: under row-level security, even an insert that would do nothing is
        # checked against the policy (a patient link may never make a letter).
        found = self._letter(connection, name)
        if found is not None:
            return found
        connection.execute(insert(tables().letters).values(name=name).on_conflict_do_nothing())
        found = self._letter(connection, name)
        if found is None:  # another account's letter has that name (row-level security hides it)
            raise OutputError(
                f"{name}: that name is taken by another letter in the service; choose another name"
            )
        return found

    def _letter(
        self, connection: Connection, name: str, *, for_update: bool = False
    ) -> tuple[int, Head | None] | None:
        """The letter's id and head (None if there is no such letter)."""
        from sqlalchemy import select

        t = tables()
        query = select(t.letters.c.id, t.letters.c.head).where(t.letters.c.name == name)
        row = connection.execute(query.with_for_update() if for_update else query).first()
        if row is None:
            return None
        return int(row.id), head_from(name, row.head)

    def _work(self, connection: Connection, name: str) -> bytes | None:
        from sqlalchemy import select

        t = tables()
        content = connection.execute(
            select(t.work.c.content)
            .join(t.letters, t.work.c.letter_id == t.letters.c.id)
            .where(t.letters.c.name == name)
        ).scalar()
        return None if content is None else bytes(content)

    def _records(self, connection: Connection, name: str) -> list[tuple[Draft, bytes]]:
        """Every saved draft with its letter, by number; a damaged record raises HistoryError."""
        return [
            (draft_from(name, number, record), content)
            for number, record, content in self._rows(connection, name)
        ]

    def _rows(self, connection: Connection, name: str) -> list[tuple[int, str, bytes]]:
        from sqlalchemy import select

        t = tables()
        rows = connection.execute(
            select(t.versions.c.number, t.versions.c.record, t.versions.c.content)
            .join(t.letters, t.versions.c.letter_id == t.letters.c.id)
            .where(t.letters.c.name == name)
            .order_by(t.versions.c.number)
        )
        return [(int(number), str(record), bytes(content)) for number, record, content in rows]

    def _append(
        self, connection: Connection, name: str, role: str, person: str, note: str, keyed: bool
    ) -> SaveResult:
        from sqlalchemy import insert, update

        t = tables()
        found = self._letter(connection, name, for_update=True)  # one save at a time
        content = self._work(connection, name) if found else None
        if found is None or content is None:
            raise LetterNotFoundError(name, "no such letter in the database — check the name")
        letter, head = found
        parsed = load_text(decode(content, name), name, allow_placeholders=True)
        saved = [draft for draft, _ in self._records(connection, name)]
        problems = head_problems(name, head, saved)
        if problems:
            raise HistoryError(
                f"{problems[0]}. Nothing was saved: a new draft would hide it (verify lists everything "
                "that is wrong)"
            )
        latest = saved[-1] if saved else None
        digest = hashlib.sha256(content).hexdigest()
        if latest and latest.content_sha256 == digest:
            return SaveResult(
                latest, False, f"No change since draft {latest.number} ({latest.short}); nothing saved."
            )
        key = history._signing_key(Path(name), saved, head, keyed)
        keyed_from = history._keyed_from(saved, head)
        if key is not None and keyed_from is None:
            keyed_from = (latest.number if latest else 0) + 1
        status = parsed.status
        reopened = bool(latest and latest.status == "final" and status == "final")
        if reopened:
            # A final letter is never edited in place: the change starts a new draft.
            content = history._reopen(content)
            status = load_text(decode(content, name), name, allow_placeholders=True).status
            if status == "final":
                raise HistoryError(
                    f"{name}: the letter was final and has changed, so it must go back to draft, but its "
                    "status line could not be found; set status: draft and save again"
                )
            digest = hashlib.sha256(content).hexdigest()
        event = "status" if latest and latest.status != status else "save"
        fields: dict[str, Any] = {
            "number": (latest.number if latest else 0) + 1,
            "event": event,
            "status": status,
            "role": role,
            "name": person,
            "note": note,
            "time": history._now(),
            "content_sha256": digest,
            "parent": latest.hash if latest else None,
            "head": True,
        }
        if key is not None:
            fields["key_id"] = records._key_id(key)
            fields["mac"] = records._record_mac(key, fields)
        fields["hash"] = records._record_hash(fields)
        draft = Draft(**fields)
        connection.execute(
            insert(t.versions).values(
                letter_id=letter,
                number=draft.number,
                hash=draft.hash,
                record=records._record_text(draft),
                content=content,
            )
        )
        new_head = Head(draft.number, draft.hash)
        if key is not None and keyed_from is not None:
            unsigned = Head(draft.number, draft.hash, keyed_from, records._key_id(key))
            new_head = Head(
                draft.number, draft.hash, keyed_from, unsigned.key_id, heads._head_mac(key, unsigned)
            )
        connection.execute(update(t.letters).where(t.letters.c.id == letter).values(head=head_text(new_head)))
        connection.execute(
            update(t.work)
            .where(t.work.c.letter_id == letter)
            .values(content=content, version=version_tag(content, draft.hash), updated=_now_sql())
        )
        what = f"status {latest.status} → {status}" if latest and event == "status" else "saved"
        if latest and event == "status" and latest.status == "final":
            what += ": the letter was final, so this change starts a new draft (status set back to draft)"
        if key is not None and keyed_from == draft.number:
            what += f", and the history is kept with a key from now on (the key is {history.key_path()})"
        return SaveResult(draft, True, f"Draft {draft.number} ({draft.short}) {what}.")

    def _check(self, connection: Connection, name: str) -> HistoryCheck:
        """Every record's fields, hash and place in the chain, every draft's letter, the key
        signatures when the key is here, and the head: as ``check_history`` does for files."""
        rows = self._rows(connection, name)
        try:
            found = self._letter(connection, name)
        except HistoryError as error:
            return check_rows(name, rows, None, str(error))
        return check_rows(name, rows, found[1] if found else None, None)


# --------------------------------------------------------------------------- helpers


def _checked(name: str) -> str:
    """A name the database can keep: 1 to 255 characters, none of them a control character."""
    if not 0 < len(name) <= MAX_NAME or any(ord(c) < 32 or ord(c) == 127 for c in name):
        raise LetterFileError(
            name[:80], f"is not a name a letter can have (1 to {MAX_NAME} characters, no control characters)"
        )
    return name


def _first_line(error: object) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def _now_sql() -> Any:
    from sqlalchemy import func

    return func.now()
