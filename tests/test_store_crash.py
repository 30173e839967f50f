"""A save that is interrupted never wedges the history: the next save finishes it or sets it
aside, `draft verify` says what happened, and no earlier draft is lost.

The crash-injection test kills `draft save` at every file-system step and at random moments
(tests/crash_harness.py); the other tests build each state an interrupted save can leave by
hand, starting with the one the attack pass found (a draft's letter with no record, after
which every save failed with "already exists and must not be replaced").
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import edit, run

import letterkit
import letterkit.drafts.store as store

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"


@pytest.fixture
def letter(tmp_path: Path) -> Path:
    """peter.yaml with two saved drafts, edited since (the edit is what the next save records)."""
    path = Path(shutil.copy(SAMPLES / "peter-goodbye.yaml", tmp_path / "peter.yaml"))
    assert run("draft", "save", str(path), "--author", "therapist").exit_code == 0
    edit(path, "You felt trapped", "You felt stuck")
    assert run("draft", "save", str(path), "--author", "patient").exit_code == 0
    edit(path, "You felt stuck", "You felt stuck and tired")
    return path


def folder_of(letter: Path) -> Path:
    return store.history_dir(letter)


def snapshot(letter: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder_of(letter).iterdir() if p.name[0].isdigit()}


def pending_for(letter: Path, *, parent: str | None = None) -> tuple[bytes, dict[str, object]]:
    """What `save` would write for draft 3 of the letter's current content: the letter and its
    record (with the chain's real parent unless another is given)."""
    content = letter.read_bytes()
    latest = letterkit.history(letter)[-1]
    fields: dict[str, object] = {
        "number": 3,
        "event": "save",
        "status": "draft",
        "role": "therapist",
        "name": "Helen Marsh",
        "note": "before the crash",
        "time": "2026-05-11T09:00:00+00:00",
        "content_sha256": store.hashlib.sha256(content).hexdigest(),
        "parent": parent or latest.hash,
    }
    fields["hash"] = store._record_hash(fields)
    return content, fields


# --------------------------------------------------------------------------- what the attack pass found


def test_a_letter_without_a_record_no_longer_blocks_every_save(letter: Path) -> None:
    """A kill between writing 0003.yaml and 0003.json, by a letterkit that kept no pending
    record: the next save sets the letter aside, saves, and verify reports it."""
    before = snapshot(letter)
    orphan = folder_of(letter) / "0003.yaml"
    orphan.write_bytes(letter.read_bytes())
    early = run("draft", "verify", str(letter))
    assert early.exit_code == 1  # nothing says a save was under way: it may be a deleted record
    assert f"{orphan}: a saved letter with no record" in early.stderr
    assert "the next save sets it aside" in early.stderr

    result = run("draft", "save", str(letter), "--author", "therapist")
    assert result.exit_code == 0, result.output
    assert "Draft 3 (" in result.stdout
    aside = [p for p in folder_of(letter).iterdir() if ".interrupted-" in p.name]
    assert [p.name.split(".interrupted-")[0] for p in aside] == ["0003.yaml"]
    assert aside[0].read_bytes() == letter.read_bytes()  # set aside, not deleted
    assert f"{aside[0]}: an interrupted save left draft 3's letter without a record" in result.stderr
    assert "compare it with the letter file" in result.stderr

    verified = run("draft", "verify", str(letter))
    assert verified.exit_code == 0, verified.output
    assert f"{aside[0]}: set aside after an interrupted save" in verified.stderr
    assert verified.stdout == f"{letter}: 3 drafts, history intact.\n"
    assert {k: v for k, v in snapshot(letter).items() if k in before} == before
    edit(letter, "stuck and tired", "stuck and very tired")
    assert run("draft", "save", str(letter), "--author", "therapist").exit_code == 0  # and the next


def test_an_interrupted_save_with_its_pending_record_is_completed(letter: Path) -> None:
    content, fields = pending_for(letter)
    folder = folder_of(letter)
    (folder / ".0003.pending.json").write_text(json.dumps(fields), encoding="utf-8")
    (folder / "0003.yaml").write_bytes(content)
    (folder / ".0003.yaml.a1b2c3.tmp").write_bytes(content)  # the kill came before its unlink
    early = run("draft", "verify", str(letter))
    assert early.exit_code == 0, early.output
    assert f"{folder / '0003.yaml'}: a save of draft 3 was interrupted before its record was written" in (
        early.stderr
    )
    assert "the next save completes it" in early.stderr
    assert f"{folder / '.0003.yaml.a1b2c3.tmp'}: a temporary file left by an interrupted save" in early.stderr

    result = run("draft", "save", str(letter), "--author", "patient")
    assert result.exit_code == 0, result.output
    assert (
        f"a save of draft 3 ({fields['hash']!s:.8}) had been interrupted; it is now complete" in result.stderr
    )
    assert result.stdout.startswith("No change since draft 3")  # the letter is what draft 3 holds
    draft = letterkit.history(letter)[-1]
    assert (draft.number, draft.note, draft.hash) == (3, "before the crash", fields["hash"])
    assert sorted(p.name for p in folder.iterdir() if p.name.startswith(".")) == [".lock"]
    assert run("draft", "verify", str(letter)).stdout == f"{letter}: 3 drafts, history intact.\n"


@pytest.mark.parametrize(
    "damage, why",
    [
        ("half-written", "its letter was not written in full"),
        ("wrong parent", "it does not follow on from the latest draft"),
        ("invalid letter", "its letter is not a valid letter"),
    ],
)
def test_an_interrupted_save_that_cannot_be_completed_is_set_aside(
    letter: Path, damage: str, why: str
) -> None:
    folder = folder_of(letter)
    if damage == "invalid letter":
        letter.write_text("kind: goodbye-letter\n", encoding="utf-8")
    content, fields = pending_for(letter, parent="0" * 64 if damage == "wrong parent" else None)
    (folder / ".0003.pending.json").write_text(json.dumps(fields), encoding="utf-8")
    (folder / "0003.yaml").write_bytes(content[:100] if damage == "half-written" else content)
    early = run("draft", "verify", str(letter))
    assert early.exit_code == 0 and f"was interrupted ({why})" in early.stderr
    assert "the next save sets it aside" in early.stderr
    if damage == "invalid letter":
        shutil.copy(SAMPLES / "peter-goodbye.yaml", letter)
        edit(letter, "You felt trapped", "You felt worn out")
    result = run("draft", "save", str(letter), "--author", "therapist")
    assert result.exit_code == 0, result.output
    assert f"without a record ({why}), so it was set aside" in result.stderr
    names = sorted(p.name for p in folder.iterdir())
    assert [n.split(".interrupted-")[0] for n in names if ".interrupted-" in n] == ["0003.json", "0003.yaml"]
    assert "0003.json" in names and ".0003.pending.json" not in names
    assert letterkit.history(letter)[-1].number == 3
    assert letterkit.verify(letter).problems == ()


def test_a_pending_record_of_a_save_that_wrote_nothing_is_removed(letter: Path) -> None:
    _, fields = pending_for(letter)
    pending = folder_of(letter) / ".0003.pending.json"
    pending.write_text(json.dumps(fields), encoding="utf-8")
    early = run("draft", "verify", str(letter))
    assert early.exit_code == 0
    assert (
        f"{pending}: left by a save of draft 3 that was interrupted before it wrote anything" in early.stderr
    )
    assert run("draft", "save", str(letter), "--author", "therapist").exit_code == 0
    assert not pending.exists()
    assert letterkit.history(letter)[-1].note == ""  # the new save's own record, not the pending one


def test_verify_only_reports_what_an_interrupted_save_left(letter: Path) -> None:
    """verify reads; only a save (holding the lock) repairs."""
    temp = folder_of(letter) / ".0003.json.zz9.tmp"
    temp.write_text("{", encoding="utf-8")
    assert run("draft", "verify", str(letter)).exit_code == 0
    assert temp.exists()
    assert run("draft", "save", str(letter), "--author", "therapist").exit_code == 0
    assert not temp.exists()


# --------------------------------------------------------------------------- crash injection


def test_draft_save_killed_at_every_step_and_at_random_never_loses_or_wedges(tmp_path: Path) -> None:
    """`draft save` is killed before and after each file-system step (in a plain history, and
    in one whose latest draft is final, where the save also rewrites the letter file), at 30
    random moments with each fsync slowed to 10 ms, and for a sample of kill points the next
    save is killed too. After each: verify finds no damage and names what was left, the next
    save succeeds, drafts 1 and 2 are unchanged, nothing temporary remains.

    The full matrix (every kill point of the next save too) runs by hand with
    ``--double-stride 1``; see tests/crash_harness.py."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    env.pop("LETTERKIT_CONFIG_DIR", None)
    proc = subprocess.run(
        [
            sys.executable,
            str(ROOT / "tests" / "crash_harness.py"),
            str(tmp_path / "crash"),
            "--random",
            "30",
            "--double-stride",
            "7",
            "--double-first-stride",
            "10",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    report = json.loads(proc.stdout)
    failures = [r for r in report["runs"] if r["errors"]]
    assert failures == [], failures[:5]
    runs = report["runs"]
    steps = [r for r in runs if r["kind"] == "step"]
    assert len(steps) >= 60 and all(r["killed"] for r in steps)
    outcomes = {r["outcome"] for r in steps}
    assert outcomes == {"nothing written", "completed by the next save", "saved before the kill"}
    assert any(r["final"] for r in steps if r["outcome"] == "completed by the next save")
    assert any(r["left"] for r in steps)  # the kills did leave work for the next save
    assert len([r for r in runs if r["kind"] == "random"]) == 30
    assert sum(1 for r in runs if r["kind"] == "random" and r["killed"]) >= 20
    assert sum(1 for r in runs if r.get("second") == 86) >= 20


# --------------------------------------------------------------------------- a save that stops half way, in-process


class Stop(Exception):
    """Stands for the process dying: raised instead of writing a draft's record."""


def stop_before_the_record(monkeypatch: pytest.MonkeyPatch) -> None:
    real = store.write_atomic

    def write(path: Path, data: bytes | str, *, replace: bool = True) -> Path:
        if Path(path).name[0].isdigit() and Path(path).suffix == ".json":
            raise Stop
        return real(path, data, replace=replace)

    monkeypatch.setattr(store, "write_atomic", write)


def test_a_first_save_that_stopped_half_way_is_completed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = Path(shutil.copy(SAMPLES / "peter-goodbye.yaml", tmp_path / "peter.yaml"))
    with monkeypatch.context() as patch:
        stop_before_the_record(patch)
        with pytest.raises(Stop):
            store.save(path, "therapist", "Helen Marsh", "the first")
    assert (folder_of(path) / "0001.yaml").exists() and letterkit.history(path) == []
    result = store.save(path, "therapist", "Helen Marsh", "again")
    assert not result.saved and "it is now complete" in result.notices[0]
    assert [(d.number, d.note) for d in letterkit.history(path)] == [(1, "the first")]
    assert letterkit.verify(path).problems == ()


def test_a_keyed_save_that_stopped_half_way_is_completed_without_the_key(
    letter: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pending record already carries its signature: finishing it needs no key, and a
    keyed history's next save (which does) can then go on."""
    monkeypatch.setenv("LETTERKIT_CONFIG_DIR", str(tmp_path / "config"))
    with monkeypatch.context() as patch:
        stop_before_the_record(patch)
        with pytest.raises(Stop):
            store.save(letter, "therapist", keyed=True)
    monkeypatch.setenv("LETTERKIT_CONFIG_DIR", str(tmp_path / "no-key-here"))
    checked = letterkit.verify(letter)
    assert checked.problems == () and any("the next save completes it" in n for n in checked.notices)
    edit(letter, "stuck and tired", "stuck and rested")
    with pytest.raises(letterkit.HistoryKeyError):  # no key here: nothing new can be saved...
        store.save(letter, "patient")
    assert len(letterkit.history(letter)) == 3  # ...but the interrupted draft 3 was completed
    assert letterkit.history(letter)[-1].mac is not None
    monkeypatch.setenv("LETTERKIT_CONFIG_DIR", str(tmp_path / "config"))
    assert letterkit.verify(letter).keyed == "checked" and letterkit.verify(letter).problems == ()
    assert store.save(letter, "patient").saved
