"""Issue 12, hardening round two: each attack reproduced, then shown to be stopped.

Symlinks out of a template folder, outputs over devices and FIFOs, unbounded reads, long
words, terminal escapes, templates without bounds, and the smaller items. Fictional people only.
"""

from __future__ import annotations

import os
import stat
import threading
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from conftest import GOODBYE_YAML

import letterkit.api as api
import letterkit.files as files
from letterkit.cli import main
from letterkit.errors import OutputError


def run(*args: str) -> Any:
    return CliRunner().invoke(main, list(args))


def letter_file(folder: Path, name: str = "letter.yaml", text: str = GOODBYE_YAML) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


# --------------------------------------------------------------------------- 2. writing


def test_a_device_is_never_replaced(tmp_path: Path) -> None:
    """As root, `-o /dev/null` turned the null device into a regular file."""
    with pytest.raises(OutputError, match="is not a regular file"):
        files.write_atomic("/dev/null", b"%PDF")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
    link = tmp_path / "out.md"
    link.symlink_to("/dev/null")
    with pytest.raises(OutputError, match="is not a regular file"):
        files.write_atomic(link, "text")
    assert link.is_symlink()


def test_a_fifo_or_a_folder_is_never_replaced(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.md"
    os.mkfifo(fifo)
    with pytest.raises(OutputError, match="is not a regular file"):
        files.write_atomic(fifo, "text")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    folder = tmp_path / "folder.md"
    folder.mkdir()
    link = tmp_path / "link.md"
    link.symlink_to(folder)
    for target in (folder, link):
        with pytest.raises(OutputError, match="is a folder"):
            files.write_atomic(target, "text")
    assert folder.is_dir() and link.is_symlink()
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_render_refuses_a_device_as_output(tmp_path: Path) -> None:
    letter = letter_file(tmp_path)
    fifo = tmp_path / "out.md"
    os.mkfifo(fifo)
    result = run("render", str(letter), "-o", str(fifo))
    assert result.exit_code == 1, result.output
    assert "is not a regular file" in result.stderr
    assert "Traceback" not in result.output
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_a_letter_named_like_the_output_is_not_overwritten(tmp_path: Path) -> None:
    """`render letter.pdf -f pdf` (no -o) would write the PDF over the YAML letter."""
    letter = letter_file(tmp_path, "letter.pdf")
    result = run("render", str(letter), "-f", "pdf")
    assert result.exit_code == 1, result.output
    assert "is the letter file itself" in result.stderr
    assert letter.read_text(encoding="utf-8") == GOODBYE_YAML


def test_an_output_that_is_the_letter_by_another_name_is_refused(tmp_path: Path) -> None:
    letter = letter_file(tmp_path)
    (tmp_path / "alias.md").symlink_to(letter)
    result = run("render", str(letter), "-o", str(tmp_path / "alias.md"))
    assert result.exit_code == 2
    assert "is the letter itself" in result.stderr
    assert letter.read_text(encoding="utf-8") == GOODBYE_YAML


def test_a_250_character_output_name_works(tmp_path: Path) -> None:
    letter = letter_file(tmp_path)
    out = tmp_path / ("n" * 247 + ".md")
    result = run("render", str(letter), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").startswith("# ") or out.stat().st_size > 100
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_replacing_keeps_the_letter_files_mode(tmp_path: Path) -> None:
    path = tmp_path / "shared.md"
    path.write_text("old", encoding="utf-8")
    path.chmod(0o644)
    files.write_atomic(path, "new")
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    fresh = files.write_atomic(tmp_path / "fresh.md", "new")
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o600
