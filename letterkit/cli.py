"""The letterkit command line: a thin layer over ``letterkit.api``.

Each command parses its arguments, calls the library, prints the result, and turns a
``LetterkitError`` into a one-line message and exit code 1 (2 for usage mistakes).
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])

KIND_CHOICE = click.Choice(["goodbye-letter", "formulation"])


def _fail(message: str, code: int = 1) -> None:
    click.echo(message, err=True)
    sys.exit(code)


def handle_errors(func: F) -> F:
    """Turn a LetterkitError (or an unexpected error) into a clean message, not a traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from .errors import LetterkitError

        debug = bool(click.get_current_context().find_root().params.get("debug"))
        try:
            return func(*args, **kwargs)
        except LetterkitError as error:
            if debug:
                raise
            _fail(f"letterkit: {error}" if "\n" not in str(error) else str(error))
        except KeyboardInterrupt:
            _fail("letterkit: interrupted", 130)
        except (click.exceptions.Exit, click.ClickException, SystemExit):
            raise
        except Exception as error:  # the last line of defence: never show a traceback
            if debug:
                raise
            _fail(
                f"letterkit: unexpected error: {type(error).__name__}: {error} "
                "(run again with --debug for details, and please report it)"
            )

    return wrapper  # type: ignore[return-value]


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
    from .api import validate as validate_files

    problems = validate_files(files)
    for problem in problems:
        click.echo(str(problem), err=True)
    if problems:
        sys.exit(1)
    click.echo(f"{len(files)} letter{'s' if len(files) != 1 else ''} valid.")


@main.command()
@click.argument("file", type=click.Path(path_type=str))
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(["md", "html", "pdf"]),
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
@handle_errors
def render(
    file: str,
    fmt: str | None,
    output: str | None,
    template_dir: str | None,
    css: tuple[str, ...],
    settings_file: str | None,
) -> None:
    """Render a letter to Markdown, HTML or PDF.

    \b
    Examples:
      letterkit render samples/peter-goodbye.yaml
      letterkit render samples/peter-goodbye.yaml -f pdf
      letterkit render samples/peter-goodbye.yaml -o peter.html
    """
    from .api import RenderOptions, load, render_letter, settings_for
    from .files import write_atomic

    if fmt is None:
        suffix = Path(output).suffix.lower().lstrip(".") if output else ""
        fmt = {"md": "md", "markdown": "md", "html": "html", "htm": "html", "pdf": "pdf"}.get(suffix, "md")
        if output and suffix and suffix not in ("md", "markdown", "html", "htm", "pdf"):
            raise click.UsageError(f"cannot tell the format from {output!r}: add -f md, html or pdf")
    letter = load(file)
    options = RenderOptions(format=fmt, template_dir=template_dir, css=css)
    result = render_letter(letter, options, settings=settings_for(file, settings_file))
    for warning in result.warnings:
        click.echo(f"warning: {file}: {warning}", err=True)
    if output is None and fmt == "pdf":
        output = str(Path(file).with_suffix(".pdf"))
    if output is None or output == "-":
        click.echo(result.content, nl=False)
        return
    write_atomic(output, result.data)
    click.echo(f"Wrote {output}", err=True)


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
    from .api import scaffold
    from .files import write_atomic

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
    from .api import schema as json_schema

    click.echo(json_schema(kind), nl=False)


if __name__ == "__main__":  # pragma: no cover
    main()
