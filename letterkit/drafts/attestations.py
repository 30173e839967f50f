"""Sign-offs: a supervisor attests one saved draft of a letter (by its number and hash).

Kept beside the drafts, in a folder of their own (``peter.yaml.drafts/attestations/``), so that
histories written before sign-offs existed are read exactly as they were: a history with no
sign-off has no such folder, and no draft or record changes when one is signed off.

    peter.yaml.drafts/attestations/
        FORMAT.txt          this text
        0001.json           sign-off 1 (see below)
        0002.json
        .lock               taken while a sign-off is being added

A sign-off is JSON with sorted keys: ``number``; ``draft`` and ``draft_hash`` (the draft signed
off and its record's ``hash``); ``supervisor`` (who signed it off: a name or an account);
``note``; ``time`` (UTC, ISO 8601); ``parent`` (the previous sign-off's ``hash``, null for the
first) and ``hash``: the SHA-256 of the other fields as compact sorted JSON. Files are created
once and never rewritten; changing one byte breaks the chain, and ``letterkit draft verify``
names the file. A sign-off holds while every later draft differs from the draft signed off only
by its status; an edit saved after it voids it (the record stays, shown as void).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from letterkit.drafts import record_files
from letterkit.drafts.records import Draft, history_dir
from letterkit.errors import HistoryError

__all__ = [
    "ATTESTATIONS_DIR",
    "Attestation",
    "append",
    "chain",
    "check",
    "check_records",
    "read",
    "require_draft",
]

ATTESTATIONS_DIR = "attestations"
"""The folder inside a history that keeps its sign-offs."""
_HEX64 = re.compile(r"[0-9a-f]{64}")
FORMAT_TEXT = __doc__ or ""


@dataclass(frozen=True)
class Attestation:
    """One sign-off of one saved draft (the fields of the record, see the module)."""

    number: int
    draft: int
    draft_hash: str
    supervisor: str
    note: str
    time: str
    parent: str | None
    hash: str

    @property
    def date(self) -> dt.date:
        return dt.datetime.fromisoformat(self.time).date()

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


FIELDS = tuple(f.name for f in dataclasses.fields(Attestation))


def _hash(fields: Mapping[str, Any]) -> str:
    body = {k: v for k, v in fields.items() if k != "hash"}
    return hashlib.sha256(json.dumps(body, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def chain(previous: Sequence[Attestation], fields: Mapping[str, Any]) -> Attestation:
    """A new sign-off (``draft``, ``draft_hash``, ``supervisor``, ``note`` and, if given,
    ``time``) as the record that follows on from ``previous``: numbered, linked and hashed.
    A database store uses it too."""
    unknown = set(fields) - {"draft", "draft_hash", "supervisor", "note", "time"}
    if unknown:
        raise HistoryError(f"a sign-off has no field {sorted(unknown)[0]!r}")
    draft, draft_hash = fields.get("draft"), fields.get("draft_hash")
    if not isinstance(draft, int) or isinstance(draft, bool) or draft < 1:
        raise HistoryError(f"a sign-off names a saved draft by its number, not {draft!r}")
    if not isinstance(draft_hash, str) or not _HEX64.fullmatch(draft_hash):
        raise HistoryError("a sign-off names the draft's hash (64 hexadecimal digits)")
    supervisor = str(fields.get("supervisor", "")).strip()
    if not supervisor:
        raise HistoryError("a sign-off needs the supervisor's name")
    time = str(fields.get("time") or _now())
    try:
        dt.datetime.fromisoformat(time)
    except ValueError:
        raise HistoryError(f"{time!r} is not a date and time such as 2026-05-04T10:30:00+00:00") from None
    record: dict[str, Any] = {
        "number": previous[-1].number + 1 if previous else 1,
        "draft": draft,
        "draft_hash": draft_hash,
        "supervisor": supervisor,
        "note": str(fields.get("note", "")),
        "time": time,
        "parent": previous[-1].hash if previous else None,
    }
    record["hash"] = _hash(record)
    return Attestation(**record)


def require_draft(name: str, made: Attestation, drafts: Sequence[Draft]) -> None:
    """Refuse a sign-off naming a draft that is not saved, or not with the hash it names."""
    signed = next((d for d in drafts if d.number == made.draft), None)
    if signed is None or signed.hash != made.draft_hash:
        raise HistoryError(
            f"{name}: draft {made.draft} is not saved as it was named, so it cannot be signed off"
        )


def from_json(fields: object, number: int, where: str) -> Attestation:
    """A sign-off's record as read (JSON), checked for its fields; HistoryError if damaged."""
    if not isinstance(fields, dict) or sorted(fields) != sorted(FIELDS) or fields.get("number") != number:
        raise HistoryError(f"{where}: this sign-off is damaged; restore it from a backup")
    return Attestation(**fields)


