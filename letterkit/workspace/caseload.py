"""The caseload: starting letters (empty, with the kind's examples as hints), a second letter
for the same patient, the goodbye letter from a formulation, the archive, and what a caseload
shows of each letter."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from letterkit.errors import LetterkitError, SamePatientError
from letterkit.model import editing, kinds
from letterkit.workspace.letters import Letters, scaffold
from letterkit.workspace.revisions import draft_title

if TYPE_CHECKING:
    from letterkit.workspace.reports import Summary

CARRIED_TO_GOODBYE = ("patient", "therapist", "ipaf", "people", "accessibility")
"""What a goodbye letter takes from the patient's formulation: who it is to and from, the
pattern they agreed to work on, the other people named, and how the letter is printed."""

_NOT_EXAMPLES = ("patient", "therapist", "date", "referral.date", "status", "kind")
"""Scaffold values that are no example to show: names of fields ("[Full name]"), dates (an
example date is never offered), and settings."""
_BRACKETS = re.compile(r"^\[(.*)\]$", re.S)


class Caseload(Letters):
    def create(self, kind: str, patient: str, *, another: bool = False) -> str:
        """Start an empty letter of ``kind`` for a patient (only their name and the status
        filled in; ``examples`` gives what to show as hints); returns its new name, made from
        the patient's name and the kind, never one already taken. A patient who already has
        a letter of that kind (not archived) gets another only with ``another``:
        ``SamePatientError`` otherwise, naming the letter they have."""
        kinds.get(kind)
        patient = " ".join(patient.split())
        if not another:
            for item in self.summaries():
                same = (item.patient or "").casefold() == patient.casefold()
                if same and item.kind == kind and not item.archived:
                    raise SamePatientError(
                        f"There is already a {kind.replace('-', ' ')} for {patient}. Start another?",
                        item.name,
                    )
        slug = re.sub(r"[^a-z0-9]+", "-", patient.lower()).strip("-")[:40] or "letter"
        base, n = f"{slug}-{kind}", 2
        name = f"{base}.yaml"
        while self.store.exists(name):
            name = f"{base}-{n}.yaml"
            n += 1
        self.new_letter(kind, name)
        work = self.read_work(name)
        self.save_work(name, {"kind": kind, "status": "draft", "patient": {"name": patient}}, work.version)
        return name

    def goodbye_from(self, name: str, *, another: bool = False) -> str:
        """Start the goodbye letter from a patient's formulation: a new letter of the kind
        that follows it (``Kind.followed_by``) with the formulation's pattern, names and
        therapist (``CARRIED_TO_GOODBYE``); returns its name. The formulation is left as it
        is; ``SamePatientError`` as ``create``."""
        source = self.read_work(name).data
        follows = kinds.get(str(source.get("kind"))).followed_by
        if not follows:
            raise LetterkitError(f"{name}: no other letter starts from a {source.get('kind')}")
        patient = source.get("patient")
        full = str(patient.get("name") or "") if isinstance(patient, Mapping) else ""
        made = self.create(follows, full or "letter", another=another)
        work = self.read_work(made)
        data = dict(work.data)
        data.update({key: source[key] for key in CARRIED_TO_GOODBYE if key in source})
        self.save_work(made, data, work.version)
        return made

    def examples(self, kind: str) -> dict[str, str]:
        """The kind's examples, to show as hints in an empty letter's form: each field's
        example text from the kind's scaffold, by field pattern (``background``,
        ``changes[]``, ``coping_strategies[].cost``, ``ipaf.affect[]``), without its
        brackets. Names, dates and settings have none."""
        data = editing.to_data(scaffold(kind), "scaffold.yaml")
        found: dict[str, str] = {}
        _examples(data, "", found)
        return found

    def archive(self, name: str, archived: bool = True) -> None:
        """Put a letter away in the archive (``archived=False``: bring it back). It leaves
        the caseload's list; the letter and its history are kept exactly as they are."""
        self.store.archive(name, archived)

    def summaries(self, *, archived: bool | None = False) -> list[Summary]:
        """What a caseload shows of each letter (one that cannot be read still appears):
        by default those in use; ``archived=True`` those in the archive; None both."""
        put_away = set(self.store.archived())
        return [
            self.summary(name, archived=name in put_away)
            for name in self.names()
            if archived is None or (name in put_away) == archived
        ]

    def summary(self, name: str, *, archived: bool = False) -> Summary:
        """What a caseload shows of one letter: the patient's full name, and the name they
        like to be called beside it."""
        from letterkit.workspace.reports import Summary

        try:
            saved = self.history(name)
            work = self.read_work(name)
        except LetterkitError:
            return Summary(name, problems=1, archived=archived)
        patient = work.data.get("patient")
        full = preferred = None
        if isinstance(patient, dict):
            full = str(patient["name"]) if patient.get("name") else None
            preferred = str(patient["preferred_name"]) if patient.get("preferred_name") else None
        kind, status = work.data.get("kind"), work.data.get("status", "draft")
        return Summary(
            name,
            str(kind) if kind else None,
            full or preferred,
            str(status) if status else None,
            len(saved),
            saved[-1] if saved else None,
            len(work.problems),
            preferred if full and preferred and preferred != full else None,
            archived,
            draft_title(saved[-1]) if saved else None,
        )


def _examples(node: Any, path: str, found: dict[str, str]) -> None:
    if path in _NOT_EXAMPLES or path.split(".")[0] in _NOT_EXAMPLES:
        return
    if isinstance(node, Mapping):
        if path.endswith("[]") and "feeling" in node:  # a feeling with its tick box
            _examples(node["feeling"], path, found)
            return
        for key, value in node.items():
            _examples(value, f"{path}.{key}" if path else str(key), found)
    elif isinstance(node, list):
        for item in node[:1]:
            _examples(item, path + "[]", found)
    elif isinstance(node, str):
        shown = _BRACKETS.match(node.strip())
        if shown and path not in found:
            found[path] = " ".join(shown.group(1).split())
    elif isinstance(node, int) and not isinstance(node, bool):
        found.setdefault(path, str(node))
