"""``jargon``: a clinical word from the lists, with a plain alternative where the list gives one."""

from __future__ import annotations

from letterkit.lexicon.jargon import Term
from letterkit.model.fields import dotted
from letterkit.review.fields import FieldPath, Locator
from letterkit.review.findings import Finding

__all__ = ["jargon"]


def jargon(path: FieldPath, value: str, terms: list[Term], where: Locator) -> list[Finding]:
    hits: list[tuple[int, int, Term]] = []
    for term in terms:
        for match in term.pattern.finditer(value):
            group = "term" if "term" in term.pattern.groupindex and match.group("term") else 0
            if match.end(group) > match.start(group):
                hits.append((match.start(group), match.end(group), term))
    hits.sort(key=lambda h: (h[0], -(h[1] - h[0])))
    findings = []
    last_end = -1
    for start, end, term in hits:
        if start < last_end:
            continue  # inside a longer term already reported (transference in counter-transference)
        last_end = end
        word = " ".join(value[start:end].split())
        advice = f"(e.g. '{term.plain}')" if term.plain else "or leave it out"
        findings.append(
            Finding(
                where.file,
                where.line_at(path, value, start, end),
                dotted(path),
                "warning",
                "jargon",
                f"'{word}' is a clinical word — say it in plain words {advice}",
            )
        )
    return findings
