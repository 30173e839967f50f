"""A rendered letter (its Markdown) as the paragraphs a patient reads, and back again.

Reading the letter together shows the letter as it prints, one paragraph at a time, each one
editable. The paragraphs are the Markdown's blocks (a list's items one by one); a paragraph's
lines are joined, so that a line break the YAML file happened to have never shows mid-phrase.
What the patient changed goes back into the same Markdown (``rebuild``), which
``letterkit.drafts.importing`` maps onto the letter's fields, as ``letterkit draft import`` does.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from letterkit.compose.escaping import md_block
from letterkit.drafts.importing import unescape
from letterkit.model.fields import BY_NAME

_HARD_BREAK = "  \n"
_ITEM = re.compile(r"^([-*+]|\d+[.)]) ")
HELP_HEADING = str(BY_NAME["help"].place)
"""The heading of the help box, as the letter prints it."""


@dataclass(frozen=True)
class Block:
    """One block of a rendered letter: its Markdown ``prefix`` ('## ', '- ', four spaces for a
    list item's second paragraph), its Markdown ``raw`` text with its lines joined, what follows
    it (``after``), its ``kind`` (title, heading, subheading, text, item, inner, fixed) and the
    part of the letter it is in (letterhead, body, help)."""

    prefix: str
    raw: str
    after: str
    kind: str
    part: str

    @property
    def editable(self) -> bool:
        return self.kind in ("text", "item", "inner") and self.part != "letterhead"

    @property
    def text(self) -> str:
        """The words as the patient reads them: Markdown's escapes and bold marks undone."""
        plain = unescape(self.raw.replace(_HARD_BREAK, "\n"), "")
        return re.sub(r"\*\*(.+?)\*\*", r"\1", plain) if self.kind == "fixed" else plain


def _ends_hard(line: str) -> bool:
    return line.endswith("  ") and bool(line.strip())


def blocks(markdown: str) -> list[Block]:
    """The blocks of a rendered letter, in order."""
    out: list[Block] = []
    part = "letterhead"
    chunks = [c for c in re.split(r"\n[ \t]*\n", markdown.strip("\n")) if c.strip()]
    for chunk in chunks:
        lines = chunk.split("\n")
        first = lines[0]
        if first.startswith("#"):
            level = len(first) - len(first.lstrip("#"))
            title = first[level:].strip()
            if level == 2:
                part = "help" if title == HELP_HEADING else "body" if part != "letterhead" else part
            kind = {1: "title", 2: "heading"}.get(level, "subheading")
            out.append(Block(first[: level + 1], _flat(lines, level + 1), "\n\n", kind, part))
            continue
        if part == "letterhead" and first.startswith("Dear "):
            part = "body"
        if _ITEM.match(first):
            items: list[list[str]] = []
            for line in lines:
                if _ITEM.match(line) or not items:
                    items.append([line])
                else:
                    items[-1].append(line)
            for number, item in enumerate(items):
                prefix = _ITEM.match(item[0])
                lead = prefix.group(0) if prefix else ""
                after = "\n" if number < len(items) - 1 else "\n\n"
                out.append(Block(lead, _flat(item, len(lead)), after, "item", part))
            continue
        indent = first[: len(first) - len(first.lstrip(" "))]
        fixed = (
            any(_ends_hard(line) for line in lines[:-1]) or "![" in chunk or first.startswith(("**", "Ref: "))
        )
        kind = "fixed" if fixed or part == "letterhead" else "inner" if indent else "text"
        where = "footer" if first.startswith("Ref: ") else part
        out.append(Block(indent, _flat(lines, len(indent)), "\n\n", kind, where))
    return out


def _flat(lines: list[str], lead: int) -> str:
    """A block's lines joined into one, after its prefix; hard line breaks kept."""
    text = lines[0][lead:]
    for line in lines[1:]:
        if text.endswith("  "):
            text = text + "\n" + line.strip()
        else:
            text = text.rstrip() + " " + line.strip()
    return text.rstrip() if not text.endswith("  ") else text


def flat(markdown: str) -> str:
    """A rendered letter with each paragraph's lines joined (what the patient reads)."""
    return "".join(b.prefix + b.raw + b.after for b in blocks(markdown))


def rebuild(markdown: str, texts: Mapping[int, str], own_words: str = "") -> str:
    """``flat(markdown)`` with the editable blocks numbered in ``texts`` replaced by what the
    patient made of them, and ``own_words`` (new paragraphs) after the last block."""
    out = []
    for number, block in enumerate(blocks(markdown)):
        raw = block.raw
        edited = texts.get(number)
        if block.editable and edited is not None and edited.strip() != block.text.strip():
            indent = "    " if block.kind in ("item", "inner") else ""
            raw = md_block(edited.replace("\r\n", "\n").strip(), indent)
        out.append(block.prefix + raw + block.after)
    text = "".join(out)
    own = "\n\n".join(p.strip() for p in re.split(r"\n\s*\n", own_words.replace("\r\n", "\n")) if p.strip())
    if own:
        text = text.rstrip("\n") + "\n\n" + md_block(own) + "\n"
    return text
