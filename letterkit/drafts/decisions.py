"""Decisions on suggestions: who accepted or rejected each change a draft suggested, and when.

Kept beside the drafts, in a folder of their own (``peter.yaml.drafts/decisions/``), so that
histories written before decisions existed are read exactly as they were: a history with no
decisions has no such folder, and no draft or record changes when one is decided.

    peter.yaml.drafts/decisions/
        FORMAT.txt          this text
        0001.json           decision 1 (see below)
        0002.json
        .lock               taken while decisions are being added

A decision is JSON with sorted keys: ``number``; ``suggested`` (the draft whose changes are
suggestions) and ``suggested_hash`` (that draft's record ``hash``); ``base`` (the draft it is
compared with); ``change`` (the change's number among that draft's suggestions, from 1);
``decision`` (``accepted`` or ``rejected``); ``role`` and ``name`` (who decided); ``time``
(UTC, ISO 8601); what the change was, in the words the letter prints: ``author`` (who
suggested it), ``where`` (the section heading), ``kind`` (insert, delete, replace or move),
``old`` and ``new``; ``draft`` and ``draft_hash`` (the draft that holds the letter once
decided); ``parent`` (the previous decision's ``hash``, null for the first) and ``hash``: the
SHA-256 of the other fields as compact sorted JSON. Files are created once and never
rewritten; changing one byte breaks the chain, and ``letterkit draft verify`` names the file.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from letterkit.drafts import record_files
from letterkit.drafts.records import history_dir
from letterkit.errors import HistoryError

__all__ = [
    "DECISIONS",
    "DECISIONS_DIR",
    "Decision",
    "append",
    "check",
    "chain",
    "read",
]

DECISIONS_DIR = "decisions"
"""The folder inside a history that keeps its decisions."""
DECISIONS = ("accepted", "rejected")
FORMAT_TEXT = __doc__ or ""


@dataclass(frozen=True)
class Decision:
    """One decision on one suggested change (the fields of the record, see the module)."""

    number: int
    suggested: int
    suggested_hash: str
    base: int
    change: int
    decision: str
    role: str
    name: str
    time: str
    author: str
    where: str
    kind: str
    old: str
    new: str
    draft: int
    draft_hash: str
    parent: str | None
    hash: str

    @property
    def id(self) -> str:
        """The change's id: its draft and its number (``3-2``)."""
        return f"{self.suggested}-{self.change}"

    @property
    def date(self) -> dt.date:
        return dt.datetime.fromisoformat(self.time).date()

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


_FIELDS = tuple(f.name for f in dataclasses.fields(Decision))


def _hash(fields: Mapping[str, Any]) -> str:
    body = {k: v for k, v in fields.items() if k != "hash"}
    return hashlib.sha256(json.dumps(body, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def chain(previous: Sequence[Decision], new: Sequence[Mapping[str, Any]]) -> list[Decision]:
    """``new`` decisions (every field but ``number``, ``parent`` and ``hash``) as records that
    follow on from ``previous``: numbered, linked and hashed. A database store uses it too."""
    out: list[Decision] = []
    parent = previous[-1].hash if previous else None
    number = previous[-1].number if previous else 0
    for fields in new:
        if fields.get("decision") not in DECISIONS:
            raise HistoryError(f"a decision is accepted or rejected, not {fields.get('decision')!r}")
        number += 1
        record = {**fields, "number": number, "parent": parent, "hash": ""}
        record["hash"] = _hash(record)
        decision = Decision(**{k: record[k] for k in _FIELDS})
        out.append(decision)
        parent = decision.hash
    return out


def folder_of(letter: str | os.PathLike[str]) -> Path:
    return history_dir(letter) / DECISIONS_DIR


def read(letter: str | os.PathLike[str]) -> list[Decision]:
    """Every decision on a letter's suggestions, oldest first (none if it has none)."""
    return record_files.read_all(folder_of(letter), _read_one)


def _read_one(path: Path, number: int) -> Decision:
    fields = record_files.read_json(path, "decision")
    if not isinstance(fields, dict) or sorted(fields) != sorted(_FIELDS) or fields.get("number") != number:
        raise HistoryError(f"{path}: this decision is damaged; restore it from a backup")
    return Decision(**fields)


def append(letter: str | os.PathLike[str], new: Sequence[Mapping[str, Any]]) -> list[Decision]:
    """Add decisions to a letter's history (under its own lock); returns the records written."""
    busy = "decisions are being saved elsewhere; try again in a moment"
    with record_files.adding(folder_of(letter), FORMAT_TEXT, busy) as folder:
        records = chain(read(letter), new)
        for record in records:
            record_files.write(folder, record.number, record.to_json())
        return records


def check(letter: str | os.PathLike[str]) -> list[str]:
    """What is wrong with a letter's decisions: a damaged, edited, missing or unlinked record."""
    folder = folder_of(letter)
    if not folder.is_dir():
        return []
    problems: list[str] = []
    previous: Decision | None = None
    expected = 1
    for name, number in record_files.listing(folder):
        if number is None:
            if name not in record_files.KEPT_BESIDE:
                problems.append(
                    f"{folder / name}: is not one of the decisions' files; move it out of this folder"
                )
            continue
        try:
            record = _read_one(folder / name, number)
        except HistoryError as error:
            problems.append(str(error))
            previous, expected = None, number + 1
            continue
        if number != expected:
            problems.append(f"{folder}: decision {expected} is missing (deleted or moved?)")
        if _hash(record.to_json()) != record.hash:
            problems.append(f"{folder / name}: decision {number} was edited (its hash does not match)")
        elif previous is not None and record.parent != previous.hash:
            problems.append(
                f"{folder / name}: decision {number} does not follow on from decision {number - 1}"
            )
        elif number == 1 and record.parent is not None:
            problems.append(f"{folder / name}: the first decision has a parent")
        previous, expected = record, number + 1
    return problems
