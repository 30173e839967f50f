"""The letter shown inside a page: its body, inside ``<div class="letter-preview">``.

The server's pages allow no inline style, so the letter's CSS is served as a file whose
every rule applies only inside that box (``Workspace.preview_css``). The box carries
``hx-disable``: htmx ignores any ``hx-`` attribute inside the letter, so even markup that got
into a letter's words could not make a request.
"""

from __future__ import annotations

import re

SCOPE = ".letter-preview"

_BODY = re.compile(r"<body([^>]*)>(.*)</body>", re.S)
_CLASS = re.compile(r'class="([^"]*)"')


def body_of(page: str) -> str:
    """The letter page's body as a ``<div class="letter-preview …">``, ready to put in a page."""
    match = _BODY.search(page)
    if match is None:
        return f'<div hx-disable class="letter-preview">{page}</div>'
    classes = _CLASS.search(match.group(1))
    extra = " " + classes.group(1) if classes else ""
    return f'<div hx-disable class="letter-preview{extra}">{match.group(2)}</div>'
