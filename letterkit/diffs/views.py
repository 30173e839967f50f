"""Views of a diff: plain text (word-diff style), Markdown with CriticMarkup, and JSON.

Views never know about terminals: the text view takes a styling callback.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from letterkit.diffs.core import Diff, Segment, plain

Styler = Callable[[str, str], str]
"""``styler(role, text)`` returns ``text`` dressed for a terminal; role is removed, added or header."""


def to_text(diff: Diff, styler: Styler | None = None, context: int = 1) -> str:
    """Plain text like ``git diff --word-diff=plain``: [-removed-]{+added+}.

    ``styler``, if given, dresses each mark and header (the command line passes one that
    colours them on a terminal); the text itself never carries terminal codes.
    """
    style: Styler = styler or (lambda role, text: text)

    def mark(op: str, text: str) -> str:
        if op == "-":
            return style("removed", f"[-{text}-]")
        if op == "+":
            return style("added", f"{{+{text}+}}")
        return text

    lines = [f"--- {diff.a}", f"+++ {diff.b}"]
    for change in diff.changes:
        who = f"  ({change.author}, draft {change.draft})" if change.author else ""
        header = f"@@ {change.path}: {change.op}"
        if change.op == "moved":
            header += f" from position {change.moved_from}"
        lines.append(style("header", header + who))
        if change.words:
            lines.extend(_word_lines(change.words, mark, context))
        elif change.op in ("added", "moved"):
            lines.extend("  " + mark("+", line) for line in plain(change.new).splitlines())
        elif change.op == "removed":
            lines.extend("  " + mark("-", line) for line in plain(change.old).splitlines())
        else:
            lines.append("  " + mark("-", plain(change.old)) + mark("+", plain(change.new)))
    return "\n".join(lines) + "\n"


def _word_lines(words: Sequence[Segment], mark: Any, context: int) -> list[str]:
    """The lines of a text change, marked up; unchanged lines far from a change are elided."""
    marked = "".join(text if op == "=" else _mark_multiline(mark, op, text) for op, text in words)
    all_lines = marked.split("\n")
    plain = "".join(
        text if op == "=" else "\n".join("\0" if p else "" for p in text.split("\n")) for op, text in words
    )
    keep = {i for i, line in enumerate(plain.split("\n")) if "\0" in line}
    show = {j for i in keep for j in range(i - context, i + context + 1) if 0 <= j < len(all_lines)}
    out: list[str] = []
    skipped = False
    for i, line in enumerate(all_lines):
        if i in show:
            out.append("  " + line)
            skipped = False
        elif not skipped:
            out.append("  …")
            skipped = True
    return out


def _mark_multiline(mark: Any, op: str, text: str) -> str:
    return "\n".join(mark(op, part) if part else "" for part in text.split("\n"))


def to_json(diff: Diff) -> str:
    return json.dumps(diff.to_json(), indent=2, ensure_ascii=False) + "\n"


def to_markdown(diff: Diff) -> str:
    """Markdown with CriticMarkup: {--removed--} and {++added++}."""
    lines = [f"# Changes from {diff.a} to {diff.b}", ""]
    if not diff.changes:
        lines.append("No changes.")
    for change in diff.changes:
        who = f" — {change.author}, draft {change.draft}" if change.author else ""
        lines += [f"## {change.path} ({change.op}){who}", ""]
        if change.words:
            lines.append(
                "".join(text if op == "=" else f"{{{op}{op}{text}{op}{op}}}" for op, text in change.words)
            )
        else:
            if change.old is not None and change.op in ("removed", "changed"):
                lines.append(f"{{--{plain(change.old)}--}}")
            if change.new is not None and change.op in ("added", "changed", "moved"):
                lines.append(f"{{++{plain(change.new)}++}}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


# --------------------------------------------------------------------------- redline
