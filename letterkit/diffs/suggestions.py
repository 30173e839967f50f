"""Suggestions, as in Word or Google Docs: one draft's changes, each one a decision to make.

The changes between two versions of a letter (as data) are cut into pieces a person can
accept or reject one at a time: inside a text, each run of changed words between unchanged
ones (an insertion, a deletion or a replacement); a list item or a section added, taken out
or moved, whole. ``revert`` undoes the rejected pieces on the letter as it is now, leaving
the rest (accepted or not decided yet) as they are.
"""

from __future__ import annotations

import copy
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from letterkit.diffs.core import Change, Segment, diff_data
from letterkit.diffs.places import parse_path
from letterkit.model.fields import FieldPath

__all__ = ["CONTEXT", "Kind", "Piece", "RevertError", "pieces", "revert", "shown"]

Kind = Literal["insert", "delete", "replace", "move"]
CONTEXT = 48
"""Characters of unchanged text shown either side of a change inside a text."""


class RevertError(ValueError):
    """A piece cannot be undone: the text it changed was changed again since."""


@dataclass(frozen=True)
class Piece:
    """One change to decide: where (``path``, never shown), what (``kind``, ``old`` and
    ``new`` as text), the unchanged words around it, and the change it is part of."""

    number: int
    path: str
    kind: Kind
    old: str
    new: str
    before: str
    after: str
    change: Change
    hunk: int | None = None
    """Which run of changed words inside the text (from 0); None for a whole value."""

    @property
    def field(self) -> FieldPath:
        return parse_path(self.path)


def shown(value: Any) -> str:
    """A value as the words a reader sees: text as it is; an item's texts joined; no markup."""
    if value is None or isinstance(value, bool):
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        return " — ".join(s for s in (shown(v) for k, v in value.items() if k != "less_conscious") if s)
    if isinstance(value, Sequence):
        return "; ".join(s for s in (shown(v) for v in value) if s)
    return str(value)


