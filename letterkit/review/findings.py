"""A checker finding, and the two reports of a list of them.

``report_json(findings)`` gives a stable JSON document::

    {
      "format": "letterkit-check",
      "version": 1,
      "findings": [
        {"file": "peter.yaml", "line": 12, "section": "background", "severity": "warning",
         "code": "jargon", "message": "'transference' is a clinical word — ..."}
      ],
      "errors": 0,
      "warnings": 1
    }

``line`` is null when a finding is about the whole letter (``section`` is then ``letter``) or
the letter came from a dict rather than a file. Within a version, keys are only ever added.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

__all__ = ["FORMAT", "VERSION", "Finding", "Severity", "report_json", "report_text"]

Severity = Literal["error", "warning", "info"]

FORMAT = "letterkit-check"
VERSION = 1


@dataclass(frozen=True)
class Finding:
    """One thing to look at in a letter."""

    file: str
    line: int | None
    section: str
    """The field's dotted path (``ipaf.self``, ``changes[2]``), or ``letter`` for the whole."""
    severity: Severity
    code: str
    """A short, stable id for the kind of finding (``jargon``, ``long-sentence``...)."""
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.section}: {self.severity}: {self.message}"

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "line": self.line,
            "section": self.section,
            "severity": self.severity,
            "code": self.code,
            "message": self.message,
        }


def report_json(findings: Sequence[Finding]) -> str:
    """The findings as the JSON document described in this module's docstring."""
    document = {
        "format": FORMAT,
        "version": VERSION,
        "findings": [f.to_json() for f in findings],
        "errors": sum(f.severity == "error" for f in findings),
        "warnings": sum(f.severity == "warning" for f in findings),
    }
    return json.dumps(document, indent=2, ensure_ascii=False)


def report_text(findings: Sequence[Finding]) -> str:
    """One finding a line, then a count: ``1 error, 3 warnings``."""
    errors = sum(f.severity == "error" for f in findings)
    warnings = sum(f.severity == "warning" for f in findings)
    summary = f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"
    return "\n".join([*(str(f) for f in findings), summary])
