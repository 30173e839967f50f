"""A patient's edited Markdown copy of a letter, mapped back onto the letter's fields.

Patients do not edit YAML: they (or the therapist, typing in the session) edit the Markdown
that ``letterkit render`` printed. We render the letter again, diff that Markdown against the
edited copy word by word, and send each change to the field whose text it falls in. A change
outside any field (a new paragraph after the signature, a rewritten heading) cannot be placed:
it is kept, word for word, in ``patient_comments`` and reported. Nothing is dropped.

The pattern and the referral are passages letterkit composes around the fields ("You often see
yourself as …", "This leaves you feeling anxious and ashamed."). Their pieces are traced
(``compose.prose.Passage``), so an edit inside a framed phrase goes to its field, an edit to a
feeling word (which letterkit may have put in another form) to that feeling in ``ipaf.affect``,
an edit to a quoted image to ``ipaf.imagery``, and an edit to the referrer to ``referral.by``.
An edit to letterkit's own wording (a lead-in, a frame, a heading) fits no field: the edited
line is kept in ``patient_comments``, word for word, and reported.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from letterkit.compose import md_block, md_inline
from letterkit.diffs.core import word_diff
from letterkit.lexicon.feelings import understand
from letterkit.model.fields import BY_NAME, FIELDS, TEXT_LISTS, dotted, text_paths

if TYPE_CHECKING:
    from letterkit.compose.prose import Passage

Path_ = tuple[str | int, ...]
_UNESCAPE = re.compile(r"\\([\\`\[\]*_#>+\-.!=()])")


@dataclass
class ImportResult:
    data: dict[str, Any]
    changed: list[str] = field(default_factory=list)
    unplaced: list[str] = field(default_factory=list)


_TEXTS = tuple(f.name for f in FIELDS if f.shape == "text")
"""Top-level free texts: one emptied by an edit stays, empty, for the letter to say so."""

_SEARCH_ORDER = {"text": 0, "group": 1, "texts": 2, "records": 3}


def _block_fields(data: dict[str, Any]) -> list[tuple[Path_, str, str]]:
    """(path, value, indent) of every free-text field a letter body prints as a block.

    They are searched for in the rendered letter in this order: whole texts first, then the
    texts inside groups, then list items (bulleted lists before the others); each field takes
    the first place its text is printed that no field before it took.
    """
    out: list[tuple[Path_, str, str]] = []
    for path in text_paths(data):
        value: Any = data
        for part in path:
            if isinstance(value, dict):
                value = value.get(part)
            else:
                value = value[part] if isinstance(value, list) and isinstance(part, int) else None
        if isinstance(value, str):
            row = BY_NAME[str(path[0])]
            out.append((path, value, "    " if row.bulleted and len(path) > 1 else ""))

    def order(item: tuple[Path_, str, str]) -> int:
        row = BY_NAME[str(item[0][0])]
        return _SEARCH_ORDER[row.shape] * 2 + (row.shape == "texts" and not row.bulleted)

    return sorted(out, key=order)


def unescape(markdown: str, indent: str) -> str:
    """Undo ``md_block``'s escaping for text a person edited."""
    text = markdown.replace("\n" + indent, "\n") if indent else markdown
    text = _UNESCAPE.sub(r"\1", text)
    return text.replace("&#61;", "=").replace("&lt;", "<").replace("&amp;", "&")


Span_ = tuple[int, int, Path_, str, str]
"""(start, end, path, value, indent) of a field's text in the rendered letter."""

CONVERTED = ("feeling", "image", "referrer", "rewritten")
"""Pieces letterkit made from a field rather than printing it as typed: a feeling word (in
the form the sentence needs), a quoted image, the referrer at the start of a sentence, a
phrase with its verbs and pronouns changed to fit its frame (an edit to it becomes the
field's text, as the patient wrote it)."""
_REF_LINE = re.compile(r"(?m)^Ref: ([0-9a-f]{8})(, changed since)?[ \t]*$")


def reference_in(markdown: str) -> tuple[str, bool] | None:
    """The draft a rendered copy was made from: its short hash, and whether the letter had
    unsaved changes at the time ("Ref: abc12345, changed since")."""
    match = _REF_LINE.search(markdown)
    return (match.group(1), bool(match.group(2))) if match else None


def _without_ref(markdown: str) -> str:
    return _REF_LINE.sub("", markdown)


