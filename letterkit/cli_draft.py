"""The ``draft`` commands: save, list, show, verify, sign off and import the drafts of a letter."""

from __future__ import annotations

import sys

import click

from letterkit.cli_common import ROLES, _workspace, handle_errors, say

# --------------------------------------------------------------------------- drafts


@click.group()
def draft() -> None:
    """Keep every draft of a letter: save, list, show and verify its history.

    The history lives beside the letter, in LETTER.drafts/ (plain YAML and JSON files).

    \b
    Example:
      letterkit draft save peter.yaml --author therapist --name "Helen Marsh" --note "For session 13"
      letterkit draft log peter.yaml
    """


@draft.command("save")
@click.argument("file", type=click.Path(path_type=str))
@click.option("--author", "role", type=ROLES, required=True, help="Who made this draft.")
@click.option("--name", default="", help="The author's name.")
@click.option("--note", default="", help="A short note on what changed.")
@click.option(
    "--keyed",
    is_flag=True,
    help="Keep the history with a secret key (in your letterkit settings folder) from this draft on, "
    "so that rewriting it needs the key. Once on, it stays on.",
)
@handle_errors()
def draft_save(file: str, role: str, name: str, note: str, keyed: bool) -> None:
    """Save the letter file as its next draft. Saving it unchanged does nothing.

    \b
    Example:
      letterkit draft save peter.yaml --author patient --name "Peter Hale" --note "My changes"
    """
    result = _workspace().save_draft(file, role, name, note, keyed=keyed)
    for notice in result.notices:
        say(notice, err=True)
    say(result.message)


@draft.command("log")
@click.argument("file", type=click.Path(path_type=str))
@handle_errors()
def draft_log(file: str) -> None:
    """List the saved drafts, newest first: number, hash, date, author, note.

    Each supervisor's sign-off is listed above the draft it signs off; one that a later edit
    has voided is marked void.

    \b
    Example:
      letterkit draft log peter.yaml
    """
    log = _workspace().draft_log(file)
    if not log.drafts:
        say(f"{file}: no saved drafts yet (save one with `letterkit draft save`).")
    say(log.to_text(), nl=False)


@draft.command("sign-off")
@click.argument("file", type=click.Path(path_type=str))
@click.option(
    "--draft", "number", type=click.IntRange(min=1), default=None, help="The draft (default: the latest)."
)
@click.option("--by", "supervisor", required=True, help="The supervisor's name.")
@click.option("--note", default="", help="A short note for the history.")
@handle_errors()
def draft_sign_off(file: str, number: int | None, supervisor: str, note: str) -> None:
    """Sign off the latest saved draft, as its supervisor.

    A letter that needs a supervisor (a trainee's, or any in a folder whose letterkit.toml
    says supervised = true) can be final only once its latest draft is signed off, and a
    later edit voids the sign-off.

    \b
    Example:
      letterkit draft sign-off peter.yaml --by "Dr Ruth Adler" --note "Good to send"
    """
    signed = _workspace().attest(file, number, supervisor, note)
    say(f"{signed.text}.")


@draft.command("show")
@click.argument("file", type=click.Path(path_type=str))
@click.argument("rev")
@handle_errors()
def draft_show(file: str, rev: str) -> None:
    """Print a saved draft's letter file exactly as it was saved.

    REV is a draft number (1 is the first), latest, or the start of a draft's hash.

    \b
    Example:
      letterkit draft show peter.yaml 2
    """
    opened = _workspace().open(rev if "@" in rev else f"{file}@{rev}", allow_placeholders=True)
    if sys.stdout.isatty():
        say(opened.content.decode("utf-8", "replace"), nl=False)
    else:  # byte for byte into a file or a pipe
        sys.stdout.buffer.write(opened.content)
        sys.stdout.flush()


@draft.command("verify")
@click.argument("file", type=click.Path(path_type=str))
@handle_errors()
def draft_verify(file: str) -> None:
    """Check that no saved draft or record has been changed or lost.

    \b
    Example:
      letterkit draft verify peter.yaml
    """
    result = _workspace().verify(file)
    for line in (*result.problems, *result.notices):
        say(line, err=True)
    if result.problems:
        sys.exit(1)
    keyed = {
        "checked": " (kept with a key, and every key signature checked)",
        "unchecked": " as far as it can be checked without its key",
    }.get(result.keyed, "")
    say(f"{file}: {len(result.drafts)} drafts, history intact{keyed}.")


@draft.command("import")
@click.argument("edited", type=click.Path(path_type=str))
@click.option(
    "--into",
    "into",
    required=True,
    type=click.Path(path_type=str),
    help="The letter file the edits belong to.",
)
@click.option("--author", "role", type=ROLES, required=True, help="Who made the edits.")
@click.option("--name", default="", help="The author's name.")
@click.option("--note", default="", help="A short note (default: where the edits came from).")
@click.option(
    "--base",
    metavar="REV",
    default=None,
    help="The draft the copy was printed from (number, latest or hash), when its Ref line is missing or unknown.",
)
@handle_errors()
def draft_import(edited: str, into: str, role: str, name: str, note: str, base: str | None) -> None:
    """Bring an edited Markdown copy of a letter back in as the next draft.

    Edit the Markdown that `letterkit render` printed; each change goes back to its section.
    Text that fits no section is kept in the letter as the patient's comments, never dropped.

    \b
    Example:
      letterkit render peter.yaml -o peter.md      # the patient edits peter.md
      letterkit draft import peter.md --into peter.yaml --author patient --name "Peter Hale"
    """
    result = _workspace().import_edits(edited, into, role, name, note, base=base)
    for path in result.changed:
        say(f"changed {path}")
    for text in result.unplaced:
        say(f"kept as a comment (it fits no section): {text}", err=True)
    for notice in result.saved.notices if result.saved else ():
        say(notice, err=True)
    say(result.saved.message if result.saved else "No changes found; nothing saved.")
