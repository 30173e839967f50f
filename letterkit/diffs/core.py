"""Section-aware differences between two letters, as data; views are separate functions.

A change is reported at the field path where it happened (``ipaf.self``, ``changes[2]``,
``coping_strategies[0].cost``). Inside text, the difference is word by word, keeping every
space and punctuation mark, so applying a text change to the old text gives the new text
byte for byte. List items that were added, removed or moved are reported as such.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from letterkit.model.fields import FieldPath, dotted

Op = Literal["added", "removed", "changed", "moved"]

_TOKEN = re.compile(r"\w+|\s+|[^\w\s]", re.UNICODE)


# --------------------------------------------------------------------------- word diff


def tokens(text: str) -> list[str]:
    """Words, runs of whitespace, and single other characters; joined, they give ``text``."""
    return _TOKEN.findall(text)


Segment = tuple[str, str]
"""("=", text) kept, ("-", text) removed, ("+", text) inserted."""


LINE_FIRST = 20_000
"""Texts longer than this (in characters) are compared line by line first, then word by word
inside the changed lines only: far quicker on long texts with scattered edits."""


def word_diff(old: str, new: str) -> list[Segment]:
    """The word-by-word difference between two texts, changed runs grouped together."""
    if len(old) + len(new) <= LINE_FIRST or "\n" not in old:
        return _group(_word_segments(old, new))
    a, b = old.splitlines(keepends=True), new.splitlines(keepends=True)
    raw: list[Segment] = []
    for op, i1, i2, j1, j2 in _opcodes(a, b):
        if op == "=":
            raw.append(("=", "".join(a[i1:i2])))
        else:
            raw.extend(_word_segments("".join(a[i1:i2]), "".join(b[j1:j2])))
    return _group(raw)


def _word_segments(old: str, new: str) -> list[Segment]:
    a, b = tokens(old), tokens(new)
    raw: list[Segment] = []
    for op, i1, i2, j1, j2 in _opcodes(a, b):
        if op == "=":
            raw.append(("=", "".join(a[i1:i2])))
        else:
            if i2 > i1:
                raw.append(("-", "".join(a[i1:i2])))
            if j2 > j1:
                raw.append(("+", "".join(b[j1:j2])))
    return raw


def _opcodes(a: Sequence[str], b: Sequence[str]) -> Iterable[tuple[str, int, int, int, int]]:
    """Opcodes over token lists: Google's diff-match-patch in C++ when installed, else difflib."""
    try:
        import fast_diff_match_patch as dmp
    except ImportError:  # pragma: no cover - the fallback is slower but exact
        matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            yield ("=" if tag == "equal" else "~"), i1, i2, j1, j2
        return
    codes: dict[str, str] = {}

    def encode(seq: Sequence[str]) -> str:
        out = []
        for token in seq:
            code = codes.get(token)
            if code is None:
                n = len(codes) + 0x100
                if n >= 0xD800:
                    n += 0x800  # skip the surrogate range
                code = codes[token] = chr(n)
            out.append(code)
        return "".join(out)

    ea, eb = encode(a), encode(b)
    i = j = 0
    pending_i, pending_j = i, j
    for op, length in dmp.diff(ea, eb, timelimit=0, checklines=False, cleanup="No", counts_only=True):
        if op == "=":
            if (pending_i, pending_j) != (i, j):
                yield "~", pending_i, i, pending_j, j
            yield "=", i, i + length, j, j + length
            i += length
            j += length
            pending_i, pending_j = i, j
        elif op == "-":
            i += length
        else:
            j += length
    if (pending_i, pending_j) != (i, j):
        yield "~", pending_i, i, pending_j, j


