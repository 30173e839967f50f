"""The letter as Markdown: the text a patient can edit and send back."""

from __future__ import annotations

from letterkit.writers.document import Document


def write(document: Document) -> str:
    return document.markdown()
