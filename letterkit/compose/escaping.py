"""Text typed by people, escaped into Markdown that can carry paragraphs and *emphasis* only.

Text is data, never template source: it cannot add a heading, a list, a link, HTML or a
Jinja expression.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_LINE_START = re.compile(r"^(?:#|>|[-+*](?=\s|$)|\d+[.)](?=\s|$))")
_RULE = re.compile(r"^[-=*_\s]+$")
_ENTITY = re.compile(r"&(?=#?\w+;)")


def md_inline(text: str) -> str:
    """One line of text for Markdown: whitespace collapsed, markup escaped."""
    return _escape_line(" ".join(text.split()))


def md_block(text: str, indent: str = "") -> str:
    """Paragraphs of text for Markdown, keeping paragraph breaks and *emphasis*.

    ``indent`` is added to every line after the first (for list items).
    """
    return "".join(_escape_pieces(text, indent))


Span = tuple[str, str | None]
"""A run of text and the HTML tag to wrap it in (``ins``, ``del``, ``mark``), or None."""


def md_block_spans(spans: Sequence[Span], indent: str = "", css_class: str | None = None) -> str:
    """Like ``md_block``, with runs wrapped in <ins>, <del> or <mark> (redlines, contributions).

    The tags are ours; the text inside them is escaped as usual. A tag is closed and reopened
    around line breaks, so that it never spans two blocks.
    """
    text = "".join(t for t, _ in spans)
    pieces = _escape_pieces(text, indent)
    attr = f' class="{css_class}"' if css_class else ""
    out: list[str] = []
    at = 0
    for run, tag in spans:
        chunk = pieces[at : at + len(run)]
        at += len(run)
        if tag is None:
            out.extend(chunk)
            continue
        # "ins.d3" is <ins class="d3">: the class names the draft that made the change.
        name, _, own_class = tag.partition(".")
        open_tag = f'<{name} class="{own_class}">' if own_class else f"<{name}{attr}>"
        opened = False
        for piece in chunk:
            if "\n" in piece:
                if opened:
                    out.append(f"</{name}>")
                    opened = False
                out.append(piece)
            elif piece:
                if not opened:
                    out.append(open_tag)
                    opened = True
                out.append(piece)
        if opened:
            out.append(f"</{name}>")
    return "".join(out)


def _escape_pieces(text: str, indent: str) -> list[str]:
    """One piece of escaped Markdown per character of ``text`` (empty where dropped).

    Lines are stripped, runs of blank lines become one paragraph break, and every line after
    the first gets ``indent``. Keeping one piece per character lets ``md_block_spans`` wrap
    any run of the original text in a tag.
    """
    pieces = [""] * len(text)
    lines: list[tuple[int, int]] = []
    start = 0
    for match in re.finditer(r"\r\n|\r|\n", text):
        lines.append((start, match.start()))
        start = match.end()
    lines.append((start, len(text)))
    seen_text = False
    blank_since_text = False
    pending_break: int | None = None  # where the line break before the next text line goes
    for line_start, line_end in lines:
        line = text[line_start:line_end]
        stripped = line.strip()
        if not stripped:
            blank_since_text = blank_since_text or seen_text
            continue
        lead = line_start + (len(line) - len(line.lstrip()))
        if pending_break is not None:
            pieces[pending_break] = ("\n\n" if blank_since_text else "\n") + indent
        escaped = [_escape_char(ch, text, i) for i, ch in enumerate(stripped, start=lead)]
        _escape_line_start(stripped, escaped)
        pieces[lead : lead + len(stripped)] = escaped
        seen_text = True
        blank_since_text = False
        pending_break = line_end if line_end < len(text) else None
    return pieces


def _escape_char(ch: str, text: str, index: int) -> str:
    if ch in "\\`[]_":  # emphasis is *word* only: an underscore is always just an underscore
        return "\\" + ch
    if ch == "<":
        return "&lt;"
    if ch == "&" and _ENTITY.match(text, index):
        return "&amp;"
    return ch


def _escape_line_start(line: str, escaped: list[str]) -> None:
    """Stop a line from starting a heading, a quote, a list or a rule."""
    if _RULE.match(line):
        for i, ch in enumerate(line):
            if ch in "-*_":
                escaped[i] = "\\" + ch
            elif ch == "=":  # Python-Markdown has no \= escape: an entity stops a setext heading
                escaped[i] = "&#61;"
        return
    if match := _LINE_START.match(line):
        head = match.group()
        where = len(head) - 1 if head[0].isdigit() else 0
        escaped[where] = "\\" + escaped[where]


def _escape_line(line: str) -> str:
    pieces = [_escape_char(ch, line, i) for i, ch in enumerate(line)]
    _escape_line_start(line, pieces)
    return "".join(pieces)
