"""The PostgreSQL store's tables and its history checks, which need no database connection:
the records are the files store's, so they are read, chained, signed and checked the same way
(``letterkit.drafts``), with messages naming the letter rather than a folder."""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from letterkit.drafts import head as heads
from letterkit.drafts import records
from letterkit.drafts import store as history
from letterkit.drafts.store import Draft, Head, HistoryCheck
from letterkit.errors import HistoryError

if TYPE_CHECKING:
    from sqlalchemy import Table


@dataclass(frozen=True)
class Tables:
    letters: Table
    versions: Table
    work: Table


@functools.cache
def tables() -> Tables:
    """The three tables, as SQLAlchemy Core sees them (the migrations make them)."""
    from sqlalchemy import BigInteger, Column, DateTime, Integer, LargeBinary, MetaData, Table, Text

    meta = MetaData()
    return Tables(
        Table(
            "letters",
            meta,
            Column("id", BigInteger, primary_key=True),
            Column("name", Text),
            Column("head", Text),
        ),
        Table(
            "versions",
            meta,
            Column("letter_id", BigInteger, primary_key=True),
            Column("number", Integer, primary_key=True),
            Column("hash", Text),
            Column("record", Text),
            Column("content", LargeBinary),
        ),
        Table(
            "work",
            meta,
            Column("letter_id", BigInteger, primary_key=True),
            Column("content", LargeBinary),
            Column("version", Text),
            Column("updated", DateTime(timezone=True)),
        ),
    )


def new_head(latest: Draft, saved: list[Draft], head: Head | None) -> Head | None:
    """The head naming ``latest``, signed when the history is kept with a key (None when it
    is and the key is not here: it gets its head at its next save, as in the files store)."""
    keyed_from = history._keyed_from(saved, head)
    if keyed_from is None:
        return Head(latest.number, latest.hash)
    key = records._history_key()
    if key is None or records._key_id(key) != latest.key_id:
        return None
    unsigned = Head(latest.number, latest.hash, keyed_from, records._key_id(key))
    return Head(unsigned.number, unsigned.hash, keyed_from, unsigned.key_id, heads._head_mac(key, unsigned))


def head_problems(name: str, head: Head | None, saved: list[Draft]) -> list[str]:
    """What the head says is wrong before a save (as the files store checks it)."""
    problems, _ = head_check(name, head, {d.number: d for d in saved}, records._history_key())
    keyed_from = history._keyed_from(saved, head)
    if keyed_from is not None:
        unsigned = [d.number for d in saved if d.number >= keyed_from and d.mac is None]
        if unsigned:
            problems.append(
                f"{name}: draft {unsigned[0]} has no key signature, though the history is kept with a "
                f"key from draft {keyed_from}: it was rewritten without the key"
            )
    return problems


