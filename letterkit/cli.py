"""The letterkit command line: parse, call one function of the public API, print.

Every command turns a ``LetterkitError`` into a one-line message and the error's own exit
code (1 for a problem with the input or output, 2 for a usage mistake); ``diff`` exits as
diff(1) does. Nothing here renders, stores or decides: that is the library's job.
"""

from __future__ import annotations

import functools
import os
import re
import sys
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import click

import letterkit
from letterkit.cli_db import db
from letterkit.errors import (
    LetterFileError,
    LetterkitError,
    LetterValidationError,
    MarkdownCopyError,
    OptionsError,
    UnknownBaseError,
    UnsavedChangesError,
)

# The command line uses no pydantic plugins; looking for them costs every command start-up.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

F = TypeVar("F", bound=Callable[..., Any])


class LazyChoice(click.Choice):  # type: ignore[type-arg]
    """A Choice read from a letterkit registry when first needed, so `--help` starts fast."""

    def __init__(self, load: Callable[[], Sequence[str]]) -> None:
        self._load = load
        self._loaded: tuple[str, ...] | None = None
        super().__init__([])

    @property
    def choices(self) -> tuple[str, ...]:
        if self._loaded is None:
            self._loaded = tuple(self._load())
        return self._loaded

    @choices.setter
    def choices(self, value: Sequence[str]) -> None:
        """Click sets the choices in its constructor; the registry's are used instead."""


KINDS = LazyChoice(lambda: letterkit.letter_kinds())
FORMATS = LazyChoice(lambda: letterkit.FORMATS)
STYLES = LazyChoice(lambda: letterkit.styles())
ROLES = LazyChoice(lambda: letterkit.roles())
DIFF_FORMATS = LazyChoice(lambda: letterkit.diff_formats())
CONTRIBUTIONS_FORMATS = LazyChoice(lambda: letterkit.contributions_formats())
READERS = LazyChoice(lambda: letterkit.readers())


def _workspace(settings_file: str | None = None) -> letterkit.Workspace:
    """The letters named on the command line (paths as given), with the service's settings."""
    return letterkit.Workspace(settings_file=settings_file)


HINTS: dict[type[LetterkitError], str] = {
    UnsavedChangesError: "run `letterkit draft save FILE --author ROLE` first",
    MarkdownCopyError: "to bring an edited copy back in, run "
    "`letterkit draft import EDITED.md --into LETTER.yaml --author ROLE`",
    UnknownBaseError: "add --base N, the number of the draft the copy was printed from; "
    "`letterkit draft log FILE` lists the drafts",
}
"""What to type next, for errors whose fix is a command (the library names no commands)."""

FLAGS = {"output": "-o", "format": "-f"}
"""The flag for each option the library names in an OptionsError."""


_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
"""What a terminal could act on: every control character but newline and tab (ESC, BEL, CR,
C1 codes), line separators, bidirectional overrides, and unpaired surrogates."""
_COLOUR = re.compile(r"(\x1b\[[0-9;]{0,32}m)")


def _clean(text: str, *, keep_colour: bool = False) -> str:
    """Text safe to show on a terminal: each character it could act on becomes ``?``.

    ``keep_colour`` keeps colour codes (ESC [ … m, and nothing else), for coloured diffs.
    """
    if not keep_colour:
        return _UNSAFE.sub("?", text)
    parts = _COLOUR.split(text)
    return "".join(part if i % 2 else _UNSAFE.sub("?", part) for i, part in enumerate(parts))


def say(message: str = "", *, err: bool = False, nl: bool = True) -> None:
    click.echo(_clean(message), err=err, nl=nl)


