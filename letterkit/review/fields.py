"""The letter's fields as the checks see them: the two tables, values by path, and line numbers.

``REQUIRED`` (the kind registry's sections) and ``TEXT_FIELDS`` are the only copies of those
tables in the checker.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from letterkit.model.loading import Source, line_of

__all__ = ["REQUIRED", "TEXT_FIELDS", "FieldPath", "Locator", "has_field", "text_fields", "value_at"]

FieldPath = tuple[str | int, ...]


class _Required(Mapping[str, tuple[FieldPath, ...]]):
    """The kind registry's ``sections``, read at each use, so a kind registered later counts."""

    def __getitem__(self, kind: str) -> tuple[FieldPath, ...]:
        from letterkit.errors import LetterkitError
        from letterkit.model import kinds

        try:
            return kinds.get(kind).sections
        except (LetterkitError, LookupError):
            raise KeyError(kind) from None

    def __iter__(self) -> Iterator[str]:
        from letterkit.model import kinds

        return iter(kinds.names())

    def __len__(self) -> int:
        from letterkit.model import kinds

        return len(kinds.names())


REQUIRED: Mapping[str, tuple[FieldPath, ...]] = _Required()
"""The sections each kind of document needs, with some text in them."""

TEXT_FIELDS = (
    "background",
    "referral.reason",
    "ipaf.self",
    "ipaf.other",
    "ipaf.reversal",
    "ipaf.internalised",
    "goals[]",
    "coping_strategies[].strategy",
    "coping_strategies[].cost",
    "course_of_therapy",
    "changes[]",
    "unfinished_business[]",
    "ending",
    "transference",
    "closing",
    "patient_comments[]",
)
"""The text fields the checks read, in the order the letter prints them."""


# --------------------------------------------------------------------------- data access


def value_at(data: Any, path: FieldPath) -> Any:
    """The value at ``path``, or None where a key or index is missing."""
    for part in path:
        if isinstance(part, str) and isinstance(data, Mapping) and part in data:
            data = data[part]
        elif isinstance(part, int) and isinstance(data, list) and 0 <= part < len(data):
            data = data[part]
        else:
            return None
    return data


def has_field(data: Any, path: FieldPath) -> bool:
    """Whether ``path``'s key is there, even with no value."""
    parent = value_at(data, path[:-1])
    return isinstance(parent, Mapping) and path[-1] in parent


def text_fields(data: Mapping[str, Any]) -> list[tuple[FieldPath, str]]:
    """Every non-blank text field of ``TEXT_FIELDS`` with its path, in letter order.

    The walk spells the table out rather than reading it: each coping strategy's cost comes
    straight after the strategy, where the letter prints it.
    """
    found: list[tuple[FieldPath, str]] = []

    def add(*path: str | int) -> None:
        value = value_at(data, path)
        if isinstance(value, str) and value.strip():
            found.append((path, value))

    def count(name: str) -> range:
        items = data.get(name)
        return range(len(items)) if isinstance(items, list) else range(0)

    add("background")
    add("referral", "reason")
    for key in ("self", "other", "reversal", "internalised"):
        add("ipaf", key)
    for i in count("goals"):
        add("goals", i)
    for i in count("coping_strategies"):
        add("coping_strategies", i, "strategy")
        add("coping_strategies", i, "cost")
    add("course_of_therapy")
    for name in ("changes", "unfinished_business"):
        for i in count(name):
            add(name, i)
    for name in ("ending", "transference", "closing"):
        add(name)
    for i in count("patient_comments"):
        add("patient_comments", i)
    return found


# --------------------------------------------------------------------------- line numbers


class Locator:
    """Line numbers: of a field's key, or of a piece of text inside a field's value."""

    def __init__(self, source: Source, text: str | None) -> None:
        self.file = source.file
        self.lines = source.lines
        self.scalars = source.scalars
        self.text = text

    def key_line(self, path: FieldPath) -> int | None:
        """The line of ``path``'s key, else of its nearest ancestor, else 1."""
        return line_of(self.lines, path, missing=False)

    def line_at(self, path: FieldPath, value: str, start: int, end: int) -> int | None:
        """The line holding ``value[start:end]`` in the file, or the field's line."""
        where = self.scalars.get(path)
        words = value[start:end].split()
        if where is None or self.text is None or not words:
            return self.key_line(path)
        raw_start, raw_end, first_line = where
        pattern = re.compile(r"\s+".join(re.escape(w) for w in words))
        nth = sum(1 for m in pattern.finditer(value) if m.start() < start)
        for i, match in enumerate(pattern.finditer(self.text, raw_start, raw_end)):
            if i == nth:
                return first_line + self.text.count("\n", raw_start, match.start())
        return self.key_line(path)
