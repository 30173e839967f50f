"""Batch rendering: many letters or a folder into -o FOLDER, in parallel, past bad files."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from letterkit import RenderOptions, render_files

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "samples").glob("*.yaml"))


@pytest.fixture
def caseload(tmp_path: Path) -> Path:
    folder = tmp_path / "caseload"
    folder.mkdir()
    for sample in SAMPLES:
        shutil.copy(sample, folder / sample.name)
    shutil.copy(ROOT / "samples" / "letterkit.toml", folder / "letterkit.toml")
    (folder / "broken.yaml").write_text("kind: goodbye-letter\npatient: [\n", encoding="utf-8")
    return folder


def test_a_folder_with_a_broken_letter_renders_every_good_one_and_exits_1(
    caseload: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out" / "pdf"  # created if missing
    run = subprocess.run(
        [sys.executable, "-m", "letterkit", "render", str(caseload), "-f", "pdf", "-o", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 1
    written = sorted(p.name for p in out.iterdir())
    assert written == sorted(f"{s.stem}.pdf" for s in SAMPLES)
    for pdf in out.iterdir():
        assert len(PdfReader(pdf).pages) >= 1
    assert f"Wrote {len(SAMPLES)} of {len(SAMPLES) + 1} letters" in run.stderr
    assert "1 failed:" in run.stderr
    failures = [line for line in run.stderr.splitlines() if line.startswith("  ")]
    assert len(failures) == 1 and "broken.yaml:3: is not valid YAML" in failures[0]
    assert "Traceback" not in run.stderr
    assert "\r" not in run.stderr  # no progress bar when not on a terminal


def test_several_files_without_an_output_folder_is_a_usage_error(tmp_path: Path) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "letterkit", "render", str(SAMPLES[0]), str(SAMPLES[1])],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 2
    assert "need an output folder (see -o)" in run.stderr


def test_render_files_from_the_library_keeps_going(caseload: Path, tmp_path: Path) -> None:
    items = render_files([caseload], RenderOptions(format="md"), tmp_path / "md", workers=2).items
    by_name = {Path(item.source).name: item for item in items}
    assert set(by_name) == {s.name for s in SAMPLES} | {"broken.yaml"}
    assert by_name["broken.yaml"].error is not None and by_name["broken.yaml"].output is None
    for sample in SAMPLES:
        item = by_name[sample.name]
        assert item.error is None
        assert item.output is not None
        text = Path(item.output).read_text(encoding="utf-8")
        assert text.startswith("# Northbridge Talking Therapies")
        assert (Path(item.output).stat().st_mode & 0o777) == 0o600


def test_two_letters_with_one_name_are_both_reported(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    shutil.copy(SAMPLES[0], tmp_path / "a" / "same.yaml")
    shutil.copy(SAMPLES[1], tmp_path / "b" / "same.yaml")
    (tmp_path / "out").mkdir()
    items = render_files(
        [tmp_path / "a", tmp_path / "b"], RenderOptions(format="md"), tmp_path / "out", workers=1
    ).items
    assert [item.error is None for item in items] == [True, False]
    assert "same name" in (items[1].error or "")