def _locate(
    data: dict[str, Any],
    original_md: str,
    passages: Sequence[Passage] = (),
    respaced: set[Path_] | None = None,
) -> list[Span_]:
    """Where each free-text field's Markdown sits in the rendered letter, and each piece
    letterkit made from a field in its composed passages (``_converted``).

    A field found only with its spacing changed (easy read puts every sentence on a line of
    its own) is added to ``respaced``.
    """
    spans: list[Span_] = []

    def free(at: int, end: int) -> bool:
        return all(end <= s[0] or at >= s[1] for s in spans)

    for at, end, path, value, kind in _converted(data, original_md, passages):
        if end > at and free(at, end):
            spans.append((at, end, path, value, kind))
    for path, value, indent in _block_fields(data):
        rendered = md_block(value, indent)
        if not rendered:
            continue
        start = 0
        while (at := original_md.find(rendered, start)) >= 0:
            end = at + len(rendered)
            if free(at, end):
                spans.append((at, end, path, value, indent))
                break
            start = at + 1
        else:
            pattern = r"\s+".join(re.escape(word) for word in rendered.split())
            for match in re.finditer(pattern, original_md):
                if free(match.start(), match.end()):
                    spans.append((match.start(), match.end(), path, value, indent))
                    if respaced is not None:
                        respaced.add(path)
                    break
    return sorted(spans)


def _respace(standard: str, shown: str, edited: str) -> str:
    """``edited`` is ``shown`` (``standard`` with only its spacing changed) with a person's
    edits: the same edits made to ``standard``, so the field keeps its own spacing."""
    runs = [m.group() for m in re.finditer(r"\s+", standard)]
    shown_runs = [(m.start(), m.end()) for m in re.finditer(r"\s+", shown)]
    if len(runs) != len(shown_runs):
        return edited
    run_at = {i: k for k, (s, e) in enumerate(shown_runs) for i in range(s, e)}
    out: list[str] = []
    position = 0
    done: set[int] = set()
    for op, text in word_diff(shown, edited):
        if op == "+":
            out.append(text)
            continue
        if op == "=":
            for i in range(position, position + len(text)):
                k = run_at.get(i)
                if k is None:
                    out.append(shown[i])
                elif k not in done:
                    out.append(runs[k])
                    done.add(k)
        position += len(text)
    return "".join(out)


def _converted(
    data: dict[str, Any], original_md: str, passages: Sequence[Passage]
) -> list[tuple[int, int, Path_, str, str]]:
    """(start, end, path, value, kind) of each converted piece of the composed passages."""
    out: list[tuple[int, int, Path_, str, str]] = []
    ipaf: dict[str, Any] = data["ipaf"] if isinstance(data.get("ipaf"), dict) else {}
    for passage in passages:
        for paragraph in passage.paragraphs:
            if not "".join(piece.text for piece in paragraph).strip():
                continue
            # Each piece a group; spacing may differ (easy read splits sentences onto lines).
            pattern = "".join(f"({_loose(piece.text)})" for piece in paragraph)
            match = re.search(pattern, original_md)
            if match is None:
                continue
            for number, piece in enumerate(paragraph, start=1):
                start, at = match.start(number), match.end(number)
                printed = original_md[start:at]
                path = piece.path or ()
                if piece.kind == "field" and path[:2] == ("ipaf", "imagery"):
                    out.append((start, at, path, printed, "image"))
                elif piece.kind == "converted" and path == ("referral", "by"):
                    lead = re.split(r"\s+referred you", printed, maxsplit=1)[0]
                    out.append((start, start + len(lead), path, lead, "referrer"))
                elif piece.kind == "rewritten" and path:
                    out.append((start, at, path, printed, "rewritten"))
                elif piece.kind == "converted" and path == ("ipaf", "affect"):
                    out += _feeling_words(printed, start, ipaf.get("affect") or [], understand)
    return out


def _loose(text: str) -> str:
    """A pattern for ``text`` that allows any spacing where it has some."""
    return "".join(r"\s+" if part.isspace() else re.escape(part) for part in re.split(r"(\s+)", text) if part)