def handle_errors(code: int | None = None) -> Callable[[F], F]:
    """Turn a LetterkitError (or an unexpected error) into a clean message and exit code,
    never a traceback (unless --debug). ``code`` overrides the error's own (``diff`` uses 2)."""

    def decorate(func: F) -> F:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            debug = bool(click.get_current_context().find_root().params.get("debug"))
            try:
                return func(*args, **kwargs)
            except (click.exceptions.Exit, click.ClickException, SystemExit):
                raise
            except KeyboardInterrupt:
                _fail("letterkit: interrupted", 130)
            except Exception as error:
                if debug:
                    raise
                _fail(*_message(error, code))

        return wrapper  # type: ignore[return-value]

    return decorate


def _message(error: Exception, code: int | None) -> tuple[str, int]:
    hint = next((h for kind, h in HINTS.items() if isinstance(error, kind)), "")
    if isinstance(error, (LetterFileError, LetterValidationError)):
        # file:line: field: message, as `validate` prints
        return str(error) + (f" ({hint})" if hint else ""), code or error.exit_code
    if isinstance(error, LetterkitError):
        if isinstance(error, OptionsError) and error.parameter in FLAGS:
            hint = f"see {FLAGS[error.parameter]}"
        prefix = "letterkit: usage error: " if error.exit_code == 2 else "letterkit: "
        return prefix + str(error) + (f" ({hint})" if hint else ""), code or error.exit_code
    return (
        f"letterkit: unexpected error: {type(error).__name__}: {error} "
        "(run again with --debug for details, and please report it)",
        code or 1,
    )


def _fail(message: str, code: int) -> None:
    say(message, err=True)
    sys.exit(code)


def _show(content: str | bytes, output: str | None, color: bool | None = None) -> None:
    """Print text that was not written to a file (control characters made harmless; a
    coloured diff keeps its colours); say where a file went."""
    if output:
        say(f"Wrote {output}", err=True)
    elif isinstance(content, bytes):
        raise click.UsageError("this format is a file: add -o FILE")
    else:
        click.echo(_clean(content, keep_colour=bool(color)), nl=False, color=color)


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


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=str))
@handle_errors()
def validate(files: tuple[str, ...]) -> None:
    """Check letter files and report every problem at once.

    Each problem is one line, file:line: field: message. Exits 1 if any file has a problem.

    \b
    Example:
      letterkit validate samples/*.yaml
    """
    report = _workspace().validation(files)
    for warning in report.warnings:
        say(f"warning: {warning}", err=True)
    problems = report.problems
    for problem in problems:
        say(str(problem), err=True)
    if problems:
        sys.exit(1)
    say(f"{len(files)} letter{'s' if len(files) != 1 else ''} valid.")


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=str))
@click.option(
    "-f", "--format", "fmt", type=FORMATS, help="Output format (default: from -o's extension, else md)."
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=str),
    help="Output file (or folder, for several letters). Without it, md and html go to the screen "
    "and the other formats are written beside FILE.",
)
@click.option(
    "--template-dir",
    type=click.Path(path_type=str),
    help="A folder of the service's own templates, used before the built-in ones.",
)
@click.option(
    "--css",
    multiple=True,
    type=click.Path(path_type=str),
    help="A CSS file layered over the built-in style (may be repeated).",
)
@click.option(
    "--settings",
    "settings_file",
    type=click.Path(path_type=str),
    help="The service settings file (default: letterkit.toml beside FILE).",
)
@click.option(
    "--style", type=STYLES, help="Print format (default: the letter's accessibility.format, else standard)."
)
@click.option(
    "--archive",
    is_flag=True,
    help="A PDF/A-3a record copy with the letter file attached (not the copy for the patient).",
)
@handle_errors()
def render(
    files: tuple[str, ...],
    fmt: str | None,
    output: str | None,
    template_dir: str | None,
    css: tuple[str, ...],
    settings_file: str | None,
    style: str | None,
    archive: bool,
) -> None:
    """Render letters to Markdown, HTML, PDF, Word (docx) or a FHIR record (fhir).

    FILE may name a saved draft: FILE@2 (the second draft), FILE@latest or FILE@<hash>.
    A saved draft shows its number and date on every page. Several files, or a folder,
    render in parallel into the folder given with -o, as <name>.<format>; a bad letter is
    reported at the end and the others are still written.

    \b
    Examples:
      letterkit render samples/peter-goodbye.yaml
      letterkit render samples/peter-goodbye.yaml -f pdf
      letterkit render samples/peter-goodbye.yaml -o peter.html
      letterkit render samples/peter-goodbye.yaml -f fhir -o peter-record.json
      letterkit render samples/ -f pdf -o letters/
    """
    options = letterkit.RenderOptions(
        format=fmt, template_dir=template_dir, css=css, style=style, archive=archive
    )
    with _progress() as progress:
        report = _workspace(settings_file).render_files(files, options, output, progress=progress)
    for source, warning in report.warnings:
        # a warning about a field says its own file:line
        say(
            f"warning: {warning}" if warning.startswith(f"{source}:") else f"warning: {source}: {warning}",
            err=True,
        )
    if report.folder is None:
        item = report.items[0]
        _show(item.rendered.content if item.rendered else "", item.output)
        return
    _batch_summary(report)


