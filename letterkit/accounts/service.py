"""What a service keeps beside its letters: accounts, who supervises whom, and sessions.

``Accounts`` works over a ``PostgresStore`` (migration 0004 makes its tables). An admin's
commands (``letterkit account``) use the database's owner; the web service uses a scoped
store, so each of its transactions acts as ``letterkit_app`` for the one signed in.
"""

from __future__ import annotations

import contextlib
import ipaddress
import re
import secrets
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

import letterkit.store as stores
from letterkit.accounts import credentials
from letterkit.accounts.audit import AuditLog
from letterkit.accounts.links import Links
from letterkit.errors import AccountError, SignInError
from letterkit.model.fields import ACCOUNT_ROLES

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from letterkit.store.postgres import PostgresStore

ROLES = ACCOUNT_ROLES
"""The roles of staff: a trainee's letters are signed off by a supervisor assigned to them;
an admin sees every letter and the audit log."""
SESSION_HOURS = 12
"""How long a sign-in lasts."""
MAX_FAILURES = 5
"""Wrong tries in a row before an account must wait ``PAUSE_MINUTES``."""
MAX_ADDRESS_FAILURES = 20
"""Wrong tries from one address, on any accounts, within ``PAUSE_MINUTES`` before it must wait
(a team behind one address mistypes far fewer)."""
PAUSE_MINUTES = 15
_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,62}$")
WRONG = "the name, password or code is not right; try again"


@dataclass(frozen=True)
class Account:
    """A member of staff: their sign-in name, role, full name, and whom they supervise or are
    supervised by."""

    name: str
    role: str
    full_name: str = ""
    disabled: bool = False
    supervisors: tuple[str, ...] = ()
    trainees: tuple[str, ...] = ()

    @property
    def shown(self) -> str:
        """'Dr Sara Okafor (sara)', or the name alone."""
        return f"{self.full_name} ({self.name})" if self.full_name else self.name


@dataclass(frozen=True)
class NewAccount:
    """An account just made, with its sign-in code's secret, shown this once."""

    account: Account
    secret: str
    uri: str
    """The otpauth:// address an authenticator app reads."""


class Login(Protocol):
    """One way of signing in: what the sign-in form asks (``fields``: name, label, input type)
    and the check of the answers. Passwords with a code today; OIDC (NHS CIS2) can follow."""

    fields: tuple[tuple[str, str, str], ...]

    def authenticate(self, answers: Mapping[str, str], *, ip: str = "") -> Account:
        """The account the answers sign in as; SignInError if they do not."""
        ...


