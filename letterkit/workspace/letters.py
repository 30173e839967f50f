"""Letters as files and as work in progress: validate, start, read, save, preview, list."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import letterkit.model.loading as loading
from letterkit.compose.scoped import scoped_css
from letterkit.errors import (
    AlreadyExistsError,
    HistoryError,
    LetterFileError,
    LetterValidationError,
    OutputError,
    Problem,
)
from letterkit.model import editing, kinds
from letterkit.model.schema import LetterBase
from letterkit.model.settings import Settings
from letterkit.rendering import Rendered
from letterkit.resources import templates_dir
from letterkit.workspace.base import PathLike
from letterkit.workspace.history import History
from letterkit.writers.document import RenderOptions

if TYPE_CHECKING:
    from letterkit.workspace.reports import Validation, Work, Written


def scaffold(kind: str) -> str:
    """A commented YAML letter to start from, explaining each section."""
    name = kinds.get(kind).scaffold_name
    return (templates_dir() / "scaffolds" / name).read_text(encoding="utf-8")


def problems(data: Mapping[str, object], name: str = "letter") -> list[Problem]:
    """What stops ``data`` being a complete letter: its shape first, then the schema's rules."""
    return editing.shape_problems(data, name) or editing.problems(data, name)


class Letters(History):
    def validate(self, names: Sequence[PathLike]) -> list[Problem]:
        """Every problem in every letter (or saved draft, NAME@N), in order; empty if all are valid."""
        return list(self.validation(names).problems)

    def validation(self, names: Sequence[PathLike]) -> Validation:
        """Every problem in every letter, and the warnings: a field that reads as notes or
        speaks about the patient (one line per field, ``file:line: field: …``). In an agreed
        or final letter such a field is a problem, unless the letter lists it under
        ``reviewed:``."""
        from letterkit.workspace.reports import Validation

        found: list[Problem] = []
        warnings: list[str] = []
        for name in names:
            try:
                opened = self.open(name)
                unseen, _ = self.unseen(opened)
                if opened.letter.status in ("agreed", "final"):
                    found += [
                        Problem(
                            u.file,
                            u.line,
                            u.section,
                            f"{'; '.join(u.messages)} — the letter is {opened.letter.status}: write it "
                            "to the patient, or list it under reviewed: if it is meant as written",
                        )
                        for u in unseen
                    ]
                else:
                    warnings += [str(u) for u in unseen]
            except HistoryError as error:
                found.append(Problem(os.fspath(name), None, "", str(error).split(": ", 1)[-1]))
            except LetterValidationError as error:
                found.extend(error.problems)
            except LetterFileError as error:
                found.append(error.problem)
        return Validation(tuple(found), tuple(warnings))

    def new_letter(self, kind: str, out: PathLike | None = None) -> Written:
        """A new letter from the kind's scaffold, written as ``out`` (never replacing one)."""
        from letterkit.workspace.reports import Written

        text = scaffold(kind)
        if out is not None:
            self._write(os.fspath(out), text.encode("utf-8"), create=True)
        return Written(text, os.fspath(out) if out is not None else None)

    def names(self) -> list[str]:
        """The letters in the workspace, by name."""
        return self.store.names()

    # ----------------------------------------------------------------- work in progress

    def read_work(self, name: PathLike) -> Work:
        """A letter as data for an editor, with every problem ``validate`` would report."""
        from letterkit.workspace.reports import Work

        key = os.fspath(name)
        text = loading.decode(self.store.read(key), key)
        data = editing.to_data(text, key)
        return Work(key, data, self.version(key), tuple(_problems_in(text, key)))

    def save_work(
        self,
        name: PathLike,
        data: Mapping[str, object],
        version: str | None = None,
        *,
        version_required: bool = False,
        create: bool = False,
        draft_as: tuple[str, str, str] | None = None,
    ) -> Work:
        """Write a letter being written (incomplete is fine) back to the store, in one step.

        YAML keeps its comments and key order; JSON stays JSON. ``data`` must have the shape
        of a letter (``LetterValidationError`` lists what does not). With ``version``, a
        letter changed since it was read is left alone (``ConflictError``); with
        ``version_required``, so is an existing letter when no version is given. With
        ``create``, the letter must not exist yet (``AlreadyExistsError``): checked under the
        lock, and again by the write itself, which claims the name and never replaces a file
        (another process may have made it in between).
        ``draft_as`` (role, name, note): also record it as the next draft, when complete. The
        result lists what is still missing or wrong, and says what was done.
        """
        from letterkit.workspace.reports import Work

        key = os.fspath(name)
        wrong = editing.shape_problems(data, key)
        if wrong:
            raise LetterValidationError(wrong)
        with self.store.lock(key):
            self._require_version(key, version, required=version_required)
            exists = self.store.exists(key)
            if create and exists:
                raise AlreadyExistsError(f"{key}: already exists; nothing was saved")
            old = loading.decode(self.store.read(key), key) if exists else None
            text = editing.file_text(self._file(key) or key, old, data)
            raw = text.encode("utf-8")
            loading.decode(raw, key)  # the size and character limits of any letter file
            try:
                self._write(key, raw, create=create)
            except OutputError:
                if create and self.store.exists(key):
                    raise AlreadyExistsError(
                        f"{key}: was made somewhere else a moment ago; nothing was saved"
                    ) from None
                raise
            work = self.read_work(key)
            message = "Saved."
            if draft_as is not None:
                if work.problems:
                    message = (
                        "Saved as work in progress. It is not recorded as a draft yet: "
                        "first finish what is listed below."
                    )
                else:
                    role, person, note = draft_as
                    message = self._append_draft(key, role, person, note).message
                    work = self.read_work(key)
        return Work(work.file, work.data, work.version, work.problems, message)

    def preview(
        self, data: Mapping[str, object], style: str | None = None, *, settings: Settings | None = None
    ) -> Rendered:
        """The HTML of a letter being written, with '…' where a section is not written yet."""
        letter = editing.preview_letter(data)
        return self.renderer.render(
            letter, RenderOptions(format="html", style=style), settings=settings or self.settings()
        )

    def shape_problems(self, data: object) -> list[Problem]:
        """What in ``data`` does not have the shape of a letter (wrong types, unknown fields)."""
        return editing.shape_problems(data, "letter")

    def preview_css(self, style: str) -> str:
        """The letter's stylesheet for ``style``, every rule scoped to a ``.letter-preview`` box."""
        return scoped_css(style)

    def problems(self, data: Mapping[str, object]) -> list[Problem]:
        """What stops ``data`` (a letter being written) being a complete letter."""
        return problems(data)

    def from_data(self, data: Mapping[str, object], name: str = "letter") -> LetterBase:
        """A validated letter from data (e.g. a web form's JSON); never read from a file."""
        return loading.load_data(data, name)


def _problems_in(text: str, name: str) -> list[Problem]:
    try:
        loading.load_text(text, name)
    except LetterValidationError as error:
        return list(error.problems)
    except LetterFileError as error:
        return [error.problem]
    return []
