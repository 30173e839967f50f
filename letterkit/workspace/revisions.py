"""Revision views: what changed between two drafts, and who wrote which words."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import replace as dc_replace
from typing import TYPE_CHECKING, Any

import letterkit.compose as compose
from letterkit import writers
from letterkit.drafts.store import Draft
from letterkit.errors import LetterkitError, LetterNotFoundError, OptionsError
from letterkit.model.fields import dotted
from letterkit.model.schema import LetterBase
from letterkit.model.settings import Settings
from letterkit.rendering import Rendered
from letterkit.workspace.base import PathLike
from letterkit.workspace.outputs import Outputs
from letterkit.workspace.results import Opened
from letterkit.writers.document import Marks

if TYPE_CHECKING:
    from letterkit.diffs.core import Change, Diff
    from letterkit.diffs.places import Places
    from letterkit.diffs.views import Styler
    from letterkit.drafts.attribution import Contributions
    from letterkit.workspace.reports import Comparison, ContributionsReport, Legend

_OP_WORDS = {"added": "added", "removed": "took out", "changed": "changed", "moved": "moved"}


def diff_formats() -> tuple[str, ...]:
    """The formats ``compare`` can make: text, md, json and the letter formats that show marks."""
    return (*writers.REPORT_FORMATS, writers.DEFAULT_FORMAT, *writers.names(marked=True))


def contributions_formats() -> tuple[str, ...]:
    """The formats ``contributions_report`` can make."""
    return (*writers.REPORT_FORMATS, *writers.names(marked=True))


_REPORTS = ("text", "json", writers.DEFAULT_FORMAT)
"""The report formats; for the patient, they tell the changes as the letter's legend does."""


def _told(legend: Legend, format: str) -> str:
    if format == "json":
        return json.dumps(legend.to_json(), indent=2, ensure_ascii=False) + "\n"
    return legend.to_markdown() if format == writers.DEFAULT_FORMAT else legend.to_text()


def _reader(reader: str) -> str:
    from letterkit.diffs.places import READERS

    if reader not in READERS:
        raise OptionsError(f"unknown reader {reader!r}: choose one of {', '.join(READERS)}", "for")
    return reader


