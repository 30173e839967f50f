"""Who wrote which words: every word of the latest draft credited to the draft that introduced it.

Words are followed from draft to draft with the same word diff ``letterkit diff`` uses: a word
that survives keeps its author; an inserted word belongs to the draft that inserted it. List
items are followed even when they move.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from letterkit.diffs.core import diff_data, match_items, tokens, word_diff
from letterkit.model.fields import NOT_WORDS, dotted

"""Fields that hold settings rather than anyone's words."""

Credit = list[tuple[str, int]]
"""(token, draft number) for each token of a text."""


@dataclass(frozen=True)
class DraftInfo:
    number: int
    role: str
    name: str
    short: str
    time: str


@dataclass(frozen=True)
class Contributions:
    """Authorship of the latest draft, and what the patient changed over the whole history."""

    file: str
    drafts: tuple[DraftInfo, ...]
    fields: dict[tuple[str | int, ...], list[tuple[str, int]]]
    """Per text field path: runs of (text, draft number) in the latest draft."""
    patient_changes: tuple[dict[str, Any], ...]
    """Per patient draft and section: the words they added and removed."""

    def draft(self, number: int) -> DraftInfo:
        """The draft with this number (by number: a history may lack a draft)."""
        return next(d for d in self.drafts if d.number == number)

    def role_of(self, number: int) -> str:
        return self.draft(number).role

    def words_by_role(self) -> dict[str, int]:
        counts: Counter[str] = Counter()
        for runs in self.fields.values():
            for text, number in runs:
                counts[self.role_of(number)] += sum(1 for t in tokens(text) if t[0].isalnum() or t[0] == "_")
        return dict(counts)

    def words_of(self, role: str) -> dict[str, list[str]]:
        """Per field path, the runs of text written by drafts of ``role``."""
        out: dict[str, list[str]] = {}
        for path, runs in self.fields.items():
            texts = [text.strip() for text, number in runs if self.role_of(number) == role and text.strip()]
            if texts:
                out[dotted(path)] = texts
        return out

    def marks(self, role: str = "patient") -> dict[tuple[str | int, ...], list[tuple[str, str | None]]]:
        """Spans for rendering the letter with ``role``'s words highlighted."""
        return {
            path: [(text, "mark" if self.role_of(number) == role else None) for text, number in runs]
            for path, runs in self.fields.items()
        }

    def to_text(self) -> str:
        """The plain-text report `letterkit contributions` prints."""
        credit = self
        lines = [f"Contributions to {credit.file} ({len(credit.drafts)} drafts)"]
        for d in credit.drafts:
            lines.append(f"  draft {d.number} {d.short} {d.time[:10]} {d.role} {d.name}".rstrip())
        lines.append("")
        lines.append("Words in the latest draft, by who wrote them:")
        counts = credit.words_by_role()
        total = sum(counts.values()) or 1
        for role, count in sorted(counts.items(), key=lambda kv: -kv[1]):
            lines.append(f"  {role:<11}{count:>6} words ({100 * count / total:.0f}%)")
        lines.append("")
        words = credit.words_of("patient")
        lines.append("The patient's own words in the latest draft:")
        if not words:
            lines.append("  (none)")
        for path, texts in words.items():
            lines.append(f"  {path}: " + " … ".join(f"“{t}”" for t in texts))
        lines.append("")
        lines.append("What the patient changed, draft by draft:")
        if not credit.patient_changes:
            lines.append("  (nothing yet)")
        for change in credit.patient_changes:
            parts = []
            if change["added"]:
                parts.append("added " + ", ".join(f"“{t.strip()}”" for t in change["added"] if t.strip()))
            if change["removed"]:
                parts.append("removed " + ", ".join(f"“{t.strip()}”" for t in change["removed"] if t.strip()))
            lines.append(
                f"  draft {change['draft']}, {change['path']}: " + "; ".join(parts or [change["op"]])
            )
        return "\n".join(lines) + "\n"

    def to_json(self) -> dict[str, Any]:
        return {
            "format": "letterkit-contributions",
            "version": 1,
            "file": self.file,
            "drafts": [d.__dict__ for d in self.drafts],
            "words_by_role": self.words_by_role(),
            "fields": {
                dotted(path): [
                    {
                        "text": text,
                        "draft": number,
                        "role": self.role_of(number),
                        "name": self.draft(number).name,
                    }
                    for text, number in runs
                ]
                for path, runs in self.fields.items()
            },
            "patient_changes": list(self.patient_changes),
        }