class Accounts(Links, AuditLog):
    """Accounts, sessions, patient links and the audit log of a service, in its database.

    ``database``: a ``PostgresStore`` (shared: the letters and these in one database) or its URL.
    """

    def __init__(self, database: PostgresStore | str, *, scoped: bool = False) -> None:
        self._own = isinstance(database, str)
        self.store = stores.PostgresStore(database, scoped=scoped) if isinstance(database, str) else database

    def __enter__(self) -> Accounts:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._own:
            self.store.close()

    @contextlib.contextmanager
    def _begin(self) -> Iterator[Connection]:
        """A transaction (acting for whoever ``acting_as`` names, on a scoped store), its
        database errors made plain (``DatabaseError``)."""
        with self.store.errors(), self.store.engine.begin() as connection:
            yield connection

    # ----------------------------------------------------------------- accounts (admin work)

    def add_account(self, name: str, role: str, password: str, full_name: str = "") -> NewAccount:
        """Make an account; its sign-in code's secret is in the answer, and nowhere else shown."""
        from sqlalchemy import text

        if not _NAME.fullmatch(name):
            raise AccountError(
                f"{name!r} cannot be an account's name: use lower-case letters, digits, dots, dashes or "
                "underscores (at most 63), starting with a letter or digit"
            )
        if role not in ROLES:
            raise AccountError(f"unknown role {role!r}: choose {', '.join(ROLES[:-1])} or {ROLES[-1]}")
        if len(password) < credentials.MIN_PASSWORD:
            raise AccountError(
                f"the password is too short: use at least {credentials.MIN_PASSWORD} characters"
            )
        secret = credentials.new_secret()
        with self._begin() as connection:
            made = connection.execute(
                text(
                    "INSERT INTO accounts (name, role, full_name, password_hash, totp_secret) "
                    "VALUES (:name, :role, :full, :hash, :secret) ON CONFLICT (name) DO NOTHING RETURNING name"
                ),
                {
                    "name": name,
                    "role": role,
                    "full": full_name,
                    "hash": credentials.hash_password(password),
                    "secret": secret,
                },
            ).first()
        if made is None:
            raise AccountError(f"there is an account called {name!r} already; choose another name")
        self.record("account added", detail=f"{name} ({role})")
        return NewAccount(Account(name, role, full_name), secret, credentials.uri(secret, name))

    def ready(self) -> None:
        """Check that the database can be reached and has a service's tables (DatabaseError if not)."""
        from sqlalchemy import text

        with self._begin() as connection:
            connection.execute(text("SELECT 1 FROM accounts, sessions, audit LIMIT 0"))

    def accounts(self) -> list[Account]:
        """Every account, by name, with who supervises whom."""
        from sqlalchemy import text

        with self._begin() as connection:
            rows = connection.execute(
                text("SELECT name, role, full_name, disabled FROM accounts ORDER BY name")
            ).all()
            pairs = connection.execute(text("SELECT trainee, supervisor FROM assignments")).all()
        return [
            Account(
                str(r.name),
                str(r.role),
                str(r.full_name),
                bool(r.disabled),
                tuple(sorted(s for t, s in pairs if t == r.name)),
                tuple(sorted(t for t, s in pairs if s == r.name)),
            )
            for r in rows
        ]

    def account(self, name: str) -> Account:
        """The account called ``name``; AccountError if there is none."""
        for found in self.accounts():
            if found.name == name:
                return found
        raise AccountError(f"there is no account called {name!r}; `letterkit account list` shows them")

    def assign(self, trainee: str, supervisor: str) -> Account:
        """Make ``supervisor`` the supervisor of ``trainee`` (who then sees the trainee's letters)."""
        from sqlalchemy import text

        who = {a.name: a for a in self.accounts()}
        for name, role in ((trainee, "trainee"), (supervisor, "supervisor")):
            if name not in who:
                raise AccountError(
                    f"there is no account called {name!r}; `letterkit account list` shows them"
                )
            if who[name].role != role:
                raise AccountError(f"{name} is a {who[name].role}, not a {role}")
        with self._begin() as connection:
            connection.execute(
                text("INSERT INTO assignments (trainee, supervisor) VALUES (:t, :s) ON CONFLICT DO NOTHING"),
                {"t": trainee, "s": supervisor},
            )
        self.record("account assigned", detail=f"{trainee} to supervisor {supervisor}")
        return self.account(trainee)

    def set_disabled(self, name: str, disabled: bool = True) -> Account:
        """Stop (or let again) an account signing in or seeing any letter; its sessions end."""
        from sqlalchemy import text

        with self._begin() as connection:
            found = connection.execute(
                text("UPDATE accounts SET disabled = :d WHERE name = :n RETURNING name"),
                {"d": disabled, "n": name},
            ).first()
            if found is None:
                raise AccountError(
                    f"there is no account called {name!r}; `letterkit account list` shows them"
                )
            if disabled:
                connection.execute(text("DELETE FROM sessions WHERE account = :n"), {"n": name})
        self.record("account disabled" if disabled else "account enabled", detail=name)
        return self.account(name)

    # ----------------------------------------------------------------- sign-off

    def needs_sign_off(self, letter: str) -> bool:
        """Whether a letter needs a supervisor's sign-off to be final: its owner is a trainee
        (a letter not made yet: the one acting is)."""
        from sqlalchemy import text

        with self._begin() as connection:
            role = connection.execute(
                text(
                    "SELECT coalesce((SELECT a.role FROM letters l JOIN accounts a ON a.name = l.owner "
                    "WHERE l.name = :n), (SELECT role FROM accounts WHERE name = letterkit_account()))"
                ),
                {"n": letter},
            ).scalar()
        return role == "trainee"

    def may_sign_off(self, letter: str) -> bool:
        """Whether the one acting is a supervisor assigned to the letter's owner."""
        from sqlalchemy import text

        with self._begin() as connection:
            found = connection.execute(
                text("SELECT letterkit_supervises(id) FROM letters WHERE name = :n"), {"n": letter}
            ).scalar()
        return bool(found)

    # ----------------------------------------------------------------- sessions

    def start_session(self, account: Account, *, ip: str = "") -> str:
        """A new session for ``account``: its token (only its hash is kept)."""
        from sqlalchemy import text

        token = secrets.token_urlsafe(32)
        with self._begin() as connection:
            connection.execute(text("DELETE FROM sessions WHERE expires < now()"))  # ended ones go
            connection.execute(
                text(
                    "INSERT INTO sessions (token_hash, account, expires, ip) "
                    "VALUES (:h, :a, now() + make_interval(hours => :hours), :ip)"
                ),
                {"h": credentials.token_hash(token), "a": account.name, "hours": SESSION_HOURS, "ip": ip},
            )
        return token

    def session(self, token: str) -> Account | None:
        """The account a session's token is signed in as (None: no such session, or it ended)."""
        from sqlalchemy import text

        if not token or len(token) > 200:
            return None
        with self._begin() as connection:
            row = connection.execute(
                text(
                    "SELECT a.name, a.role, a.full_name FROM sessions s JOIN accounts a ON a.name = s.account "
                    "WHERE s.token_hash = :h AND s.expires > now() AND NOT a.disabled"
                ),
                {"h": credentials.token_hash(token)},
            ).first()
        return None if row is None else Account(str(row.name), str(row.role), str(row.full_name))

    def end_session(self, token: str) -> None:
        """Sign out: the session's token stops working."""
        from sqlalchemy import text

        with self._begin() as connection:
            connection.execute(
                text("DELETE FROM sessions WHERE token_hash = :h"), {"h": credentials.token_hash(token)}
            )


