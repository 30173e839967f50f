"""What every command of the command line shares: the registry choices, the workspace, printing
safely to a terminal, and turning errors into one-line messages and exit codes.

Every command turns a ``LetterkitError`` into a one-line message and the error's own exit
code (1 for a problem with the input or output, 2 for a usage mistake); ``diff`` exits as
diff(1) does.
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
from letterkit.errors import (
    LetterFileError,
    LetterkitError,
    LetterValidationError,
    MarkdownCopyError,
    OptionsError,
    SignOffNeededError,
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
    SignOffNeededError: "a supervisor signs the latest draft off with "
    "`letterkit draft sign-off FILE --by NAME`; `letterkit draft log FILE` shows the sign-offs",
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