def _feeling_words(
    sentence: str, offset: int, affect: list[Any], understand: Callable[[str], Any]
) -> list[tuple[int, int, Path_, str, str]]:
    """Each feeling's word in the feelings sentence, in whatever form the sentence put it."""
    out: list[tuple[int, int, Path_, str, str]] = []
    taken: list[tuple[int, int]] = []
    for index, item in enumerate(affect):
        typed = item if isinstance(item, str) else item.get("feeling") if isinstance(item, dict) else None
        if not isinstance(typed, str) or not typed.strip():
            continue
        feeling = understand(typed)
        forms = sorted(
            {f for f in (feeling.typed, feeling.adjective, feeling.noun, typed.strip()) if f}, key=len
        )
        for form in reversed(forms):
            found = None
            for match in re.finditer(rf"(?<!\w){re.escape(md_inline(form))}(?!\w)", sentence, re.IGNORECASE):
                if all(match.end() <= s or match.start() >= e for s, e in taken):
                    found = match
                    break
            if found:
                taken.append((found.start(), found.end()))
                out.append(
                    (
                        offset + found.start(),
                        offset + found.end(),
                        ("ipaf", "affect", index),
                        found.group(),
                        "feeling",
                    )
                )
                break
    return out


def _replacements(original: str, edited: str) -> list[tuple[int, int, str, int]]:
    """The word diff as (position in original, characters removed, text inserted, position
    in the edited text)."""
    out: list[tuple[int, int, str, int]] = []
    position = 0
    shift = 0
    segments = word_diff(original, edited)
    index = 0
    while index < len(segments):
        op, text = segments[index]
        if op == "=":
            position += len(text)
        else:
            removed = text if op == "-" else ""
            inserted = text if op == "+" else ""
            if op == "-" and index + 1 < len(segments) and segments[index + 1][0] == "+":
                inserted = segments[index + 1][1]
                index += 1
            at = _line_aligned(original, position, len(removed)) if removed and not inserted else position
            out.append((at, len(removed), inserted, at + shift))
            position += len(removed)
            shift += len(inserted) - len(removed)
        index += 1
    return out


def _line_aligned(text: str, position: int, length: int) -> int:
    """A pure deletion can often slide (deleting "b\n- a" or "a\nb\n- " is the same edit):
    prefer the place where it starts at the beginning of a line, so a deleted list item or
    paragraph is taken out whole instead of straddling two fields."""
    left = position
    while left > 0 and text[left - 1] == text[left + length - 1]:
        left -= 1
    right = position
    while right + length < len(text) and text[right] == text[right + length]:
        right += 1
    for at in range(left, right + 1):
        if at == 0 or text[at - 1] == "\n":
            return at
    return position


def import_markdown(
    data: dict[str, Any], original_md: str, edited_md: str, passages: Sequence[Passage] = ()
) -> ImportResult:
    """Apply the edits between ``original_md`` and ``edited_md`` to the letter ``data``.

    A deletion is applied to every field it overlaps (so deleting a whole list item or
    paragraph works); inserted text goes to the field it was typed in, or next to. An edit
    to letterkit's own wording keeps the edited line in ``patient_comments``; new text typed
    outside every field is kept there as typed. ``passages`` are the composed passages the
    letter was rendered with (``compose.composed_passages``): with them, edits to feeling
    words, quoted images and the referrer find their fields.
    """
    original_md, edited_md = _without_ref(original_md), _without_ref(edited_md)
    respaced: set[Path_] = set()
    spans = _locate(data, original_md, passages, respaced)
    edits: dict[Path_, list[tuple[int, int, str]]] = {}
    unplaced: list[str] = []
    for position, length, inserted, edited_at in _replacements(original_md, edited_md):
        end = position + length
        if length:
            hit = [s for s in spans if s[0] < end and s[1] > position]
        else:
            hit = [s for s in spans if s[0] <= position <= s[1]][:1]
        for number, (start, stop, path, _, _) in enumerate(hit):
            cut_from, cut_to = max(position, start), min(end, stop)
            text = inserted if number == 0 else ""
            edits.setdefault(path, []).append((cut_from - start, cut_to - cut_from, text))
        uncovered = _uncovered(original_md, position, end, hit)
        if hit and uncovered.strip(" \t\n.,;:"):
            # partly letterkit's own wording: the field took its part; keep the line too
            line = _line_at(edited_md, edited_at)
            if line and line not in unplaced:
                unplaced.append(line)
        if hit or not (original_md[position:end].strip() or inserted.strip()):
            continue  # placed, or only spacing changed
        if length or (inserted.strip() and "\n" not in inserted.strip()):
            # letterkit's own wording was changed: keep the line as the patient left it
            line = _line_at(edited_md, edited_at)
            if line and line not in unplaced:
                unplaced.append(line)
        elif inserted.strip():
            unplaced.append(_plain(inserted))

    result = ImportResult(data=_copy(data), unplaced=unplaced)
    # Last field first, so that new list items do not shift the items still to be edited.
    for start, end, path, value, indent in reversed(spans):
        if path not in edits:
            continue
        converted = indent in CONVERTED
        new_md = original_md[start:end] if converted or path in respaced else md_block(value, indent)
        for offset, length, inserted in sorted(edits[path], reverse=True):
            new_md = new_md[:offset] + inserted + new_md[offset + length :]
        if path in respaced:
            new_md = _respace(md_block(value, indent), original_md[start:end], new_md)
        if converted:
            if new_md != original_md[start:end]:
                _set_converted(result, path, indent, unescape(new_md, "").strip())
            continue
        extra_items: list[str] = []
        if path[0] in TEXT_LISTS and isinstance(path[-1], int):
            new_md, extra_items = _split_new_items(new_md)
        new_value = unescape(new_md, indent).strip()
        if new_value != value.strip():
            result.changed.append(dotted(path))
            trailing = value[len(value.rstrip()) :]
            _set(result.data, path, new_value + trailing if new_value else None)
        if extra_items:
            name, index = str(path[0]), int(path[-1])
            for offset, item in enumerate(extra_items, start=1):
                result.data[name].insert(index + offset, unescape(item, "    ").strip())
            result.changed.append(f"{name}[+]")
    _drop_removed(result.data)
    if unplaced:
        result.data.setdefault("patient_comments", [])
        result.data["patient_comments"].extend(unplaced)
    result.changed.reverse()
    return result


