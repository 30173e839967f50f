"""What the workspace's workflows return, beyond opening and rendering a letter: a new
letter's text, validation, work in progress, check, compare, contributions, draft import and
verify, reading together, suggestions, sign-off and the caseload. Typed, frozen, printable by
the CLI or a web page.

Each workflow imports this module when it first returns one of these, so that a command that
only renders a letter does not build them (``letterkit.workspace.results`` holds what opening
and rendering return).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from letterkit.errors import Problem

if TYPE_CHECKING:
    from letterkit.diffs.core import Diff
    from letterkit.drafts.attribution import Contributions
    from letterkit.drafts.store import Draft, SaveResult
    from letterkit.review.check import Finding

__all__ = [
    "Written",
    "Validation",
    "Work",
    "FieldNote",
    "Verification",
    "Imported",
    "Comparison",
    "ContributionsReport",
    "CheckReport",
    "RedactedFile",
    "Extracted",
    "Summary",
    "Passage",
    "Typed",
    "Reading",
    "Suggestion",
    "Suggestions",
    "DecisionNote",
    "Legend",
    "SignOff",
    "DraftLog",
]


@dataclass(frozen=True)
class Written:
    """Text made for the user: written to ``output``, or (``output`` None) to be shown."""

    content: str | bytes
    output: str | None = None


@dataclass(frozen=True)
class Validation:
    """Letters validated: the ``problems`` (none if all are valid) and the ``warnings``, one
    line per field that reads as notes or speaks about the patient in a draft."""

    problems: tuple[Problem, ...]
    warnings: tuple[str, ...] = ()


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


@dataclass(frozen=True)
class FieldNote:
    """A field that reads as notes or speaks about the patient, as an editor shows it at the
    field: what ``validate`` says of it, and a sentence to the patient where letterkit can
    make one (``None`` where it cannot)."""

    section: str
    """The field's dotted path (``changes[0]``); for finding the field, never for showing."""
    messages: tuple[str, ...]
    suggestion: str | None


@dataclass(frozen=True)
class Verification:
    """A history checked: its drafts, and every problem found (none when intact)."""

    file: str
    drafts: tuple[Draft, ...]
    problems: tuple[str, ...]
    notices: tuple[str, ...] = ()
    """Worth knowing but not damage: an interrupted save, a key signature that could not be checked."""
    keyed: str = "no"
    """Whether the history is kept with a key: no, checked (with your key) or unchecked (no key here)."""


@dataclass(frozen=True)
class Imported:
    """An edited copy brought back: the fields changed, text kept as comments, the draft saved."""

    changed: tuple[str, ...]
    unplaced: tuple[str, ...]
    saved: SaveResult | None


@dataclass(frozen=True)
class Comparison:
    """Two letters compared: the diff as data, and the view asked for (written, or to show)."""

    diff: Diff
    content: str | bytes
    output: str | None = None


@dataclass(frozen=True)
class ContributionsReport:
    """Who wrote what: the credit as data, and the report asked for (written, or to show)."""

    contributions: Contributions
    content: str | bytes
    output: str | None = None


@dataclass(frozen=True)
class CheckReport:
    """How letters read: every finding, and the report as text or JSON."""

    findings: tuple[Finding, ...]
    content: str

    @property
    def has_errors(self) -> bool:
        """True when a section is missing or empty (the rest are warnings)."""
        return any(f.severity == "error" for f in self.findings)


@dataclass(frozen=True)
class RedactedFile:
    """A pseudonymised copy: its text (in the letter's own format), where it went, what was
    replaced (by kind), and the redaction report (what was replaced, and what was kept though
    it looked like an identifier; it quotes the original letter)."""

    text: str
    output: str | None
    replaced: tuple[str, ...] = field(default_factory=tuple)
    report: str = ""


@dataclass(frozen=True)
class Extracted:
    """The letter file taken out of an archival PDF."""

    name: str
    data: bytes
    output: str | None = None


@dataclass(frozen=True)
class Summary:
    """What a caseload shows of one letter (a letter that cannot be read still appears)."""

    name: str
    kind: str | None = None
    patient: str | None = None
    status: str | None = None
    drafts: int = 0
    latest: Draft | None = None
    problems: int = 0
    preferred: str | None = None
    """The name the patient likes to be called, when it is not their full name (``patient``)."""
    archived: bool = False
    """Put away in the archive: kept, with its history, and out of the caseload's list."""
    latest_title: str | None = None
    """The latest draft as people name it: 'Draft 2, 5 December 2026, by Nora'."""


@dataclass(frozen=True)
class Passage:
    """One paragraph of the letter as it prints, for reading the letter together: its number
    in the letter, its ``kind`` (title, heading, subheading, text, item, inner — a list item's
    second paragraph — or fixed), the ``part`` of the letter it is in (letterhead, body, help),
    its words as printed, whether the patient may change it here, and what they typed into it
    and have not saved yet (None when nothing)."""

    number: int
    kind: str
    part: str
    text: str
    editable: bool
    typed: str | None = None


@dataclass(frozen=True)
class Typed:
    """What someone typed into a page of a letter and has not saved yet: the page (``read`` or
    ``letter``), the form's fields as typed, when it was kept (ISO 8601, UTC) and what it was
    typed over (the draft number for ``read``, the letter's version for ``letter``)."""

    page: str
    fields: dict[str, str]
    time: str
    over: str = ""


