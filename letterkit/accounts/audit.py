"""The audit log: who read, changed, rendered, downloaded, signed off or opened (a patient link)
which letter, when and from where. Append-only: the database refuses to change or remove an
entry (a trigger, and no UPDATE, DELETE or TRUNCATE grant for the app's role); only an admin
reads it through the service."""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from letterkit.store import scope

if TYPE_CHECKING:
    from sqlalchemy import Connection

ACTIONS = ("read", "write", "render", "download", "sign-off", "link", "sign-in", "sign-out", "admin")
"""What an entry says was done."""
MAX_DETAIL = scope.MAX_DETAIL


@dataclass(frozen=True)
class AuditEntry:
    """One thing done: ``who`` (an account, or a patient link), ``action`` (one of ``ACTIONS``),
    the letter (if any), ``ip`` (where from) and ``detail`` (the request, say)."""

    id: int
    at: datetime
    who: str
    action: str
    letter: str | None
    ip: str
    detail: str

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "at": self.at.isoformat(),
            "who": self.who,
            "action": self.action,
            "letter": self.letter,
            "ip": self.ip,
            "detail": self.detail,
        }


class AuditLog:
    """Mixed into ``Accounts``, which gives ``_begin``."""

    if TYPE_CHECKING:

        def _begin(self) -> AbstractContextManager[Connection]: ...

    def record(
        self,
        action: str,
        letter: str | None = None,
        detail: str = "",
        *,
        who: str | None = None,
        ip: str | None = None,
    ) -> None:
        """Add an entry for whoever is acting (``acting_as``), or ``who`` (from ``ip``); with
        no one acting (an admin's command), the system user on this machine."""
        with self._begin() as connection:
            scope.audit(connection, action, letter, detail, who=who, ip=ip)

    def audit(self, letter: str | None = None, *, limit: int | None = None) -> list[AuditEntry]:
        """The entries, oldest first (``letter``: that letter's only; ``limit``: the latest so many)."""
        from sqlalchemy import text

        where = "WHERE letter = :letter" if letter is not None else ""
        query = f"SELECT id, at, who, action, letter, ip, detail FROM audit {where} ORDER BY id DESC"
        if limit is not None:
            query += " LIMIT :limit"
        with self._begin() as connection:
            rows = connection.execute(text(query), {"letter": letter, "limit": limit}).all()
        return [
            AuditEntry(int(r.id), r.at, str(r.who), str(r.action), r.letter, str(r.ip), str(r.detail))
            for r in reversed(rows)
        ]
