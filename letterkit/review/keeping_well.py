"""``no-keeping-well`` (info): a letter written for the ending (a goodbye letter) with no plan for
staying well after it.

The goodbye letter is something the patient keeps and comes back to; the DIT article asks it to
support them when the old pattern returns. ``keeping_well`` (their early signs, what helps, who
to contact) is optional, so its absence is noted rather than counted as a warning.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from letterkit.model import kinds
from letterkit.model.fields import dotted
from letterkit.review.fields import Locator, value_at
from letterkit.review.findings import Finding

__all__ = ["no_keeping_well"]

_PARTS = ("early_signs", "what_helps", "who_to_contact")


def no_keeping_well(data: Mapping[str, Any], where: Locator, called: str) -> list[Finding]:
    kind = data.get("kind")
    if not (isinstance(kind, str) and kind in kinds.names() and kinds.get(kind).keeping_well):
        return []
    plan = value_at(data, ("keeping_well",))
    if isinstance(plan, Mapping) and any(_has_text(plan.get(part)) for part in _PARTS):
        return []
    path = ("keeping_well",)
    line = where.key_line(path) if isinstance(plan, Mapping) else None
    return [
        Finding(
            where.file,
            line,
            dotted(path),
            "info",
            "no-keeping-well",
            f"the letter has no plan for staying well after the ending — write keeping_well together with "
            f"{called}: the early signs that the old pattern is coming back (early_signs), what "
            "helps (what_helps) and who to contact (who_to_contact); it is printed before "
            "'Where to find help'",
        )
    ]


def _has_text(value: Any) -> bool:
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, list):
        return any(_has_text(item) for item in value)
    return False
