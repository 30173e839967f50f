"""Markup a service's template brings in that the sanitiser removes is reported, never silent."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import letterkit
from letterkit import RenderOptions, Workspace

ROOT = Path(__file__).resolve().parent.parent


def _template_dir(tmp_path: Path, extra: str) -> Path:
    folder = tmp_path / "templates"
    folder.mkdir()
    body = (ROOT / "templates" / "formulation.md.j2").read_text(encoding="utf-8")
    (folder / "formulation.md.j2").write_text(body + "\n" + extra + "\n", encoding="utf-8")
    return folder


def test_refused_markup_from_a_template_is_warned(tmp_path: Path) -> None:
    folder = _template_dir(
        tmp_path, '<img src="logo.png"> [Our site](javascript:alert(1)) <span onclick="x()">Hi</span>'
    )
    letter = letterkit.load(ROOT / "samples" / "peter-formulation.yaml")
    result = Workspace().render(letter, RenderOptions(format="html", template_dir=str(folder)))
    assert isinstance(result.content, str)
    assert (
        "<img" not in result.content
        and "javascript:" not in result.content
        and "onclick" not in result.content
    )
    joined = "\n".join(result.warnings)
    assert "removed <img>" in joined
    assert "removed a javascript: link" in joined
    assert "removed the onclick attribute of <span>" in joined


def test_the_built_in_templates_lose_nothing(tmp_path: Path) -> None:
    for sample in sorted((ROOT / "samples").glob("*.yaml")):
        result = Workspace().render(letterkit.load(sample), RenderOptions(format="html"))
        assert result.warnings == [], sample


def test_the_command_line_prints_the_warning(tmp_path: Path) -> None:
    folder = _template_dir(tmp_path, "<img src=x>")
    letter = tmp_path / "peter.yaml"
    shutil.copy(ROOT / "samples" / "peter-formulation.yaml", letter)
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "letterkit",
            "render",
            str(letter),
            "-f",
            "html",
            "--template-dir",
            str(folder),
        ],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0
    assert run.stderr.count("removed <img>") == 1
    assert run.stderr.startswith(f"warning: {letter}: removed <img>")
