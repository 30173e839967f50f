"""Every error letterkit raises, under one root, each carrying its exit code.

    LetterkitError                          exit 1
    ├── LetterFileError (ValueError)        a letter file cannot be read or parsed
    │   ├── LetterNotFoundError (FileNotFoundError)
    │   └── MarkdownCopyError               a Markdown copy given where the letter file goes
    ├── LetterValidationError (ValueError)  a letter breaks the schema; carries every problem
    ├── SettingsError (ValueError)          a service settings file is wrong
    ├── TemplateError (LookupError)         a template is missing or fails
    ├── RenderError (RuntimeError)          rendering failed or ran too long
    ├── OutputError (OSError)               an output could not be written
    ├── OptionsError (ValueError)           options contradict each other: exit 2
    ├── HistoryError (ValueError)           the draft history is damaged, or a draft does not exist
    │   ├── UnsavedChangesError             the letter has changes not yet saved as a draft
    │   ├── UnknownBaseError                an edited copy does not say which draft it came from
    │   └── HistoryKeyError                 a keyed history's key is missing or not its own
    ├── ConflictError (RuntimeError)        the file changed since an editor read it
    ├── SignOffError (ValueError)           a sign-off that cannot be made (not the latest draft...)
    ├── SignOffNeededError (PermissionError) a letter needing sign-off was to be final without it
    ├── DatabaseError (OSError)             the database cannot be reached, or is not set up
    ├── UnknownKindError (LookupError)      no such kind of letter
    ├── UnknownFormatError (LookupError)    no such output format
    ├── UnknownStyleError (LookupError)     no such print style
    ├── UnknownRoleError (LookupError)      no such author role
    └── MissingExtraError (ImportError)     an optional part (``letterkit[serve]``...) is not installed

Each subclass also inherits the builtin that fits, so ordinary ``except ValueError``
clauses keep working (as Jinja's ``TemplateNotFound`` does). ``str(error)`` is a one-line
message meant for a therapist: what is wrong, then what to do. ``exit_code`` is what a
command line should exit with (as click's ``UsageError.exit_code``). No message names a
command of the command line; the command line may add one.
"""

from __future__ import annotations

from collections.abc import Sequence
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

    exit_code = 1


class LetterFileError(LetterkitError, ValueError):
    """A letter file cannot be read or parsed (missing, binary, malformed YAML...)."""

    def __init__(self, file: str, message: str, line: int | None = None, path: str = "") -> None:
        self.problem = Problem(file, line, path, message)
        super().__init__(str(self.problem))


class LetterNotFoundError(LetterFileError, FileNotFoundError):
    """The letter file (or a saved draft of it) does not exist."""


class MarkdownCopyError(LetterFileError):
    """A Markdown copy of a letter (one a patient may have edited) was given where the letter
    file is needed; an edited copy goes back into its letter file as a new draft."""


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


class OptionsError(LetterkitError, ValueError):
    """Options that contradict each other or the input (a usage mistake: exit 2).

    ``parameter`` names the option at fault (``output``, ``format``), so that a command
    line can say which of its own flags to change.
    """

    exit_code = 2

    def __init__(self, message: str, parameter: str | None = None) -> None:
        self.parameter = parameter
        super().__init__(message)


class HistoryError(LetterkitError, ValueError):
    """The draft history is damaged, or a revision does not exist."""


class NoSuchDraftError(HistoryError):
    """A draft asked for (by number, hash or ``latest``) that the history does not have."""


class UnsavedChangesError(HistoryError):
    """The letter file has changes that are not saved as a draft yet."""


class UnknownBaseError(HistoryError):
    """An edited copy does not say (or names no known) draft it was made from: name its base."""


class HistoryKeyError(HistoryError):
    """A keyed history's key is not there, or is not the key the history was saved with."""


class ConflictError(LetterkitError, RuntimeError):
    """The letter file or its history changed since it was read; nothing was written."""


class VersionRequiredError(ConflictError):
    """A write over an existing letter that does not say which version it read."""


class SignOffError(LetterkitError, ValueError):
    """A sign-off that cannot be made: not the latest saved draft, no supervisor named, or
    signed off already by the same supervisor."""


class SignOffNeededError(LetterkitError, PermissionError):
    """A letter that needs a supervisor's sign-off was to become final without a sign-off of
    its latest draft (or with changes since); nothing was saved."""


class DatabaseError(LetterkitError, OSError):
    """The database (``PostgresStore``) cannot be reached, refused a request, or is not set up."""


class AccountError(LetterkitError, ValueError):
    """An account that does not exist, or a name, role or assignment a service cannot use."""


class SignInError(LetterkitError, PermissionError):
    """Signing in was refused: a wrong name, password or code, a code used already, too many
    tries, or an account that is disabled. The message never says which of the first three."""


class LinkError(LetterkitError, PermissionError):
    """A patient link that does not exist, has expired or was revoked."""


class AlreadyExistsError(ConflictError):
    """A letter was to be created, and one by that name exists already; it was left alone."""


class SamePatientError(AlreadyExistsError):
    """A letter of that kind exists already for the patient; ``existing`` is its name. Asked
    first, never made silently: start another only when the user says so."""

    def __init__(self, message: str, existing: str = "") -> None:
        self.existing = existing
        super().__init__(message)


class MissingExtraError(LetterkitError, ImportError):
    """What was asked for needs one of letterkit's extras (``pip install 'letterkit[serve]'``),
    and it is not installed. ``extra`` is its name, ``module`` the module that is missing."""

    def __init__(self, message: str, extra: str = "", module: str = "") -> None:
        # Positional, with defaults: a batch's worker process sends the error back pickled.
        self.extra = extra
        super().__init__(message, name=module)

    @property
    def module(self) -> str:
        return self.name or ""


class _UnknownName(LetterkitError, LookupError):
    """A name that is not one of the known choices."""

    what = "name"

    def __init__(self, name: str, choices: Sequence[str]) -> None:
        self.name = name
        self.choices = tuple(choices)
        super().__init__(f"unknown {self.what} {name!r}: choose {_one_of(self.choices)}")


class UnknownKindError(_UnknownName):
    """No kind of letter has this name."""

    what = "kind of letter"


class UnknownFormatError(_UnknownName):
    """No output format has this name."""

    what = "format"


class UnknownStyleError(_UnknownName):
    """No print style has this name."""

    what = "print style"


class UnknownRoleError(_UnknownName):
    """No author role has this name."""

    what = "role"


def _one_of(choices: Sequence[str]) -> str:
    if len(choices) <= 1:
        return "".join(choices)
    return ", ".join(choices[:-1]) + " or " + choices[-1]
