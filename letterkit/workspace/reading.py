"""Reading the letter together: each text the patient reads, and their changes saved as a draft."""

from __future__ import annotations

import copy
import os
from collections.abc import Mapping
from typing import Any

from letterkit.diffs.core import letter_data, word_diff
from letterkit.drafts.store import SaveResult
from letterkit.errors import LetterValidationError
from letterkit.model.fields import text_paths
from letterkit.workspace.base import PathLike
from letterkit.workspace.letters import Letters, problems
from letterkit.workspace.results import Passage, Reading

READING_ROLES = ("patient", "joint")
"""Who saves a draft from reading the letter together."""


def passages(data: Mapping[str, Any], base: Mapping[str, str] | None = None) -> list[Passage]:
    """Each text the patient reads, in letter order, with what is new since ``base`` (the
    therapist's latest texts by path)."""
    out = []
    for path in text_paths(data):
        value: Any = data
        for part in path:
            if isinstance(value, dict):
                value = value.get(part)
            elif isinstance(value, list) and isinstance(part, int) and part < len(value):
                value = value[part]
            else:
                value = None
        if isinstance(value, dict):
            value = value.get("feeling")
        if not isinstance(value, str):
            continue
        key = ".".join(str(p) for p in path)
        leaf = str(path[-1]) if len(path) > 1 and isinstance(path[-1], str) else None
        number = int(path[1]) + 1 if len(path) > 1 and isinstance(path[1], int) else None
        changes = _changes(base.get(key, ""), value) if base else ()
        out.append(Passage(key, str(path[0]), leaf, number, value, changes))
    return out


def _changes(base: str, text: str) -> tuple[tuple[str, str], ...]:
    """``text`` as (op, words) against ``base``: ``=`` kept, ``+`` new; empty if nothing is new."""
    segments = [(op, part) for op, part in word_diff(base, text) if op in "=+"]
    if not any(op == "+" and part.strip() for op, part in segments):
        return ()
    return tuple(segments)


def with_texts(data: Mapping[str, Any], texts: Mapping[str, str]) -> dict[str, Any]:
    """``data`` with the passages at the given paths replaced (other keys are ignored)."""
    out = copy.deepcopy(dict(data))
    known = {p.path for p in passages(out)}
    for key, text in texts.items():
        if key not in known:
            continue
        parts: list[Any] = [int(p) if p.isdigit() else p for p in key.split(".")]
        node: Any = out
        for part in parts[:-1]:
            node = node[part]
        node[parts[-1]] = text
    return out


class ReadingTogether(Letters):
    def reading(self, name: PathLike, texts: Mapping[str, str] | None = None) -> Reading:
        """The letter laid out for reading together, with ``texts`` (unsaved edits) in place."""
        key = os.fspath(name)
        work = self.read_work(key)
        base = self._therapist_texts(key)
        data = with_texts(work.data, texts) if texts else work.data
        return Reading(key, work.data, work.version, tuple(passages(data, base)), bool(base))

    def word_changes(
        self, name: PathLike, texts: Mapping[str, str]
    ) -> dict[str, tuple[tuple[str, str], ...]]:
        """What is new in each edited text since the therapist's latest draft, by path."""
        base = self._therapist_texts(os.fspath(name))
        return {k: _changes(base.get(k, ""), v) for k, v in texts.items()}

    def save_reading(
        self,
        name: PathLike,
        texts: Mapping[str, str],
        version: str | None,
        role: str = "patient",
        person: str = "",
        note: str = "",
    ) -> SaveResult:
        """Save the patient's changes, made while reading the letter together, as their draft.

        The letter must be its latest saved draft (the patient's words are credited to them
        against it) and unchanged since ``version`` was read."""
        key = os.fspath(name)
        role = role if role in READING_ROLES else READING_ROLES[0]
        with self.store.lock(key):
            self._require_version(key, version or "")
            self._require_saved(key, "save the therapist's draft on the letter page first")
            work = self.read_work(key)
            data = with_texts(work.data, texts)
            wrong = problems(data)
            if wrong:
                raise LetterValidationError(wrong)
            self.save_work(key, data, work.version)
            return self.store.append_draft(key, role, person, note)

    def _therapist_texts(self, name: str) -> dict[str, str]:
        """Each passage's text in the therapist's latest draft (empty if there is none)."""
        therapist = [d for d in self.store.drafts(name) if d.role == "therapist"]
        if not therapist:
            return {}
        opened = self.open(f"{name}@{therapist[-1].number}")
        return {p.path: p.text for p in passages(letter_data(opened.letter))}
