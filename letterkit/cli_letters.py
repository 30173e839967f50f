"""The commands for letters themselves: ``validate``, ``render``, ``new``, ``schema`` and ``serve``."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import click

import letterkit
from letterkit.cli_common import FORMATS, KINDS, STYLES, _show, _workspace, handle_errors, say


@click.command()
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


@click.command()
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


@click.command()
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


@click.command()
@click.argument("kind", type=KINDS)
@handle_errors()
def schema(kind: str) -> None:
    """Print the JSON Schema of a letter file, for editors and other systems.

    \b
    Example:
      letterkit schema goodbye-letter > goodbye-letter.schema.json
    """
    say(letterkit.schema(kind), nl=False)


@click.command("serve")
@click.argument("folder", default=".", type=click.Path(path_type=str, file_okay=False))
@click.option("--host", default="127.0.0.1", show_default=True, help="The address to listen on.")
@click.option(
    "--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="0 picks a free port."
)
@click.option("--open/--no-open", "open_browser", default=False, show_default=True, help="Open the browser.")
@click.option(
    "--allow-remote", is_flag=True, help="Allow a host other than this machine (a network you trust)."
)
@click.option(
    "--database",
    metavar="URL",
    default=None,
    help="Serve a team from this PostgreSQL database instead of FOLDER: staff sign in with their accounts.",
)
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Worker processes (with --database).",
)
@click.option(
    "--server-name",
    "names",
    multiple=True,
    metavar="NAME",
    help="A host name the service is reached by, behind a proxy (with --database; repeatable).",
)
@handle_errors()
def serve(
    folder: str,
    host: str,
    port: int,
    open_browser: bool,
    allow_remote: bool,
    database: str | None,
    workers: int,
    names: tuple[str, ...],
) -> None:
    """Open the letters in FOLDER in your browser, for you and your patient; Ctrl-C stops it.

    Prints one link with a sign-in token (set LETTERKIT_TOKEN to choose it). The HTTP API
    for other systems is under /api/v1, described at /openapi.json. With --database, serves a
    whole team from PostgreSQL instead: each member of staff signs in with their account.

    \b
    Example:
      letterkit serve ~/letters --open
      letterkit serve --database postgresql://letterkit_web@db/letters --workers 4
    """
    _warn_if_remote(host, allow_remote)
    try:
        letterkit.serve(
            folder,
            host=host,
            port=port,
            allow_remote=allow_remote,
            on_ready=_ready(open_browser),
            database=database,
            workers=workers,
            names=names,
        )
    except KeyboardInterrupt:
        pass
    say("letterkit stopped.")


def _warn_if_remote(host: str, allow_remote: bool) -> None:
    if allow_remote and host not in ("127.0.0.1", "localhost", "::1"):
        say(
            f"Warning: serving letters on {host}: anyone who can reach it and has the link can read them.",
            err=True,
        )


def _ready(open_browser: bool) -> Callable[[str], None]:
    """What serve does once it listens: print the link (and open the browser)."""

    def ready(link: str) -> None:
        say(f"letterkit is running at {link}")
        sys.stdout.flush()
        if open_browser:
            import webbrowser

            webbrowser.open(link)

    return ready
