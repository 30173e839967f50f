"""Suggestions, as in Word or Google Docs: the patient's draft is a list of changes; the
therapist accepts or rejects each, or all; every decision is kept in the history with who
made it (fictional people only)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from helpers import edit

from letterkit import Workspace
from letterkit.diffs.suggestions import RevertError, pieces, revert
from letterkit.drafts import decisions
from letterkit.errors import HistoryError, LetterkitError

LETTER = """\
kind: goodbye-letter
status: draft
patient: {name: Zoë Marsh, preferred_name: Zoë}
therapist: {name: Dr Ravi Castell, role: Psychotherapist, service: Brookfield Talking Therapies}
date: 2026-10-02
session: 13
background: You came after your father's stroke, when you had been caring for him for a year.
referral: {by: "your GP, Dr Hollis", reason: low mood and not sleeping, date: 2026-05-01}
ipaf:
  self: a spare part, only useful when someone needs fixing
  other: taking what they need and then moving on
  affect: [lonely, {feeling: angry, less_conscious: true}]
  imagery: [spare part, the family's scaffolding]
coping_strategies:
  - {strategy: keeping busy for everyone else, cost: no time for yourself}
course_of_therapy: We met for sixteen weeks, always on a Thursday.
changes:
  - You asked your brother to take a turn.
  - You went swimming again.
unfinished_business:
  - Saying no still feels risky.
ending: Ending may feel like being left once more.
transference: At times you expected me to move on too.
closing: All the best,
"""


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    """Draft 1 by the therapist; draft 2 by Zoë: three changes inside texts and one image taken out."""
    path = tmp_path / "zoe.yaml"
    path.write_text(LETTER, encoding="utf-8")
    workspace = Workspace(tmp_path)
    workspace.save_draft("zoe.yaml", "therapist", "Dr Ravi Castell")
    edit(path, "sixteen weeks, always on a Thursday.", "sixteen weeks.")
    edit(path, "  - You went swimming again.", "  - You went swimming again, twice a week.")
    edit(path, "only useful when someone", "only wanted when someone")
    edit(path, "imagery: [spare part, the family's scaffolding]", "imagery: [the family's scaffolding]")
    workspace.save_draft("zoe.yaml", "patient", "Zoë")
    return workspace


def by_words(ws: Workspace) -> dict[str, str]:
    """Each suggestion's id by the words it changes."""
    return {(s.new or s.old).strip(" ,"): s.id for s in ws.suggestions("zoe.yaml").items}


def test_the_patients_draft_is_a_list_of_changes_named_by_their_printed_sections(ws: Workspace) -> None:
    found = ws.suggestions("zoe.yaml")
    assert found.draft is not None and found.draft.number == 2 and found.base is not None
    assert found.decider == "Dr Ravi Castell"
    kinds = {(s.kind, s.old.strip(" ,"), s.new.strip(" ,")) for s in found.items}
    assert ("insert", "", "twice a week") in kinds
    assert ("delete", "always on a Thursday", "") in kinds
    assert ("replace", "useful", "wanted") in kinds
    assert ("delete", "spare part", "") in kinds
    assert all(s.author == "Zoë" and s.pending for s in found.items)
    swim = next(s for s in found.items if s.new.strip(" ,") == "twice a week")
    assert swim.where == "What has changed, item 2"
    assert swim.before.endswith("swimming again")
    for s in found.items:  # never a field path
        assert "[" not in s.where and "." not in s.where and "_" not in s.where


def test_reject_one_accept_another_and_the_history_records_both_with_who(ws: Workspace) -> None:
    ids = by_words(ws)
    rejected = ws.decide("zoe.yaml", [ids["twice a week"]], accept=False, by="Dr Ravi Castell")
    accepted = ws.decide("zoe.yaml", [ids["always on a Thursday"]], accept=True, by="Dr Ravi Castell")
    assert [d.decision for d in rejected + accepted] == ["rejected", "accepted"]
    data = ws.read_work("zoe.yaml").data
    assert data["changes"][1] == "You went swimming again."  # rejected: undone
    assert data["course_of_therapy"] == "We met for sixteen weeks."  # accepted: kept
    assert data["ipaf"]["self"] == "a spare part, only wanted when someone needs fixing"  # not decided yet
    saved = ws.history("zoe.yaml")
    assert len(saved) == 3 and saved[-1].role == "therapist" and saved[-1].name == "Dr Ravi Castell"
    assert "Rejected 1 suggested change from draft 2" in saved[-1].note
    records = ws.store.decisions("zoe.yaml")
    assert [(r.decision, r.name, r.role, r.author) for r in records] == [
        ("rejected", "Dr Ravi Castell", "therapist", "Zoë"),
        ("accepted", "Dr Ravi Castell", "therapist", "Zoë"),
    ]
    assert records[0].draft == 3 and records[1].parent == records[0].hash
    notes = [n.text for n in ws.decision_notes("zoe.yaml")]
    assert notes[1].startswith(
        "Zoë suggested adding ‘, twice a week’ (What has changed, item 2, draft 2); rejected by Dr Ravi Castell on "
    )
    assert notes[0].startswith("Zoë suggested taking out ‘, always on a Thursday’")
    assert "accepted by Dr Ravi Castell on " in notes[0]
    states = {s.id: (s.state, s.decided_by) for s in ws.suggestions("zoe.yaml").items}
    assert states[ids["twice a week"]] == ("rejected", "Dr Ravi Castell")
    assert states[ids["always on a Thursday"]] == ("accepted", "Dr Ravi Castell")
    assert states[ids["wanted"]] == ("pending", "")
    assert ws.verify("zoe.yaml").problems == ()


def test_a_change_is_decided_once(ws: Workspace) -> None:
    ids = by_words(ws)
    ws.decide("zoe.yaml", [ids["wanted"]], accept=True, by="Dr Ravi Castell")
    with pytest.raises(HistoryError, match="decided already"):
        ws.decide("zoe.yaml", [ids["wanted"]], accept=False, by="Dr Ravi Castell")
    with pytest.raises(LetterkitError, match="no suggested change '9-9'"):
        ws.decide("zoe.yaml", ["9-9"], by="Dr Ravi Castell")


def test_reject_all_puts_the_letter_back_as_the_therapist_wrote_it(ws: Workspace, tmp_path: Path) -> None:
    made = ws.decide("zoe.yaml", None, accept=False, by="Dr Ravi Castell")
    assert len(made) == 4 and {d.decision for d in made} == {"rejected"}
    data = ws.read_work("zoe.yaml").data
    assert data["ipaf"]["imagery"] == ["spare part", "the family's scaffolding"]
    assert data["course_of_therapy"] == "We met for sixteen weeks, always on a Thursday."
    assert ws.diff("zoe.yaml@1", "zoe.yaml@3").changes == ()
    assert ws.suggestions("zoe.yaml").pending == ()
    assert ws.decide("zoe.yaml", None, accept=True, by="Dr Ravi Castell") == []  # nothing left


def test_accept_all_records_each_decision_and_saves_no_new_draft(ws: Workspace) -> None:
    made = ws.decide("zoe.yaml", None, accept=True, by="Dr Ravi Castell")
    assert len(made) == 4 and len(ws.history("zoe.yaml")) == 2
    assert {d.draft for d in made} == {2}


def test_unsaved_changes_are_never_mixed_into_a_decision(ws: Workspace, tmp_path: Path) -> None:
    edit(tmp_path / "zoe.yaml", "All the best,", "Warm wishes,")
    with pytest.raises(HistoryError, match="not saved as a draft"):
        ws.decide("zoe.yaml", None, accept=False, by="Dr Ravi Castell")
    assert ws.store.decisions("zoe.yaml") == []


def test_decisions_are_new_files_only_and_an_edited_one_is_found(ws: Workspace, tmp_path: Path) -> None:
    history = tmp_path / "zoe.yaml.drafts"
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in history.iterdir() if p.is_file()}
    ids = by_words(ws)
    ws.decide("zoe.yaml", [ids["wanted"]], accept=True, by="Dr Ravi Castell")
    after = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in history.iterdir() if p.is_file()}
    assert after == before  # the drafts folder's own files untouched
    kept = history / "decisions" / "0001.json"
    record = json.loads(kept.read_text(encoding="utf-8"))
    assert record["decision"] == "accepted" and record["name"] == "Dr Ravi Castell"
    assert (history / "decisions" / "FORMAT.txt").read_text(encoding="utf-8") == decisions.FORMAT_TEXT
    record["decision"] = "rejected"
    kept.write_text(json.dumps(record), encoding="utf-8")
    assert any("decision 1 was edited" in p for p in ws.verify("zoe.yaml").problems)


