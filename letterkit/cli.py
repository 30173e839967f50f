"""The letterkit command line: a thin layer over ``letterkit.api``.

Each command parses its arguments, calls the library, prints the result, and turns a
``LetterkitError`` into a one-line message and exit code 1 (2 for usage mistakes).
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

# The command line uses no pydantic plugins; looking for them costs every command start-up.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

F = TypeVar("F", bound=Callable[..., Any])

KIND_CHOICE = click.Choice(["goodbye-letter", "formulation"])


def _fail(message: str, code: int = 1) -> None:
    click.echo(message, err=True)
    sys.exit(code)


def exit_on_error(code: int = 1) -> Callable[[F], F]:
    """Turn a LetterkitError (or an unexpected error) into a clean message and exit ``code``,
    never a traceback (unless --debug)."""

    def decorate(func: F) -> F:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            from letterkit.errors import LetterFileError, LetterkitError, LetterValidationError

            debug = bool(click.get_current_context().find_root().params.get("debug"))
            try:
                return func(*args, **kwargs)
            except (click.exceptions.Exit, click.ClickException, SystemExit):
                raise
            except (LetterFileError, LetterValidationError) as error:
                if debug:
                    raise
                _fail(str(error), code)  # file:line: field: message, as `validate` prints them
            except LetterkitError as error:
                if debug:
                    raise
                _fail(f"letterkit: {error}", code)
            except KeyboardInterrupt:
                _fail("letterkit: interrupted", 130)
            except Exception as error:  # the last line of defence: never show a traceback
                if debug:
                    raise
                _fail(
                    f"letterkit: unexpected error: {type(error).__name__}: {error} "
                    "(run again with --debug for details, and please report it)",
                    code,
                )

        return wrapper  # type: ignore[return-value]

    return decorate


handle_errors = exit_on_error(1)


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
@handle_errors
def validate(files: tuple[str, ...]) -> None:
    """Check letter files and report every problem at once.

    Each problem is one line, file:line: field: message. Exits 1 if any file has a problem.

    \b
    Example:
      letterkit validate samples/*.yaml
    """
    from letterkit.api import validate as validate_files

    problems = validate_files(files)
    for problem in problems:
        click.echo(str(problem), err=True)
    if problems:
        sys.exit(1)
    click.echo(f"{len(files)} letter{'s' if len(files) != 1 else ''} valid.")


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=str))
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(["md", "html", "pdf", "docx"]),
    help="Output format (default: from -o's extension, else md).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=str),
    help="Output file. Without it, md and html go to the screen and pdf is written beside FILE.",
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
    "--style",
    type=click.Choice(["standard", "large-print", "easy-read"]),
    help="Print format (default: the letter's accessibility.format, else standard).",
)
@click.option(
    "--archive",
    is_flag=True,
    help="A PDF/A-3a record copy with the letter file attached (not the copy for the patient).",
)
@handle_errors
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
    """Render letters to Markdown, HTML, PDF or Word (docx).

    FILE may name a saved draft: FILE@2 (the second draft), FILE@latest or FILE@<hash>.
    A saved draft shows its number and date on every page. Several files, or a folder,
    render in parallel into the folder given with -o, as <name>.<format>; a bad letter is
    reported at the end and the others are still written.

    \b
    Examples:
      letterkit render samples/peter-goodbye.yaml
      letterkit render samples/peter-goodbye.yaml -f pdf
      letterkit render samples/peter-goodbye.yaml -o peter.html
      letterkit render samples/ -f pdf -o letters/
    """
    from letterkit.api import RenderOptions, draft_label, open_letter, reference, render_letter, settings_for
    from letterkit.files import write_atomic

    batch = len(files) > 1 or Path(files[0]).is_dir() or bool(output and Path(output).is_dir())
    if batch:
        if not output:
            raise click.UsageError("several letters (or a folder) need -o FOLDER for the outputs")
        if archive and fmt != "pdf":
            raise click.UsageError("--archive makes a PDF: add -f pdf")
        options = RenderOptions(
            format=fmt or "md", template_dir=template_dir, css=css, style=style, archive=archive
        )
        _render_batch(files, output, options, settings_file)
        return
    file = files[0]
    if fmt is None:
        suffix = Path(output).suffix.lower().lstrip(".") if output else ""
        known = {"md": "md", "markdown": "md", "html": "html", "htm": "html", "pdf": "pdf", "docx": "docx"}
        fmt = known.get(suffix, "md")
        if output and suffix and suffix not in known:
            raise click.UsageError(f"cannot tell the format from {output!r}: add -f md, html, pdf or docx")
    opened = open_letter(file)
    source = opened.revision.file
    if archive and fmt != "pdf":
        raise click.UsageError("--archive makes a PDF: add -f pdf")
    options = RenderOptions(format=fmt, template_dir=template_dir, css=css, style=style, archive=archive)
    result = render_letter(
        opened.letter,
        options,
        settings=settings_for(source, settings_file),
        draft_label=draft_label(opened),
        reference=reference(opened),
        source=opened.content,
        source_name=Path(source).name,
    )
    for warning in result.warnings:
        click.echo(f"warning: {file}: {warning}", err=True)
    if output is None and fmt in ("pdf", "docx"):
        suffix = f"-draft{opened.revision.draft.number}.{fmt}" if opened.revision.draft else f".{fmt}"
        output = str(Path(source).with_suffix("")) + suffix
    if output is None or output == "-":
        click.echo(result.content, nl=False)
        return
    write_atomic(output, result.data)
    click.echo(f"Wrote {output}", err=True)


def _render_batch(files: tuple[str, ...], output: str, options: Any, settings_file: str | None) -> None:
    from letterkit.api import expand_inputs, render_batch

    total = len(expand_inputs(files))
    if total == 0:
        raise click.UsageError("no letter files (.yaml, .yml, .json) found")
    show = sys.stderr.isatty()
    with click.progressbar(length=total, label="Rendering", file=sys.stderr, hidden=not show) as bar:
        items = render_batch(
            files, output, options, settings_file=settings_file, progress=lambda _: bar.update(1)
        )
    failed = [item for item in items if item.error]
    for item in items:
        for warning in item.warnings:
            click.echo(f"warning: {item.source}: {warning}", err=True)
    written = len(items) - len(failed)
    click.echo(f"Wrote {written} of {len(items)} letters to {output}", err=True)
    if failed:
        click.echo(f"{len(failed)} failed:", err=True)
        for item in failed:
            click.echo(f"  {item.error}", err=True)
        sys.exit(1)


@main.command()
@click.argument("kind", type=KIND_CHOICE)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=str),
    help="Where to write the scaffold (default: the screen). An existing file is never replaced.",
)
@handle_errors
def new(kind: str, output: str | None) -> None:
    """Start a new letter from a commented scaffold that explains each section.

    \b
    Example:
      letterkit new goodbye-letter -o peter.yaml
    """
    from letterkit.api import scaffold
    from letterkit.files import write_atomic

    text = scaffold(kind)
    if output is None:
        click.echo(text, nl=False)
        return
    write_atomic(output, text, replace=False)
    click.echo(f"Wrote {output}: fill it in, then run `letterkit validate {output}`.", err=True)


@main.command()
@click.argument("kind", type=KIND_CHOICE)
@handle_errors
def schema(kind: str) -> None:
    """Print the JSON Schema of a letter file, for editors and other systems.

    \b
    Example:
      letterkit schema goodbye-letter > goodbye-letter.schema.json
    """
    from letterkit.api import schema as json_schema

    click.echo(json_schema(kind), nl=False)


@main.command()
@click.argument("pdf", type=click.Path(path_type=str))
@click.option(
    "-o", "--output", type=click.Path(path_type=str), help="Write the letter file here (default: the screen)."
)
@handle_errors
def extract(pdf: str, output: str | None) -> None:
    """Get back the letter file attached to an archival PDF, byte for byte.

    \b
    Example:
      letterkit render peter.yaml -f pdf --archive -o peter-record.pdf
      letterkit extract peter-record.pdf -o peter-copy.yaml
    """
    from letterkit.api import extract as extract_source
    from letterkit.files import write_atomic

    _, data = extract_source(pdf)
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    write_atomic(output, data)
    click.echo(f"Wrote {output}", err=True)


@main.command()
@click.argument("file", type=click.Path(path_type=str))
@click.option(
    "-o", "--output", type=click.Path(path_type=str), help="Write the copy here (default: the screen)."
)
@click.option("--name", "names", multiple=True, help="Another person's name to replace (repeatable).")
@handle_errors
def redact(file: str, output: str | None, names: tuple[str, ...]) -> None:
    """Make a pseudonymised copy of a letter for supervision or teaching.

    Names become stable pseudonyms (the same in every draft); NHS numbers, dates of birth,
    phone numbers, e-mail addresses and postcodes are removed; dates become month and year.
    The copy is still personal data: read it before you share it.

    \b
    Example:
      letterkit redact peter.yaml --name "Dr Sara Okafor" -o peter-supervision.yaml
    """
    from letterkit.api import redact as redact_letter
    from letterkit.drafts.importing import to_letter_file

    result = redact_letter(file, names)
    text = to_letter_file(result.data, output or file.split("@")[0])
    if output:
        from letterkit.files import write_atomic

        write_atomic(output, text)
        click.echo(f"Wrote {output}", err=True)
    else:
        click.echo(text, nl=False)
    click.echo("Replaced: " + ("; ".join(result.summary()) or "nothing"), err=True)
    click.echo("This is pseudonymised, not anonymous: review it before sharing.", err=True)


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
@handle_errors
def check(files: tuple[str, ...], fmt: str, jargon_files: tuple[str, ...]) -> None:
    """Check how a letter reads: reading age, long sentences, jargon, "you" not "he/she",
    missing sections, and whether the patient's own words are used.

    Missing or empty sections are errors (exit 1); everything else is a warning (exit 0).

    \b
    Example:
      letterkit check peter.yaml
      letterkit check peter.yaml -f json
    """
    from letterkit.review.check import check_file, report_json, report_text

    findings = [f for file in files for f in check_file(file, jargon_files)]
    report = report_json(findings) if fmt == "json" else report_text(findings)
    click.echo(report if report.endswith("\n") else report + "\n", nl=False)
    if any(f.severity == "error" for f in findings):
        sys.exit(1)


# --------------------------------------------------------------------------- drafts

ROLE_CHOICE = click.Choice(["therapist", "patient", "joint", "supervisor"])


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
@click.option("--author", "role", type=ROLE_CHOICE, required=True, help="Who made this draft.")
@click.option("--name", default="", help="The author's name.")
@click.option("--note", default="", help="A short note on what changed.")
@handle_errors
def draft_save(file: str, role: str, name: str, note: str) -> None:
    """Save the letter file as its next draft. Saving it unchanged does nothing.

    \b
    Example:
      letterkit draft save peter.yaml --author patient --name "Peter Hale" --note "My changes"
    """
    from letterkit.api import save_draft

    click.echo(save_draft(file, role, name, note).message)


@draft.command("log")
@click.argument("file", type=click.Path(path_type=str))
@handle_errors
def draft_log(file: str) -> None:
    """List the saved drafts, newest first: number, hash, date, author, note.

    \b
    Example:
      letterkit draft log peter.yaml
    """
    from letterkit.api import history

    saved = history(file)
    if not saved and not Path(file).exists():
        from letterkit.errors import LetterNotFoundError

        raise LetterNotFoundError(file, "no such file — check the name and folder")
    if not saved:
        click.echo(f"{file}: no saved drafts yet (save one with `letterkit draft save`).")
        return
    for d in reversed(saved):
        click.echo(d.log_line())


@draft.command("show")
@click.argument("file", type=click.Path(path_type=str))
@click.argument("rev")
@handle_errors
def draft_show(file: str, rev: str) -> None:
    """Print a saved draft's letter file exactly as it was saved.

    REV is a draft number (1 is the first), latest, or the start of a draft's hash.

    \b
    Example:
      letterkit draft show peter.yaml 2
    """
    from letterkit.api import open_letter

    spec = rev if "@" in rev else f"{file}@{rev}"
    click.echo(open_letter(spec).content, nl=False)


@draft.command("verify")
@click.argument("file", type=click.Path(path_type=str))
@handle_errors
def draft_verify(file: str) -> None:
    """Check that no saved draft or record has been changed or lost.

    \b
    Example:
      letterkit draft verify peter.yaml
    """
    from letterkit.api import history, verify_history

    problems = verify_history(file)
    for problem in problems:
        click.echo(problem, err=True)
    if problems:
        sys.exit(1)
    click.echo(f"{file}: {len(history(file))} drafts, history intact.")


@draft.command("import")
@click.argument("edited", type=click.Path(path_type=str))
@click.option(
    "--into",
    "into",
    required=True,
    type=click.Path(path_type=str),
    help="The letter file the edits belong to.",
)
@click.option("--author", "role", type=ROLE_CHOICE, required=True, help="Who made the edits.")
@click.option("--name", default="", help="The author's name.")
@click.option("--note", default="", help="A short note (default: where the edits came from).")
@handle_errors
def draft_import(edited: str, into: str, role: str, name: str, note: str) -> None:
    """Bring an edited Markdown copy of a letter back in as the next draft.

    Edit the Markdown that `letterkit render` printed; each change goes back to its section.
    Text that fits no section is kept in the letter as the patient's comments, never dropped.

    \b
    Example:
      letterkit render peter.yaml -o peter.md      # the patient edits peter.md
      letterkit draft import peter.md --into peter.yaml --author patient --name "Peter Hale"
    """
    from letterkit.api import import_edited

    result, saved = import_edited(edited, into, role, name, note)
    for path in result.changed:
        click.echo(f"changed {path}")
    for text in result.unplaced:
        click.echo(f"kept as a comment (it fits no section): {text}", err=True)
    if saved is None:
        click.echo("No changes found; nothing saved.")
    else:
        click.echo(saved.message)


# --------------------------------------------------------------------------- diff, contributions

DIFF_FORMATS = click.Choice(["text", "md", "html", "pdf", "docx", "json"])


def _write_or_print(content: str | bytes, output: str | None, fmt: str, color: bool | None = None) -> None:
    from letterkit.files import write_atomic

    if output:
        write_atomic(output, content)
        click.echo(f"Wrote {output}", err=True)
    elif isinstance(content, bytes):
        raise click.UsageError(f"-f {fmt} needs -o FILE")
    else:
        click.echo(content, nl=False, color=color)


@main.command("diff")
@click.argument("a")
@click.argument("b")
@click.option(
    "-f", "--format", "fmt", type=DIFF_FORMATS, default="text", show_default=True, help="Output format."
)
@click.option(
    "-o", "--output", type=click.Path(path_type=str), help="Write to FILE (needed for pdf and docx)."
)
@click.option("--color/--no-color", default=None, help="Colour the text output (default: on a terminal).")
@exit_on_error(2)
def diff_command(a: str, b: str, fmt: str, output: str | None, color: bool | None) -> None:
    """Show what changed between two letters, or two drafts of one (FILE@1 FILE@latest).

    Changes are listed by section and field, word by word. Exit status as diff(1):
    0 no differences, 1 differences, 2 trouble.

    \b
    Examples:
      letterkit diff peter.yaml@1 peter.yaml@latest
      letterkit diff peter.yaml@2 peter.yaml@3 -f pdf -o changes.pdf
      letterkit diff peter.yaml@1 peter.yaml@latest -f docx -o changes.docx   # Word tracked changes
    """
    import letterkit.api as api
    import letterkit.diffs.core as views

    if fmt in ("pdf", "docx") and not output:
        raise click.UsageError(f"-f {fmt} needs -o FILE")
    result = api.diff(a, b)
    if fmt in ("html", "pdf", "docx"):
        content: str | bytes = api.render_redline(a, b, fmt).content  # type: ignore[arg-type]
    elif fmt == "json":
        content = views.to_json(result)
    elif fmt == "md":
        content = views.to_markdown(result)
    else:
        use_color = sys.stdout.isatty() if color is None else color
        content = views.to_text(result, color=use_color)
    _write_or_print(content, output, fmt, color)
    sys.exit(1 if result else 0)


@main.command("contributions")
@click.argument("file", type=click.Path(path_type=str))
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "html", "pdf"]),
    default="text",
    show_default=True,
)
@click.option("-o", "--output", type=click.Path(path_type=str), help="Write to FILE (needed for pdf).")
@handle_errors
def contributions_command(file: str, fmt: str, output: str | None) -> None:
    """Show who wrote which words of the latest draft, and what the patient changed.

    \b
    Examples:
      letterkit contributions peter.yaml
      letterkit contributions peter.yaml -f pdf -o peter-words.pdf
    """
    import json

    import letterkit.api as api

    if fmt == "pdf" and not output:
        raise click.UsageError("-f pdf needs -o FILE")
    credit = api.contributions(file)
    if fmt in ("html", "pdf"):
        content: str | bytes = api.render_contributions(file, fmt).content  # type: ignore[arg-type]
    elif fmt == "json":
        content = json.dumps(credit.to_json(), indent=2, ensure_ascii=False) + "\n"
    else:
        content = credit.to_text()
    _write_or_print(content, output, fmt)


if __name__ == "__main__":  # pragma: no cover
    main()