class _progress:
    """A progress bar for a batch, shown only on a terminal."""

    def __enter__(self) -> Callable[[int, Any], None]:
        self.bar: Any = None

        def update(total: int, item: Any) -> None:
            if self.bar is None:
                self.bar = click.progressbar(
                    length=total, label="Rendering", file=sys.stderr, hidden=not sys.stderr.isatty()
                )
                self.bar.__enter__()
            if item is not None:
                self.bar.update(1)

        return update

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


def _batch_summary(report: Any) -> None:
    failed = report.failed
    say(
        f"Wrote {len(report.items) - len(failed)} of {len(report.items)} letters to {report.folder}", err=True
    )
    if failed:
        say(f"{len(failed)} failed:", err=True)
        for item in failed:
            say("  " + "\n  ".join(str(item.error).splitlines()), err=True)
        sys.exit(1)


@main.command()
@click.argument("kind", type=KINDS)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=str),
    help="Where to write the scaffold (default: the screen). An existing file is never replaced.",
)
@handle_errors()
def new(kind: str, output: str | None) -> None:
    """Start a new letter from a commented scaffold that explains each section.

    \b
    Example:
      letterkit new goodbye-letter -o peter.yaml
    """
    written = _workspace().new_letter(kind, output)
    if written.output is None:
        say(str(written.content), nl=False)
    else:
        say(f"Wrote {output}: fill it in, then run `letterkit validate {output}`.", err=True)


@main.command()
@click.argument("kind", type=KINDS)
@handle_errors()
def schema(kind: str) -> None:
    """Print the JSON Schema of a letter file, for editors and other systems.

    \b
    Example:
      letterkit schema goodbye-letter > goodbye-letter.schema.json
    """
    say(letterkit.schema(kind), nl=False)


@main.command()
@click.argument("archived", metavar="LETTER.pdf", type=click.Path(path_type=str))
@click.option(
    "-o", "--output", type=click.Path(path_type=str), help="Write the letter file here (default: the screen)."
)
@handle_errors()
def extract(archived: str, output: str | None) -> None:
    """Get back the letter file attached to an archival PDF, byte for byte.

    \b
    Example:
      letterkit render peter.yaml -f pdf --archive -o peter-record.pdf
      letterkit extract peter-record.pdf -o peter-copy.yaml
    """
    extracted = _workspace().extract_file(archived, output)
    if extracted.output:
        say(f"Wrote {extracted.output}", err=True)
    elif sys.stdout.isatty():
        say(extracted.data.decode("utf-8", "replace"), nl=False)
    else:
        sys.stdout.buffer.write(extracted.data)
        sys.stdout.flush()


