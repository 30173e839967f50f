"""What went wrong in a letter file that is not valid YAML, in a clinician's words.

The YAML parser stops where it gives up, which is often lines after the real mistake, and
says so in its own terms ("could not find expected ':'"). ``explain`` looks at the text
around that point for the mistakes people make when typing a letter by hand (a tab, a line
indented one space too far, a colon inside a sentence, a line of a ``|`` text that lost its
indent) and returns the line the mistake is on, with what happened and how to fix it.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

_KEY = re.compile(
    r"""^(?P<indent> *)(?P<dashes>(?:- +)*)(?P<key>[A-Za-z_][\w-]*|"[^"]*"|'[^']*'):(?:[ \t]+(?P<value>.*?))?[ \t]*$"""
)
"""A line that starts a field: ``  name: value``, ``- name: value`` or ``name:``."""
_DASH = re.compile(r"^(?P<indent> *)-(?:[ \t]+(?P<rest>.*))?$")
_BLOCK = re.compile(r"^[|>][-+0-9]*[ \t]*(?:#.*)?$")
"""A block text's header after the key: ``|``, ``>-``, ``|2+ # comment``..."""


LOOKAHEAD = 200
"""How many lines after the parser's line are read to see how a group of fields goes on."""
MAX_LINES = 5000
"""Beyond this line (a letter is a few hundred) the layout is not analysed: the parser's own
words are reported, and a huge malformed file costs no more time than the parser takes."""


@dataclass(frozen=True)
class Explanation:
    """The line a mistake is on (1-based) and a message: what happened, then how to fix it."""

    line: int
    message: str


@dataclass(frozen=True)
class _Line:
    number: int
    indent: int
    dash: bool
    column: int
    """Where the field's name starts (after any ``- ``)."""
    opens: bool
    """Nothing follows the colon, so the next lines may hold this field's own fields."""


def explain(
    text: str, line: int, column: int, problem: str, top_level: frozenset[str] = frozenset()
) -> Explanation | None:
    """Explain a YAML error the parser reported at ``line`` (1-based) and ``column`` (0-based).

    ``top_level`` names the fields a letter has at its top level: a line that lost its indent
    and now starts at the left edge is told apart from a real top-level field by its name.

    None when the mistake is none of the common ones; the caller then reports the parser's own
    words.
    """
    # The mistake is at or before the parser's line; a few lines after it show how the group
    # it breaks goes on. Nothing further is read, so a huge file costs no more than a small one.
    lines = text.split("\n", line + LOOKAHEAD)[: line + LOOKAHEAD]
    simple = _tab(lines, line, problem) or _colon(lines, line, column, problem)
    if simple or line > MAX_LINES:
        return simple
    return _unindented_text(lines, line) or _indentation(lines, line, top_level)


def _leading(line: str) -> str:
    return line[: len(line) - len(line.lstrip(" \t"))]


def _tab(lines: list[str], line: int, problem: str) -> Explanation | None:
    candidates = [line] if "tab" not in problem and "\\t" not in problem else range(line, 0, -1)
    for number in candidates:
        if 0 < number <= len(lines) and "\t" in _leading(lines[number - 1]):
            return Explanation(
                number,
                "this line is indented with a tab, and letter files must be indented with spaces "
                "— replace the tab with spaces, lined up with the lines above it",
            )
    return None


def _colon(lines: list[str], line: int, column: int, problem: str) -> Explanation | None:
    if "mapping values" not in problem or not 0 < line <= len(lines):
        return None
    match = _KEY.match(lines[line - 1])
    value = match.group("value") if match else None
    if not match or not value or column <= match.end("key") or value[0] in "\"'[{|>&*!#":
        return None
    value = value.split(" #")[0].rstrip()
    quoted = '"' + value + '"' if '"' not in value else "'" + value.replace("'", "''") + "'"
    key = match.group("key")
    return Explanation(
        line,
        f"the text after '{key}:' contains ': ', which YAML reads as the start of another field "
        f"— put the whole text in quotes: {key}: {quoted}",
    )


def _block_texts(lines: list[str]) -> list[tuple[int, int, str, int, str]]:
    """Each ``|`` or ``>`` text: its header's line index, the header's indent, the field's
    name, the indent of its first line of text (0 if it has none), and ``|`` or ``>``."""
    found = []
    for index, text in enumerate(lines):
        match = _KEY.match(text)
        header = match.group("value") if match else None
        if match is None or header is None or not _BLOCK.match(header):
            dash = _DASH.match(text)
            if not (dash and dash.group("rest") and _BLOCK.match(dash.group("rest"))):
                continue
            owner, indent, symbol = "a list item", len(dash.group("indent")), dash.group("rest")[0]
        else:
            owner, symbol = f"'{match.group('key')}'", header[0]
            indent = len(match.group("indent")) + len(match.group("dashes"))
        body = next((t for t in itertools.islice(lines, index + 1, None) if t.strip()), "")
        found.append((index, indent, owner, len(_leading(body).expandtabs(1)), symbol))
    return found


def _unindented_text(lines: list[str], line: int) -> Explanation | None:
    """A line of a ``|`` text that lost its indent: the parser takes it for a new field."""
    for index, indent, owner, body, symbol in _block_texts(lines):
        for number in range(index + 2, min(line, len(lines)) + 1):
            text = lines[number - 1]
            if not text.strip():
                continue
            here = len(_leading(text))
            if body > indent and here >= body:
                continue
            if _looks_like_structure(text):
                break  # the text ended; what follows is the next field (or another mistake)
            return Explanation(
                number,
                f"this line belongs to the text of {owner} (the '{symbol}' on line {index + 1})"
                f" but has lost its indent — indent it by {_spaces(max(body, indent + 2))}, "
                "like the lines above it",
            )
    return None