def pieces(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[Piece]:
    """The pieces that turn ``before`` into ``after``, in letter order, numbered from 1."""
    out: list[Piece] = []
    for change in diff_data(before, after).changes:
        if change.words:
            out.extend(_hunks(change, len(out)))
            continue
        kind: Kind = {"added": "insert", "removed": "delete", "moved": "move"}.get(change.op, "replace")  # type: ignore[assignment]
        out.append(
            Piece(len(out) + 1, change.path, kind, shown(change.old), shown(change.new), "", "", change)
        )
    return out


def _hunks(change: Change, start: int) -> list[Piece]:
    words = list(change.words)
    out: list[Piece] = []
    index = 0
    while index < len(words):
        if words[index][0] == "=":
            index += 1
            continue
        end = index
        while end < len(words) and words[end][0] != "=":
            end += 1
        old = "".join(t for op, t in words[index:end] if op == "-")
        new = "".join(t for op, t in words[index:end] if op == "+")
        before = words[index - 1][1] if index > 0 else ""
        after = words[end][1] if end < len(words) else ""
        kind: Kind = "insert" if not old else "delete" if not new else "replace"
        out.append(
            Piece(
                start + len(out) + 1,
                change.path,
                kind,
                old,
                new,
                _tail(before),
                _head(after),
                change,
                len(out),
            )
        )
        index = end
    return out


def _tail(text: str) -> str:
    if len(text) <= CONTEXT:
        return text
    cut = text[-CONTEXT:]
    return "…" + cut[cut.find(" ") + 1 :] if " " in cut else "…" + cut


def _head(text: str) -> str:
    if len(text) <= CONTEXT:
        return text
    cut = text[:CONTEXT]
    return cut[: cut.rfind(" ")] + "…" if " " in cut else cut + "…"


# --------------------------------------------------------------------------- undoing pieces


def revert(
    now: Mapping[str, Any],
    suggested: Mapping[str, Any],
    all_pieces: Sequence[Piece],
    rejected: Collection[int],
) -> dict[str, Any]:
    """``now`` (the letter as it is) with the ``rejected`` pieces (by number) undone.

    ``suggested`` is the letter as the suggestions left it; a text changed again since is
    undone by finding the rejected words with their neighbours, and refused (``RevertError``)
    when they cannot be found once.
    """
    out = copy.deepcopy(dict(now))
    undo = [p for p in all_pieces if p.number in rejected]
    texts: dict[str, list[Piece]] = {}
    for piece in undo:
        if piece.hunk is not None:
            texts.setdefault(piece.path, []).append(piece)
    for path, group in texts.items():
        _revert_text(out, suggested, path, group)
    whole = [p for p in undo if p.hunk is None]
    for piece in [p for p in whole if p.change.op == "changed"]:
        _set(out, piece.field, piece.change.old, expect=piece.change.new)
    for piece in sorted((p for p in whole if p.change.op in ("added", "moved")), key=_index, reverse=True):
        _take_out(out, piece.field, piece.change.new)
    for piece in sorted((p for p in whole if p.change.op in ("removed", "moved")), key=_index):
        where = piece.change.moved_from if piece.change.op == "moved" else None
        _put_back(out, piece.field, piece.change.old, where)
    for key in [k for k, v in out.items() if v in ([], {}) and now.get(k) not in ([], {})]:
        del out[key]  # a list emptied by undoing its additions was not there before
    return out


def _index(piece: Piece) -> int:
    last = piece.field[-1] if piece.field else 0
    return last if isinstance(last, int) else 0


def _get(data: Any, path: FieldPath) -> Any:
    node = data
    for part in path:
        if isinstance(node, Mapping) and isinstance(part, str):
            node = node.get(part)
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        else:
            return None
    return node


def _revert_text(out: dict[str, Any], suggested: Mapping[str, Any], path: str, group: list[Piece]) -> None:
    field = group[0].field
    current = _get(out, field)
    words = group[0].change.words
    undo = {p.hunk for p in group}
    if current == _get(suggested, field):
        _set(out, field, _rebuild(words, undo))
        return
    if not isinstance(current, str):
        raise RevertError(f"{path}: was changed again since the suggestion")
    for piece in group:
        was = piece.before + piece.new + piece.after
        back = piece.before + piece.old + piece.after
        if current.count(was) != 1:
            raise RevertError(f"{path}: was changed again since the suggestion")
        current = current.replace(was, back)
    _set(out, field, current)


def _rebuild(words: Sequence[Segment], undo: Collection[int | None]) -> str:
    """The text with the hunks in ``undo`` back as they were and the others as changed."""
    out: list[str] = []
    hunk = -1
    inside = False
    for op, text in words:
        if op == "=":
            inside = False
            out.append(text)
            continue
        if not inside:
            hunk += 1
            inside = True
        if (op == "-") == (hunk in undo):
            out.append(text)
    return "".join(out)


def _set(out: dict[str, Any], path: FieldPath, value: Any, *, expect: Any = None) -> None:
    parent = _get(out, path[:-1]) if len(path) > 1 else out
    last = path[-1]
    if expect is not None and _get(out, path) != expect:
        raise RevertError(f"{'.'.join(map(str, path))}: was changed again since the suggestion")
    if isinstance(parent, dict) and isinstance(last, str):
        parent[last] = value
    elif isinstance(parent, list) and isinstance(last, int) and 0 <= last < len(parent):
        parent[last] = value
    else:
        raise RevertError(f"{'.'.join(map(str, path))}: is no longer in the letter")


def _take_out(out: dict[str, Any], path: FieldPath, value: Any) -> None:
    parent = _get(out, path[:-1]) if len(path) > 1 else out
    last = path[-1]
    if isinstance(parent, dict) and isinstance(last, str):
        if parent.get(last) == value:
            del parent[last]
        return
    if isinstance(parent, list):
        at = last if isinstance(last, int) and last < len(parent) and parent[last] == value else None
        if at is None:
            at = next((i for i, item in enumerate(parent) if item == value), None)
        if at is not None:
            del parent[at]


def _put_back(out: dict[str, Any], path: FieldPath, value: Any, where: int | None) -> None:
    parent_path, last = path[:-1], path[-1]
    parent = _get(out, parent_path) if parent_path else out
    if isinstance(last, str):
        if parent is None and parent_path:
            _set(out, parent_path, {})
            parent = _get(out, parent_path)
        if isinstance(parent, dict):
            parent[last] = copy.deepcopy(value)
        return
    if parent is None:
        _set_missing_list(out, parent_path)
        parent = _get(out, parent_path)
    if isinstance(parent, list):
        at = where if where is not None else last
        parent.insert(min(at, len(parent)), copy.deepcopy(value))


def _set_missing_list(out: dict[str, Any], path: FieldPath) -> None:
    parent = _get(out, path[:-1]) if len(path) > 1 else out
    if isinstance(parent, dict) and isinstance(path[-1], str):
        parent[path[-1]] = []
