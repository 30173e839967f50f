"""The letter's fields as the checks see them: values by path, the text fields, line numbers.

The tables themselves live in the model: ``letterkit.model.fields.TEXT_FIELDS`` (the text the
patient reads) and each kind's ``sections`` in ``letterkit.model.kinds``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from letterkit.model.fields import TEXT_FIELDS, FieldPath, text_paths
from letterkit.model.loading import Source, line_of

__all__ = ["TEXT_FIELDS", "FieldPath", "Locator", "has_field", "text_fields", "value_at"]


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
    """Every non-blank text field of ``TEXT_FIELDS`` with its path, in letter order."""
    found: list[tuple[FieldPath, str]] = []
    for path in text_paths(data):
        value = value_at(data, path)
        if isinstance(value, str) and value.strip():
            found.append((path, value))
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
