"""Helpers several test modules share (pytest puts tests/ on the import path).

The one place for running the command line (in-process with ``run``, as a real process with
``run_process``) and for editing a letter file (``edit``, ``replace_once``).
"""

from __future__ import annotations

import os
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from letterkit.cli import main

PYTHON_M = [sys.executable, "-m", "letterkit"]
"""letterkit as ``python -m letterkit``."""
_SCRIPT = Path(sys.executable).parent / "letterkit"  # the installed console script, not a pyenv shim
CONSOLE_SCRIPT = [str(_SCRIPT)] if _SCRIPT.is_file() else PYTHON_M
"""letterkit as the installed ``letterkit`` command (``python -m letterkit`` if not installed)."""


def run(*args: str, color: bool = False) -> Any:
    """Run the CLI in-process; it must never print a traceback. ``color=True`` makes the output
    look like a terminal to Click."""
    result = CliRunner().invoke(main, list(args), color=color)
    assert "Traceback" not in result.output
    return result


def run_process(
    *args: str, cwd: Path | None = None, command: list[str] = PYTHON_M, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run letterkit as a real process, with Python warnings as errors; it must never print a
    traceback."""
    result = subprocess.run(
        [*command, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=cwd,
        env={**os.environ, "PYTHONWARNINGS": "error"},
    )
    assert "Traceback" not in result.stderr
    return result


def replace_once(text: str, old: str, new: str, where: str = "the text") -> str:
    """``text`` with ``old`` (which must occur exactly once) replaced by ``new``."""
    assert text.count(old) == 1, f"{old!r} should occur once in {where}"
    return text.replace(old, new)


def edit(path: Path, old: str, new: str) -> None:
    """Replace ``old`` (which must occur exactly once) in a file."""
    text = path.read_text(encoding="utf-8")
    path.write_text(replace_once(text, old, new, str(path)), encoding="utf-8")


class Visible(HTMLParser):
    """The text a reader sees (outside <head>, <style>, <script>, <title>), unescaped, with
    every tag and attribute met on the way."""

    HIDDEN = ("head", "style", "script", "title")

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str, str | None]] = []
        self._skip = 0
        self.feed(html)
        self.close()

    @property
    def text(self) -> str:
        return "".join(self.parts)

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        self.tags.append(tag)
        self.attrs.extend((tag, name, value) for name, value in attrs)
        if tag in self.HIDDEN:
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in self.HIDDEN:
            self._skip = max(0, self._skip - 1)

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)