def check_records(records: Sequence[Attestation], drafts: Sequence[Draft], where: str) -> list[str]:
    """What is wrong with a letter's sign-offs, in order: an edited or unlinked record, or one
    naming a draft whose hash is not the one signed off. ``where`` names each (a folder)."""
    problems: list[str] = []
    by_number = {d.number: d for d in drafts}
    previous: Attestation | None = None
    for record in records:
        label = f"{where}: sign-off {record.number}"
        if _hash(record.to_json()) != record.hash:
            problems.append(f"{label} was edited (its hash does not match)")
        elif previous is not None and record.parent != previous.hash:
            problems.append(f"{label} does not follow on from sign-off {previous.number}")
        elif previous is None and record.parent is not None:
            problems.append(f"{label} is the first, yet has a parent (an earlier one was removed?)")
        signed = by_number.get(record.draft)
        if signed is None:
            problems.append(f"{label} names draft {record.draft}, which is not in the history")
        elif signed.hash != record.draft_hash:
            problems.append(f"{label} names draft {record.draft}, but that draft is not the one signed off")
        previous = record
    return problems


# --------------------------------------------------------------------------- the files store


def folder_of(letter: str | os.PathLike[str]) -> Path:
    return history_dir(letter) / ATTESTATIONS_DIR


def read(letter: str | os.PathLike[str]) -> list[Attestation]:
    """Every sign-off of a letter's drafts, oldest first (none if it has none)."""
    return record_files.read_all(folder_of(letter), _read_one)


def _read_one(path: Path, number: int) -> Attestation:
    return from_json(record_files.read_json(path, "sign-off"), number, str(path))


def append(letter: str | os.PathLike[str], fields: Mapping[str, Any], drafts: Sequence[Draft]) -> Attestation:
    """Add a sign-off of one of ``drafts`` to a letter's history (under its own lock); returns
    the record written."""
    busy = "a sign-off is being saved elsewhere; try again in a moment"
    with record_files.adding(folder_of(letter), FORMAT_TEXT, busy) as folder:
        record = chain(read(letter), fields)
        require_draft(os.fspath(letter), record, drafts)
        record_files.write(folder, record.number, record.to_json())
        return record


def check(letter: str | os.PathLike[str], drafts: Sequence[Draft]) -> list[str]:
    """What is wrong with a letter's sign-offs: a damaged, edited, missing or unlinked record,
    a stray file, or one naming a draft that is not the one signed off."""
    folder = folder_of(letter)
    if not folder.is_dir():
        return []
    problems: list[str] = []
    readable: list[Attestation] = []
    expected = 1
    for name, number in record_files.listing(folder):
        if number is None:
            if name not in record_files.KEPT_BESIDE:
                problems.append(
                    f"{folder / name}: is not one of the sign-offs' files; move it out of this folder"
                )
            continue
        if number != expected:
            problems.append(f"{folder}: sign-off {expected} is missing (deleted or moved?)")
        expected = number + 1
        try:
            readable.append(_read_one(folder / name, number))
        except HistoryError as error:
            problems.append(str(error))
    return problems + check_records(readable, drafts, str(folder))
