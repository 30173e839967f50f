"""A folder of numbered, hash-chained JSON records beside a letter's drafts (its decisions,
its sign-offs): listing them, reading one, and adding new ones under the folder's own lock.
What each record holds, and how the chain is checked, is its module's own."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from letterkit.drafts.records import LOCK_TIMEOUT, MAX_RECORD
from letterkit.errors import HistoryError
from letterkit.files import ensure_dir, read_bytes, write_atomic

_NAME = re.compile(r"(\d{4,6})\.json")
KEPT_BESIDE = ("FORMAT.txt", ".lock")
"""The files in such a folder that are no record."""


def listing(folder: Path) -> Iterator[tuple[str, int | None]]:
    """Each file's name in ``folder``, sorted, with its record's number (None: no record)."""
    for name in sorted(os.listdir(folder)):
        match = _NAME.fullmatch(name)
        yield name, int(match.group(1)) if match else None


def read_all(folder: Path, read_one: Callable[[Path, int], Any]) -> list[Any]:
    """Every record in ``folder`` (none if there is no folder), oldest first."""
    if not folder.is_dir():
        return []
    return [read_one(folder / name, number) for name, number in listing(folder) if number is not None]


def read_json(path: Path, what: str) -> Any:
    """One record's fields; ``HistoryError`` (naming ``what`` it is) if it cannot be read."""
    try:
        return json.loads(read_bytes(path, what=what, max_bytes=MAX_RECORD).decode("utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError):
        raise HistoryError(f"{path}: this {what} cannot be read; restore it from a backup") from None


@contextmanager
def adding(folder: Path, format_text: str, busy: str) -> Iterator[Path]:
    """Held while records are added to ``folder`` (made with its FORMAT.txt on first use),
    one writer at a time; ``busy`` is the message when another writer holds it too long."""
    from filelock import FileLock, Timeout

    ensure_dir(folder)
    try:
        with FileLock(str(folder / ".lock"), timeout=LOCK_TIMEOUT, mode=0o600):
            if not (folder / "FORMAT.txt").exists():
                write_atomic(folder / "FORMAT.txt", format_text)
            yield folder
    except Timeout:
        raise HistoryError(f"{folder}: {busy}") from None


def write(folder: Path, number: int, record: dict[str, Any]) -> None:
    """Write a new record (never over one there already)."""
    text = json.dumps(record, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    write_atomic(folder / f"{number:04d}.json", text, replace=False)
