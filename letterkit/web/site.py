"""What the server knows: the folder it serves, its token, its hosts, and one renderer."""

from __future__ import annotations

import os
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path

from letterkit.rendering import Renderer

MAX_BODY = 1024 * 1024
"""The largest request body accepted: the letter file limit."""

RENDER_TIMEOUT = 30.0
"""Seconds a PDF may take before the request is answered with an error."""

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._-]{0,150}\.(yaml|yml|json)$")
_REV = re.compile(r"^(latest|[0-9]{1,6}|[0-9a-f]{4,64})$")

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


class NameError_(ValueError):
    """A name that is not a letter file directly inside the folder."""


@dataclass
class Site:
    """The folder being served and everything the routes share."""

    folder: Path
    token: str
    host: str = "127.0.0.1"
    port: int = 8000
    renderer: Renderer = field(default_factory=Renderer)
    _locks: dict[str, threading.Lock] = field(default_factory=dict)
    _guard: threading.Lock = field(default_factory=threading.Lock)

    @property
    def allowed_hosts(self) -> frozenset[str]:
        """Host names a request may be addressed to (anything else may be DNS rebinding)."""
        return frozenset({self.host.strip("[]").lower(), *LOCAL_HOSTS})

    def path(self, name: str) -> Path:
        """The letter file called ``name`` in the folder; ``NameError_`` for anything else."""
        if not _NAME.match(name) or ".." in name:
            raise NameError_(
                f"{name!r} is not a letter's name: a letter is a .yaml, .yml or .json file in this folder"
            )
        folder = self.folder.resolve()
        path = folder / name
        if path.is_symlink() or path.resolve().parent != folder:
            raise NameError_(f"{name!r} is not a letter in this folder")
        return path

    def spec(self, name: str, rev: str | None) -> str:
        """``FILE`` or ``FILE@REV`` for the façade, the revision checked."""
        path = str(self.path(name))
        if rev in (None, ""):
            return path
        if not _REV.match(str(rev)):
            raise NameError_(f"{rev!r} is not a draft: give its number, 'latest' or its hash")
        return f"{path}@{rev}"

    def relative(self, text: str) -> str:
        """``text`` with the folder's own path taken out, so that only letters' names show."""
        return text.replace(str(self.folder.resolve()) + os.sep, "").replace(str(self.folder) + os.sep, "")

    def lock(self, name: str) -> threading.Lock:
        """One lock per letter, so that two saves from this server never interleave."""
        with self._guard:
            return self._locks.setdefault(name, threading.Lock())

    def letters(self) -> list[Path]:
        """The letter files in the folder, by name."""
        return sorted(
            p
            for p in self.folder.iterdir()
            if p.is_file() and not p.is_symlink() and _NAME.match(p.name) and p.name != "letterkit.toml"
        )