class Revisions(Outputs):
    def diff(self, a: PathLike | LetterBase, b: PathLike | LetterBase) -> Diff:
        """The section-aware difference between two letters or revisions (``NAME@N``).

        Between two drafts of one letter, each change is credited to the draft that made it.
        """
        from letterkit.diffs.core import diff_data, letter_data

        if isinstance(a, LetterBase) and isinstance(b, LetterBase):
            return diff_data(letter_data(a), letter_data(b))
        if isinstance(a, LetterBase) or isinstance(b, LetterBase):
            raise OptionsError("diff takes two letters or two file names, not one of each")
        first, second = self.open(a, allow_placeholders=True), self.open(b, allow_placeholders=True)
        result = diff_data(letter_data(first.letter), letter_data(second.letter), first.label, second.label)
        return self._credit_changes(result, first, second)

    def compare(
        self,
        a: PathLike,
        b: PathLike,
        format: str = "text",
        out: PathLike | None = None,
        *,
        styler: Styler | None = None,
        reader: str = "therapist",
    ) -> Comparison:
        """Compare two letters or drafts and make the view asked for.

        ``text`` (word-diff style; ``styler`` may colour it), ``md`` (CriticMarkup) and
        ``json`` are views of the changes, by field path (for the patient, they tell each
        change as the letter's legend does, never by field path); the letter formats that can show
        marks (html, pdf, docx) give the whole letter as a redline, its changes named by the
        sections the letter prints, for ``reader`` (``therapist``, or ``patient`` for the
        patient's copy). Without ``out``, a file format is written beside ``b``'s letter as
        ``<name>.redline<suffix>``.
        """
        from letterkit.diffs.views import to_json, to_markdown, to_text
        from letterkit.workspace.reports import Comparison

        changes = self.diff(a, b)
        if _reader(reader) == "patient" and format in _REPORTS:
            content: str | bytes = _told(self.change_legend(a, b, reader=reader), format)
        elif format == "json":
            content = to_json(changes)
        elif format == writers.DEFAULT_FORMAT:
            content = to_markdown(changes)
        elif format == "text":
            content = to_text(changes, styler)
        elif format in writers.names(marked=True):
            content = self._redline(a, b, format, reader=reader).content
            out = out or self._beside(b, "redline", format)
        else:
            raise OptionsError(f"unknown view {format!r}: choose one of {', '.join(diff_formats())}")
        return Comparison(changes, content, self._write_output(out, content, (a, b)))

    def draft_titles(self, name: PathLike, *, reader: str = "therapist") -> dict[int, str]:
        """Each saved draft's title by number: 'Draft 2, 5 December 2026, by Nora'."""
        reader = _reader(reader)
        return {d.number: draft_title(d, reader) for d in self.store.drafts(os.fspath(name))}

    def contributions(self, name: PathLike) -> Contributions:
        """Who wrote which words of the latest draft, and what the patient changed."""
        from letterkit.diffs.core import letter_data
        from letterkit.drafts.attribution import DraftInfo
        from letterkit.drafts.attribution import contributions as credit_words

        key = os.fspath(name)
        saved = self.store.drafts(key)
        if not saved and not self.store.exists(key):
            raise LetterNotFoundError(key, "no such file — check the name and folder")
        if not saved:
            raise LetterkitError(f"{key}: has no saved drafts yet; save a draft first")
        versions = []
        for draft in saved:
            info = DraftInfo(draft.number, draft.role, draft.name, draft.short, draft.time)
            opened = self.open(f"{key}@{draft.number}", allow_placeholders=True)
            versions.append((info, letter_data(opened.letter)))
        return credit_words(key, versions)

    def contributions_report(
        self, name: PathLike, format: str = "text", out: PathLike | None = None, *, reader: str = "therapist"
    ) -> ContributionsReport:
        """The contributions report: ``text``, ``json`` (for the patient: their changes told as
        the letter's legend tells them), or the letter with the patient's words
        marked and what they took out struck through (html, pdf, docx; ``reader`` as
        ``compare``). Without ``out``, a file format is written beside the letter as
        ``<name>.contributions<suffix>``."""
        from letterkit.workspace.reports import ContributionsReport

        credit = self.contributions(name)
        if _reader(reader) == "patient" and format in _REPORTS:
            content: str | bytes = _told(self.contributions_legend(name, reader=reader), format)
        elif format == "json":
            content = json.dumps(credit.to_json(), indent=2, ensure_ascii=False) + "\n"
        elif format == "text":
            content = credit.to_text()
        elif format in writers.names(marked=True):
            content = self._contributions_view(name, format, reader=reader).content
            out = out or self._beside(name, "contributions", format)
        else:
            raise OptionsError(f"unknown view {format!r}: choose one of {', '.join(contributions_formats())}")
        return ContributionsReport(credit, content, self._write_output(out, content, (name,)))

    # ----------------------------------------------------------------- the marked letters

    def _redline(
        self,
        a: PathLike,
        b: PathLike,
        format: str,
        *,
        settings: Settings | None = None,
        reader: str = "therapist",
    ) -> Rendered:
        """The whole letter ``b`` with every change from ``a`` marked, and a legend of who made each.

        The legend names each change as the letter prints it (its section heading, list items
        counted from 1). ``reader="patient"`` makes the patient's copy: their own changes are
        "you …"; the therapist's copy names every author and role.
        """
        from letterkit.diffs.core import letter_data
        from letterkit.diffs.redline import redline_marks

        reader = _reader(reader)
        first, second = self.open(a), self.open(b)
        changes = self.diff(a, b)
        data_a, data_b = letter_data(first.letter), letter_data(second.letter)
        marks, lists = redline_marks(data_a, data_b)
        # Tag each marked field with the draft that changed it, so Word can name the author.
        by_path = {c.path: c for c in changes.changes if c.draft is not None}
        marks = {path: _tag_spans(spans, _change_for(dotted(path), by_path)) for path, spans in marks.items()}
        lists = {
            name: [_tag_spans(item, _change_for(name, by_path)) for item in items]
            for name, items in lists.items()
        }
        history = self.store.drafts(second.file)
        authors = {f"d{c.draft}": (c.author or "", _draft_time(history, c.draft)) for c in by_path.values()}
        told = self._told_changes((first, data_a), (second, data_b), changes, reader, settings)
        legend = compose.legend_html(told.title, told.lines or ["No changes."], told.key)
        return self._render_marked(second, format, Marks(marks, lists, legend, authors), settings)

    def change_legend(self, a: PathLike, b: PathLike, *, reader: str = "therapist") -> Legend:
        """What changed from ``a`` to ``b``, as the redline's legend tells it to ``reader``:
        a title naming each draft by number, date and author, and a line per change."""
        from letterkit.diffs.core import letter_data

        reader = _reader(reader)
        first, second = self.open(a, allow_placeholders=True), self.open(b, allow_placeholders=True)
        data = (letter_data(first.letter), letter_data(second.letter))
        return self._told_changes((first, data[0]), (second, data[1]), self.diff(a, b), reader, None)

    def _told_changes(
        self,
        old: tuple[Opened, Mapping[str, Any]],
        new: tuple[Opened, Mapping[str, Any]],
        changes: Diff,
        reader: str,
        settings: Settings | None,
    ) -> Legend:
        from letterkit.diffs.places import describe
        from letterkit.workspace.reports import Legend

        (first, data_a), (second, data_b) = old, new
        history = self.store.drafts(second.file)
        places = self._places((second, data_b), (first, data_a), settings=settings)
        roles = {d.number: (d.role, d.name) for d in history}
        lines = tuple(
            describe(
                c.path,
                c.op,
                places,
                reader,
                role=roles.get(c.draft or 0, (None, ""))[0],
                name=roles.get(c.draft or 0, (None, ""))[1],
                draft=c.draft,
                value=c.new if c.op != "removed" else c.old,
                moved_from=c.moved_from,
            )
            for c in changes.changes
        )
        if reader == "patient":
            title = f"What changed from {_draft_name(first, reader)} to {_draft_name(second, reader)}"
            key = (
                ("ins", "Words added are bold, in a box."),
                ("del", "Words taken out are struck through."),
            )
        else:
            title = f"Changes from {_draft_name(first, reader)} to {_draft_name(second, reader)}"
            key = (
                ("ins", "Inserted words are bold, in a box."),
                ("del", "Deleted words are struck through."),
            )
        return Legend(title, lines, key)

    def _contributions_view(
        self,
        name: PathLike,
        format: str = "html",
        *,
        settings: Settings | None = None,
        reader: str = "therapist",
    ) -> Rendered:
        """The latest draft with the patient's own words marked as insertions, and what they
        took out struck through where it was; the legend lists their changes section by
        section, as the letter prints them. ``reader="patient"`` speaks to the patient."""
        reader = _reader(reader)
        told, credit, latest = self._told_contributions(name, reader, settings, strict=True)
        legend = compose.legend_html(told.title, told.lines, told.key)
        fields, lists = credit.view_marks("patient")
        history = self.store.drafts(latest.file)
        authors = {
            f"d{d.number}": (f"{d.role} {d.name}".strip(), _draft_time(history, d.number))
            for d in credit.drafts
            if d.role == "patient"
        }
        return self._render_marked(latest, format, Marks(fields, lists, legend, authors), settings)

    def contributions_legend(self, name: PathLike, *, reader: str = "therapist") -> Legend:
        """The patient's changes over the letter's history, as the contributions view's legend
        tells them to ``reader``, section by section."""
        return self._told_contributions(name, _reader(reader), None)[0]

    def _told_contributions(
        self, name: PathLike, reader: str, settings: Settings | None, *, strict: bool = False
    ) -> tuple[Legend, Contributions, Opened]:
        from letterkit.diffs.core import letter_data
        from letterkit.diffs.places import parse_path, plain_list
        from letterkit.workspace.reports import Legend

        credit = self.contributions(name)
        latest = self.open(f"{os.fspath(name)}@latest", allow_placeholders=not strict)
        places = self._places((latest, letter_data(latest.letter)), settings=settings)
        patient = latest.letter.patient
        called = patient.preferred_name or patient.name
        lines = []
        for change in credit.patient_changes:
            where = places.place(parse_path(change["path"]))
            added = [t for t in change["added"] if t.strip()]
            removed = [t for t in change["removed"] if t.strip()]
            who = "you" if reader == "patient" else called
            parts = []
            if added:
                parts.append(f"{who} added {plain_list(added)}")
            if removed:
                parts.append(f"{who} took out {plain_list(removed)}")
            said = "; ".join(parts) or f"{who} {_OP_WORDS.get(change['op'], change['op'])} this"
            lines.append(f"{where}: {said} (draft {change['draft']})")
        patient_drafts = [str(d.number) for d in credit.drafts if d.role == "patient"]
        when = ""
        if patient_drafts:
            numbers = compose.join_words(patient_drafts)
            when = f" in draft{'s' if len(patient_drafts) > 1 else ''} {numbers}"
        if reader == "patient":
            title = "Your words in this letter"
            key = (
                ("ins", f"Words you wrote{when} are bold, in a box."),
                ("del", "Words you took out are struck through."),
            )
        else:
            title = f"{called}'s words in this letter"
            key = (
                ("ins", f"Words {called} wrote{when} are bold, in a box."),
                ("del", f"Words {called} took out are struck through."),
            )
        if not patient_drafts:
            lines = ["No changes yet."]
        return Legend(title, tuple(lines), key), credit, latest

    def _places(self, *letters: tuple[Opened, Mapping[str, Any]], settings: Settings | None = None) -> Places:
        """The section headings each field is printed under, read from the letters as rendered."""
        from letterkit.diffs.places import Places

        renderings = []
        for opened, data in letters:
            context = compose.RenderContext(opened.letter, settings or self.settings(opened.file))
            renderings.append((compose.to_markdown(context), data))
        return Places.of(*renderings)

    def _credit_changes(self, result: Diff, first: Opened, second: Opened) -> Diff:
        """Credit each change between two saved drafts of one letter to the draft that made it.

        A text field's change goes to the last draft in between that changed that field; a
        list item goes to the first draft that had it (added) or lacked it (removed), found by
        content, so that items shifting position keep their author. Unsaved edits are credited
        to no one.
        """
        from letterkit.diffs.core import diff_data, letter_data

        da, db = first.revision.draft, second.revision.draft
        if da is None or db is None or first.revision.file != second.revision.file:
            return result
        history = self.store.drafts(second.revision.file)
        lo, hi = sorted((da.number, db.number))
        versions = [
            (d, letter_data(self.open(f"{second.revision.file}@{d.number}", allow_placeholders=True).letter))
            for d in history
            if lo <= d.number <= hi
        ]
        touched: dict[str, Draft] = {}
        for (_, before), (draft, after) in zip(versions, versions[1:], strict=False):
            for change in diff_data(before, after).changes:
                touched[change.path] = draft
        credited = []
        for change in result.changes:
            draft = _list_credit(change, versions) or touched.get(change.path) or db
            credited.append(
                dc_replace(change, author=f"{draft.role} {draft.name}".strip(), draft=draft.number)
            )
        return dc_replace(result, changes=tuple(credited))


