"""The jargon lists: the built-in one and a service's own, and the easy-read glossary.

``check`` reports the words (``letterkit.review.jargon_check``); an easy-read letter explains
them in its glossary (``letterkit.compose.context``).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from letterkit.errors import SettingsError
from letterkit.files import read_bytes
from letterkit.resources import JARGON_FILE

__all__ = ["Term", "glossary", "jargon_terms"]

MAX_JARGON = 1024 * 1024
"""Largest jargon list read."""


@dataclass(frozen=True)
class Term:
    pattern: re.Pattern[str]
    plain: str | None


def _form_regex(form: str) -> str:
    words = form.split()
    parts = []
    for i, word in enumerate(words):
        if word.endswith("*"):
            parts.append(re.escape(word[:-1]) + r"\w*")
        elif i == len(words) - 1:
            parts.append(re.escape(word) + "(?:e?s)?")
        else:
            parts.append(re.escape(word))
    return r"(?:\s+|-)".join(parts)


def _parse_jargon(text: str, name: str) -> list[Term]:
    terms = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("re:"):
            forms, _, plain = line[3:].rpartition(" = ") if " = " in line else (line[3:], "", "")
            regex = forms.strip()
        else:
            forms, _, plain = line.partition("=")
            alternatives = [a.strip() for a in forms.split("|") if a.strip()]
            if not alternatives:
                raise SettingsError(f"{name}:{number}: a jargon line needs a word before '='")
            regex = r"(?<!\w)(?:" + "|".join(_form_regex(a) for a in alternatives) + r")(?!\w)"
        try:
            pattern = re.compile(regex, re.IGNORECASE)
        except re.error as error:
            raise SettingsError(f"{name}:{number}: not a valid regular expression: {error}") from None
        terms.append(Term(pattern, plain.strip() or None))
    return terms


@functools.cache
def _builtin_jargon() -> tuple[Term, ...]:
    return tuple(_parse_jargon(JARGON_FILE.read_text(encoding="utf-8"), str(JARGON_FILE)))


def jargon_terms(files: tuple[str, ...]) -> list[Term]:
    terms = list(_builtin_jargon())
    for name in files:
        try:
            text = read_bytes(name, what="jargon list", max_bytes=MAX_JARGON).decode("utf-8")
        except FileNotFoundError:
            raise SettingsError(f"jargon list {name}: no such file — check the name and folder") from None
        except UnicodeDecodeError:
            raise SettingsError(f"jargon list {name}: is not UTF-8 text — save it as UTF-8") from None
        except OSError as error:
            raise SettingsError(f"jargon list {name}: cannot be read: {error.strerror or error}") from None
        terms += _parse_jargon(text, name)
    return terms


def glossary(texts: Iterable[str], jargon_files: Sequence[str | Path] = ()) -> list[tuple[str, str]]:
    """The hard words used in ``texts`` that have a plain meaning, for an easy-read glossary:
    (the word as written, its meaning), each word once, in order of first use."""
    found: dict[str, tuple[str, str]] = {}
    terms = [t for t in jargon_terms(tuple(str(f) for f in jargon_files)) if t.plain]
    for text in texts:
        for term in terms:
            for match in term.pattern.finditer(text):
                group = "term" if "term" in term.pattern.groupindex and match.group("term") else 0
                word = " ".join(match.group(group).split())
                found.setdefault(word.lower(), (word, str(term.plain)))
    return list(found.values())
