"""Notes never reach a patient unseen: the findings ``validate`` and ``render`` report, and the
refusal of an agreed or final letter that still has one.

A free-text field the letter prints as typed (the background, the lists, the ending…) that
reads as notes (``notes-style``), or any field that speaks about the patient in the third
person (``third-person``), is reported as one line per field, located ``file:line``. The
fields letterkit frames in a sentence of its own (the pattern, coping, the referral's reason)
are not reported as notes — letterkit frames them — and a pronoun there is turned to "you";
but "the patient" or the patient's name as a subject is reported wherever it is.

A draft is only warned about. A letter whose ``status`` is ``agreed`` or ``final`` is refused
(``UnseenNotesError``, exit 1, naming the fields) unless each field is acknowledged in the
letter's ``reviewed:`` list (its dotted path, ``background``, ``changes[0]``), or its words are
the patient's own (from the draft history).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from letterkit.errors import LetterkitError
from letterkit.model.fields import FieldPath
from letterkit.model.loading import Source
from letterkit.review.fields import Locator, text_fields, value_at
from letterkit.review.findings import Finding
from letterkit.review.notes_style import FRAMED, notes_style
from letterkit.review.person import patient_of, third_person

__all__ = ["Unseen", "UnseenNotesError", "refuse_unseen", "unseen"]

PatientsOwn = Mapping[FieldPath, Sequence[tuple[int, int]]]

_NOT_NOTES = ("closing", "patient_comments", "referral")
"""Fields never read as notes: the closing and the patient's own comments are written as the
writer wishes; the referral's reason is framed."""


class UnseenNotesError(LetterkitError, ValueError):
    """An agreed or final letter has a field that reads as notes or speaks about the patient,
    and the letter does not say it was reviewed."""


@dataclass(frozen=True)
class Unseen:
    """One field the patient would read as notes, or as talk about them."""

    file: str
    line: int | None
    section: str
    """The field's dotted path."""
    messages: tuple[str, ...]

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.section}: {'; '.join(self.messages)}"


def _framed(path: FieldPath) -> bool:
    return path in FRAMED or path[:1] == ("coping_strategies",) or path == ("referral", "reason")


def unseen(source: Source, text: str | None = None, patients_own: PatientsOwn | None = None) -> list[Unseen]:
    """The fields of a parsed letter that read as notes or speak about the patient, one entry
    per field, in letter order; fields the letter lists under ``reviewed:`` are left out."""
    data: Mapping[str, Any] = source.data if isinstance(source.data, Mapping) else {}
    reviewed = value_at(data, ("reviewed",))
    acknowledged = {str(r).strip() for r in reviewed} if isinstance(reviewed, list) else set()
    own = patients_own or {}
    where = Locator(source, text)
    patient = patient_of(data)
    by_field: dict[FieldPath, list[Finding]] = {}
    for path, value in text_fields(data):
        found: list[Finding] = []
        if path[0] not in _NOT_NOTES and not _framed(path):
            found += [
                f
                for f in notes_style(path, value, where, patient.called, own.get(path, ()))
                if f.severity == "warning"
            ]
        for finding in third_person(path, value, patient, where, own.get(path, ())):
            if _framed(path) and "if this means" in finding.message:
                continue  # letterkit turns the patient's pronouns in a framed phrase to "you"
            found.append(finding)
        if found:
            by_field[path] = found
    out = []
    for findings in by_field.values():
        section = findings[0].section
        if section in acknowledged:
            continue
        lines = [f.line for f in findings if f.line]
        messages = tuple(dict.fromkeys(_short(f) for f in findings))
        out.append(Unseen(source.file, min(lines) if lines else None, section, messages))
    return out


def _short(finding: Finding) -> str:
    message = finding.message
    if finding.code == "notes-style":
        return message.split(" — ", 1)[0]
    return message


def refuse_unseen(found: Sequence[Unseen], status: str, label: str) -> None:
    """Raise ``UnseenNotesError`` if an agreed or final letter has unseen notes."""
    if status not in ("agreed", "final") or not found:
        return
    fields = ", ".join(u.section for u in found)
    raise UnseenNotesError(
        f"{label}: the letter is {status}, but {fields} {'reads' if len(found) == 1 else 'read'} "
        f"as notes or about the patient rather than to them — write {'it' if len(found) == 1 else 'them'} "
        f"as sentences to the patient, or, if {'it is' if len(found) == 1 else 'they are'} meant as "
        f"written, list {'it' if len(found) == 1 else 'them'} under reviewed: in the letter"
    )
