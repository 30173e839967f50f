"""Patient links: a time-limited address (``/p/TOKEN``) that shows a patient one letter, to
read and suggest changes to, and nothing else. Only the token's SHA-256 is kept; the database
itself checks a link's expiry and whether it was revoked (``letterkit_link_letter()``), so a
revoked link stops at once, in every worker."""

from __future__ import annotations

import secrets
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from letterkit.accounts.credentials import token_hash
from letterkit.errors import AccountError, LetterNotFoundError, LinkError
from letterkit.store.scope import Acting, acting, acting_as

if TYPE_CHECKING:
    from sqlalchemy import Connection

LINK_DAYS = 14
"""How long a patient link works, unless its maker says otherwise."""
MAX_LINK_DAYS = 90
GONE = "this link has expired or was withdrawn; please ask your therapist for a new one"


@dataclass(frozen=True)
class PatientLink:
    """A link for one letter: ``ref`` (the start of its token's hash) names it in the audit log."""

    id: int
    letter: str
    ref: str
    expires: datetime
    revoked: datetime | None
    created_by: str
    created: datetime

    @property
    def live(self) -> bool:
        return self.revoked is None and self.expires > datetime.now(UTC)


@dataclass(frozen=True)
class NewLink:
    """A link just made: its token is shown this once (only its hash is kept)."""

    link: PatientLink
    token: str

    @property
    def path(self) -> str:
        return f"/p/{self.token}"


def link_label(hashed: str) -> str:
    """Who a patient link is in the audit log."""
    return f"patient link {hashed[:8]}"


_COLUMNS = (
    "p.id, l.name AS letter, p.token_hash, p.expires, p.revoked, p.created_by, p.created "
    "FROM patient_links p JOIN letters l ON l.id = p.letter_id"
)


class Links:
    """Mixed into ``Accounts``, which gives ``_begin``."""

    if TYPE_CHECKING:

        def _begin(self) -> AbstractContextManager[Connection]: ...

    def make_link(self, letter: str, *, days: float = LINK_DAYS) -> NewLink:
        """A new link to ``letter`` for its patient, working for ``days`` days; made by the
        member of staff acting (``acting_as``), who must be able to see the letter."""
        from sqlalchemy import text

        who = acting()
        if who is None or who.account is None:
            raise AccountError("a patient link is made by a member of staff, signed in")
        if not 0 < days <= MAX_LINK_DAYS:
            raise AccountError(f"a patient link works for at most {MAX_LINK_DAYS} days")
        token = secrets.token_urlsafe(32)
        with self._begin() as connection:
            made = connection.execute(
                text(
                    "INSERT INTO patient_links (token_hash, letter_id, expires, created_by) "
                    "SELECT :h, id, now() + make_interval(secs => :secs), :by FROM letters WHERE name = :name "
                    "RETURNING id"
                ),
                {"h": token_hash(token), "secs": days * 86400, "by": who.account, "name": letter},
            ).scalar()
            if made is None:
                raise LetterNotFoundError(letter, "no such letter in the database — check the name")
            link = _link(connection.execute(text(f"SELECT {_COLUMNS} WHERE p.id = :id"), {"id": made}).one())
        return NewLink(link, token)

    def links(self, letter: str) -> list[PatientLink]:
        """The links made for ``letter``, newest first (live or not)."""
        from sqlalchemy import text

        with self._begin() as connection:
            rows = connection.execute(
                text(f"SELECT {_COLUMNS} WHERE l.name = :name ORDER BY p.id DESC"), {"name": letter}
            )
            return [_link(row) for row in rows]

    def revoke_link(self, link_id: int) -> PatientLink:
        """Withdraw a link: it stops working at once."""
        from sqlalchemy import text

        with self._begin() as connection:
            connection.execute(
                text("UPDATE patient_links SET revoked = now() WHERE id = :id AND revoked IS NULL"),
                {"id": link_id},
            )
            row = connection.execute(text(f"SELECT {_COLUMNS} WHERE p.id = :id"), {"id": link_id}).first()
        if row is None:
            raise LinkError(f"there is no patient link {link_id} among your letters")
        return _link(row)

    def as_link(self, token: str, *, ip: str = "") -> AbstractContextManager[Acting]:
        """Act for the patient link ``token`` inside the ``with`` block (its one letter only)."""
        hashed = token_hash(token)
        return acting_as(link=hashed, ip=ip, label=link_label(hashed))

    def link_letter(self, token: str) -> str:
        """The letter a live link's token opens; LinkError if none (expired, revoked, unknown).

        Asked as the link itself: the database shows the letter only while the link is live."""
        from sqlalchemy import text

        if not token or len(token) > 200:
            raise LinkError(GONE)
        with self._begin() as connection:
            connection.execute(
                text("SELECT set_config('letterkit.link', :h, true)"), {"h": token_hash(token)}
            )
            name = connection.execute(
                text("SELECT name FROM letters WHERE id = letterkit_link_letter()")
            ).scalar()
        if name is None:
            raise LinkError(GONE)
        return str(name)


def _link(row: Any) -> PatientLink:
    return PatientLink(
        int(row.id),
        str(row.letter),
        str(row.token_hash)[:8],
        row.expires,
        row.revoked,
        str(row.created_by),
        row.created,
    )
