"""A patient's edited Markdown copy of a letter, mapped back onto the letter's fields.

Patients do not edit YAML: they (or the therapist, typing in the session) edit the Markdown
that ``letterkit render`` printed. We render the letter again, diff that Markdown against the
edited copy word by word, and send each change to the field whose text it falls in. A change
outside any field (a new paragraph after the signature, a rewritten heading) cannot be placed:
it is kept, word for word, in ``patient_comments`` and reported. Nothing is dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .compose import md_block
from .diffing import dotted, word_diff

Path_ = tuple[str | int, ...]
_UNESCAPE = re.compile(r"\\([\\`\[\]*_#>+\-.!=()])")


@dataclass
class ImportResult:
    data: dict[str, Any]
    changed: list[str] = field(default_factory=list)
    unplaced: list[str] = field(default_factory=list)


def _block_fields(data: dict[str, Any]) -> list[tuple[Path_, str, str]]:
    """(path, value, indent) of every free-text field a letter body prints as a block."""
    out: list[tuple[Path_, str, str]] = []
    for key in ("background", "course_of_therapy", "ending", "transference", "closing"):
        if isinstance(data.get(key), str):
            out.append(((key,), data[key], ""))
    referral = data.get("referral") or {}
    if isinstance(referral.get("reason"), str):
        out.append((("referral", "reason"), referral["reason"], ""))
    ipaf = data.get("ipaf") or {}
    for key in ("self", "other", "reversal", "internalised"):
        if isinstance(ipaf.get(key), str):
            out.append((("ipaf", key), ipaf[key], ""))
    for key in ("goals", "changes", "unfinished_business", "patient_comments"):
        for index, item in enumerate(data.get(key) or []):
            if isinstance(item, str):
                out.append(((key, index), item, "    "))
    for index, item in enumerate(data.get("coping_strategies") or []):
        for sub in ("strategy", "cost"):
            if isinstance(item.get(sub), str):
                out.append((("coping_strategies", index, sub), item[sub], "    "))
    return out


def unescape(markdown: str, indent: str) -> str:
    """Undo ``md_block``'s escaping for text a person edited."""
    text = markdown.replace("\n" + indent, "\n") if indent else markdown
    text = _UNESCAPE.sub(r"\1", text)
    return text.replace("&lt;", "<").replace("&amp;", "&")


def import_markdown(data: dict[str, Any], original_md: str, edited_md: str) -> ImportResult:
    """Apply the edits between ``original_md`` and ``edited_md`` to the letter ``data``."""
    spans: list[tuple[int, int, Path_, str, str]] = []
    taken: list[tuple[int, int]] = []
    for path, value, indent in _block_fields(data):
        rendered = md_block(value, indent)
        if not rendered:
            continue
        start = 0
        while (at := original_md.find(rendered, start)) >= 0:
            end = at + len(rendered)
            if all(end <= s or at >= e for s, e in taken):
                spans.append((at, end, path, value, indent))
                taken.append((at, end))
                break
            start = at + 1
    spans.sort()

    def span_at(position: int, length: int) -> tuple[int, int, Path_, str, str] | None:
        for span in spans:
            if span[0] <= position and position + length <= span[1]:
                return span
        return None

    edits: dict[Path_, list[tuple[int, int, str]]] = {}
    unplaced: list[str] = []
    position = 0
    segments = word_diff(original_md, edited_md)
    index = 0
    while index < len(segments):
        op, text = segments[index]
        if op == "=":
            position += len(text)
            index += 1
            continue
        removed = text if op == "-" else ""
        inserted = ""
        if op == "-" and index + 1 < len(segments) and segments[index + 1][0] == "+":
            inserted = segments[index + 1][1]
            index += 1
        elif op == "+":
            inserted = text
        span = span_at(position, len(removed))
        if span is None and not removed:
            span = _list_end(spans, position)
        if span is not None:
            edits.setdefault(span[2], []).append((position - span[0], len(removed), inserted))
        elif inserted.strip():
            unplaced.append(_plain(inserted))
        position += len(removed)
        index += 1

    result = ImportResult(data=_copy(data), unplaced=unplaced)
    for _start, _end, path, value, indent in spans:
        if path not in edits:
            continue
        rendered = md_block(value, indent)
        new_md = rendered
        for offset, length, inserted in sorted(edits[path], reverse=True):
            new_md = new_md[:offset] + inserted + new_md[offset + length :]
        extra_items: list[str] = []
        if path[0] in ("goals", "changes", "unfinished_business", "patient_comments"):
            new_md, extra_items = _split_new_items(new_md)
        new_value = unescape(new_md, indent).strip()
        if new_value != value.strip() or extra_items:
            result.changed.append(dotted(path))
        if new_value:
            _set(result.data, path, new_value if new_value != value.strip() else value)
        else:
            _set(result.data, path, None)
        for item in extra_items:
            name = str(path[0])
            result.data.setdefault(name, [])
            result.data[name].append(unescape(item, "    ").strip())
            result.changed.append(f"{name}[+]")
    _drop_removed(result.data)
    if unplaced:
        result.data.setdefault("patient_comments", [])
        result.data["patient_comments"].extend(unplaced)
    return result


def _list_end(
    spans: list[tuple[int, int, Path_, str, str]], position: int
) -> tuple[int, int, Path_, str, str] | None:
    """The list item ending exactly where text was inserted (a new item is typed after it)."""
    for span in spans:
        if span[1] == position and isinstance(span[2][-1], int):
            return span
    return None


def _split_new_items(markdown: str) -> tuple[str, list[str]]:
    parts = re.split(r"\n\s*\n?- ", markdown)
    return parts[0], [p for p in parts[1:] if p.strip()]


def _plain(text: str) -> str:
    text = re.sub(r"(?m)^\s*(#+|[-*+]|\d+[.)])\s+", "", text)
    return unescape(text, "").strip()


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


def _set(data: Any, path: Path_, value: Any) -> None:
    for part in path[:-1]:
        data = data[part]
    data[path[-1]] = value


def _drop_removed(data: dict[str, Any]) -> None:
    """Items a person deleted entirely (set to None above) leave their list."""
    for key in ("goals", "changes", "unfinished_business", "patient_comments"):
        if isinstance(data.get(key), list):
            data[key] = [item for item in data[key] if item is not None]
    for key in ("background", "course_of_therapy", "ending", "transference", "closing"):
        if key in data and data[key] is None:
            data[key] = ""


def to_yaml(data: dict[str, Any]) -> str:
    """Letter data as readable YAML: multi-line text as block scalars, keys in file order."""
    import yaml

    class Dumper(yaml.SafeDumper):
        pass

    def text(dumper: yaml.SafeDumper, value: str) -> Any:
        style = "|" if "\n" in value else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    Dumper.add_representer(str, text)
    dumped: str = yaml.dump(data, Dumper=Dumper, sort_keys=False, allow_unicode=True, width=100)
    return dumped