@main.command()
@click.argument("file", type=click.Path(path_type=str))
@click.option(
    "-o", "--output", type=click.Path(path_type=str), help="Write the copy here (default: the screen)."
)
@click.option("--name", "names", multiple=True, help="Another person's name to replace (repeatable).")
@click.option(
    "--report",
    is_flag=True,
    help="Also list what was replaced, by kind, and what looked like an identifier but was kept.",
)
@handle_errors()
def redact(file: str, output: str | None, names: tuple[str, ...], report: bool) -> None:
    """Make a pseudonymised copy of a letter for supervision or teaching.

    Names become stable pseudonyms (the same in every draft); NHS and National Insurance
    numbers, dates of birth, phone numbers, e-mail addresses and postcodes are removed; dates
    become month and year. The copy is still personal data: read it before you share it.

    \b
    Example:
      letterkit redact peter.yaml --name "Dr Sara Okafor" -o peter-supervision.yaml --report
    """
    copy = _workspace().redact_file(file, output, names)
    _show(copy.text, copy.output)
    if report:
        say(copy.report, err=True, nl=False)
    else:
        say("Replaced: " + ("; ".join(copy.replaced) or "nothing"), err=True)
    say("This is pseudonymised, not anonymous: review it before sharing.", err=True)


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=str))
@click.option("-f", "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option(
    "--jargon",
    "jargon_files",
    multiple=True,
    type=click.Path(path_type=str),
    help="A service's own list of words to avoid (repeatable).",
)
@click.option(
    "--style", type=STYLES, help="Check for this print format (default: the letter's accessibility.format)."
)
@click.option(
    "--settings",
    "settings_file",
    type=click.Path(path_type=str),
    help="The service settings (default: letterkit.toml beside each letter).",
)
@handle_errors()
def check(
    files: tuple[str, ...],
    fmt: str,
    jargon_files: tuple[str, ...],
    style: str | None,
    settings_file: str | None,
) -> None:
    """Check how a letter reads: reading age, long sentences, jargon, "you" not "he/she",
    missing sections, whether the patient's own words are used, notes typed where sentences
    are needed, a double sign-off, and a way to contact the service.

    Missing or empty sections are errors (exit 1); everything else is a warning (exit 0).
    Easy read (--style easy-read, or the letter's accessibility.format) allows 15 words a
    sentence and says when the text is not yet written for easy read.

    \b
    Example:
      letterkit check peter.yaml
      letterkit check peter.yaml -f json
      letterkit check peter.yaml --style easy-read
    """
    report = _workspace(settings_file).check(files, jargon_files, fmt, style=style)
    say(report.content, nl=False)
    if report.has_errors:
        sys.exit(1)


# --------------------------------------------------------------------------- drafts


@main.group()
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


def _log_line(d: Any) -> str:
    """number, short hash, date, author [status]: note."""
    status = f" [{d.status}]" if d.event == "status" else ""
    who = f"{d.role} {d.name}".strip()
    note = " ".join(d.note.split())
    return f"{d.number:>3} {d.short} {d.time[:10]} {who}{status}" + (f": {note}" if note else "")


@draft.command("log")
@click.argument("file", type=click.Path(path_type=str))
@handle_errors()
def draft_log(file: str) -> None:
    """List the saved drafts, newest first: number, hash, date, author, note.

    \b
    Example:
      letterkit draft log peter.yaml
    """
    saved = _workspace().history(file)
    if not saved:
        say(f"{file}: no saved drafts yet (save one with `letterkit draft save`).")
    for d in reversed(saved):
        say(_log_line(d))


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


# --------------------------------------------------------------------------- diff, contributions


def _styler(role: str, text: str) -> str:
    return click.style(text, fg={"removed": "red", "added": "green"}.get(role, "cyan"))


