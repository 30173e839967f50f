"""Easy read that is easy read: the therapist's own easy-read text for a section, and a picture
beside each section heading.

A section's ``easy_read.<section>`` text replaces its words in the easy-read style (without one,
letterkit can only put the section's own sentences on lines of their own). Each line the
therapist wrote is a line of the letter. The pictures are OpenMoji's (CC BY-SA 4.0), vendored in
``styles/pictograms/`` with their licence; each is drawn inline with a text alternative.
"""

from __future__ import annotations

import functools
import html as html_lib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from letterkit.compose.escaping import md_block
from letterkit.model import fields, kinds
from letterkit.model.fields import EASY_READ_SECTIONS, FieldPath, text_paths
from letterkit.model.schema import LetterBase
from letterkit.resources import styles_dir

__all__ = [
    "PICTOGRAMS",
    "PICTOGRAM_CREDIT",
    "Pictogram",
    "add_pictograms",
    "easy_read_texts",
    "one_line_each",
    "section_of",
    "section_texts",
    "sections_needing_text",
]


def one_line_each(text: str) -> str:
    """The therapist's easy-read text with every line a paragraph of its own."""
    return "\n\n".join(line.strip() for line in text.splitlines() if line.strip())


def section_texts(letter: LetterBase, block: Any = None) -> dict[str, str]:
    """Each section's easy-read text as escaped Markdown, one line a paragraph, by section."""
    given = letter.easy_read
    if given is None:
        return {}

    def escaped(path: FieldPath, value: str) -> str:
        return block(path, value) if block is not None else md_block(value)

    out = {}
    for section in EASY_READ_SECTIONS:
        value = getattr(given, section)
        if value and value.strip():
            out[section] = escaped(("easy_read", section), one_line_each(value))
    return out


def _has_words(value: Any) -> bool:
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, Mapping):
        return any(_has_words(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_words(v) for v in value)
    return False


def _section_words(data: Mapping[str, Any], section: str) -> Any:
    """What a section prints from the letter's (possibly invalid) data."""
    if section == "background":
        referral = data.get("referral")
        return [data.get("background"), referral.get("reason") if isinstance(referral, Mapping) else None]
    if section == "ipaf":
        ipaf = data.get("ipaf")
        parts = ("self", "other", "protects", "reversal", "internalised")
        return [ipaf.get(part) for part in parts] if isinstance(ipaf, Mapping) else None
    return data.get(section)


def sections_needing_text(data: Mapping[str, Any]) -> list[str]:
    """The sections the letter prints that have no easy-read text of their own yet."""
    given = data.get("easy_read")
    given = given if isinstance(given, Mapping) else {}
    return [
        section
        for section in EASY_READ_SECTIONS
        if _has_words(_section_words(data, section)) and not _has_words(given.get(section))
    ]


def section_of(path: FieldPath) -> str:
    """The section a field prints in: its top-level name (the referral's is the background)."""
    return "background" if path[0] == "referral" else str(path[0])


def easy_read_texts(letter: LetterBase) -> list[str]:
    """The words an easy-read letter prints from its text fields (``TEXT_FIELDS``): each
    section's easy-read text where the therapist wrote one, else the section's own words."""
    data = letter.model_dump(by_alias=True)
    given = {k for k, v in (data.get("easy_read") or {}).items() if v}
    out = []
    for path in text_paths(data):
        value: Any = data
        for key in path:
            if isinstance(value, Mapping):
                value = value.get(key)
            elif isinstance(value, list) and isinstance(key, int):
                value = value[key]
            else:
                value = None
        if not isinstance(value, str) or not value.strip():
            continue
        if path[0] == "easy_read":
            out.append(one_line_each(value))
        elif section_of(path) not in given:
            out.append(value)
    return out


# --------------------------------------------------------------------------- pictograms


@dataclass(frozen=True)
class Pictogram:
    """A picture beside a heading: its file in ``styles/pictograms/`` and its text alternative."""

    file: str
    alt: str


_PICTURES: dict[str, Pictogram] = {
    "background": Pictogram("1F6AA.svg", "A door"),
    "ipaf": Pictogram("1F504.svg", "Arrows going round and round"),
    "goals": Pictogram("2B50.svg", "A star"),
    "coping_strategies": Pictogram("1F6E1.svg", "A shield"),
    "course_of_therapy": Pictogram("1F4AC.svg", "A speech bubble"),
    "changes": Pictogram("1F331.svg", "A small plant growing"),
    "unfinished_business": Pictogram("1F9E9.svg", "A puzzle piece"),
    "ending": Pictogram("1F44B.svg", "A hand waving goodbye"),
    "transference": Pictogram("1F465.svg", "Two people"),
    "keeping_well": Pictogram("2602.svg", "An umbrella"),
    "patient_comments": Pictogram("270D.svg", "A hand writing"),
    "help": Pictogram("260E.svg", "A telephone"),
}
"""Each section's picture, by the field it prints."""


def _by_heading() -> dict[str, Pictogram]:
    headings = [(name, heading) for kind in kinds.names() for name, heading in kinds.get(kind).headings]
    headings.append(("help", fields.BY_NAME["help"].place or ""))
    found = {heading: _PICTURES[name] for name, heading in headings if name in _PICTURES}
    return found | {fields.GLOSSARY_HEADING: Pictogram("1F4D6.svg", "An open book")}


PICTOGRAMS: dict[str, Pictogram] = _by_heading()
"""Each built-in section heading's picture (a heading of a service's own has none)."""

PICTOGRAM_CREDIT = "Pictures from OpenMoji (openmoji.org), shared under the CC BY-SA 4.0 licence."
"""The credit the pictures' licence asks for, printed once in an easy-read letter."""

_HEADING = re.compile(r"<h2>([^<]*)</h2>")


@functools.cache
def _svg_source(name: str) -> str:
    """A pictogram's SVG, ready to go inline: no XML prolog, no ids (one page holds many)."""
    text = (styles_dir() / "pictograms" / name).read_text(encoding="utf-8")
    text = re.sub(r"<\?xml[^>]*\?>\s*", "", text)
    return re.sub(r'\s+id="[^"]*"', "", text).strip()


def _inline(picture: Pictogram) -> str:
    alt = html_lib.escape(picture.alt, quote=True)
    svg = _svg_source(picture.file)
    opening = re.match(r"<svg\b[^>]*>", svg)
    if opening is None:  # not an SVG: draw nothing rather than something broken
        return ""
    head = opening.group(0)[:-1] + f' class="pictogram" role="img" aria-label="{alt}">'
    return head + f"<title>{alt}</title>" + svg[opening.end() :]


def add_pictograms(html: str) -> tuple[str, int]:
    """``html`` with a picture at the start of each section heading the table knows, and how
    many were added."""
    count = 0

    def add(match: re.Match[str]) -> str:
        nonlocal count
        picture = PICTOGRAMS.get(html_lib.unescape(" ".join(match.group(1).split())))
        drawn = _inline(picture) if picture else ""
        if not drawn:
            return match.group(0)
        count += 1
        return f'<h2 class="with-pictogram">{drawn}<span>{match.group(1)}</span></h2>'

    return _HEADING.sub(add, html), count
