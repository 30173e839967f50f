"""Output formats: each one a registry entry here plus one writer module.

A writer module has one function, ``write(document: Document) -> str | bytes``, and is imported
only when its format is asked for (WeasyPrint and fhir.resources are slow to import). Adding a
format is one module and one line in ``FORMATS``; the command line's choices, the suffix of
``-o`` and the media types a web service sends are all read from here.

This is the only module that names the formats.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePath
from typing import TYPE_CHECKING

from letterkit.errors import UnknownFormatError
from letterkit.extras import require

if TYPE_CHECKING:
    from letterkit.writers.document import Document

Writer = Callable[["Document"], "str | bytes"]


@dataclass(frozen=True)
class OutputFormat:
    """One output format of a letter."""

    name: str
    suffixes: tuple[str, ...]
    """File suffixes that mean this format; the first is the one letterkit writes."""
    media_type: str
    binary: bool
    """Bytes (written to a file) rather than text (printed when there is no file)."""
    module: str
    """The writer module, imported on first use."""
    for_print: bool = False
    """Built from the print HTML (page header, footer and draft marking)."""
    marked: bool = False
    """Can show a marked-up letter: a redline, or the patient's words highlighted."""
    label: str = ""
    """What a person calls it ("Word"), for menus; the name when empty."""
    extra: str | None = None
    """The extra its writer needs (``pip install 'letterkit[fhir]'``), if any."""
    worker: str = ""
    """The module whose long work runs in a worker process under a time limit (its
    ``prepare_worker`` readies a worker); empty when the format has none."""
    history: bool = False
    """Records the letter's saved drafts, who made each and who signed it off
    (``Document.history``), as a FHIR record's Provenance and attester do."""

    @property
    def suffix(self) -> str:
        return self.suffixes[0]

    def writer(self) -> Writer:
        """The writer; MissingExtraError, naming the extra, when its packages are not installed."""
        if self.extra:
            require(self.extra)
        write: Writer = importlib.import_module(self.module).write
        return write


DOCX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

FORMATS: dict[str, OutputFormat] = {
    f.name: f
    for f in (
        OutputFormat(
            "md",
            (".md", ".markdown"),
            "text/markdown; charset=utf-8",
            False,
            "letterkit.writers.markdown",
            label="Markdown",
        ),
        OutputFormat(
            "html",
            (".html", ".htm"),
            "text/html; charset=utf-8",
            False,
            "letterkit.writers.html",
            marked=True,
            label="Web page (HTML)",
        ),
        OutputFormat(
            "pdf",
            (".pdf",),
            "application/pdf",
            True,
            "letterkit.writers.pdf",
            for_print=True,
            marked=True,
            label="PDF",
            worker="letterkit.writers.pdf",
        ),
        OutputFormat(
            "docx",
            (".docx",),
            DOCX_MEDIA_TYPE,
            True,
            "letterkit.writers.docx",
            for_print=True,
            marked=True,
            label="Word",
            worker="letterkit.writers.docx",
        ),
        OutputFormat(
            "fhir",
            (".json",),
            "application/fhir+json",
            False,
            "letterkit.writers.fhir",
            for_print=True,
            label="FHIR record (JSON)",
            extra="fhir",
            worker="letterkit.writers.pdf",
            history=True,
        ),
    )
}
"""Every output format of a letter, by name."""

DEFAULT_FORMAT = "md"
HTML = "html"
"""The format a browser shows: contributions views default to it."""
PDF = "pdf"
"""The format of a printed copy: archival copies and the PDF inside a FHIR record."""

REPORT_FORMATS: tuple[str, ...] = ("text", "json")
"""Formats of the reports about a letter (diff, contributions, check) besides the letter formats."""


def get(name: str) -> OutputFormat:
    """The format called ``name``; ``UnknownFormatError`` if there is none."""
    try:
        return FORMATS[name]
    except KeyError:
        raise UnknownFormatError(str(name), tuple(FORMATS)) from None


def names(*, marked: bool = False) -> tuple[str, ...]:
    """The formats' names (with ``marked``, only those that can show a marked-up letter)."""
    return tuple(f.name for f in FORMATS.values() if f.marked or not marked)


def for_path(path: str | os.PathLike[str]) -> OutputFormat | None:
    """The format a file name's suffix means (``.pdf`` → pdf), or None."""
    suffix = PurePath(path).suffix.lower()
    return next((f for f in FORMATS.values() if suffix in f.suffixes), None)