def _list_credit(change: Change, versions: Sequence[tuple[Draft, dict[str, Any]]]) -> Draft | None:
    """For a list item: the first later draft whose list has it (or, if removed, lacks it)."""
    match = re.fullmatch(r"(\w+)\[\d+\]", change.path)
    if not match or change.op not in ("added", "removed", "moved", "changed"):
        return None
    name = match.group(1)
    wanted = change.old if change.op == "removed" else change.new
    for draft, data in versions[1:]:
        present = wanted in (data.get(name) or [])
        if present != (change.op == "removed"):
            return draft
    return None


def draft_title(draft: Draft, reader: str = "therapist") -> str:
    """'Draft 2, 5 December 2026, by Nora' (for the patient, their own drafts are 'by you')."""
    if reader == "patient" and draft.role == "patient":
        who = "you"
    elif reader == "patient" and draft.role == "therapist":
        who = draft.name or "your therapist"
    else:
        who = draft.name or f"the {draft.role}"
    return f"Draft {draft.number}, {compose.long_date(draft.date)}, by {who}"


def _draft_name(opened: Opened, reader: str) -> str:
    """'draft 2 (5 December 2026, by Nora)'; a letter that is no saved draft by its name."""
    draft = opened.revision.draft
    if draft is None:
        return "the letter as it is now" if reader == "patient" else opened.label
    number, rest = draft_title(draft, reader).split(", ", 1)
    return f"{number.lower()} ({rest})"


def _change_for(path: str, by_path: Mapping[str, Change]) -> Change | None:
    """The credited change at ``path``, or the latest one inside it (for whole lists)."""
    if path in by_path:
        return by_path[path]
    inside = [c for p, c in by_path.items() if p.startswith(path + "[") or p.startswith(path + ".")]
    return max(inside, key=lambda c: c.draft or 0) if inside else None


def _tag_spans(
    spans: Sequence[tuple[str, str | None]], change: Change | None
) -> list[tuple[str, str | None]]:
    if change is None:
        return list(spans)
    return [(text, f"{tag}.d{change.draft}" if tag else None) for text, tag in spans]


def _draft_time(history: Sequence[Draft], number: int | None) -> dt.datetime:
    for draft in history:
        if draft.number == number:
            return dt.datetime.fromisoformat(draft.time)
    return dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
