"""Who wrote which words: every word of the latest draft credited to the draft that introduced it.

Words are followed from draft to draft with the same word diff ``letterkit diff`` uses: a word
that survives keeps its author; an inserted word belongs to the draft that inserted it. List
items are followed even when they move.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from letterkit.diffs.core import diff_data, letter_data, match_items, tokens, word_diff
from letterkit.drafts.store import draft_content, drafts
from letterkit.errors import LetterkitError
from letterkit.model.fields import NOT_WORDS, FieldPath, dotted
from letterkit.model.loading import decode, load_text

"""Fields that hold settings rather than anyone's words."""

Credit = list[tuple[str, int, int]]
"""(token, the draft that wrote it, the draft that took it out or 0) for each token of a text."""

Ghosts = dict[FieldPath, list[tuple[int, int, Credit]]]
"""Per list: items taken out, as (where they were in the new list, the draft that took them
out, their credit)."""


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
    shown: Mapping[FieldPath, list[tuple[str, int, int]]] = field(default_factory=dict)
    """Per text field path: runs of (text, draft that wrote it, draft that took it out or 0),
    the words taken out kept where they were."""
    removed_items: Mapping[FieldPath, tuple[tuple[int, int, tuple[tuple[str, int, int], ...]], ...]] = field(
        default_factory=dict
    )
    """Per list: the items taken out, as (where they were, the draft that took them out, runs)."""

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

    def view_marks(
        self, role: str = "patient"
    ) -> tuple[dict[FieldPath, list[tuple[str, str | None]]], dict[str, list[list[tuple[str, str | None]]]]]:
        """Marks for the letter view: ``role``'s words as insertions (``ins.dN``, N the draft
        that wrote them), and what ``role`` took out struck through where it was (``del.dN``):
        words inside a text, and whole list items (an image, a point in a list)."""

        def spans(runs: Sequence[tuple[str, int, int]]) -> list[tuple[str, str | None]]:
            out: list[tuple[str, str | None]] = []
            for text, number, gone in runs:
                if gone:
                    if self.role_of(gone) == role:
                        out.append((text, f"del.d{gone}"))
                elif self.role_of(number) == role:
                    out.append((text, f"ins.d{number}"))
                else:
                    out.append((text, None))
            return out

        fields = {path: spans(runs) for path, runs in self.shown.items()}
        lists: dict[str, list[list[tuple[str, str | None]]]] = {}
        list_paths = {path[:-1] for path in self.shown if isinstance(path[-1], int)}
        list_paths |= set(self.removed_items)
        for list_path in sorted(list_paths, key=dotted):
            if not all(isinstance(p, str) for p in list_path):
                continue  # items inside items (a coping strategy's words) are fields
            depth = len(list_path)
            indexes = {p[depth] for p in self.shown if p[:depth] == list_path and len(p) > depth}
            count = max((i for i in indexes if isinstance(i, int)), default=-1) + 1
            records = any(len(p) > depth + 1 for p in self.shown if p[:depth] == list_path)
            # texts: each item's marks; records (coping strategies): an empty entry, shown as it is
            placed = [[] if records else fields.get((*list_path, i), []) for i in range(count)]
            ghosts = [g for g in self.removed_items.get(list_path, ()) if self.role_of(g[1]) == role]
            if records and not ghosts:
                continue
            for at, number, runs in sorted(ghosts, key=lambda g: -g[0]):
                placed.insert(min(at, len(placed)), [(text, f"del.d{number}") for text, _, _ in runs])
            lists[".".join(str(p) for p in list_path)] = placed
        return fields, lists

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


def _credit(
    prev: Any, prev_credit: Any, cur: Any, number: int, path: FieldPath = (), ghosts: Ghosts | None = None
) -> Any:
    """The credit structure for ``cur``, carrying over what survives from ``prev``.

    Words taken out stay in a text's credit as ``(token, draft, removed_by)`` with
    ``removed_by`` the draft that took them out (0 while they are in the text), so that a view
    can show them struck through where they were. List items taken out go to ``ghosts``.
    """
    if isinstance(cur, str):
        if isinstance(prev, str) and isinstance(prev_credit, list):
            out: Credit = []
            old = iter(prev_credit)

            def live() -> tuple[str, int, int]:
                entry: tuple[str, int, int]
                for entry in old:
                    if entry[2]:
                        out.append(entry)  # already taken out earlier: keep its place
                        continue
                    return entry
                raise ValueError("the credit does not fit the text")

            for op, text in word_diff(prev, cur):
                if op == "-":
                    for _ in tokens(text):
                        token, author, _gone = live()
                        out.append((token, author, number))
                elif op == "=":
                    out.extend(live() for _ in tokens(text))
                else:
                    out.extend((t, number, 0) for t in tokens(text))
            out.extend(old)
            return out
        return [(t, number, 0) for t in tokens(cur)]
    if isinstance(cur, dict):
        prev_map = prev if isinstance(prev, dict) else {}
        credit_map = prev_credit if isinstance(prev_credit, dict) else {}
        return {
            k: _credit(prev_map.get(k), credit_map.get(k), v, number, (*path, k), ghosts)
            for k, v in cur.items()
        }
    if isinstance(cur, list):
        if not isinstance(prev, list) or not isinstance(prev_credit, list):
            return [_credit(None, None, item, number, (*path, j), ghosts) for j, item in enumerate(cur)]
        source = match_items(prev, cur)
        if ghosts is not None:
            kept = sorted(source.values())
            for i, item in enumerate(prev):
                if i in kept:
                    continue
                at = sum(1 for j, s in source.items() if s < i)  # where it was, in the new list
                if isinstance(item, str):
                    gone = [(token, author, removed or number) for token, author, removed in prev_credit[i]]
                    ghosts.setdefault(path, []).append((at, number, gone))
                elif isinstance(item, dict) and all(isinstance(v, str) for v in item.values()):
                    words = " — ".join(item.values())  # a coping strategy: "strategy — cost"
                    ghosts.setdefault(path, []).append((at, number, [(words, number, number)]))
        return [
            _credit(prev[source[j]], prev_credit[source[j]], item, number, (*path, j), ghosts)
            if j in source
            else _credit(None, None, item, number, (*path, j), ghosts)
            for j, item in enumerate(cur)
        ]
    return number