class PasswordLogin:
    """Signing in with a name, a password (argon2id) and a code from an authenticator app
    (TOTP): a code works once; after ``MAX_FAILURES`` wrong tries the account waits, and after
    ``MAX_ADDRESS_FAILURES`` wrong tries on any accounts so does the address they came from."""

    fields: tuple[tuple[str, str, str], ...] = (
        ("name", "Your sign-in name", "text"),
        ("password", "Password", "password"),
        ("code", "The 6-digit code from your authenticator app", "text"),
    )

    def __init__(self, accounts: Accounts) -> None:
        self.accounts = accounts

    def authenticate(self, answers: Mapping[str, str], *, ip: str = "") -> Account:
        from sqlalchemy import text

        name, password, code = (answers.get(k, "") for k in ("name", "password", "code"))
        with self.accounts._begin() as connection:
            address = _address(ip)
            if address and _address_failures(connection, address) >= MAX_ADDRESS_FAILURES:
                raise SignInError(
                    f"too many wrong tries from this address: wait {PAUSE_MINUTES} minutes, then try again"
                )
            row = connection.execute(
                text(
                    "SELECT name, role, full_name, password_hash, totp_secret, totp_last, disabled, failures, "
                    "failed_at > now() - make_interval(mins => :pause) AS recent "
                    "FROM accounts WHERE name = :n FOR UPDATE"
                ),
                {"n": name, "pause": PAUSE_MINUTES},
            ).first()
            if row is not None and row.failures >= MAX_FAILURES and row.recent:
                raise SignInError(
                    f"too many wrong tries for this account: wait {PAUSE_MINUTES} minutes, then try again"
                )
            if row is None:
                credentials.burn_time(password)
                right, step = False, None
            else:
                step = credentials.code_step(row.totp_secret, code)
                right = credentials.password_ok(row.password_hash, password) and step is not None
            if not right or row is None:  # counted, and refused once this is committed
                if row is not None:
                    _failed(connection, name)
                _failed_from(connection, address)
            elif row.totp_last is not None and step is not None and step <= row.totp_last:
                raise SignInError("that code has been used already: wait for the next one, then try again")
            elif row.disabled:
                raise SignInError("this account is disabled; ask the service's admin")
            else:
                connection.execute(
                    text(
                        "UPDATE accounts SET totp_last = :s, failures = 0, failed_at = NULL WHERE name = :n"
                    ),
                    {"s": step, "n": name},
                )
        if not right or row is None:
            raise SignInError(WRONG)
        return Account(str(row.name), str(row.role), str(row.full_name))


def _address(ip: str) -> str:
    """Where a sign-in comes from, as counted: the address, or for IPv6 its /64 network (one
    household or device is given a whole /64 and could try from each of its addresses)."""
    try:
        parsed = ipaddress.ip_address(ip)
    except ValueError:
        return ip
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.IPv6Network((parsed, 64), strict=False))
    return str(parsed)


def _address_failures(connection: Connection, address: str) -> int:
    """The wrong sign-ins from ``address`` within the pause. The address is locked for the rest
    of the transaction (an advisory lock), so sign-ins sent at once from one address are counted
    one after another, not all against the same count; its older rows are removed."""
    from sqlalchemy import text

    pause = {"ip": address, "pause": PAUSE_MINUTES}
    connection.execute(text("SELECT pg_advisory_xact_lock(hashtext('letterkit sign-in ' || :ip))"), pause)
    connection.execute(
        text("DELETE FROM sign_in_failures WHERE ip = :ip AND at < now() - make_interval(mins => :pause)"),
        pause,
    )
    found = connection.execute(
        text(
            "SELECT count(*) FROM sign_in_failures WHERE ip = :ip AND at >= now() - make_interval(mins => :pause)"
        ),
        pause,
    )
    return int(found.scalar_one())


def _failed_from(connection: Connection, address: str) -> None:
    from sqlalchemy import text

    if address:
        connection.execute(text("INSERT INTO sign_in_failures (ip) VALUES (:ip)"), {"ip": address})


def _failed(connection: Connection, name: str) -> None:
    from sqlalchemy import text

    connection.execute(
        text(
            "UPDATE accounts SET failures = CASE WHEN failed_at > now() - make_interval(mins => :pause) "
            "THEN failures + 1 ELSE 1 END, failed_at = now() WHERE name = :n"
        ),
        {"n": name, "pause": PAUSE_MINUTES},
    )
