"""Every error letterkit raises, under one root.

    LetterkitError
    ├── LetterFileError (ValueError)      a letter file cannot be read or parsed
    │   └── LetterNotFoundError (FileNotFoundError)
    ├── LetterValidationError (ValueError) a letter breaks the schema; carries every problem
    ├── SettingsError (ValueError)         a service settings file is wrong
    ├── TemplateError (LookupError)        a template is missing or fails
    ├── RenderError (RuntimeError)         rendering failed or ran too long
    └── OutputError (OSError)              an output could not be written

Each subclass also inherits the builtin that fits, so ordinary ``except ValueError``
clauses keep working. ``str(error)`` is a one-line message meant for a therapist.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a letter file, located as precisely as we can."""

    file: str
    line: int | None
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


class LetterkitError(Exception):
    """The root of every error letterkit raises on purpose."""


class LetterFileError(LetterkitError, ValueError):
    """A letter file cannot be read or parsed (missing, binary, malformed YAML...)."""

    def __init__(self, file: str, message: str, line: int | None = None) -> None:
        self.problem = Problem(file, line, "", message)
        super().__init__(str(self.problem))


class LetterNotFoundError(LetterFileError, FileNotFoundError):
    """The letter file (or a saved draft of it) does not exist."""


class LetterValidationError(LetterkitError, ValueError):
    """A letter does not match its schema. ``problems`` lists every one of them."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class SettingsError(LetterkitError, ValueError):
    """A service settings file (letterkit.toml) is missing or wrong."""


class TemplateError(LetterkitError, LookupError):
    """A template is missing, or failed while rendering."""


class RenderError(LetterkitError, RuntimeError):
    """Rendering failed, or ran past its time limit."""


class OutputError(LetterkitError, OSError):
    """An output file could not be written; any earlier file is left as it was."""
