"""What opening, saving, validating and rendering a letter return: typed, frozen, printable by
the CLI or a web page.

What the other workflows return (check, compare, contributions, draft import and verify,
reading together, suggestions, sign-off, the caseload) is in ``letterkit.workspace.reports``,
loaded by the workflow that returns one: building those eighteen classes took a twentieth of a
cold ``letterkit render``. Their old names here still work (``results.Comparison``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from letterkit.errors import Problem
from letterkit.model.schema import LetterBase

if TYPE_CHECKING:
    from letterkit.drafts.store import Revision
    from letterkit.rendering import Rendered


@dataclass(frozen=True)
class Written:
    """Text made for the user: written to ``output``, or (``output`` None) to be shown."""

    content: str | bytes
    output: str | None = None


@dataclass(frozen=True)
class Opened:
    """A letter read from the store: the letter now, or a saved draft (``NAME@N``)."""

    letter: LetterBase
    revision: Revision
    content: bytes

    @property
    def label(self) -> str:
        return str(self.revision.label)

    @property
    def file(self) -> str:
        """The letter (for a saved draft, the letter it is a draft of)."""
        return self.revision.file


@dataclass(frozen=True)
class Validation:
    """Letters validated: the ``problems`` (none if all are valid) and the ``warnings``, one
    line per field that reads as notes or speaks about the patient in a draft."""

    problems: tuple[Problem, ...]
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class RenderedFile:
    """One letter rendered: where it went (``output``), or why it failed (``error``)."""

    source: str
    output: str | None
    error: str | None = None
    warnings: tuple[str, ...] = ()
    rendered: Rendered | None = None
    """The rendering itself (None after a failure); ``output`` None means nothing was written."""


@dataclass(frozen=True)
class RenderReport:
    """Letters rendered: one item each, in the order given; ``folder`` for a batch."""

    items: tuple[RenderedFile, ...]
    folder: str | None = None

    @property
    def failed(self) -> tuple[RenderedFile, ...]:
        return tuple(item for item in self.items if item.error)

    @property
    def warnings(self) -> tuple[tuple[str, str], ...]:
        """(file, warning) for every warning, in order."""
        return tuple((item.source, w) for item in self.items for w in item.warnings)


@dataclass(frozen=True)
class Work:
    """A letter as it is being written: its data (maybe incomplete), its version, its problems.

    ``version`` changes whenever the letter or its history does; pass it back to ``save_work``
    so that a save never overwrites changes made elsewhere since.
    """

    file: str
    data: dict[str, Any]
    version: str
    problems: tuple[Problem, ...]
    message: str = ""
    """What a save did, in words for the person saving ("Saved.", "Draft 3 (…) saved.")."""

    @property
    def complete(self) -> bool:
        """True when the letter is valid, so that it can be saved as a draft."""
        return not self.problems


def __getattr__(name: str) -> Any:
    """The classes that moved to ``reports``, under their old names here."""
    if name.startswith("__"):  # the import system's own questions (``__path__``...)
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from letterkit.workspace import reports

    if name in reports.__all__:
        return getattr(reports, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
