"""Reading the letter together: the letter as it prints, each paragraph the patient may change,
their changes brought back to the letter's fields as ``draft import`` does and saved as their
draft; and what anyone typed into a page and has not saved, kept beside the letter."""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from letterkit.errors import LetterkitError, UnsavedChangesError
from letterkit.workspace.base import PathLike
from letterkit.workspace.letters import Letters

if TYPE_CHECKING:
    from letterkit.drafts.paragraphs import Block
    from letterkit.workspace.reports import Imported, Reading, Typed

READING_ROLES = ("patient", "joint")
"""Who saves a draft from reading the letter together."""

PAGES = ("read", "letter")
"""The pages whose typing is kept until it is saved: reading together, the therapist's form."""

OWN_WORDS = "own"
"""The reading page's field for the patient's own words, added at the end of the letter."""

NOT_SAVED_YET = (
    "Your therapist has made changes to this letter that are not saved yet. You can read it, "
    "but please ask them to save the letter before you change anything, so that your words "
    "can be kept."
)
NO_DRAFT_YET = (
    "This letter is not ready to read together yet. Your therapist needs to finish it and save it first."
)


def field_name(number: int) -> str:
    """The form field that holds the patient's version of paragraph ``number``."""
    return f"p{number}"


class ReadingTogether(Letters):
    def reading(self, name: PathLike, typed: Mapping[str, str] | None = None) -> Reading:
        """The letter laid out for reading together: its latest saved draft as it prints, with
        what the patient typed and has not saved in place (``typed``, the page's fields, else
        what was kept from before), and why nothing could be saved now, in plain words."""
        from letterkit.workspace.reports import Passage, Reading

        key = os.fspath(name)
        work = self.read_work(key)
        saved = self.store.drafts(key)
        blocked = self._blocked(key)
        called = _called(work.data)
        if not saved:
            return Reading(key, work.data, work.version, (), None, NO_DRAFT_YET, called)
        draft = saved[-1].number
        blocks = self._blocks(key, draft)
        kept_at = None
        if typed is None:
            kept = self.typed(key, "read")
            typed, kept_at = (self._carried(key, kept, blocks, draft), kept.time) if kept else ({}, None)
        out = []
        for number, block in enumerate(blocks):
            now = typed.get(field_name(number)) if block.editable else None
            changed = now is not None and now.replace("\r\n", "\n").strip() != block.text.strip()
            out.append(
                Passage(number, block.kind, block.part, block.text, block.editable, now if changed else None)
            )
        own = typed.get(OWN_WORDS, "")
        return Reading(key, work.data, work.version, tuple(out), draft, blocked, called, own, kept_at)

    def save_reading(
        self,
        name: PathLike,
        fields: Mapping[str, str],
        draft: int | None,
        role: str = "patient",
        person: str = "",
        note: str = "",
    ) -> Imported:
        """Save the patient's changes, made while reading draft ``draft`` together, as their
        draft: each changed paragraph goes back to its field as ``import_edits`` takes an
        edited copy back (a feeling word to ``ipaf.affect``, an image to ``ipaf.imagery``), and
        their own words to ``patient_comments``. ``fields`` are the reading page's (``p3``,
        ``own``). What they typed is kept until it is saved."""
        from letterkit.drafts import paragraphs

        key = os.fspath(name)
        role = role if role in READING_ROLES else READING_ROLES[0]
        with self.store.lock(key):
            self._require_saved(key, "save the therapist's draft on the letter page first")
            saved = self.store.drafts(key)
            base = self._base_draft(key, str(draft)) if draft else saved[-1]
            markdown, _ = self.printed(
                self.open(f"{key}@{base.number}", allow_placeholders=True), labelled=True
            )
            texts = {
                n: fields[field_name(n)]
                for n in range(len(paragraphs.blocks(markdown)))
                if field_name(n) in fields
            }
            edited = paragraphs.rebuild(markdown, texts, fields.get(OWN_WORDS, ""))
            result = self._import_copy(key, edited, base, (role, person, note), key, joined=True)
            self.forget_typed(key, "read")
        return result

    # ----------------------------------------------------------------- typed, not saved yet

    def keep_typed(self, name: PathLike, page: str, fields: Mapping[str, str]) -> Typed | None:
        """Keep what was typed into a page of a letter (its form's fields) and not saved yet,
        beside the letter and never in its history; None (and nothing kept) when nothing on
        the page differs from the letter. The reading page's fields are kept with the draft
        they were typed over, the form's with the letter's version."""
        from letterkit.workspace.reports import Typed

        key = os.fspath(name)
        if page not in PAGES:
            raise LetterkitError(f"{page!r} is not a page whose typing is kept: {', '.join(PAGES)}")
        with self.store.lock(key):
            if page == "read":
                saved = self.store.drafts(key)
                if not saved:
                    return None
                over = str(saved[-1].number)
                blocks = self._blocks(key, saved[-1].number)
                kept = {
                    k: v
                    for k, v in fields.items()
                    if (k == OWN_WORDS and v.strip()) or _changed(k, v, blocks)
                }
            else:
                over = self.version(key)
                kept = {k: v for k, v in fields.items() if not k.startswith("_")}
            if not kept:
                self._write_typed(key, page, None)
                return None
            now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
            typed = Typed(page, kept, now, over)
            self._write_typed(key, page, typed)
            return typed

    def typed(self, name: PathLike, page: str) -> Typed | None:
        """What was typed into a page of a letter and kept, not saved yet (None if nothing)."""
        from letterkit.workspace.reports import Typed

        entry = self._all_typed(os.fspath(name)).get(page)
        if not isinstance(entry, dict) or not isinstance(entry.get("fields"), dict):
            return None
        fields = {str(k): str(v) for k, v in entry["fields"].items()}
        return Typed(page, fields, str(entry.get("time", "")), str(entry.get("over", "")))

    def forget_typed(self, name: PathLike, page: str) -> None:
        """Forget what was kept of a page's typing (it was saved, or put back by hand)."""
        key = os.fspath(name)
        with self.store.lock(key):
            self._write_typed(key, page, None)

    def _all_typed(self, key: str) -> dict[str, Any]:
        content = self.store.kept(key)
        try:
            found = json.loads(content.decode("utf-8")) if content else {}
        except (UnicodeDecodeError, ValueError):
            return {}
        return found if isinstance(found, dict) else {}

    def _write_typed(self, key: str, page: str, typed: Typed | None) -> None:
        everything = self._all_typed(key)
        if typed is None:
            if page not in everything:
                return
            everything.pop(page)
        else:
            everything[page] = {"fields": typed.fields, "time": typed.time, "over": typed.over}
        content = json.dumps(everything, ensure_ascii=False, indent=1).encode("utf-8")
        self.store.keep(key, content if everything else None)

    # ----------------------------------------------------------------- the letter as it prints

    def _blocks(self, key: str, draft: int) -> list[Block]:
        from letterkit.drafts import paragraphs

        markdown, _ = self.printed(self.open(f"{key}@{draft}", allow_placeholders=True), labelled=True)
        return paragraphs.blocks(markdown)

    def _blocked(self, key: str) -> str:
        """Why the patient's changes could not be saved now, in words for the patient."""
        if not self.store.drafts(key):
            return NO_DRAFT_YET
        try:
            self._require_saved(key, "")
        except UnsavedChangesError:
            return NOT_SAVED_YET
        return ""

    def _carried(self, key: str, kept: Typed, blocks: list[Block], draft: int) -> dict[str, str]:
        """Kept typing, over the draft now shown. Typed over an earlier draft, each paragraph
        goes to the paragraph that still reads as it did; one that no longer does is kept
        with the patient's own words, so that nothing typed is lost."""
        if kept.over == str(draft) or not kept.over.isdigit():
            return dict(kept.fields)
        try:
            before = self._blocks(key, int(kept.over))
        except LetterkitError:
            before = []
        out: dict[str, str] = {OWN_WORDS: kept.fields.get(OWN_WORDS, "")}
        for field, text in kept.fields.items():
            number = int(field[1:]) if field[:1] == "p" and field[1:].isdigit() else None
            if number is None or number >= len(before):
                continue
            same = [n for n, b in enumerate(blocks) if b.editable and b.text == before[number].text]
            if same:
                out[field_name(same[0])] = text
            else:
                out[OWN_WORDS] = "\n\n".join(t for t in (out[OWN_WORDS], text) if t.strip())
        return out


def _changed(field: str, text: str, blocks: list[Block]) -> bool:
    number = int(field[1:]) if field[:1] == "p" and field[1:].isdigit() else None
    if number is None or number >= len(blocks) or not blocks[number].editable:
        return False
    return text.replace("\r\n", "\n").strip() != blocks[number].text.strip()


def _called(data: Mapping[str, Any]) -> str:
    patient = data.get("patient")
    if not isinstance(patient, Mapping):
        return ""
    return str(patient.get("preferred_name") or patient.get("name") or "")
