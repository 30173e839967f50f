"""The letter as one self-contained HTML page."""

from __future__ import annotations

from letterkit.writers.document import Document


def write(document: Document) -> str:
    return document.html()
