"""Who is acting, for a store that keeps each account to its own letters (row-level security).

A service's web request runs ``with acting_as(account):`` (or ``acting_as(link=HASH)`` for a
patient link); every transaction a scoped ``PostgresStore`` begins inside it tells the database
who that is (``SET LOCAL``), and the database's policies show that account only its caseload.
Outside any ``acting_as``, a scoped store sees nothing. The value lives in a context variable,
so each request (and each thread a request hands work to) has its own.
"""

from __future__ import annotations

import contextlib
import getpass
import socket
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy import Connection

__all__ = ["APP_ROLE", "MAX_DETAIL", "Acting", "act_in_transaction", "acting", "acting_as", "audit"]

APP_ROLE = "letterkit_app"
MAX_DETAIL = 500
"""The longest detail an audit entry keeps."""
"""The role a service's login role is made a member of: it may add versions, never change one,
and row-level security keeps it to the caseload of the account it acts for."""


@dataclass(frozen=True)
class Acting:
    """Who a transaction acts for: a member of staff's account, or a patient link (the SHA-256,
    in hex, of its token)."""

    account: str | None = None
    link: str | None = None
    ip: str = ""
    """Where the request came from, for the audit log."""
    label: str = ""
    """Who this is in the audit log, when not an account ("patient, link 12")."""

    @property
    def who(self) -> str:
        """The audit log's name for whoever is acting."""
        return self.account or self.label or ("patient link" if self.link else "nobody")


_ACTING: ContextVar[Acting | None] = ContextVar("letterkit_acting", default=None)


def acting() -> Acting | None:
    """Who is acting now (None: no one, and a scoped store sees nothing)."""
    return _ACTING.get()


@contextlib.contextmanager
def acting_as(
    account: str | None = None, *, link: str | None = None, ip: str = "", label: str = ""
) -> Iterator[Acting]:
    """Act as ``account`` (or for the patient link whose token hash is ``link``) inside the
    ``with`` block."""
    who = Acting(account, link, ip, label)
    token = _ACTING.set(who)
    try:
        yield who
    finally:
        _ACTING.reset(token)


def act_in_transaction(connection: Connection) -> None:
    """At the start of each transaction of a scoped store: act as the app's role, for the
    account (or patient link) ``acting_as`` names, until the transaction ends (``SET LOCAL``)."""
    who = acting()
    connection.exec_driver_sql(
        "SELECT set_config('role', %s, true), set_config('letterkit.account', %s, true), "
        "set_config('letterkit.link', %s, true)",
        (APP_ROLE, (who.account if who else None) or "", (who.link if who else None) or ""),
    )


def audit(
    connection: Connection,
    action: str,
    letter: str | None,
    detail: str,
    *,
    who: str | None = None,
    ip: str | None = None,
) -> None:
    """Add an entry to the audit log (migration 0004), in ``connection``'s transaction: for
    whoever is acting (``acting_as``), or ``who`` (from ``ip``); with no one acting (an admin's
    command), the system user on this machine."""
    from sqlalchemy import text

    now = acting()
    connection.execute(
        text(
            "INSERT INTO audit (who, action, letter, ip, detail) VALUES (:who, :action, :letter, :ip, :detail)"
        ),
        {
            "who": who or (now.who if now else _command_line()),
            "action": action,
            "letter": letter,
            "ip": ip if ip is not None else (now.ip if now else "" if who else socket.gethostname()),
            "detail": detail[:MAX_DETAIL],
        },
    )


def _command_line() -> str:
    """Who runs a command of the service's own (``letterkit account …``): the system user."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown user"
    return f"command line ({user})"
