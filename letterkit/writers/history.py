"""A letter's saved drafts and sign-offs, for the formats that record them (FHIR's Provenance
and attester; ``OutputFormat.history``).

Its own module, loaded only when such a format is rendered: a Markdown or PDF letter never
builds these classes.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SignedBy:
    """A supervisor's sign-off of a saved draft, as a record shows it."""

    supervisor: str
    time: str
    note: str = ""


@dataclass(frozen=True)
class SavedDraft:
    """One saved draft of a letter: who saved it, when, and who signed it off."""

    number: int
    hash: str
    time: str
    role: str
    name: str
    status: str
    event: str
    signed_off: tuple[SignedBy, ...] = ()


@dataclass(frozen=True)
class DraftHistory:
    """A letter's saved drafts up to the version rendered, for a writer that records who made
    each (FHIR's Provenance) and who signed off the version rendered (its attester).

    ``rendered`` is the draft rendered (None: the letter has changes not saved as a draft);
    ``attested``: the sign-offs that hold for it (nothing but the status changed since)."""

    drafts: tuple[SavedDraft, ...]
    rendered: int | None
    attested: tuple[SignedBy, ...] = ()
