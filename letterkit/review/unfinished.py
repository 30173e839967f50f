"""``placeholder`` and ``duplicate-field`` (errors): a letter that is not finished.

A value still holding a scaffold's example text (``[Full name]``) would reach the patient as
it is; a field given twice loses its first value. Both stop ``validate`` and ``render`` too.
"""

from __future__ import annotations

from letterkit.model.loading import Source, placeholder_problems
from letterkit.review.findings import Finding

__all__ = ["unfinished"]


def unfinished(source: Source) -> list[Finding]:
    findings = [
        Finding(p.file, p.line, p.path, "error", "duplicate-field", p.message) for p in source.problems
    ]
    findings += [
        Finding(p.file, p.line, p.path, "error", "placeholder", p.message)
        for p in placeholder_problems(source)
    ]
    return findings
