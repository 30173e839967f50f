"""The commands that read letters back: ``extract``, ``redact``, ``check``, ``diff`` and
``contributions``.
"""

from __future__ import annotations

import sys

import click

from letterkit.cli_common import (
    CONTRIBUTIONS_FORMATS,
    DIFF_FORMATS,
    READERS,
    STYLES,
    _show,
    _workspace,
    handle_errors,
    say,
)


@click.command()
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


@click.command()
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


@click.command()
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


# --------------------------------------------------------------------------- diff, contributions


def _styler(role: str, text: str) -> str:
    return click.style(text, fg={"removed": "red", "added": "green"}.get(role, "cyan"))


@click.command("diff")
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


@click.command("contributions")
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
