"""What opening and rendering a letter return: typed, frozen, printable by the CLI or a web
page.

What the other workflows return (a new letter, validation, work in progress, check, compare,
contributions, draft import and verify, reading together, suggestions, sign-off, the caseload)
is in ``letterkit.workspace.reports``, loaded by the workflow that returns one: building those
twenty-one classes took a twentieth of a cold ``letterkit render``. Their old names here still
work (``results.Comparison``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from letterkit.model.schema import LetterBase

if TYPE_CHECKING:
    from letterkit.drafts.store import Revision
    from letterkit.rendering import Rendered


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


def __getattr__(name: str) -> Any:
    """The classes that moved to ``reports``, under their old names here."""
    if name.startswith("__"):  # the import system's own questions (``__path__``...)
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from letterkit.workspace import reports

    if name in reports.__all__:
        return getattr(reports, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