def _flatten(
    value: Any,
    credit: Any,
    path: FieldPath,
    out: dict[FieldPath, list[tuple[str, int]]],
    shown: dict[FieldPath, list[tuple[str, int, int]]],
) -> None:
    if isinstance(value, str):
        runs: list[tuple[str, int]] = []
        for token, number, gone in credit:
            if gone:
                continue
            if runs and runs[-1][1] == number:
                runs[-1] = (runs[-1][0] + token, number)
            else:
                runs.append((token, number))
        out[path] = runs
        shown[path] = _runs(credit)
    elif isinstance(value, dict):
        for key, item in value.items():
            _flatten(item, credit[key], path + (key,), out, shown)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _flatten(item, credit[index], path + (index,), out, shown)


def _runs(credit: Credit) -> list[tuple[str, int, int]]:
    """Tokens joined into runs of one author and one state (in the text, or taken out by one draft)."""
    runs: list[tuple[str, int, int]] = []
    for token, number, gone in credit:
        if runs and runs[-1][1:] == (number, gone):
            runs[-1] = (runs[-1][0] + token, number, gone)
        else:
            runs.append((token, number, gone))
    return runs


def contributions(file: str, history: Sequence[tuple[DraftInfo, dict[str, Any]]]) -> Contributions:
    """Credit every word of the latest draft; summarise what each patient draft changed."""
    credit: Any = None
    prev: Any = None
    ghosts: Ghosts = {}
    patient_changes: list[dict[str, Any]] = []
    for info, data in history:
        if prev is not None and info.role == "patient":
            for change in diff_data(prev, data).changes:
                added = [t for op, t in change.words if op == "+"] if change.words else []
                removed = [t for op, t in change.words if op == "-"] if change.words else []
                if not change.words:
                    if change.op in ("added", "changed"):
                        added = _as_texts(change.new)
                    if change.op in ("removed", "changed"):
                        removed = _as_texts(change.old)
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
        credit = _credit(prev, credit, data, info.number, (), ghosts)
        prev = data
    fields: dict[FieldPath, list[tuple[str, int]]] = {}
    shown: dict[FieldPath, list[tuple[str, int, int]]] = {}
    if prev is not None:
        for key in prev:
            if key not in NOT_WORDS:
                _flatten(prev[key], credit[key], (key,), fields, shown)
        fields = {path: runs for path, runs in fields.items() if path[-1] != "date"}
        shown = {path: runs for path, runs in shown.items() if path in fields}
    removed_items = {
        path: tuple((at, number, tuple(_runs(gone))) for at, number, gone in items)
        for path, items in ghosts.items()
        if path and path[0] not in NOT_WORDS
    }
    return Contributions(
        file, tuple(info for info, _ in history), fields, tuple(patient_changes), shown, removed_items
    )


def history_contributions(file: str | os.PathLike[str]) -> Contributions:
    """``contributions`` of the letter ``file``, read from its saved drafts.

    Raises ``LetterkitError`` if it has none, and the loading errors if a draft cannot be read.
    """
    name = os.fspath(file)
    saved = drafts(name)
    if not saved:
        raise LetterkitError(f"{name}: has no saved drafts yet; save a draft first")
    history = []
    for draft in saved:
        label = f"{name}@{draft.number}"
        letter = load_text(decode(draft_content(name, draft), label), label, allow_placeholders=True)
        info = DraftInfo(draft.number, draft.role, draft.name, draft.short, draft.time)
        history.append((info, letter_data(letter)))
    return contributions(name, history)


def _as_texts(value: Any) -> list[str]:
    """A value as the texts a person wrote: a list of texts item by item, else as JSON."""
    if isinstance(value, list) and all(isinstance(item, (str, dict)) for item in value):
        return [text for item in value for text in _as_texts(item)]
    if isinstance(value, dict) and value and all(isinstance(v, (str, bool)) for v in value.values()):
        # a coping strategy as "strategy — cost", a feeling as its word
        return [" — ".join(v for v in value.values() if isinstance(v, str))]
    return [value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)]
