"""A redline: the spans of a letter's text fields and lists, marked inserted or deleted."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from typing import Any

from letterkit.diffs.core import Segment, item_key, match_items, word_diff
from letterkit.model.fields import ABOUT, BY_NAME, TEXT_LISTS, FieldPath

REDLINE_LISTS = TEXT_LISTS
"""Lists shown whole, removed items struck through where they were (``ipaf.imagery`` too)."""

IMAGERY = "ipaf.imagery"
"""The key of the patient's images among a redline's lists."""


def _spans(segments: Iterable[Segment]) -> list[tuple[str, str | None]]:
    tag = {"=": None, "-": "del", "+": "ins"}
    return [(text, tag[op]) for op, text in segments]


def redline_marks(
    a: Mapping[str, Any], b: Mapping[str, Any]
) -> tuple[dict[FieldPath, list[tuple[str, str | None]]], dict[str, list[list[tuple[str, str | None]]]]]:
    """Marks that show letter ``b`` with every change from ``a``: insertions in <ins>,
    deletions in <del>; removed list items stay in place, struck through."""
    marks: dict[FieldPath, list[tuple[str, str | None]]] = {}
    lists: dict[str, list[list[tuple[str, str | None]]]] = {}

    def text_marks(path: FieldPath, old: Any, new: Any) -> None:
        if isinstance(new, str):
            if old == new:
                return
            marks[path] = _spans(word_diff(old, new)) if isinstance(old, str) else [(new, "ins")]
        elif isinstance(new, dict):
            for key, value in new.items():
                previous = old.get(key) if isinstance(old, dict) else None
                if path + (key,) == ("ipaf", "imagery") and isinstance(value, list):
                    if previous != value:
                        lists[IMAGERY] = _merged_list(previous if isinstance(previous, list) else [], value)
                    continue
                text_marks(path + (key,), previous, value)

    for key, value in b.items():
        old = a.get(key)
        if key in REDLINE_LISTS and isinstance(value, list):
            lists[key] = _merged_list(old if isinstance(old, list) else [], value)
        elif key in BY_NAME and BY_NAME[key].shape == "records" and isinstance(value, list):
            source = match_items(old, value) if isinstance(old, list) else {}
            for j, item in enumerate(value):
                previous = old[source[j]] if isinstance(old, list) and j in source else None
                text_marks((key, j), previous, item)
            if isinstance(old, list) and len(set(source.values())) < len(old):
                lists[key] = removed_records(old, value, source)
        elif key not in ABOUT:
            text_marks((key,), old, value)
    for key in REDLINE_LISTS:
        if key not in b and isinstance(a.get(key), list):
            lists[key] = _merged_list(a[key], [])
    ipaf_a, ipaf_b = a.get("ipaf") or {}, b.get("ipaf") or {}
    if isinstance(ipaf_a.get("imagery"), list) and "imagery" not in ipaf_b:
        lists[IMAGERY] = _merged_list(ipaf_a["imagery"], [])
    return marks, lists


def removed_records(
    old: list[Any], new: list[Any], source: Mapping[int, int], tag: str = "del"
) -> list[list[tuple[str, str | None]]]:
    """One entry per item of ``new`` (empty: shown as it is) with each item of ``old`` that is
    gone put back where it was, as its words ("strategy — cost") struck through."""
    out: list[list[tuple[str, str | None]]] = [[] for _ in new]
    for i in sorted(set(range(len(old))) - set(source.values()), reverse=True):
        at = sum(1 for j in range(len(new)) if source.get(j, len(old)) < i)
        words = " — ".join(str(v) for v in old[i].values()) if isinstance(old[i], dict) else str(old[i])
        out.insert(at, [(words, tag)])
    return out


def _merged_list(a: list[Any], b: list[Any]) -> list[list[tuple[str, str | None]]]:
    """b's items in order, with items removed from a shown struck through where they were."""
    out: list[list[tuple[str, str | None]]] = []
    ka, kb = [item_key(x) for x in a], [item_key(x) for x in b]
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, ka, kb, autojunk=False).get_opcodes():
        if tag == "equal":
            out.extend([(str(item), None)] for item in b[j1:j2])
            continue
        pairs = min(i2 - i1, j2 - j1) if tag == "replace" else 0
        for offset in range(pairs):
            old, new = a[i1 + offset], b[j1 + offset]
            out.append(_spans(word_diff(str(old), str(new))))
        out.extend([(str(item), "del")] for item in a[i1 + pairs : i2])
        out.extend([(str(item), "ins")] for item in b[j1 + pairs : j2])
    return out