def _looks_like_structure(text: str) -> bool:
    stripped = text.strip()
    return bool(_KEY.match(text) or _DASH.match(text) or stripped.startswith("#") or stripped == "---")


def _structure(lines: list[str]) -> list[_Line]:
    """The lines that start a field or a list item, skipping text, comments and block texts."""
    inside: set[int] = set()
    for index, indent, _, body, _ in _block_texts(lines):
        for number in range(index + 1, len(lines)):
            text = lines[number]
            if text.strip() and (body <= indent or len(_leading(text)) < body):
                break
            inside.add(number)
    found: list[_Line] = []
    flow = 0
    for index, text in enumerate(lines):
        if index in inside or not text.strip() or text.lstrip().startswith("#"):
            continue
        if flow > 0:
            flow = max(flow + _brackets(text), 0)
            continue
        key, dash = _KEY.match(text), _DASH.match(text)
        if key:
            value = key.group("value") or ""
            found.append(
                _Line(
                    index + 1,
                    len(key.group("indent")),
                    bool(key.group("dashes")),
                    key.start("key"),
                    not value or value.startswith("#"),
                )
            )
            if value[:1] in "[{":
                flow = max(_brackets(value), 0)
        elif dash:
            rest = dash.group("rest") or ""
            found.append(_Line(index + 1, len(dash.group("indent")), True, dash.end("indent") + 2, not rest))
            if rest[:1] in "[{":
                flow = max(_brackets(rest), 0)
    return found


def _brackets(text: str) -> int:
    return sum(text.count(c) for c in "[{") - sum(text.count(c) for c in "]}")


def _indentation(lines: list[str], line: int, top_level: frozenset[str]) -> Explanation | None:
    """The first field whose indent fits none of the levels above it."""
    structure = _structure(lines)
    levels: list[int] = []
    previous: _Line | None = None
    for position, here in enumerate(structure):
        if here.number > line:
            return None
        fits = (
            not levels
            or here.indent in levels
            or (previous is not None and previous.opens and here.indent > levels[-1])
        )
        if not fits:
            return _interrupted(structure[:position], here, lines, top_level) or _odd_one_out(
                structure, position, levels
            )
        while levels and levels[-1] > here.indent:
            levels.pop()
        if not levels or levels[-1] != here.indent:
            levels.append(here.indent)
        if here.dash and not here.opens:
            levels.append(here.column)  # "- name: value": the item's other fields line up with name
        previous = here
    return None


def _interrupted(
    before: list[_Line], here: _Line, lines: list[str], top_level: frozenset[str]
) -> Explanation | None:
    """A line that lost its indent inside a group of fields, which goes on after it."""
    at = next((i for i in range(len(before) - 1, -1, -1) if before[i].indent < here.indent), None)
    if not at:
        return None
    interrupter, prior = before[at], before[:at]
    if interrupter.indent == 0 and _name(lines[interrupter.number - 1]) in top_level:
        return None  # a real field of the letter: the mistake is ``here``
    group = list(itertools.takewhile(lambda item: item.indent >= here.indent, reversed(prior)))
    if any(item.indent == here.indent for item in group):
        where = "around it"
    elif not group and prior[-1].opens and interrupter.indent <= prior[-1].indent:
        where = "below it"  # the first field of a group
    else:
        return None
    return Explanation(
        interrupter.number,
        f"this line is indented differently from the lines {where} ({_spaces(interrupter.indent)} "
        f"where they have {here.indent}) — line it up with them",
    )


def _name(text: str) -> str:
    match = _KEY.match(text)
    return match.group("key").strip("'\"") if match else ""


def _odd_one_out(structure: list[_Line], position: int, levels: list[int]) -> Explanation:
    """Which line is wrong: ``here``, or the first line of the group it breaks.

    If more fields of the group are indented like ``here`` than like the lines above it,
    the odd one out is the group's first line; otherwise it is ``here``.
    """
    here, rest = structure[position], structure[position:]
    if here.indent > levels[-1]:
        level, parent = levels[-1], (levels[-2] if len(levels) > 1 else -1)
    else:
        parent = max((lv for lv in levels if lv < here.indent), default=-1)
        level = min(lv for lv in levels if lv > parent)
    ends = next((i for i, item in enumerate(rest) if item.indent <= parent), len(rest))
    like_here = sum(1 for item in rest[:ends] if item.indent == here.indent)
    above = _group_above(structure[:position], level, parent)
    more = like_here > len(above) or (like_here == len(above) and level != here.indent == parent + 2)
    if above and (parent >= 0 or here.indent < level) and more:
        return Explanation(
            above[0],
            f"this line is indented differently from the lines below it ({_spaces(level)} where "
            f"they have {here.indent}) — line it up with them",
        )
    return Explanation(
        here.number,
        f"this line is indented differently from the lines above it ({_spaces(here.indent)} where "
        f"they have {level}) — line it up with them",
    )


def _group_above(before: list[_Line], level: int, parent: int) -> list[int]:
    """The numbers of the lines at ``level`` in the group that ``before`` ends with."""
    group: list[int] = []
    for item in reversed(before):
        if item.indent <= parent:
            break
        if item.indent == level:
            group.append(item.number)
    return group[::-1]


def _spaces(count: int) -> str:
    return "1 space" if count == 1 else f"{count} spaces"
