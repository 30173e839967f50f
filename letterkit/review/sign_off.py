"""``double-sign-off``: a letter that signs off twice.

A closing that ends with a sign-off of its own ("All the best,") replaces the service's
sign-off (``compose.context.closing_signs_off``). What still doubles, and is flagged here:

- a sign-off in the closing that the composer does not take for one (it is not the last
  line, e.g. "All the best,\\nRavi", or it is worded unusually, "Wishing you well"), so the
  settings' sign-off ("With warm wishes,") is printed below it as well;
- two sign-offs in the closing itself;
- a closing that ends with the therapist's name, which the signature prints again.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from letterkit.compose.context import closing_signs_off
from letterkit.model.settings import Settings
from letterkit.review.fields import Locator, value_at
from letterkit.review.findings import Finding

__all__ = ["double_sign_off", "sign_off_lines"]

_SIGN_OFF = re.compile(
    r"(?i)^(?:with\s+)?(?:(?:very\s+)?(?:best|warm|warmest|kind|kindest|good|fond)\s+(?:wishes|regards)"
    r"|all\s+(?:the|my)\s+(?:very\s+)?best|take\s+care|yours(?:\s+(?:sincerely|truly|faithfully|ever))?"
    r"|warmly|fondly|regards|best|thank\s+you|thanks|cheers|love|sincerely|respectfully"
    r"|wishing\s+you\s+(?:well|all\s+the\s+best|the\s+very\s+best|the\s+best)|go\s+well|be\s+well"
    r"|good\s+luck|until\s+(?:next\s+time|we\s+meet)|with\s+(?:warmth|love|care|thanks|gratitude))"
    r"(?:\s+[^\s.!?]+){0,5}\s*[,!.]?$"
)


def sign_off_lines(closing: str) -> list[str]:
    """The lines of a closing that are sign-offs ("All the best,", "Wishing you well")."""
    lines = [line.strip().strip("*_").strip() for line in closing.splitlines()]
    return [
        line
        for line in lines
        if line
        and (line.endswith(",") or len(line.split()) <= 4)
        and len(line.split()) <= 8
        and _SIGN_OFF.match(line)
    ]


def double_sign_off(data: Mapping[str, Any], settings: Settings, where: Locator) -> list[Finding]:
    closing = value_at(data, ("closing",))
    if not isinstance(closing, str) or not closing.strip():
        return []
    found = sign_off_lines(closing)
    line = where.key_line(("closing",))
    messages = []
    if len(found) > 1:
        messages.append(f"the closing signs off twice ('{found[0]}' and '{found[-1]}') — keep one of them")
    elif found and not closing_signs_off(closing):
        messages.append(
            f"'{found[0]}' in the closing, and '{settings.sign_off}' from the service's settings "
            "below it: the letter signs off twice — end the closing with its sign-off (it then "
            "replaces the settings'), or take it out of the closing"
        )
    therapist = value_at(data, ("therapist", "name"))
    last = closing.strip().splitlines()[-1].strip().strip("*_,. ")
    if isinstance(therapist, str) and therapist.strip() and last:
        names = {therapist.strip(), therapist.split()[0]}
        if last in names:
            messages.append(
                f"the closing ends with '{last}', and the signature prints {therapist.strip()} "
                "below it — take the name out of the closing"
            )
    if not messages:
        return []
    return [Finding(where.file, line, "closing", "warning", "double-sign-off", "; and ".join(messages))]
