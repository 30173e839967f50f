"""Suggestions, as in Word or Google Docs: the patient's changes, each accepted or rejected.

The latest draft the patient saved, compared with the draft before it, is a list of
suggested changes (``suggestions``). The therapist accepts or rejects each, or all
(``decide``): a rejected change is undone on the letter, which is saved as the therapist's
next draft; every decision is kept in the history with who made it and when
(``Store.append_decisions``), and told in plain words by ``decision_notes``.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import letterkit.compose as compose
import letterkit.model.loading as loading
from letterkit.drafts.store import Draft
from letterkit.errors import HistoryError, LetterkitError, LetterValidationError
from letterkit.model import editing
from letterkit.workspace.base import PathLike
from letterkit.workspace.letters import Letters, problems
from letterkit.workspace.revisions import Revisions

if TYPE_CHECKING:
    from letterkit.diffs.places import Places
    from letterkit.diffs.suggestions import Piece
    from letterkit.drafts.decisions import Decision
    from letterkit.workspace.reports import DecisionNote, Suggestions

SUGGESTING_ROLES = ("patient",)
"""Whose drafts are suggestions for the therapist to decide on."""
QUOTE = 90
"""The longest quotation of a change in a sentence of the history, in characters."""


@dataclass(frozen=True)
class _Found:
    draft: Draft
    base: Draft
    pieces: list[Piece]
    suggested: dict[str, Any]
    places: Places
    author: str


def _quote(text: str) -> str:
    text = " ".join(text.split())
    return f"‘{text if len(text) <= QUOTE else text[: QUOTE - 1].rstrip() + '…'}’"


def said(kind: str, old: str, new: str) -> str:
    """What a change does, in words: "adding ‘…’", "taking out ‘…’", "‘…’ in place of ‘…’"."""
    if kind == "insert":
        return f"adding {_quote(new)}"
    if kind == "delete":
        return f"taking out {_quote(old)}"
    if kind == "move":
        return f"moving {_quote(new)}"
    return f"{_quote(new)} in place of {_quote(old)}"


class Suggesting(Letters, Revisions):
    def suggestions(self, name: PathLike) -> Suggestions:
        """The changes in the patient's latest draft, each with what was decided on it."""
        from letterkit.workspace.reports import Suggestion, Suggestions

        key = os.fspath(name)
        work = self.read_work(key)
        therapist = work.data.get("therapist")
        decider = str(therapist.get("name") or "") if isinstance(therapist, dict) else ""
        found = self._suggested(key)
        if found is None:
            return Suggestions(key, None, None, (), work.version, decider)
        decided = {d.change: d for d in self.store.decisions(key) if d.suggested == found.draft.number}
        items = []
        for piece in found.pieces:
            made = decided.get(piece.number)
            items.append(
                Suggestion(
                    f"{found.draft.number}-{piece.number}",
                    found.places.place(piece.field, piece.change.new or piece.change.old),
                    piece.kind,
                    piece.old,
                    piece.new,
                    piece.before,
                    piece.after,
                    found.author,
                    made.decision if made else "pending",
                    made.name if made else "",
                    compose.long_date(made.date) if made else "",
                )
            )
        return Suggestions(key, found.draft, found.base, tuple(items), work.version, decider)

    def decide(
        self,
        name: PathLike,
        change_ids: Sequence[str] | None = None,
        accept: bool = True,
        by: str = "",
        *,
        role: str = "therapist",
        version: str | None = None,
    ) -> list[Decision]:
        """Accept or reject suggested changes (by id; ``None``: every one still to decide).

        A rejected change is undone on the letter and the letter saved as the next draft,
        by ``role`` ``by``; each decision is recorded with who made it. The letter must be
        its latest saved draft, and unchanged since ``version`` (when given) was read.
        """
        key = os.fspath(name)
        with self.store.lock(key):
            if version is not None:
                self._require_version(key, version)
            found = self._suggested(key)
            if found is None:
                raise LetterkitError(f"{key}: the patient has not suggested any changes yet")
            done = {d.change for d in self.store.decisions(key) if d.suggested == found.draft.number}
            chosen = self._chosen(key, found, done, change_ids)
            if not chosen:
                return []
            self._require_saved(key, "save a draft on the letter page first, then decide")
            verdict = "accepted" if accept else "rejected"
            if not accept:
                self._undo(key, found, chosen, done, by, role)
            latest = self.store.drafts(key)[-1]
            when = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
            return self.store.append_decisions(
                key,
                [
                    {
                        "suggested": found.draft.number,
                        "suggested_hash": found.draft.hash,
                        "base": found.base.number,
                        "change": piece.number,
                        "decision": verdict,
                        "role": role,
                        "name": by,
                        "time": when,
                        "author": found.author,
                        "where": found.places.place(piece.field, piece.change.new or piece.change.old),
                        "kind": piece.kind,
                        "old": piece.old,
                        "new": piece.new,
                        "draft": latest.number,
                        "draft_hash": latest.hash,
                    }
                    for piece in chosen
                ],
            )

    def decision_notes(self, name: PathLike) -> tuple[DecisionNote, ...]:
        """Every decision on a suggestion, newest first, as the history tells it."""
        from letterkit.workspace.reports import DecisionNote

        key = os.fspath(name)
        notes = []
        for d in reversed(self.store.decisions(key)):
            by = f" by {d.name}" if d.name else ""
            text = (
                f"{d.author} suggested {said(d.kind, d.old, d.new)} ({d.where}, draft {d.suggested}); "
                f"{d.decision}{by} on {compose.long_date(d.date)}"
            )
            notes.append(DecisionNote(text, d.suggested, d.decision, d.draft, d.time))
        return tuple(notes)

    # ----------------------------------------------------------------- inside

    def _chosen(
        self, key: str, found: _Found, done: set[int], change_ids: Sequence[str] | None
    ) -> list[Piece]:
        if change_ids is None:
            return [p for p in found.pieces if p.number not in done]
        by_id = {f"{found.draft.number}-{p.number}": p for p in found.pieces}
        chosen = []
        for change in change_ids:
            piece = by_id.get(change)
            if piece is None:
                raise LetterkitError(
                    f"{key}: there is no suggested change {change!r} in draft {found.draft.number}; "
                    "reload the suggestions"
                )
            if piece.number in done:
                raise HistoryError(f"{key}: change {change} was decided already; reload the suggestions")
            chosen.append(piece)
        return chosen

    def _undo(self, key: str, found: _Found, chosen: list[Piece], done: set[int], by: str, role: str) -> None:
        """Undo the rejected changes on the letter and save it as the next draft."""
        from letterkit.diffs.suggestions import RevertError, revert

        work = self.read_work(key)
        try:
            data = revert(work.data, found.suggested, found.pieces, {p.number for p in chosen})
        except RevertError:
            raise LetterkitError(
                f"{key}: the words of a change were changed again after the patient's draft, so it "
                "cannot be undone here; change it on the letter page"
            ) from None
        wrong = problems(data)
        if wrong:
            raise LetterValidationError(wrong)
        count = len(chosen)
        note = f"Rejected {count} suggested change{'s' if count != 1 else ''} from draft {found.draft.number}"
        self.save_work(key, data, work.version, draft_as=(role, by, note))

    def _suggested(self, key: str) -> _Found | None:
        """The patient's latest draft, the draft before it and the changes between them."""
        from letterkit.diffs.core import letter_data
        from letterkit.diffs.suggestions import pieces

        saved = self.store.drafts(key)
        theirs = [i for i, d in enumerate(saved) if d.role in SUGGESTING_ROLES and i > 0]
        if not theirs:
            return None
        draft, base = saved[theirs[-1]], saved[theirs[-1] - 1]
        opened = [self.open(f"{key}@{d.number}", allow_placeholders=True) for d in (draft, base)]
        data = [editing.to_data(loading.decode(o.content, key), key) for o in opened]
        places = self._places(*((o, letter_data(o.letter)) for o in opened))
        patient = opened[0].letter.patient
        author = draft.name or patient.preferred_name or patient.name or "The patient"
        return _Found(draft, base, pieces(data[1], data[0]), data[0], places, author)
