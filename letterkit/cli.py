"""The letterkit command line: parse, call one function of the public API, print.

Every command turns a ``LetterkitError`` into a one-line message and the error's own exit
code (1 for a problem with the input or output, 2 for a usage mistake); ``diff`` exits as
diff(1) does. Nothing here renders, stores or decides: that is the library's job.

This module holds the group, ``main``; the commands live in modules of their own
(``cli_letters``, ``cli_review``, ``cli_draft``), each a plain click command or group that
imports what it shares with the others from ``cli_common`` (never from here, which would make
an import circle), and is added to the group at the end of this module.
"""

from __future__ import annotations

import click

from letterkit.cli_account import account, audit
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
from letterkit.cli_db import db
from letterkit.cli_draft import draft, draft_import, draft_log, draft_save, draft_show, draft_verify
from letterkit.cli_letters import new, render, schema, serve, validate
from letterkit.cli_review import check, contributions_command, diff_command, extract, redact

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
    "check",
    "contributions_command",
    "diff_command",
    "draft",
    "draft_import",
    "draft_log",
    "draft_save",
    "draft_show",
    "draft_verify",
    "extract",
    "handle_errors",
    "main",
    "new",
    "redact",
    "render",
    "say",
    "schema",
    "serve",
    "validate",
]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
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
main.add_command(extract)
main.add_command(redact)
main.add_command(check)
main.add_command(draft)
main.add_command(diff_command)
main.add_command(contributions_command)
main.add_command(serve)
main.add_command(db)
main.add_command(account)
main.add_command(audit)


if __name__ == "__main__":  # pragma: no cover
    main()