def _group(segments: list[Segment]) -> list[Segment]:
    """Merge neighbours of one kind, and fold lone spaces between changes into the change,
    so that a changed phrase reads as one run (like ``git diff --word-diff``)."""
    out: list[Segment] = []
    for index, (op, text) in enumerate(segments):
        if not text:
            continue
        between_changes = (
            op == "="
            and text.isspace()
            and 0 < index < len(segments) - 1
            and segments[index - 1][0] != "="
            and segments[index + 1][0] != "="
        )
        if between_changes:
            out.extend([("-", text), ("+", text)])
            continue
        out.append((op, text))
    merged: list[Segment] = []
    for op, text in out:
        # Collect each changed run as all its deletions, then all its insertions.
        if op != "=" and merged and merged[-1][0] != "=":
            run_start = len(merged)
            while run_start > 0 and merged[run_start - 1][0] != "=":
                run_start -= 1
            run = merged[run_start:] + [(op, text)]
            minus = "".join(t for o, t in run if o == "-")
            plus = "".join(t for o, t in run if o == "+")
            merged[run_start:] = [s for s in (("-", minus), ("+", plus)) if s[1]]
        elif merged and merged[-1][0] == op:
            merged[-1] = (op, merged[-1][1] + text)
        else:
            merged.append((op, text))
    return merged


def apply_words(old: str, segments: Iterable[Segment]) -> str:
    """Apply a word diff to ``old``; raises ValueError if it does not fit."""
    out: list[str] = []
    at = 0
    for op, text in segments:
        if op in "=-":
            if old[at : at + len(text)] != text:
                raise ValueError(f"the diff does not fit the text at character {at}")
            at += len(text)
            if op == "=":
                out.append(text)
        else:
            out.append(text)
    if at != len(old):
        raise ValueError("the diff does not cover the whole text")
    return "".join(out)


# --------------------------------------------------------------------------- letter diff


@dataclass(frozen=True)
class Change:
    """One change at one field path."""

    path: str
    op: Op
    old: Any = None
    new: Any = None
    words: tuple[Segment, ...] = ()
    moved_from: int | None = None
    author: str | None = None
    draft: int | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "path": self.path,
            "op": self.op,
            "old": self.old,
            "new": self.new,
            "author": self.author,
            "draft": self.draft,
        }
        out["words"] = [{"op": op, "text": text} for op, text in self.words]
        if self.moved_from is not None:
            out["moved_from"] = self.moved_from
        return out


@dataclass(frozen=True)
class Diff:
    """The changes that turn letter ``a`` into letter ``b``."""

    a: str
    b: str
    changes: tuple[Change, ...] = field(default_factory=tuple)

    def __bool__(self) -> bool:
        return bool(self.changes)

    def to_json(self) -> dict[str, Any]:
        return {
            "format": "letterkit-diff",
            "version": 1,
            "a": self.a,
            "b": self.b,
            "changes": [c.to_json() for c in self.changes],
        }


def diff_data(a: Mapping[str, Any], b: Mapping[str, Any], a_label: str = "a", b_label: str = "b") -> Diff:
    """The difference between two letters given as plain data (from ``letter_data``)."""
    changes: list[Change] = []
    _diff_value((), a, b, changes)
    return Diff(a_label, b_label, tuple(changes))


def letter_data(letter: Any) -> dict[str, Any]:
    """A letter as plain JSON-like data with the file's field names, empty fields left out."""
    data: dict[str, Any] = letter.model_dump(
        mode="json", by_alias=True, exclude_none=True, exclude_defaults=False
    )
    return {k: v for k, v in data.items() if v not in ([], {}, None)}


def _diff_value(path: FieldPath, a: Any, b: Any, out: list[Change]) -> None:
    if a == b:
        return
    if isinstance(a, dict) and isinstance(b, dict):
        for key in list(a) + [k for k in b if k not in a]:
            if key not in b:
                out.append(Change(dotted(path + (key,)), "removed", old=a[key]))
            elif key not in a:
                out.append(Change(dotted(path + (key,)), "added", new=b[key]))
            else:
                _diff_value(path + (key,), a[key], b[key], out)
    elif isinstance(a, list) and isinstance(b, list):
        _diff_list(path, a, b, out)
    elif isinstance(a, str) and isinstance(b, str):
        out.append(Change(dotted(path), "changed", old=a, new=b, words=tuple(word_diff(a, b))))
    else:
        out.append(Change(dotted(path), "changed", old=a, new=b))


