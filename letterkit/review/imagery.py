"""``unused-imagery``: a phrase from ``ipaf.imagery`` that the letter never uses."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from letterkit.model.fields import dotted
from letterkit.review.fields import FieldPath, Locator, value_at
from letterkit.review.findings import Finding
from letterkit.review.person import patient_of

__all__ = ["unused_imagery"]

_QUOTES = str.maketrans(
    {"‘": "'", "’": "'", "‚": "'", "‛": "'", "“": '"', "”": '"', "„": '"', "«": '"', "»": '"'}
)
_EDGE = " \t\r\n'\".,;:!?()[]{}-–—…*"


def _normalised(text: str) -> str:
    return " ".join(text.translate(_QUOTES).replace("*", "").lower().split())


def unused_imagery(
    data: Mapping[str, Any], fields: list[tuple[FieldPath, str]], where: Locator, printed: str = ""
) -> list[Finding]:
    """The patient's images found nowhere in the letter: not in its text fields, and not in
    ``printed``, the letter as rendered (which quotes images the fields do not use)."""
    imagery = value_at(data, ("ipaf", "imagery"))
    if not isinstance(imagery, list):
        return []
    haystack = "\n".join(_normalised(value) for _, value in fields)
    haystack += "\n" + _normalised(printed.replace("\\", ""))
    called = patient_of(data).called
    findings = []
    for index, phrase in enumerate(imagery):
        if not isinstance(phrase, str):
            continue
        wanted = _normalised(phrase).strip(_EDGE)
        if not wanted:
            continue
        pattern = r"(?<!\w)" + r"\s+".join(re.escape(w) for w in wanted.split()) + r"(?!\w)"
        if re.search(pattern, haystack):
            continue
        path: FieldPath = ("ipaf", "imagery", index)
        findings.append(
            Finding(
                where.file,
                where.key_line(path),
                dotted(path),
                "warning",
                "unused-imagery",
                f"the patient's own words '{phrase.strip(_EDGE)}' appear nowhere in the letter — "
                f"quote them where they fit, so {called} recognises them",
            )
        )
    return findings
