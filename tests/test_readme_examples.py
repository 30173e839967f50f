"""The README's Python examples run as written."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from helpers import edit

import letterkit

ROOT = Path(__file__).resolve().parent.parent


def _block(containing: str) -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", readme, re.S)
    found = [b for b in blocks if containing in b]
    assert len(found) == 1, f"one README example should contain {containing!r}"
    return found[0]


def test_the_one_call_per_workflow_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    letter = Path(shutil.copy(ROOT / "samples" / "peter-goodbye.yaml", tmp_path / "peter.yaml"))
    shutil.copy(ROOT / "samples" / "letterkit.toml", tmp_path / "letterkit.toml")
    letterkit.save_draft(letter, "therapist", "Helen Marsh")
    edit(letter, "To your surprise, they", "To your great surprise, they")
    letterkit.save_draft(letter, "patient", "Peter Hale")
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {"letterkit": letterkit}
    exec(_block("render_file"), namespace)
    assert (tmp_path / "peter-2.pdf").read_bytes().startswith(b"%PDF-")
    result = namespace["result"]
    assert isinstance(result, letterkit.RenderedFile) and result.output == "peter-2.pdf"
    report = namespace["report"]
    assert isinstance(report, letterkit.CheckReport) and report.content
    assert '"format": "letterkit-diff"' in str(namespace["changes"])
    assert isinstance(namespace["ws"], letterkit.Workspace)
    assert "<html" in str(namespace["rendered"].content)  # type: ignore[attr-defined]
    saved = namespace["saved"]
    assert isinstance(saved, letterkit.SaveResult) and not saved.saved  # nothing changed since draft 2
