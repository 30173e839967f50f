"""The letterkit command line: parse, call one function of the public API, print.

Every command turns a ``LetterkitError`` into a one-line message and the error's own exit
code (1 for a problem with the input or output, 2 for a usage mistake); ``diff`` exits as
diff(1) does. Nothing here renders, stores or decides: that is the library's job.

This module holds the group, ``main``; the commands live in modules of their own
(``cli_letters``, ``cli_review``, ``cli_draft``), each a plain click command or group that
imports what it shares with the others from ``cli_common`` (never from here, which would make
an import circle), and is added to the group at the end of this module; the modules of the
commands ``letterkit render`` never needs are imported only when their command is run
(``LAZY_COMMANDS``).
"""

from __future__ import annotations

from collections.abc import Callable

import click

from letterkit.cli_common import (
    CONTRIBUTIONS_FORMATS,
    DIFF_FORMATS,
    FLAGS,
    FORMATS,
    HINTS,
    KINDS,
    READERS,
    ROLES,
    STYLES,
    F,
    LazyChoice,
    handle_errors,
    say,
)
from letterkit.cli_letters import new, render, schema, serve, validate

__all__ = [
    "CONTRIBUTIONS_FORMATS",
    "DIFF_FORMATS",
    "F",
    "FLAGS",
    "FORMATS",
    "HINTS",
    "KINDS",
    "LazyChoice",
    "READERS",
    "ROLES",
    "STYLES",
    "handle_errors",
    "main",
    "new",
    "render",
    "say",
    "schema",
    "serve",
    "validate",
]


def _review(name: str) -> click.Command:
    import letterkit.cli_review as review

    found: click.Command = {
        "check": review.check,
        "contributions": review.contributions_command,
        "diff": review.diff_command,
        "extract": review.extract,
        "redact": review.redact,
    }[name]
    return found


def _draft(name: str) -> click.Command:
    from letterkit.cli_draft import draft

    return draft


def _db(name: str) -> click.Command:
    from letterkit.cli_db import db

    return db


def _service(name: str) -> click.Command:
    import letterkit.cli_account as service

    found: click.Command = {"account": service.account, "audit": service.audit}[name]
    return found


LAZY_COMMANDS: dict[str, Callable[[str], click.Command]] = {
    "check": _review,
    "contributions": _review,
    "diff": _review,
    "extract": _review,
    "redact": _review,
    "draft": _draft,
    "db": _db,
    "account": _service,
    "audit": _service,
}
"""The commands whose modules load only when the command is run (or help lists them), so that
``letterkit render`` does not import the review, history, database and service commands."""


class _Commands(click.Group):
    """A group that imports a command's module the first time the command is asked for."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *LAZY_COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in LAZY_COMMANDS and cmd_name not in self.commands:
            self.add_command(LAZY_COMMANDS[cmd_name](cmd_name), cmd_name)
        return super().get_command(ctx, cmd_name)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="letterkit")
@click.option("--debug", is_flag=True, help="Show a full traceback when something fails.")
def main(debug: bool) -> None:
    """letterkit turns a therapist's structured notes into the two letters of
    Dynamic Interpersonal Therapy: the formulation and the goodbye letter.

    \b
    Start here:
      letterkit new goodbye-letter -o peter.yaml
      letterkit validate peter.yaml
      letterkit render peter.yaml -f pdf
    """
    import logging

    # The library logs; the command line shows warnings itself, once, with the file name.
    if debug:
        logging.basicConfig(level=logging.DEBUG, format="%(name)s: %(message)s")
    elif not logging.getLogger().handlers:
        logging.getLogger().addHandler(logging.NullHandler())


main.add_command(validate)
main.add_command(render)
main.add_command(new)
main.add_command(schema)
main.add_command(serve)


if __name__ == "__main__":  # pragma: no cover
    main()
