"""A letter's drafts: list, save, verify, and bring a patient's edited copy back in."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING

import letterkit.compose as compose
import letterkit.model.loading as loading
from letterkit.compose.context import composed_passages
from letterkit.compose.prose import Passage
from letterkit.compose.styling import STANDARD
from letterkit.drafts.store import Draft, SaveResult
from letterkit.errors import LetterkitError, LetterNotFoundError, UnknownBaseError
from letterkit.workspace.base import PathLike
from letterkit.workspace.results import Opened
from letterkit.workspace.signoff import SignOffs

if TYPE_CHECKING:
    from letterkit.workspace.reports import Imported, Verification


class History(SignOffs):
    def history(self, name: PathLike) -> list[Draft]:
        """The saved drafts of a letter, oldest first (empty if none are saved yet)."""
        key = os.fspath(name)
        saved = self.store.drafts(key)
        if not saved and not self.store.exists(key):
            raise LetterNotFoundError(key, "no such file — check the name and folder")
        return saved

    def save_draft(
        self,
        name: PathLike,
        role: str,
        person: str = "",
        note: str = "",
        *,
        keyed: bool = False,
        version: str | None = None,
    ) -> SaveResult:
        """Save the letter as its next draft (nothing is saved if nothing changed).

        ``version`` (as read): a letter changed since is left alone (``ConflictError``).
        ``keyed`` keeps the history with a secret key from this draft on, so that rewriting it
        needs the key (see the README's "Security and privacy"); a keyed history stays keyed.
        """
        key = os.fspath(name)
        with self.store.lock(key):
            self._require_version(key, version)
            return self._append_draft(key, role, person, note, keyed=keyed)

    def verify(self, name: PathLike) -> Verification:
        """Check that no saved draft or record of a letter was changed or lost."""
        from letterkit.workspace.reports import Verification

        key = os.fspath(name)
        checked = self.store.check(key)
        return Verification(key, checked.drafts, checked.problems, checked.notices, checked.keyed)

    def import_edits(
        self,
        edited: PathLike,
        into: PathLike,
        role: str,
        person: str = "",
        note: str = "",
        *,
        base: str | None = None,
    ) -> Imported:
        """Map an edited Markdown copy of a letter back onto its fields and save the next draft.

        Each edit goes back to its field; text that fits no field is kept in
        ``patient_comments``. The letter must be saved as a draft first, so nothing unsaved is
        overwritten. The copy is compared with the draft its "Ref:" line names, or with
        ``base`` (a draft number, ``latest`` or a hash prefix) when given; without either it
        is refused.
        """
        from letterkit.drafts.importing import reference_in

        target = os.fspath(into)
        with self.store.lock(target):
            self.open(target, allow_placeholders=True)  # a letter, not just a file
            self._require_saved(target, "save a draft first")
            saved = self.store.drafts(target)
            edited_text = loading.read_text(edited)
            # The copy was made from the draft its "Ref:" line names (or the one the caller
            # names); edits are taken against that draft and merged section by section onto
            # the latest, so later drafts are not undone. A copy whose draft is unknown is
            # refused: comparing it with the latest would undo every change made since.
            if base is not None:
                base_draft = self._base_draft(target, base)
            else:
                base_draft = _referenced_draft(edited, target, saved, reference_in(edited_text))
            note = note or f"Imported from {os.path.basename(os.fspath(edited))}"
            return self._import_copy(target, edited_text, base_draft, (role, person, note), os.fspath(edited))

    def printed(self, opened: Opened, *, labelled: bool = False) -> tuple[str, tuple[Passage, ...]]:
        """A letter as the patient's copy prints it (Markdown, in the letter's own print style),
        and the passages letterkit composed in it (to trace an edit back to its field).
        ``labelled``: with the draft's label and reference, as ``render`` prints a draft."""
        access = opened.letter.accessibility
        context = compose.RenderContext(
            opened.letter,
            self.settings(opened.file),
            draft_label=self.draft_label(opened) if labelled else None,
            reference=self.reference(opened) if labelled else None,
            style=access.format if access else STANDARD,
        )
        return compose.to_markdown(context), tuple(composed_passages(context))

    def _import_copy(
        self,
        target: str,
        edited_text: str,
        base_draft: Draft,
        author: tuple[str, str, str],
        label: str,
        *,
        joined: bool = False,
    ) -> Imported:
        """Bring an edited copy of draft ``base_draft`` back onto the letter, as the next draft
        by ``author`` (role, person, note). ``joined``: the copy's paragraphs were read with
        their lines joined (the reading view), so the printed letter is compared that way too.
        The caller holds the letter's lock and has checked that it is saved."""
        from letterkit.drafts import paragraphs
        from letterkit.drafts.importing import import_markdown, merge, to_letter_file
        from letterkit.workspace.reports import Imported

        saved = self.store.drafts(target)
        opened_base = self.open(f"{target}@{base_draft.number}", allow_placeholders=True)
        # The copy was rendered in the letter's own print style: compare with the same.
        original, passages = self.printed(opened_base, labelled=joined)
        if joined:
            original = paragraphs.flat(original)
        base_data = loading.parse(loading.decode(opened_base.content, target), target).data
        result = import_markdown(base_data, original, edited_text, passages)
        if not result.changed and not result.unplaced:
            return Imported((), (), None)
        merged = result.data
        if base_draft.number != saved[-1].number:
            latest_data = loading.parse(loading.decode(self.store.read(target), target), target).data
            merged, conflicts = merge(base_data, result.data, latest_data)
            if conflicts:
                raise LetterkitError(
                    f"{label}: was made from draft {base_draft.number}, and later drafts changed "
                    f"the same sections ({', '.join(conflicts)}); render the latest draft for the "
                    "patient, or copy their words in by hand"
                )
        text = to_letter_file(merged, target)
        loading.load_text(text, label, allow_placeholders=True)  # still a valid letter
        self._write(target, text.encode("utf-8"))
        saved_draft = self._append_draft(target, *author)
        return Imported(tuple(result.changed), tuple(result.unplaced), saved_draft)

    def _base_draft(self, target: str, base: str) -> Draft:
        draft = self.store.resolve(f"{target}@{base}").draft
        if draft is None:  # a file named like NAME@REV exists: not a draft
            raise UnknownBaseError(
                f"{target}: {base!r} is not a saved draft; give its number or the start of its hash"
            )
        return draft


def _referenced_draft(
    edited: PathLike, target: str, saved: Sequence[Draft], ref: tuple[str, bool] | None
) -> Draft:
    """The draft an edited copy's "Ref:" line names; UnknownBaseError if it names none."""
    saved_now = (
        f"drafts {saved[0].number} to {saved[-1].number} are saved"
        if len(saved) > 1
        else f"draft {saved[0].number} is saved"
    )
    how = f"name the draft the copy was made from as its base ({saved_now})"
    if ref is None:
        raise UnknownBaseError(
            f'{edited}: has no "Ref:" line, so letterkit cannot tell which draft it was made from and '
            f"will not guess (comparing it with the latest draft could undo later changes); {how}"
        )
    short, changed_since = ref
    found = [d for d in saved if d.short == short]
    if not found:
        raise UnknownBaseError(
            f'{edited}: its "Ref: {short}" names no saved draft of {target} (a copy of another letter, '
            f"or a history restored from elsewhere?), so letterkit will not guess; {how}"
        )
    if changed_since:
        raise UnknownBaseError(
            f"{edited}: was made from changes to draft {found[0].number} that were not saved at the time "
            f'(its Ref says "changed since"), so letterkit cannot tell which version it was; if those '
            f"changes were saved later, {how}"
        )
    return found[0]
