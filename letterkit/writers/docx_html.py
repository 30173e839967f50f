"""letterkit's letter HTML read into a small tree of ``Node`` for the Word writer.

Only what ``templates/letter.html.j2`` produces has to read well; this is not a general HTML
parser. The parser decodes entities, and no script or style text is kept. Also here: the
text helpers (HTML whitespace, XML-legal characters) and the letter's ``<meta>`` fields.
No python-docx in this module.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser

__all__ = ["BLOCK", "HTML_SPACE", "SKIP", "Node", "clean", "meta_date", "parse", "plain", "read_meta"]

_VOID = frozenset({"br", "meta", "hr", "img", "link", "input", "wbr", "col", "source", "area", "base"})
SKIP = frozenset({"style", "script", "head", "title", "template", "noscript"})
BLOCK = frozenset(
    {
        "p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote", "hr", "div",
        "section", "main", "header", "footer", "aside", "article", "nav", "body", "html",
    }
)  # fmt: skip
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
HTML_SPACE = re.compile(r"[ \t\n\r\f]+")


@dataclass(eq=False)
class Node:
    tag: str
    attrs: dict[str, str]
    children: list[Node | str] = field(default_factory=list)

    @property
    def classes(self) -> list[str]:
        return self.attrs.get("class", "").split()

    def has_class(self, name: str) -> bool:
        return name in self.classes

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def walk(self) -> Iterator[Node]:
        yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.walk()

    def find(self, tag: str, cls: str | None = None) -> Node | None:
        for node in self.walk():
            if node.tag == tag and (cls is None or node.has_class(cls)):
                return node
        return None


class _TreeBuilder(HTMLParser):
    """html.parser into Node objects; entities decoded, no script or style text kept."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#root", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in _VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(Node(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        if any(node.tag in SKIP for node in self.stack[1:]) and self.stack[-1].tag != "title":
            return
        self.stack[-1].children.append(data)


def parse(html: str) -> Node:
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


def clean(text: str) -> str:
    """Text as XML allows it (control characters are dropped upstream; this is a backstop)."""
    return _XML_ILLEGAL.sub("", text)


def plain(text: str) -> str:
    """One line: HTML whitespace collapsed, XML-legal."""
    return clean(" ".join(HTML_SPACE.sub(" ", text).split()))


def read_meta(root: Node) -> dict[str, str]:
    """The ``<meta name=...>`` contents by lower-case name, and the ``<title>``."""
    found: dict[str, str] = {}
    for node in root.walk():
        if node.tag == "meta" and node.attrs.get("name"):
            found.setdefault(node.attrs["name"].lower(), node.attrs.get("content", ""))
        elif node.tag == "title" and "title" not in found:
            found["title"] = node.text()
    return found


def meta_date(value: str) -> dt.datetime | None:
    """A ``dcterms`` date as naive UTC (what Word's core properties hold), or None."""
    value = value.strip()
    if not value:
        return None
    try:
        when = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            when = dt.datetime.fromisoformat(value[:7] + "-01")  # a month alone: 2026-03
        except ValueError:
            return None
    if when.tzinfo is not None:
        when = when.astimezone(dt.UTC).replace(tzinfo=None)
    return when