def item_key(item: Any) -> str:
    return json.dumps(item, sort_keys=True, ensure_ascii=False)


def _diff_list(path: FieldPath, a: list[Any], b: list[Any], out: list[Change]) -> None:
    ka, kb = [item_key(x) for x in a], [item_key(x) for x in b]
    matcher = difflib.SequenceMatcher(None, ka, kb, autojunk=False)
    removed: list[int] = []
    added: list[int] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        # Items found elsewhere in the other list have moved; the rest pair up by likeness.
        olds = [i for i in range(i1, i2) if ka[i] not in kb]
        news = [j for j in range(j1, j2) if kb[j] not in ka]
        pairs = pair_similar(a, b, olds, news)
        for i, j in pairs:
            _diff_value(path + (j,), a[i], b[j], out)
        paired_i, paired_j = {i for i, _ in pairs}, {j for _, j in pairs}
        removed.extend(i for i in range(i1, i2) if i not in paired_i)
        added.extend(j for j in range(j1, j2) if j not in paired_j)
    # An item removed in one place and added in another has moved.
    unclaimed = {index: ka[index] for index in removed}
    for j in added:
        source = next((i for i, key in unclaimed.items() if key == kb[j]), None)
        if source is not None:
            del unclaimed[source]
            out.append(Change(dotted(path + (j,)), "moved", old=a[source], new=b[j], moved_from=source))
        else:
            out.append(Change(dotted(path + (j,)), "added", new=b[j]))
    for i in unclaimed:
        out.append(Change(dotted(path + (i,)), "removed", old=a[i]))


def pair_similar(
    a: Sequence[Any], b: Sequence[Any], olds: Sequence[int], news: Sequence[int]
) -> list[tuple[int, int]]:
    """Pairs (i, j) of an old and a new item alike enough to be one item edited: most alike
    first, keeping their order (one edit never crosses another)."""
    scored = sorted(
        ((similarity(a[i], b[j]), i, j) for i in olds for j in news),
        key=lambda t: (-t[0], t[1], t[2]),
    )
    pairs: list[tuple[int, int]] = []
    for score, i, j in scored:
        if score < 0.5:
            break
        if any(i == pi or j == pj or (i < pi) != (j < pj) for pi, pj in pairs):
            continue
        pairs.append((i, j))
    return sorted(pairs)


def match_items(a: Sequence[Any], b: Sequence[Any]) -> dict[int, int]:
    """For each item of b, the item of a it came from (kept, moved or edited in place)."""
    ka, kb = [item_key(x) for x in a], [item_key(x) for x in b]
    source: dict[int, int] = {}
    used: set[int] = set()
    matcher = difflib.SequenceMatcher(None, ka, kb, autojunk=False)
    for tag, i1, i2, j1, _j2 in matcher.get_opcodes():
        if tag == "equal":
            for offset in range(i2 - i1):
                source[j1 + offset] = i1 + offset
                used.add(i1 + offset)
    for j, key in enumerate(kb):  # moved items
        if j not in source:
            i = next((i for i, k in enumerate(ka) if k == key and i not in used), None)
            if i is not None:
                source[j] = i
                used.add(i)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():  # edited in place
        if tag != "equal":
            olds = [i for i in range(i1, i2) if i not in used]
            news = [j for j in range(j1, j2) if j not in source]
            for i, j in pair_similar(a, b, olds, news):
                source[j] = i
                used.add(i)
    return source


def similarity(a: Any, b: Any) -> float:
    """How alike two list items are, from 0 to 1, by their words."""
    words_a = [t for t in tokens(plain(a)) if not t.isspace()]
    words_b = [t for t in tokens(plain(b)) if not t.isspace()]
    if not words_a or not words_b:
        return 0.0
    return difflib.SequenceMatcher(None, words_a, words_b, autojunk=False).ratio()


def plain(value: Any) -> str:
    """A field's value as text: strings as they are, anything else as JSON."""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)
