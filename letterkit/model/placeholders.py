"""The example text of a new letter's scaffold, which must not reach a patient.

``letterkit new`` writes a scaffold whose values are examples in square brackets:
``"[The name they like to be called: the letter opens 'Dear …']"``. A value that is still
exactly one of them is a placeholder: the letter is not finished. Other brackets are the
therapist's own text: a Markdown link, a redaction marker such as ``[phone number removed]``,
a bracket inside a sentence.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from typing import Any

from letterkit.model.fields import FieldPath
from letterkit.resources import templates_dir

_BRACKET = re.compile(r"\[[^\[\]]*\]")
_WHOLE = re.compile(r"\[[^\[\]]*\]")


def _normal(text: str) -> str:
    return " ".join(text.split())


@functools.cache
def scaffold_placeholders() -> frozenset[str]:
    """Every ``[…]`` example in the built-in scaffolds (comments included, so that an example
    uncommented but not filled in is caught too), with runs of spaces made one."""
    found: set[str] = set()
    for scaffold in sorted((templates_dir() / "scaffolds").glob("*.yaml")):
        lines = scaffold.read_text(encoding="utf-8").splitlines()
        # A comment's '#' is not part of an example that runs on over several comment lines.
        text = "\n".join(line.lstrip().removeprefix("#") for line in lines)
        found.update(_BRACKET.findall(_normal(text)))
    return frozenset(found)


def is_placeholder(value: object) -> bool:
    """Whether ``value`` is, as a whole, one of the scaffolds' examples."""
    if not isinstance(value, str):
        return False
    text = _normal(value)
    return bool(_WHOLE.fullmatch(text)) and text in scaffold_placeholders()


def find_placeholders(data: Any, path: FieldPath = ()) -> Iterator[tuple[FieldPath, str]]:
    """The path and text of every value in ``data`` that is still a scaffold's example."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield from find_placeholders(value, path + (key,))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from find_placeholders(value, path + (index,))
    elif is_placeholder(data):
        yield path, _normal(str(data))


def message(text: str) -> str:
    """What a therapist reads for a field still holding the example ``text``."""
    shown = text if len(text) <= 50 else text[:45].rstrip() + " …]"
    return (
        f"still holds the scaffold's example {shown} — write your own words in its place, "
        "or delete it if it is optional"
    )
