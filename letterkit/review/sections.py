"""``missing-section``: a section the kind of letter needs (its ``sections`` in the kind registry) is missing or empty."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from letterkit.model import kinds
from letterkit.model.fields import dotted
from letterkit.review.fields import FieldPath, Locator, has_field, value_at
from letterkit.review.findings import Finding

__all__ = ["missing_sections"]


def _is_empty(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list):
        return all(_is_empty(item) for item in value)
    if isinstance(value, Mapping):
        return all(_is_empty(item) for item in value.values())
    return False


def _question(kind: str, path: FieldPath) -> str:
    hint = kinds.describe(kind, path)
    if not hint or "?" not in hint:
        return ""
    question = hint.split("?")[0] + "?"
    return " — " + question[:1].lower() + question[1:]


def missing_sections(data: Mapping[str, Any], where: Locator) -> list[Finding]:
    kind = data.get("kind")
    if not isinstance(kind, str) or kind not in kinds.names():
        said = "required" if kind is None else "unknown document kind"
        return [
            Finding(
                where.file,
                where.key_line(("kind",)),
                "kind",
                "error",
                "missing-section",
                f"{said} — say which document this is: " + " or ".join(f"'kind: {k}'" for k in kinds.names()),
            )
        ]
    findings = []
    for path in kinds.get(kind).sections:
        present = has_field(data, path)
        if present and not _is_empty(value_at(data, path)):
            continue
        said = "is empty" if present else "required"
        line = where.key_line(path if present else path[:-1])
        question = _question(str(kind), path)
        findings.append(Finding(where.file, line, dotted(path), "error", "missing-section", said + question))
    return findings
