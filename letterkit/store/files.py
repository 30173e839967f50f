"""The files store: each letter a file, its drafts in the folder beside it.

Byte-compatible with the histories earlier releases wrote (``peter.yaml.drafts/``, see
``letterkit.drafts.store``): this class only routes the protocol to those functions.
"""

from __future__ import annotations

import contextlib
import datetime
import os
import re
import threading
from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from letterkit.drafts import store as history
from letterkit.drafts.store import Draft, HistoryCheck, Revision, SaveResult
from letterkit.errors import LetterNotFoundError
from letterkit.files import write_atomic
from letterkit.model.loading import read_letter_bytes

if TYPE_CHECKING:
    from letterkit.drafts.attestations import Attestation
    from letterkit.drafts.decisions import Decision

LETTER_SUFFIXES = (".yaml", ".yml", ".json")
KEPT_SUFFIX = ".typed"
"""What was typed into a letter's pages and not saved yet is kept beside it, as NAME.typed."""
ARCHIVED_SUFFIX = ".archived"
"""A letter put away in the archive has a file NAME.archived beside it (the date it was put away)."""
MAX_KEPT = 2 * 1024 * 1024
_LETTER_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._-]{0,150}\.(yaml|yml|json)$")


class FileStore:
    """Letters as files. With ``root``, names are relative to that folder (an absolute name
    stays itself); without, names are paths as given (the command line's way)."""

    def __init__(self, root: str | os.PathLike[str] | None = None) -> None:
        self.root = Path(root).absolute() if root is not None else None
        self._locks: dict[str, threading.RLock] = {}
        self._guard = threading.Lock()

    def path(self, name: str) -> str:
        """The file a name stands for."""
        return str(self.root / name) if self.root is not None else os.fspath(name)

    def exists(self, name: str) -> bool:
        return Path(self.path(name)).exists()

    def read(self, name: str) -> bytes:
        return read_letter_bytes(self.path(name))  # bounded: no device, FIFO or huge file

    def write(self, name: str, content: bytes, *, create: bool = False) -> None:
        write_atomic(self.path(name), content, replace=not create)

    def lock(self, name: str) -> AbstractContextManager[object]:
        # In-process: the history's own file lock keeps other processes' saves apart.
        key = os.path.abspath(self.path(name))
        with self._guard:
            return self._locks.setdefault(key, threading.RLock())

    def drafts(self, name: str) -> list[Draft]:
        return history.drafts(self.path(name))

    def draft_content(self, name: str, draft: Draft) -> bytes:
        return history.draft_content(self.path(name), draft)

    def append_draft(
        self, name: str, role: str, person: str = "", note: str = "", *, keyed: bool = False
    ) -> SaveResult:
        return history.save(self.path(name), role, person, note, keyed=keyed)

    def decisions(self, name: str) -> list[Decision]:
        from letterkit.drafts import decisions as decided  # only for suggestions

        return decided.read(self.path(name))

    def append_decisions(self, name: str, new: Sequence[Mapping[str, Any]]) -> list[Decision]:
        from letterkit.drafts import decisions as decided  # only for suggestions

        return decided.append(self.path(name), new)

    def attestations(self, name: str) -> list[Attestation]:
        from letterkit.drafts import attestations as attested  # only for sign-offs

        return attested.read(self.path(name))

    def append_attestation(self, name: str, record: Mapping[str, Any]) -> Attestation:
        from letterkit.drafts import attestations as attested  # only for sign-offs

        if not self.exists(name):
            raise LetterNotFoundError(name, "no such file — check the name and folder")
        return attested.append(self.path(name), record, self.drafts(name))

    def check(self, name: str) -> HistoryCheck:
        return history.check_history(self.path(name))

    def resolve(self, spec: str) -> Revision:
        return history.resolve(self.path(spec))

    def archived(self) -> list[str]:
        return [name for name in self.names() if Path(self.path(name) + ARCHIVED_SUFFIX).is_file()]

    def archive(self, name: str, archived: bool = True) -> None:
        if not self.exists(name):
            raise LetterNotFoundError(name, "no such letter — check the name")
        marker = self.path(name) + ARCHIVED_SUFFIX
        if not archived:
            with contextlib.suppress(FileNotFoundError):
                os.remove(marker)
            return
        if not Path(marker).is_file():
            write_atomic(marker, f"{datetime.date.today().isoformat()}\n".encode(), replace=True)

    def kept(self, name: str) -> bytes | None:
        path = Path(self.path(name) + KEPT_SUFFIX)
        if path.is_symlink() or not path.is_file():
            return None
        if path.stat().st_size > MAX_KEPT:
            return None
        return path.read_bytes()

    def keep(self, name: str, content: bytes | None) -> None:
        path = self.path(name) + KEPT_SUFFIX
        if content is None:
            with contextlib.suppress(FileNotFoundError):
                os.remove(path)
            return
        write_atomic(path, content, replace=True)

    def names(self) -> list[str]:
        folder = self.root or Path.cwd()
        return sorted(
            p.name
            for p in folder.iterdir()
            if p.is_file()
            and not p.is_symlink()
            and _LETTER_NAME.match(p.name)
            and p.name != "letterkit.toml"
        )