def _credit(prev: Any, prev_credit: Any, cur: Any, number: int) -> Any:
    """The credit structure for ``cur``, carrying over what survives from ``prev``."""
    if isinstance(cur, str):
        if isinstance(prev, str) and isinstance(prev_credit, list):
            out: Credit = []
            old = iter(prev_credit)
            for op, text in word_diff(prev, cur):
                if op == "-":
                    for _ in tokens(text):
                        next(old)
                elif op == "=":
                    out.extend(next(old) for _ in tokens(text))
                else:
                    out.extend((t, number) for t in tokens(text))
            return out
        return [(t, number) for t in tokens(cur)]
    if isinstance(cur, dict):
        prev_map = prev if isinstance(prev, dict) else {}
        credit_map = prev_credit if isinstance(prev_credit, dict) else {}
        return {k: _credit(prev_map.get(k), credit_map.get(k), v, number) for k, v in cur.items()}
    if isinstance(cur, list):
        if not isinstance(prev, list) or not isinstance(prev_credit, list):
            return [_credit(None, None, item, number) for item in cur]
        source = match_items(prev, cur)
        return [
            _credit(prev[source[j]], prev_credit[source[j]], item, number)
            if j in source
            else _credit(None, None, item, number)
            for j, item in enumerate(cur)
        ]
    return number


def _flatten(
    value: Any,
    credit: Any,
    path: tuple[str | int, ...],
    out: dict[tuple[str | int, ...], list[tuple[str, int]]],
) -> None:
    if isinstance(value, str):
        runs: list[tuple[str, int]] = []
        for token, number in credit:
            if runs and runs[-1][1] == number:
                runs[-1] = (runs[-1][0] + token, number)
            else:
                runs.append((token, number))
        out[path] = runs
    elif isinstance(value, dict):
        for key, item in value.items():
            _flatten(item, credit[key], path + (key,), out)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _flatten(item, credit[index], path + (index,), out)


def contributions(file: str, history: Sequence[tuple[DraftInfo, dict[str, Any]]]) -> Contributions:
    """Credit every word of the latest draft; summarise what each patient draft changed."""
    credit: Any = None
    prev: Any = None
    patient_changes: list[dict[str, Any]] = []
    for info, data in history:
        if prev is not None and info.role == "patient":
            for change in diff_data(prev, data).changes:
                added = [t for op, t in change.words if op == "+"] if change.words else []
                removed = [t for op, t in change.words if op == "-"] if change.words else []
                if not change.words:
                    if change.op in ("added", "changed"):
                        added = [_as_text(change.new)]
                    if change.op in ("removed", "changed"):
                        removed = [_as_text(change.old)]
                patient_changes.append(
                    {
                        "draft": info.number,
                        "name": info.name,
                        "section": change.path.split(".")[0].split("[")[0],
                        "path": change.path,
                        "op": change.op,
                        "added": added,
                        "removed": removed,
                    }
                )
        credit = _credit(prev, credit, data, info.number)
        prev = data
    fields: dict[tuple[str | int, ...], list[tuple[str, int]]] = {}
    if prev is not None:
        for key in prev:
            if key not in NOT_WORDS:
                _flatten(prev[key], credit[key], (key,), fields)
        fields = {path: runs for path, runs in fields.items() if path[-1] != "date"}
    return Contributions(file, tuple(info for info, _ in history), fields, tuple(patient_changes))


def _as_text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