@main.command("diff")
@click.argument("a")
@click.argument("b")
@click.option(
    "-f", "--format", "fmt", type=DIFF_FORMATS, default="text", show_default=True, help="Output format."
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=str),
    help="Write to FILE (default: the screen; pdf and docx are written beside B as NAME.redline.pdf).",
)
@click.option("--color/--no-color", default=None, help="Colour the text output (default: on a terminal).")
@click.option(
    "--for",
    "reader",
    type=READERS,
    default="therapist",
    show_default=True,
    help="Who the html, pdf or docx copy is for: the patient's copy says 'your words', 'your changes'.",
)
@handle_errors(2)
def diff_command(a: str, b: str, fmt: str, output: str | None, color: bool | None, reader: str) -> None:
    """Show what changed between two letters, or two drafts of one (FILE@1 FILE@latest).

    Changes are listed by section and field, word by word. Exit status as diff(1):
    0 no differences, 1 differences, 2 trouble.

    \b
    Examples:
      letterkit diff peter.yaml@1 peter.yaml@latest
      letterkit diff peter.yaml@2 peter.yaml@3 -f pdf -o changes.pdf
      letterkit diff peter.yaml@1 peter.yaml@latest -f docx -o changes.docx   # Word tracked changes
      letterkit diff peter.yaml@2 peter.yaml@3 -f pdf --for patient          # the patient's copy
    """
    colored = sys.stdout.isatty() if color is None else color
    result = _workspace().compare(a, b, fmt, output, styler=_styler if colored else None, reader=reader)
    _show(result.content, result.output, colored)
    sys.exit(1 if result.diff else 0)


@main.command("contributions")
@click.argument("file", type=click.Path(path_type=str))
@click.option("-f", "--format", "fmt", type=CONTRIBUTIONS_FORMATS, default="text", show_default=True)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=str),
    help="Write to FILE (default: the screen; pdf and docx are written beside FILE as NAME.contributions.pdf).",
)
@click.option(
    "--for",
    "reader",
    type=READERS,
    default="therapist",
    show_default=True,
    help="Who the html, pdf or docx copy is for: the patient's copy says 'your words', 'your changes'.",
)
@handle_errors()
def contributions_command(file: str, fmt: str, output: str | None, reader: str) -> None:
    """Show who wrote which words of the latest draft, and what the patient changed.

    \b
    Examples:
      letterkit contributions peter.yaml
      letterkit contributions peter.yaml -f pdf -o peter-words.pdf
      letterkit contributions peter.yaml -f pdf --for patient     # "your words"
    """
    report = _workspace().contributions_report(file, fmt, output, reader=reader)
    _show(report.content, report.output)


@main.command("serve")
@click.argument("folder", default=".", type=click.Path(path_type=str, file_okay=False))
@click.option("--host", default="127.0.0.1", show_default=True, help="The address to listen on.")
@click.option(
    "--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="0 picks a free port."
)
@click.option("--open/--no-open", "open_browser", default=False, show_default=True, help="Open the browser.")
@click.option(
    "--allow-remote", is_flag=True, help="Allow a host other than this machine (a network you trust)."
)
@handle_errors()
def serve(folder: str, host: str, port: int, open_browser: bool, allow_remote: bool) -> None:
    """Open the letters in FOLDER in your browser, for you and your patient; Ctrl-C stops it.

    Prints one link with a sign-in token (set LETTERKIT_TOKEN to choose it). The HTTP API
    for other systems is under /api/v1, described at /openapi.json.

    \b
    Example:
      letterkit serve ~/letters --open
    """
    if allow_remote and host not in ("127.0.0.1", "localhost", "::1"):
        say(
            f"Warning: serving letters on {host}: anyone who can reach it and has the link can read them.",
            err=True,
        )

    def ready(link: str) -> None:
        say(f"letterkit is running at {link}")
        sys.stdout.flush()
        if open_browser:
            import webbrowser

            webbrowser.open(link)

    try:
        letterkit.serve(folder, host=host, port=port, allow_remote=allow_remote, on_ready=ready)
    except KeyboardInterrupt:
        pass
    say("letterkit stopped.")


main.add_command(db)

if __name__ == "__main__":  # pragma: no cover
    main()