def _set_converted(result: ImportResult, path: Path_, kind: str, text: str) -> None:
    """A converted piece edited: the feeling, image or referrer as the patient wrote it."""
    text = text.strip("‘’“” ") if kind == "image" else text
    if kind == "referrer":
        text = text.rstrip(",").strip()
        old = result.data["referral"].get("by") or ""
        if text[:1].lower() == old[:1] and text[:1] != old[:1]:
            text = text[:1].lower() + text[1:]  # the capital was only the sentence's
    result.changed.append(dotted(path))
    if kind == "feeling":
        current = result.data["ipaf"]["affect"][path[-1]]
        if isinstance(current, dict):
            _set(result.data, path, {**current, "feeling": text} if text else None)
            return
    _set(result.data, path, text or None)


def _uncovered(text: str, start: int, end: int, spans: Sequence[Span_]) -> str:
    """The characters of ``text[start:end]`` outside every one of ``spans``."""
    return "".join(
        ch for i, ch in enumerate(text[start:end], start) if not any(s[0] <= i < s[1] for s in spans)
    )


def _line_at(markdown: str, position: int) -> str:
    """The line of ``markdown`` at ``position``, as plain text."""
    start = markdown.rfind("\n", 0, position) + 1
    end = markdown.find("\n", position)
    return _plain(markdown[start : end if end >= 0 else len(markdown)])


def merge(
    base: dict[str, Any], ours: dict[str, Any], theirs: dict[str, Any]
) -> tuple[dict[str, Any], list[str]]:
    """Three-way merge by section: ``ours`` (the patient's edits of ``base``) onto ``theirs``
    (the latest draft). Returns the merged data and the sections both changed."""
    merged = _copy(theirs)
    conflicts = []
    for key in list(ours) + [k for k in base if k not in ours]:
        mine, old, latest = ours.get(key), base.get(key), theirs.get(key)
        if mine == old:
            continue
        if key == "patient_comments":
            added = [c for c in mine or [] if c not in (old or [])]
            merged[key] = list(latest or []) + added
        elif latest == old:
            if mine is None:
                merged.pop(key, None)
            else:
                merged[key] = mine
        elif latest != mine:
            conflicts.append(key)
    return merged, conflicts


def _split_new_items(markdown: str) -> tuple[str, list[str]]:
    """An item's text, and any new items typed after it as lines starting '- '."""
    parts = re.split(r"\n\s*(?:\n\s*)?[-*+] ", markdown)
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
    ipaf = data.get("ipaf")
    if isinstance(ipaf, dict):
        for key in ("affect", "imagery"):
            if isinstance(ipaf.get(key), list):
                ipaf[key] = [item for item in ipaf[key] if item is not None]
    for key in TEXT_LISTS:
        if isinstance(data.get(key), list):
            data[key] = [item for item in data[key] if item is not None]
    for key in _TEXTS:
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


def to_letter_file(data: dict[str, Any], name: str) -> str:
    """Letter data in the format its file name asks for: JSON for .json, else YAML."""
    if name.lower().endswith(".json"):
        import json

        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    return to_yaml(data)
