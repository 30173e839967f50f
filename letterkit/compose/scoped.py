"""A letter's stylesheet scoped to a preview box, for showing a letter inside another page.

The letter's HTML is a page of its own with its CSS inline; a page that allows no inline
style shows the body inside ``<div class="letter-preview">`` and serves the same CSS as a
file whose every rule applies only inside that box.
"""

from __future__ import annotations

import functools
from typing import Any

from letterkit.compose.html import _read_style, style_sheets
from letterkit.compose.styling import style_css

SCOPE = ".letter-preview"


@functools.cache
def scoped_css(style: str) -> str:
    """The letter's stylesheet for ``style``, every rule scoped to the preview box."""
    import tinycss2

    source = "\n".join([_read_style("letter.css"), *style_sheets(style), style_css(style)])
    rules = tinycss2.parse_stylesheet(source, skip_comments=True, skip_whitespace=True)
    return "\n".join(_rule(rule) for rule in rules)


def _rule(rule: Any) -> str:
    import tinycss2

    kind = getattr(rule, "type", "")
    if kind == "qualified-rule":
        prelude = str(tinycss2.serialize(rule.prelude)).strip()
        selectors = [_scope(s.strip()) for s in prelude.split(",") if s.strip()]
        return ", ".join(selectors) + " {" + str(tinycss2.serialize(rule.content)) + "}"
    if kind == "at-rule":
        keyword = rule.lower_at_keyword
        if keyword == "media" and rule.content is not None:
            inner = tinycss2.parse_rule_list(rule.content, skip_comments=True, skip_whitespace=True)
            prelude = str(tinycss2.serialize(rule.prelude))
            if "print" in prelude and "screen" not in prelude:
                return ""
            return f"@media{prelude}{{" + "\n".join(_rule(r) for r in inner) + "}"
        return ""  # @page, @font-face and the rest belong to print
    return ""


def _scope(selector: str) -> str:
    for root in (":root", "html", "body"):
        if selector == root:
            return SCOPE
        if selector.startswith(root + " ") or selector.startswith(root + "."):
            rest = selector[len(root) :]
            return SCOPE + rest
    return f"{SCOPE} {selector}"
