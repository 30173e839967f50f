"""Reviewing letters: how they read (check), pseudonymised copies, archival PDFs."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import letterkit.model.loading as loading
from letterkit import writers
from letterkit.compose.styling import STYLES
from letterkit.errors import (
    LetterFileError,
    LetterkitError,
    LetterNotFoundError,
    OptionsError,
    UnknownStyleError,
)
from letterkit.files import read_bytes
from letterkit.model import editing
from letterkit.model.fields import FieldPath
from letterkit.workspace.base import PathLike
from letterkit.workspace.revisions import Revisions

if TYPE_CHECKING:  # review loads its word lists: only for the commands that check
    from letterkit.review.findings import Finding
    from letterkit.review.redact import Redaction
    from letterkit.workspace.reports import CheckReport, Extracted, FieldNote, RedactedFile

MAX_PDF = 64 * 1024 * 1024


class Review(Revisions):
    def field_notes(self, name: PathLike, data: Mapping[str, object]) -> tuple[FieldNote, ...]:
        """The fields of a letter being written (``data``, complete or not) that read as notes
        or speak about the patient, as ``validate`` warns of them, each with a sentence to the
        patient where letterkit can make one; the patient's own words (from ``name``'s
        history) are left alone. Data that is not a letter's shape has none."""
        from letterkit.review.suggest import suggestion_at
        from letterkit.workspace.reports import FieldNote

        key = os.fspath(name)
        if editing.shape_problems(data, key):
            return ()
        text = editing.file_text(self._file(key) or key, None, data)
        found, _ = self._unseen_in(text.encode("utf-8"), key, key)
        return tuple(FieldNote(u.section, u.messages, suggestion_at(data, u.section)) for u in found)

    def check(
        self,
        names: Sequence[PathLike],
        jargon: Sequence[PathLike] = (),
        format: str = "text",
        *,
        style: str | None = None,
    ) -> CheckReport:
        """Check how letters read: reading age, long sentences, jargon, "you" not "he/she",
        missing sections, the patient's own words, notes typed where sentences are needed, a
        double sign-off, and a way to contact the service. ``style`` (else each letter's
        ``accessibility.format``) easy-read checks for easy read."""
        from letterkit.review.check import report_json, report_text
        from letterkit.workspace.reports import CheckReport

        if format not in writers.REPORT_FORMATS:
            raise OptionsError(
                f"unknown report format {format!r}: choose one of {', '.join(writers.REPORT_FORMATS)}"
            )
        if style is not None and style not in STYLES:
            raise UnknownStyleError(style, STYLES)
        findings = [f for name in names for f in self._check_one(os.fspath(name), jargon, style)]
        content = report_json(findings) if format == "json" else report_text(findings)
        return CheckReport(tuple(findings), content if content.endswith("\n") else content + "\n")

    def _check_one(self, spec: str, jargon: Sequence[PathLike], style: str | None) -> list[Finding]:
        """One letter (it need not be valid), with the words its patient wrote."""
        from letterkit.review.check import check_letter, patients_spans

        revision = self.store.resolve(spec)
        name = revision.label
        if revision.draft is None:
            text = loading.read_text(self._file(revision.file) or revision.file)
        else:
            text = loading.decode(self.store.draft_content(revision.file, revision.draft), name)
        source = loading.parse(text, name)
        data = source.data if isinstance(source.data, Mapping) else {}
        own: dict[FieldPath, list[tuple[int, int]]] = {}
        try:
            if self.store.drafts(revision.file):
                own = patients_spans(self.contributions(revision.file), data)
        except LetterkitError:
            own = {}
        settings = self.settings(revision.file)
        return check_letter(
            source,
            [os.fspath(j) for j in jargon],
            text=text,
            settings=settings,
            style=style,
            patients_own=own,
        )

    def redact(self, name: PathLike, names: Sequence[str] = ()) -> Redaction:
        """A pseudonymised copy of a letter for supervision: the redaction (``data``,
        ``replaced`` counts by category, the ``names`` mapping, what was ``kept`` though it
        looked like an identifier, and ``report()``), checked to be a valid letter."""
        from letterkit.review.redact import load_key, redact_data

        opened = self.open(name)
        source = loading.parse(loading.decode(opened.content, opened.label), opened.label)
        result = redact_data(source.data, load_key(), names)
        loading.load_data(result.data, f"{opened.label} (pseudonymised)")
        return result

    def redact_file(
        self, spec: PathLike, out: PathLike | None = None, names: Sequence[str] = ()
    ) -> RedactedFile:
        """Write (or return) a pseudonymised copy of a letter, in the letter's own format."""
        from letterkit.drafts.importing import to_letter_file
        from letterkit.workspace.reports import RedactedFile

        result = self.redact(spec, names)
        letter = self.store.resolve(os.fspath(spec)).file
        text = to_letter_file(result.data, os.fspath(out) if out else letter)
        if out is not None:
            self._refuse_overwriting_letter(os.fspath(out), letter)
        return RedactedFile(text, self._write_output(out, text), tuple(result.summary()), result.report())

    def extract(self, pdf: PathLike) -> tuple[str, bytes]:
        """The letter file attached to an archival PDF: its name and exact bytes."""
        from letterkit.writers.pdf import extract_attachment

        name = os.fspath(pdf)
        try:
            data = read_bytes(name, what="PDF", max_bytes=MAX_PDF)
        except FileNotFoundError:
            raise LetterNotFoundError(name, "no such file — check the name and folder") from None
        except OSError as error:
            raise LetterFileError(name, f"cannot be read: {error.strerror or error}") from None
        return extract_attachment(data, name)

    def extract_file(self, pdf: PathLike, out: PathLike | None = None) -> Extracted:
        """Take the letter file out of an archival PDF, writing it to ``out`` if given."""
        from letterkit.workspace.reports import Extracted

        name, data = self.extract(pdf)
        return Extracted(name, data, self._write_output(out, data))
