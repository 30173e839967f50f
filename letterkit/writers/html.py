"""The letter as one self-contained HTML page that a browser opens without fetching anything.

The page's body is sanitised (letterkit.compose.html); a service's CSS has its URLs removed
(Document.html). A service's own letter.html.j2 may still carry tags that fetch or navigate,
so the page is locked down here: the Content-Security-Policy below comes first in <head>
(a browser then loads no script, style sheet, image, font or frame from anywhere), and tags
that act before or around such a policy (<base>, <link>, <meta http-equiv="refresh">) are
removed. Each removal is reported.
"""

from __future__ import annotations

import re

from letterkit.writers.document import Document

CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; "
    "form-action 'none'; base-uri 'none'"
)
CSP_META = f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
_HEAD = re.compile(r"<head\b[^>]*>", re.IGNORECASE)
_HTML = re.compile(r"<html\b[^>]*>", re.IGNORECASE)
_CHARSET = re.compile(r"^\s*<meta charset=\"[^\"]*\">", re.IGNORECASE)
_FORBIDDEN = re.compile(
    r"<(?:base|link)\b[^>]*>|<meta\b[^>]*http-equiv\s*=\s*[\"']?\s*refresh[^>]*>", re.IGNORECASE
)


def write(document: Document) -> str:
    return lock_down(document.html(), document.warnings)


def lock_down(html: str, warnings: list[str]) -> str:
    """``html`` with letterkit's Content-Security-Policy first in its head, and no <base>,
    <link> or refresh tag; each removal is added to ``warnings``."""
    for found in _FORBIDDEN.findall(html):
        warnings.append(f"removed {found[:80]!r} from the HTML: a letter's HTML fetches nothing")
    html = _FORBIDDEN.sub("", html)
    head = _HEAD.search(html) or _HTML.search(html)
    at = head.end() if head else 0
    if _CHARSET.sub("", html[at:], count=1).lstrip().startswith(CSP_META):
        return html  # letterkit's own template already puts it first
    return html[:at] + "\n" + CSP_META + html[at:]
