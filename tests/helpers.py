"""Helpers several test modules share (pytest puts tests/ on the import path)."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from letterkit.cli import main


def run(*args: str) -> Any:
    """Run the CLI in-process; it must never print a traceback."""
    result = CliRunner().invoke(main, list(args))
    assert "Traceback" not in result.output
    return result


def edit(path: Path, old: str, new: str) -> None:
    """Replace ``old`` (which must occur exactly once) in a file."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} should occur once in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


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