@dataclass(frozen=True)
class Reading:
    """A letter laid out for reading together: the letter as it prints (``passages``), the
    saved draft they are from, why the patient's changes could not be saved now (plain words
    for the patient; empty when they can), what the letter calls the patient, their own words
    typed and not saved yet, and when those words were kept (None when nothing was)."""

    name: str
    data: dict[str, Any]
    version: str
    passages: tuple[Passage, ...]
    draft: int | None
    blocked: str = ""
    patient: str = ""
    own_words: str = ""
    kept: str | None = None


@dataclass(frozen=True)
class Suggestion:
    """One change a patient's draft suggests, as the therapist decides on it: its id
    (``3-2``: draft 3, change 2), where the letter prints it (the section heading), what it
    does (``kind``: insert, delete, replace or move; ``old`` and ``new`` words, with the
    unchanged words ``before`` and ``after`` it), who suggested it, and what was decided."""

    id: str
    where: str
    kind: str
    old: str
    new: str
    before: str
    after: str
    author: str
    state: str = "pending"
    """pending, accepted or rejected."""
    decided_by: str = ""
    decided_on: str = ""
    """The date it was decided, written out ("5 December 2026"); empty while pending."""

    @property
    def pending(self) -> bool:
        return self.state == "pending"


@dataclass(frozen=True)
class Suggestions:
    """A letter's suggestions: the changes in the latest draft by the patient (``draft``),
    against the draft before it (``base``); none when the patient has saved no draft yet."""

    name: str
    draft: Draft | None
    base: Draft | None
    items: tuple[Suggestion, ...]
    version: str
    decider: str = ""
    """Who decides, by default: the therapist the letter names."""

    @property
    def pending(self) -> tuple[Suggestion, ...]:
        return tuple(s for s in self.items if s.pending)


@dataclass(frozen=True)
class DecisionNote:
    """A decision on a suggestion as the history tells it ("Nora suggested …; accepted by
    Dr Sam Lee on 5 December 2026"), with the draft whose change it was."""

    text: str
    suggested: int
    decision: str
    draft: int
    time: str


@dataclass(frozen=True)
class Legend:
    """What a marked letter's legend tells, as data: its title, the key to its marks (``ins``
    or ``del`` and the words that explain it) and one line per change, each named by the
    section the letter prints it under (never a field path)."""

    title: str
    lines: tuple[str, ...]
    key: tuple[tuple[str, str], ...] = ()

    def to_text(self) -> str:
        return "\n".join([self.title, "", *(f"- {line}" for line in self.lines)]) + "\n"

    def to_markdown(self) -> str:
        return "\n".join([f"# {self.title}", "", *(f"- {line}" for line in self.lines)]) + "\n"

    def to_json(self) -> dict[str, Any]:
        return {"title": self.title, "changes": list(self.lines), "key": [text for _, text in self.key]}


@dataclass(frozen=True)
class SignOff:
    """A supervisor's sign-off of one saved draft, and whether it still holds: it does while
    every later draft differs from the one signed off only by its status; ``void`` says why
    it does not ("draft 5 was changed after it was signed off (in draft 6)")."""

    number: int
    draft: int
    draft_hash: str
    supervisor: str
    note: str
    time: str
    void: str = ""

    @property
    def holds(self) -> bool:
        return not self.void

    @property
    def text(self) -> str:
        """'Draft 5 signed off by Dr Ruth Adler on 5 December 2026', with why it is void."""
        day = dt.datetime.fromisoformat(self.time).date()
        said = f"Draft {self.draft} signed off by {self.supervisor} on {day.day} {day:%B %Y}"
        return f"{said} — no longer holds: {self.void}" if self.void else said

    def to_json(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "draft": self.draft,
            "draft_hash": self.draft_hash,
            "supervisor": self.supervisor,
            "note": self.note,
            "time": self.time,
            "holds": self.holds,
            "void": self.void or None,
        }


@dataclass(frozen=True)
class DraftLog:
    """A letter's history as ``letterkit draft log`` lists it: its saved drafts and their
    sign-offs, oldest first (``to_text`` lists them newest first)."""

    file: str
    drafts: tuple[Draft, ...]
    sign_offs: tuple[SignOff, ...] = ()

    def to_text(self) -> str:
        """One line per draft, newest first (number, short hash, date, author [status]: note),
        each sign-off on its own line just above the draft it signs off."""
        lines = []
        for d in reversed(self.drafts):
            for s in reversed([s for s in self.sign_offs if s.draft == d.number]):
                note = " ".join(s.note.split())
                lines.append(
                    f"    draft {s.draft} signed off by {s.supervisor} {s.time[:10]}"
                    + (f": {note}" if note else "")
                    + (f" [void: {s.void}]" if s.void else "")
                )
            status = f" [{d.status}]" if d.event == "status" else ""
            who = f"{d.role} {d.name}".strip()
            note = " ".join(d.note.split())
            lines.append(
                f"{d.number:>3} {d.short} {d.time[:10]} {who}{status}" + (f": {note}" if note else "")
            )
        return "".join(f"{line}\n" for line in lines)

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "drafts": [d.to_json() for d in self.drafts],
            "sign_offs": [s.to_json() for s in self.sign_offs],
        }
