"""Where a change is, in the words the letter prints: for the views a patient reads.

The text and JSON views name a change by its field path (``changes[1]``); the letter views
(html, pdf, docx) name it as the reader sees it: the section heading the letter prints above
the field, and list items counted from 1 ("What has changed, item 2"). Headings are read from
the rendered Markdown, so a service's own templates name their own sections.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from letterkit.compose.escaping import md_block
from letterkit.model.fields import FIELDS, FOR_THE_RECORD, NOT_PRINTED_PARTS, FieldPath

__all__ = ["READERS", "Places", "Reader", "describe", "parse_path", "plain_list", "printed_headings"]

Reader = Literal["patient", "therapist"]
READERS: tuple[str, ...] = ("therapist", "patient")
"""Who a revision view is for; the first is the default."""

_HEADING = re.compile(r"(?m)^#{2,3} +(.+?) *$")

_NOT_IN_BODY: Mapping[str, str] = {f.name: f.place for f in FIELDS if f.place}
"""Fields with no heading of their own in the body: named in plain words."""

_NOTES = set(NOT_PRINTED_PARTS)
_CONVERTED = {("ipaf", "affect"), ("referral", "by")}
"""Printed in another form than typed ("ashamed" for "shame"): found by their section's other
fields, never by searching for the word (which may be printed elsewhere too)."""


def _leaves(value: Any, path: FieldPath, out: list[tuple[FieldPath, str]]) -> None:
    if isinstance(value, str):
        out.append((path, value))
    elif isinstance(value, Mapping):
        for key, item in value.items():
            _leaves(item, (*path, str(key)), out)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _leaves(item, (*path, index), out)


def printed_headings(markdown: str, data: Mapping[str, Any]) -> dict[FieldPath, str]:
    """For each text field of ``data`` found in the letter's ``markdown``: the heading above it."""
    headings = [(m.start(), m.group(1).strip().strip("*")) for m in _HEADING.finditer(markdown)]
    leaves: list[tuple[FieldPath, str]] = []
    _leaves(data, (), leaves)
    found: dict[FieldPath, str] = {}
    for path, value in leaves:
        if path[:1] in (("closing",), ("help",)) or path[:2] in _NOTES | _CONVERTED or not value.strip():
            continue
        at = -1
        for indent in ("", "    "):
            at = markdown.find(md_block(value, indent))
            if at >= 0:
                break
        if at < 0:
            continue
        above = [title for start, title in headings if start < at]
        if above:
            found[path] = above[-1]
    return found


@dataclass(frozen=True)
class Places:
    """Section headings by field path, from one or more renderings (the first found wins)."""

    headings: Mapping[FieldPath, str]

    @classmethod
    def of(cls, *renderings: tuple[str, Mapping[str, Any]]) -> Places:
        merged: dict[FieldPath, str] = {}
        for markdown, data in renderings:
            for path, title in printed_headings(markdown, data).items():
                merged.setdefault(path, title)
        return cls(merged)

    def heading(self, path: FieldPath) -> str:
        """The heading the letter prints above ``path``, else above its nearest relative."""
        if path in self.headings:
            return self.headings[path]
        if path[:2] in _NOTES:
            return FOR_THE_RECORD
        if path and str(path[0]) in _NOT_IN_BODY:
            return _NOT_IN_BODY[str(path[0])]
        for length in range(len(path), 0, -1):
            prefix = path[:length]
            near = [title for p, title in self.headings.items() if p[:length] == prefix]
            if near:
                return near[0]
        return "The letter"

    def place(self, path: FieldPath, value: Any = None) -> str:
        """ "What has changed, item 2"; a patient's image by its words."""
        where = self.heading(path)
        if path[:2] == ("ipaf", "imagery") and len(path) > 2 and isinstance(value, str):
            return f"{where}, the image ‘{value.strip()}’"
        if path[:2] == ("ipaf", "affect"):
            return f"{where}, the feelings"
        numbers = [part for part in path if isinstance(part, int)]
        if numbers and path[0] != "ipaf":
            where += f", item {numbers[0] + 1}"
            if path[-1] == "cost":
                where += " (what it cost)"
        return where


_PATH_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def parse_path(text: str) -> FieldPath:
    """``coping_strategies[0].cost`` → ``("coping_strategies", 0, "cost")``."""
    return tuple(int(m.group(2)) if m.group(2) is not None else m.group(1) for m in _PATH_PART.finditer(text))


_PATIENT_VERBS = {"added": "you added this", "removed": "you took this out", "changed": "you changed this"}
_OTHER_VERBS = {"added": "added", "removed": "taken out", "changed": "changed"}


def describe(
    path: str,
    op: str,
    places: Places,
    reader: str,
    *,
    role: str | None = None,
    name: str = "",
    draft: int | None = None,
    value: Any = None,
    moved_from: int | None = None,
) -> str:
    """One legend line: where the change is (as printed), what happened, who made it.

    For the patient, their own changes are "you …"; for the therapist, each author is named
    with their role.
    """
    where = places.place(parse_path(path), value)
    when = f" (draft {draft})" if draft is not None else ""
    if op == "moved":
        what = f"moved here from item {(moved_from or 0) + 1}"
        if reader == "patient" and role == "patient":
            return f"{where}: you moved this here from item {(moved_from or 0) + 1}{when}"
    else:
        what = _OTHER_VERBS.get(op, op)
    if reader == "patient":
        if role == "patient":
            return f"{where}: {_PATIENT_VERBS.get(op, op)}{when}"
        who = (
            f" by {name}"
            if name
            else {"joint": " by us together", "therapist": " by your therapist"}.get(role or "", "")
        )
        return f"{where}: {what}{who}{when}"
    who = f" by {name} ({role})" if name and role else (f" by {role}" if role else "")
    return f"{where}: {what}{who}" + (f" in draft {draft}" if draft is not None else "")


def plain_list(items: Sequence[str]) -> str:
    """‘a’, ‘b’ and ‘c’."""
    quoted = [f"‘{item.strip()}’" for item in items if item.strip()]
    if len(quoted) < 2:
        return "".join(quoted)
    return ", ".join(quoted[:-1]) + " and " + quoted[-1]