def test_a_history_without_suggestions_has_none(tmp_path: Path) -> None:
    (tmp_path / "zoe.yaml").write_text(LETTER, encoding="utf-8")
    ws = Workspace(tmp_path)
    ws.save_draft("zoe.yaml", "therapist", "Dr Ravi Castell")
    found = ws.suggestions("zoe.yaml")
    assert found.draft is None and found.items == ()
    assert not (tmp_path / "zoe.yaml.drafts" / "decisions").exists()
    with pytest.raises(LetterkitError, match="not suggested any changes"):
        ws.decide("zoe.yaml", None, by="Dr Ravi Castell")


# --------------------------------------------------------------------------- the pieces, as data


def test_pieces_cut_a_text_into_runs_and_revert_undoes_only_the_rejected() -> None:
    before = {"ending": "We met on a Monday in the spring of last year.", "changes": ["a", "b"]}
    after = {"ending": "We met on a very Tuesday in the spring of the year.", "changes": ["a", "c", "b"]}
    found = pieces(before, after)
    assert [(p.kind, p.old, p.new) for p in found] == [
        ("replace", "Monday", "very Tuesday"),
        ("replace", "last", "the"),
        ("insert", "", "c"),
    ]
    undone = revert(after, after, found, {2, 3})
    assert undone == {"ending": "We met on a very Tuesday in the spring of last year.", "changes": ["a", "b"]}
    # The text changed again since: the rejected words are found with their neighbours.
    later = {
        "ending": "Hello. We met on a very Tuesday in the spring of the year.",
        "changes": ["a", "c", "b"],
    }
    assert (
        revert(later, after, found, {1})["ending"] == "Hello. We met on a Monday in the spring of the year."
    )
    with pytest.raises(RevertError):
        revert({"ending": "Nothing alike.", "changes": []}, after, found, {1})
