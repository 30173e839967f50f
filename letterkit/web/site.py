"""What the server knows: the folder's workspace, its token, its hosts, and which names are letters."""

from __future__ import annotations

import os
import re
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path

from letterkit.workspace import Workspace

MAX_BODY = 1024 * 1024
"""The largest request body accepted: the letter file limit."""

RENDER_TIMEOUT = 30.0
"""Seconds a PDF may take before the request is answered with an error."""

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._-]{0,150}\.(yaml|yml|json)$")
_REV = re.compile(r"^(latest|[0-9]{1,6}|[0-9a-f]{4,64})$")

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")

HISTORY_SUFFIX = ".drafts"
"""A letter's draft history is the folder beside it named NAME.drafts (letterkit.store's layout)."""


class NameError_(ValueError):
    """A name that is not a letter file directly inside the folder."""


@dataclass
class Site:
    """The folder being served (as one workspace) and what every route shares."""

    folder: Path
    token: str
    host: str = "127.0.0.1"
    port: int = 8000
    workspace: Workspace = field(default=None)  # type: ignore[assignment]
    names: tuple[str, ...] = ()
    """More host names the server is reached by (a service behind a proxy: letters.example.org)."""

    def __post_init__(self) -> None:
        if self.workspace is None:
            self.workspace = Workspace(self.folder)

    @property
    def allowed_hosts(self) -> frozenset[str]:
        """Host names a request may be addressed to (anything else may be DNS rebinding)."""
        return frozenset({self.host.strip("[]").lower(), *LOCAL_HOSTS, *(n.lower() for n in self.names)})

    def name(self, name: str) -> str:
        """``name`` when it is a letter directly in the folder; ``NameError_`` for anything else."""
        if not _NAME.fullmatch(name) or ".." in name:
            raise NameError_(
                f"{name!r} is not a letter's name: a letter is a .yaml, .yml or .json file in this folder"
            )
        folder = self.folder.resolve()
        path = folder / name
        if path.is_symlink() or path.resolve().parent != folder:
            raise NameError_(f"{name!r} is not a letter in this folder")
        if (folder / (name + HISTORY_SUFFIX)).is_symlink():
            raise NameError_(
                f"{name!r}: its draft history is a link to another place, which the server does not follow"
            )
        return name

    def spec(self, name: str, rev: str | None) -> str:
        """``NAME`` or ``NAME@REV`` for the workspace, the revision checked."""
        name = self.name(name)
        if rev in (None, ""):
            return name
        if not _REV.fullmatch(str(rev)):
            raise NameError_(f"{rev!r} is not a draft: give its number, 'latest' or its hash")
        return f"{name}@{rev}"

    def relative(self, text: str) -> str:
        """``text`` with the folder's own path taken out, so that only letters' names show."""
        return (
            text.replace(str(self.folder.resolve()) + os.sep, "")
            .replace(str(self.folder.absolute()) + os.sep, "")
            .replace(str(self.folder) + os.sep, "")
        )


@dataclass(frozen=True)
class Visitor:
    """Who is using a service's pages (``letterkit serve --database``): a member of staff
    signed in, or a patient through a link to one letter."""

    name: str
    """The account's sign-in name ('' for a patient)."""
    role: str
    """therapist, trainee, supervisor, admin, or patient."""
    shown: str
    letter: str | None = None
    """A patient link's one letter."""

    @property
    def patient(self) -> bool:
        return self.role == "patient"


VISITOR: ContextVar[Visitor | None] = ContextVar("letterkit_visitor", default=None)
"""The request's visitor, set by the service's gate (None when serving a folder)."""


def visitor() -> Visitor | None:
    """Who the current request is from, on a service (None when serving a folder)."""
    return VISITOR.get()
