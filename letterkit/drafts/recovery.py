"""Interrupted saves: what a save that stopped half way left, finished or set aside."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from letterkit.drafts.records import (
    _LETTER_NAME,
    _PENDING_NAME,
    Draft,
    _entries,
    _numbered,
    _read_record,
    _record_hash,
    _record_text,
    drafts,
    history_dir,
)
from letterkit.errors import HistoryError, LetterkitError
from letterkit.files import read_bytes, write_atomic
from letterkit.model.loading import decode, load_text

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Interrupted:
    """What an interrupted save left for draft ``number``, and what the next save does with it."""

    number: int
    letter: Path | None
    pending: Path | None
    completes: Draft | None
    why: str


def _valid_letter(content: bytes, label: str) -> bool:
    try:
        load_text(decode(content, label), label)
    except LetterkitError:
        return False
    return True


def _interrupted(folder: Path, names: list[str], history: list[Draft]) -> list[_Interrupted]:
    """Saves that stopped half way: a pending record, or a letter above the latest record.

    Each is completed when its letter is whole, valid and follows on from the draft before;
    otherwise it is set aside. A letter below the latest record is damage, not an interruption.
    """
    recorded = {d.number for d in history}
    top = max(recorded, default=0)
    pending = _numbered(names, _PENDING_NAME)
    letters = {n: name for n, name in _numbered(names, _LETTER_NAME).items() if n > top}
    previous = history[-1] if history else None
    found = []
    for number in sorted(set(pending) | set(letters)):
        letter = folder / letters[number] if number in letters else None
        journal = folder / pending[number] if number in pending else None
        if letter is None or number in recorded:
            found.append(_Interrupted(number, letter, journal, None, ""))
            continue
        intended, why = None, "no record of who was saving it was kept"
        if journal is not None:
            try:
                intended = _read_record(journal, number)
            except HistoryError:
                why = "the record it was about to write is damaged"
        if intended is not None:
            try:
                content = read_bytes(letter, what="saved draft")
            except OSError:
                content = b""
            follows = intended.number == (previous.number if previous else 0) + 1 and intended.parent == (
                previous.hash if previous else None
            )
            if not follows:
                why, intended = "it does not follow on from the latest draft", None
            elif _record_hash(intended.to_json()) != intended.hash:
                why, intended = "the record it was about to write is damaged", None
            elif hashlib.sha256(content).hexdigest() != intended.content_sha256:
                why, intended = "its letter was not written in full", None
            elif not _valid_letter(content, str(letter)):
                why, intended = "its letter is not a valid letter", None
        found.append(_Interrupted(number, letter, journal, intended, why))
        if intended is not None:
            previous = intended
    return found


def _set_aside(path: Path, base: str, stamp: str) -> Path:
    """Rename ``path`` to ``<base>.interrupted-<time>``, never replacing anything."""
    for attempt in range(1, 100):
        aside = path.with_name(f"{base}.interrupted-{stamp}" + (f"-{attempt}" if attempt > 1 else ""))
        try:
            os.link(path, aside)
        except FileExistsError:
            continue
        os.unlink(path)
        return aside
    raise HistoryError(f"{path}: cannot be set aside (too many earlier copies); move it out of the folder")


def _discard(path: Path) -> None:
    try:
        path.unlink()
    except FileNotFoundError:
        pass


def recover(letter: str | os.PathLike[str]) -> list[str]:
    """Finish or set aside what interrupted saves left, and remove their temporary files.

    Call only while holding the history's lock (``save`` does). Returns one line per draft
    completed or set aside; nothing already saved is ever removed.
    """
    folder = history_dir(letter)
    names = _entries(folder)
    for name in names:
        if name.startswith(".") and name.endswith(".tmp"):
            _discard(folder / name)
            log.info("%s: removed a temporary file left by an interrupted save", folder / name)
    notices = []
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    try:
        for item in _interrupted(folder, names, drafts(letter)):
            if item.letter is None:  # nothing of the draft was written, or its record was
                if item.pending is not None:
                    _discard(item.pending)
                continue
            if item.completes is not None:
                record = folder / f"{item.number:04d}.json"
                write_atomic(record, _record_text(item.completes), replace=False)
                if item.pending is not None:
                    _discard(item.pending)
                notices.append(
                    f"{record}: a save of draft {item.number} ({item.completes.short}) had been interrupted; "
                    "it is now complete"
                )
                continue
            aside = _set_aside(item.letter, f"{item.number:04d}.yaml", stamp)
            if item.pending is not None:
                _set_aside(item.pending, f"{item.number:04d}.json", stamp)
            notices.append(
                f"{aside}: an interrupted save left draft {item.number}'s letter without a record "
                f"({item.why}), so it was set aside and is not part of the history; compare it with "
                "the letter file, save again if anything is missing, then delete it"
            )
    except OSError as error:
        raise HistoryError(
            f"{folder}: an interrupted save could not be repaired ({error.strerror or error}); "
            "check that the folder can be written to"
        ) from None
    return notices
