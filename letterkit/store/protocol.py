"""The store protocol: what a workspace needs from wherever letters are kept."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from letterkit.drafts.store import Draft, HistoryCheck, Revision, SaveResult

if TYPE_CHECKING:
    from letterkit.drafts.attestations import Attestation
    from letterkit.drafts.decisions import Decision


@runtime_checkable
class Store(Protocol):
    """Letters (by name) as bytes, each with an append-only, hash-chained history of drafts.

    Names are the store's own: a file path for ``FileStore``, a key for a database. A name
    may carry a revision (``NAME@N``, ``NAME@latest``, ``NAME@<hash prefix>``); ``resolve``
    reads it. Every method raises a ``LetterkitError`` for anything a user can fix.
    """

    def exists(self, name: str) -> bool:
        """True when the letter exists (its work in progress)."""
        ...

    def read(self, name: str) -> bytes:
        """The letter as it is now (work in progress); ``LetterNotFoundError`` if none."""
        ...

    def write(self, name: str, content: bytes, *, create: bool = False) -> None:
        """Replace the letter's content in one step (never half-written); with ``create``,
        refuse (``OutputError``) when it exists already."""
        ...

    def lock(self, name: str) -> AbstractContextManager[object]:
        """Held while a writer checks a version and writes, so two writers never interleave;
        reentrant (a workflow that holds it may call another that takes it)."""
        ...

    def drafts(self, name: str) -> list[Draft]:
        """The saved drafts, oldest first (empty when none are saved)."""
        ...

    def draft_content(self, name: str, draft: Draft) -> bytes:
        """A saved draft's letter, checked against its record."""
        ...

    def append_draft(
        self, name: str, role: str, person: str = "", note: str = "", *, keyed: bool = False
    ) -> SaveResult:
        """Record the letter's current content as its next draft (nothing if unchanged)."""
        ...

    def decisions(self, name: str) -> list[Decision]:
        """The decisions made on the letter's suggested changes, oldest first (empty if none)."""
        ...

    def append_decisions(self, name: str, new: Sequence[Mapping[str, Any]]) -> list[Decision]:
        """Record decisions (each record's fields but ``number``, ``parent`` and ``hash``),
        numbered and chained after the earlier ones (``letterkit.drafts.decisions.chain``);
        returns the records kept. Records are never changed once kept."""
        ...

    def attestations(self, name: str) -> list[Attestation]:
        """The sign-offs of the letter's drafts, oldest first (empty if none)."""
        ...

    def append_attestation(self, name: str, record: Mapping[str, Any]) -> Attestation:
        """Record a supervisor's sign-off of one saved draft (``draft``, ``draft_hash``,
        ``supervisor``, ``note``, optionally ``time``), numbered and chained after the earlier
        ones (``letterkit.drafts.attestations.chain``); returns the record kept. Records are
        never changed once kept."""
        ...

    def check(self, name: str) -> HistoryCheck:
        """Check the whole history: every record, draft and link in the chain."""
        ...

    def resolve(self, spec: str) -> Revision:
        """``NAME`` (the letter now) or ``NAME@REV`` (a saved draft)."""
        ...

    def names(self) -> list[str]:
        """The letters in the store, sorted."""
        ...

    def archived(self) -> list[str]:
        """The letters put away in the archive (``archive``), sorted: still in the store, with
        their histories, and still in ``names``; a caseload leaves them out of its list."""
        ...

    def archive(self, name: str, archived: bool = True) -> None:
        """Put a letter away in the archive (or, with ``archived=False``, bring it back).
        Nothing of the letter or its history is changed or removed; ``LetterNotFoundError``
        if there is no such letter."""
        ...

    def kept(self, name: str) -> bytes | None:
        """What someone typed into a letter's pages and has not saved yet (kept by ``keep``),
        or None. Never part of the letter or its history."""
        ...

    def keep(self, name: str, content: bytes | None) -> None:
        """Keep (replace) what was typed and not saved yet, beside the letter; None forgets it."""
        ...
