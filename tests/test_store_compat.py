"""Histories written by the previous release read, verify and compare unchanged.

tests/histories/release-0.1.0/ was made by letterkit 0.1.0 (before the store protocol): a
plain history and a keyed one, with what that release printed for them. The files store must
give the same answers, byte for byte, and leave the folders as they were.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from helpers import run

import letterkit

RELEASE = Path(__file__).parent / "histories" / "release-0.1.0"
EXPECTED = RELEASE / "expected"


@pytest.fixture
def release(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "release"
    shutil.copytree(RELEASE, folder, ignore=shutil.ignore_patterns("expected", "README.txt"))
    (folder / "config" / "history.key").chmod(0o600)
    monkeypatch.setenv("LETTERKIT_CONFIG_DIR", str(folder / "config"))
    monkeypatch.chdir(folder)
    return folder


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("draft", "log", "peter.yaml"), "peter-log.txt"),
        (("draft", "log", "aliya.yaml"), "aliya-log.txt"),
        (("draft", "verify", "peter.yaml"), "peter-verify.txt"),
        (("draft", "verify", "aliya.yaml"), "aliya-verify.txt"),
        (("contributions", "peter.yaml"), "peter-contributions.txt"),
        (("diff", "peter.yaml@1", "peter.yaml@3", "--no-color"), "peter-diff-1-3.txt"),
        (("diff", "peter.yaml@1", "peter.yaml@2", "-f", "json"), "peter-diff-1-2.json"),
    ],
)
def test_the_previous_releases_histories_give_the_same_answers(
    release: Path, args: tuple[str, ...], expected: str
) -> None:
    before = _tree(release)
    result = run(*args)
    assert result.exit_code in (0, 1), result.stderr
    assert result.stdout == (EXPECTED / expected).read_text(encoding="utf-8")
    # The one thing added: verify notes (on stderr) that the history has no head record yet.
    notice = "has no head yet, so deleted newest drafts would go unnoticed; the next save adds it"
    assert all(notice in line for line in result.stderr.splitlines()), result.stderr
    assert bool(result.stderr) == (args[:2] == ("draft", "verify"))
    assert _tree(release) == before  # reading never rewrites a history


def test_the_files_store_reads_the_previous_release_byte_for_byte(release: Path) -> None:
    store = letterkit.FileStore(release)
    drafts = store.drafts("peter.yaml")
    assert [(d.number, d.role, d.status) for d in drafts] == [
        (1, "therapist", "draft"),
        (2, "patient", "draft"),
        (3, "therapist", "agreed"),
    ]
    for draft in drafts:
        saved = release / "peter.yaml.drafts" / f"{draft.number:04d}.yaml"
        assert store.draft_content("peter.yaml", draft) == saved.read_bytes()
    check = store.check("aliya.yaml")
    assert check.problems == () and check.keyed == "checked"


def test_a_new_draft_continues_the_previous_releases_chain(release: Path) -> None:
    ws = letterkit.Workspace(release)
    text = (release / "peter.yaml").read_text(encoding="utf-8")
    (release / "peter.yaml").write_text(text.replace("status: agreed", "status: draft"), encoding="utf-8")
    saved = ws.save_draft("peter.yaml", "therapist", "Dr Sara Okafor", "Back to draft")
    assert saved.saved and saved.draft.number == 4
    assert saved.draft.parent == ws.history("peter.yaml")[2].hash
    assert ws.verify("peter.yaml").problems == ()
    assert os.listdir(release / "peter.yaml.drafts").count("0004.json") == 1
