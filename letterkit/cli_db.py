"""``letterkit db``: keep letters in a PostgreSQL database, for a service.

Registered into the command line by cli.py (``main.add_command(db)``). Each command parses,
calls one ``PostgresStore`` method and prints; a problem is one line and exit 1, never a
traceback (unless ``letterkit --debug``). The quick start needs none of this: the files store
is the default.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

import letterkit
from letterkit.errors import LetterkitError

F = TypeVar("F", bound=Callable[..., Any])

HINT = "`letterkit db upgrade --database URL` makes them"
"""What to type when the database has no letterkit tables yet."""


def _say(message: str, *, err: bool = False) -> None:
    # Database messages quote the server; nothing in them may act on a terminal.
    click.echo("".join(c if c.isprintable() or c == "\t" else "?" for c in message), err=err)


def _one_line(func: F) -> F:
    """A LetterkitError (an unreachable database, a bad URL...) as one line and its exit code."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        debug = bool(click.get_current_context().find_root().params.get("debug"))
        try:
            return func(*args, **kwargs)
        except (click.exceptions.Exit, click.ClickException, SystemExit):
            raise
        except Exception as error:
            if debug:
                raise
            if not isinstance(error, LetterkitError):
                _say(
                    f"letterkit: unexpected error: {type(error).__name__}: {error} (run again with --debug)",
                    err=True,
                )
                sys.exit(1)
            hint = f" ({HINT})" if "no letterkit tables yet" in str(error) else ""
            _say(f"letterkit: {error}{hint}", err=True)
            sys.exit(error.exit_code)

    return wrapper  # type: ignore[return-value]


DATABASE = click.option(
    "--database",
    "url",
    required=True,
    envvar="LETTERKIT_DATABASE_URL",
    metavar="URL",
    help="The database, e.g. postgresql://letterkit@localhost/letters (or set LETTERKIT_DATABASE_URL).",
)


@click.group("db")
def db() -> None:
    """Keep letters in a PostgreSQL database, for a service (pip install 'letterkit[postgres]').

    The quick start needs no database: letters are files by default.

    \b
    Example:
      letterkit db upgrade --database postgresql://letterkit@localhost/letters
      letterkit db import ~/letters --database postgresql://letterkit@localhost/letters
    """


@db.command("upgrade")
@DATABASE
@_one_line
def db_upgrade(url: str) -> None:
    """Make letterkit's tables in the database, or bring them up to date.

    Also makes the role letterkit_app, which may add drafts but never change or remove one:
    grant it to the login role the service uses.

    \b
    Example:
      letterkit db upgrade --database postgresql://letterkit@localhost/letters
    """
    with letterkit.PostgresStore(url) as store:
        done = store.upgrade()
    if done.before == done.after:
        _say(f"The database is up to date (schema {done.after}).")
    else:
        _say(f"The database was upgraded from schema {done.before or 'none'} to {done.after}.")


@db.command("import")
@click.argument("folder", type=click.Path(path_type=str, file_okay=False))
@click.option(
    "--owner", default=None, metavar="ACCOUNT", help="The account the letters belong to (a service)."
)
@DATABASE
@_one_line
def db_import(folder: str, owner: str | None, url: str) -> None:
    """Bring the letters of FOLDER into the database, each with its whole draft history.

    Every history is verified before and after; if one is damaged, nothing is imported.

    \b
    Example:
      letterkit db import ~/letters --database postgresql://letterkit@localhost/letters
      letterkit db import ~/letters/hana --owner hana
    """
    with letterkit.PostgresStore(url) as store:
        imported = store.import_folder(folder, owner=owner)
    for letter in imported:
        for notice in letter.notices:
            _say(notice, err=True)
        _say(f"{letter.name}: {letter.drafts} drafts, history intact.")
    drafts = sum(letter.drafts for letter in imported)
    _say(f"Imported {len(imported)} letters with {drafts} drafts.")