def check_rows(
    name: str, rows: list[tuple[int, str, bytes]], head: Head | None, head_error: str | None
) -> HistoryCheck:
    """Every record's fields, hash and place in the chain, every draft's letter, the key
    signatures when the key is here, and the head (``head_error``: why it could not be read):
    as ``check_history`` does for files."""
    if not rows:
        return HistoryCheck((), (f"{name}: has no saved drafts",), (), "no")
    problems: list[str] = []
    notices: list[str] = []
    readable: dict[int, tuple[Draft, bytes]] = {}
    for number, record, content in rows:
        try:
            readable[number] = (draft_from(name, number, record), content)
        except HistoryError as error:
            problems.append(str(error))
    top = max(number for number, _, _ in rows)
    present = {number for number, _, _ in rows}
    for number in range(1, top + 1):
        if number not in present:
            problems.append(
                f"{name}: draft {number} is missing from the database (deleted?); restore it from a backup"
            )
    key = records._history_key()
    if head_error is not None:
        problems.append(head_error)
    else:
        found_problems, noted = head_check(name, head, {n: d for n, (d, _) in readable.items()}, key)
        problems += found_problems
        notices += noted
    keyed_from: int | None = None
    key_ids: set[str] = set()
    previous: Draft | None = None
    for number, (draft, content) in sorted(readable.items()):
        label = f"{name}: draft {number}"
        if records._record_hash(draft.to_json()) != draft.hash:
            problems.append(f"{label}: the record was edited (its hash does not match)")
        if number == 1 and draft.parent is not None:
            problems.append(f"{label}: the chain is broken (the first draft has a parent)")
        elif (
            number > 1
            and previous is not None
            and previous.number == number - 1
            and draft.parent != previous.hash
        ):
            problems.append(f"{label}: the chain is broken (it does not follow on from draft {number - 1})")
        if hashlib.sha256(content).hexdigest() != draft.content_sha256:
            problems.append(f"{label}: the letter was changed after it was saved")
        if draft.mac is None:
            if keyed_from is not None:
                problems.append(
                    f"{label}: has no key signature, though the history is kept with a key from draft "
                    f"{keyed_from}: it was added or rewritten without the key"
                )
        else:
            keyed_from = keyed_from or number
            key_ids.add(draft.key_id or "")
            if key is not None and draft.key_id == records._key_id(key) and not heads._mac_ok(key, draft):
                problems.append(
                    f"{label}: the record was rewritten without the history key (its key signature does not match)"
                )
        previous = draft
    if head is not None and head.keyed_from is not None:
        keyed_from = min(keyed_from or head.keyed_from, head.keyed_from)
        key_ids.add(head.key_id or "")
    keyed: Literal["no", "checked", "unchecked"] = "no"
    if keyed_from is not None:
        keyed = "checked"
        if len(key_ids) > 1:
            problems.append(
                f"{name}: the drafts are signed with different keys: some were rewritten without the history key"
            )
        if key is None:
            keyed = "unchecked"
            notices.append(
                f"{name}: this history is kept with a key (from draft {keyed_from}), and the key is not on "
                f"this computer ({history.key_path()}), so the key signatures were not checked; check it "
                "where the key is (or set LETTERKIT_CONFIG_DIR to the folder that holds it)"
            )
        elif records._key_id(key) not in key_ids:
            problems.append(
                f"{name}: the drafts are signed with a key that is not yours ({history.key_path()}): either "
                "the history was rewritten without the key, or it was kept with another key; check it "
                "with the key it was kept with"
            )
    drafts = tuple(readable[n][0] for n in sorted(readable))
    return HistoryCheck(drafts, tuple(problems), tuple(notices), keyed)


def draft_from(name: str, number: int, record: str) -> Draft:
    try:
        return records._record_from(json.loads(record), number)
    except (ValueError, RecursionError) as error:
        detail = str(error) if not isinstance(error, json.JSONDecodeError) else "it is not valid JSON"
        raise HistoryError(
            f"{name}: draft {number}'s record is damaged ({detail}); restore it from a backup of the database"
        ) from None


def head_text(head: Head) -> str:
    return json.dumps(head.fields(), indent=2, sort_keys=True) + "\n"


def head_from(name: str, text: str | None) -> Head | None:
    if text is None:
        return None
    try:
        return heads._head_from(json.loads(text))
    except (ValueError, RecursionError) as error:
        detail = str(error) if not isinstance(error, json.JSONDecodeError) else "it is not valid JSON"
        raise HistoryError(
            f"{name}: the history's head is damaged ({detail}); restore it from a backup of the database"
        ) from None


def head_check(
    name: str, head: Head | None, records: dict[int, Draft], key: bytes | None
) -> tuple[list[str], list[str]]:
    """The files store's head check, its messages naming the letter rather than a folder."""
    folder = Path(f"{name}.drafts")
    problems, notices = heads._head_check(folder, head, records, max(records, default=0), key)
    where = (f"{folder / history.HEAD_FILE}: ", f"{folder}: ")

    def named(line: str) -> str:
        for prefix in where:
            if line.startswith(prefix):
                return f"{name}: " + line.removeprefix(prefix)
        return line

    return [named(p) for p in problems], [named(n) for n in notices]
