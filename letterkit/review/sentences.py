"""Sentences: where they start and end in a field's text, and ``long-sentence``."""

from __future__ import annotations

import re

from letterkit.model.fields import dotted
from letterkit.review.fields import FieldPath, Locator
from letterkit.review.findings import Finding

__all__ = ["EMPHASIS", "MAX_SENTENCE_WORDS", "PARAGRAPH", "long_sentences", "sentences"]

MAX_SENTENCE_WORDS = 25
"""Sentences longer than this are flagged."""

PARAGRAPH = re.compile(r"(?:(?!\n[ \t]*\n)[\s\S])+")
_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s+[\"'“‘(\[]*[A-Z0-9])")
_ABBREVIATIONS = {"e.g", "i.e", "etc", "dr", "mr", "mrs", "ms", "mx", "st", "prof", "vs", "approx", "no"}
_WORD = re.compile(r"[^\W_](?:[\w'’-]*[^\W_])?")
EMPHASIS = re.compile(r"\*")


def sentences(text: str) -> list[tuple[int, int]]:
    """The spans of ``text``'s sentences; a paragraph break always ends one."""
    spans: list[tuple[int, int]] = []
    for paragraph in PARAGRAPH.finditer(text):
        start = paragraph.start()
        for stop in _SENTENCE_END.finditer(text, paragraph.start(), paragraph.end()):
            if stop.group().startswith(".") and _word_before(text, start, stop.start()) in _ABBREVIATIONS:
                continue
            spans.append((start, stop.end()))
            start = stop.end()
        spans.append((start, paragraph.end()))
    trimmed = []
    for start, end in spans:
        piece = text[start:end]
        start += len(piece) - len(piece.lstrip())
        end -= len(piece) - len(piece.rstrip())
        if _WORD.search(text, start, end):
            trimmed.append((start, end))
    return trimmed


def _word_before(text: str, start: int, end: int) -> str | None:
    """The letters and dots just before ``end`` (lower case), if they could be an abbreviation.

    Walks back at most a few characters, so a 100,000-letter word costs no more than a short
    one (``re.search(r"[A-Za-z.]+$")`` would try every start in the word: quadratic).
    """
    at = end
    while at > start and end - at <= _LONGEST_ABBREVIATION and text[at - 1] in _ABBREVIATION_CHARS:
        at -= 1
    if end - at > _LONGEST_ABBREVIATION or at == end:
        return None
    return text[at:end].lower()


_ABBREVIATION_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.")
_LONGEST_ABBREVIATION = max(len(a) for a in _ABBREVIATIONS)


def long_sentences(
    path: FieldPath, value: str, where: Locator, limit: int = MAX_SENTENCE_WORDS, easy_read: bool = False
) -> list[Finding]:
    """Sentences of more than ``limit`` words (15 for easy read, 25 otherwise)."""
    findings = []
    for start, end in sentences(value):
        words = list(_WORD.finditer(value, start, end))
        if len(words) <= limit:
            continue
        opening = EMPHASIS.sub("", " ".join(value[start : words[5].end()].split()))
        findings.append(
            Finding(
                where.file,
                where.line_at(path, value, start, words[5].end()),
                dotted(path),
                "warning",
                "long-sentence",
                f"long sentence ({len(words)} words): '{opening} …' — "
                f"try two shorter ones ({limit} words at most" + (" in easy read)" if easy_read else ")"),
            )
        )
    return findings
