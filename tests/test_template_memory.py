"""A service's template pack cannot make a huge value: every way of building text (``*``,
``~``, ``replace``, ``format``, ``join``, ``indent``, their string-method forms) is sized
before the value is made, and refused with a clean template error."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from conftest import GOODBYE_DATA

import letterkit
from letterkit.errors import TemplateError
from letterkit.writers.document import RenderOptions

ATTACKS = {
    # each would make 50 MB or more; the issue's own form would make 1 GB
    "replace": "{{ ('a'*100000)|replace('a','a'*500)|length }}",
    "replace-1GB": "{{ ('a'*1000000)|replace('a','a'*1000)|length }}",
    "replace-method": "{{ ('a'*100000).replace('a','a'*500)|length }}",
    "format": "{{ ('%s'*5000)|format(*(['a'*10000]*5000))|length }}",
    "format-mapping": "{{ ('%(a)s'*10)|format(a='x'*5000000)|length }}",
    "format-method": "{{ ('{0}'*10).format('x'*5000000)|length }}",
    "join": "{{ (['a'*1000000]*50)|join|length }}",
    "join-method": "{{ ''.join(['a'*1000000]*50)|length }}",
    "tilde": "{% set a = 'a'*10000000 %}{{ (a ~ a ~ a ~ a ~ a)|length }}",
    "indent": "{{ ('\\n'*100000)|indent(500)|length }}",
}


def _render(tmp_path: Path, source: str) -> str | bytes:
    folder = tmp_path / "templates"
    folder.mkdir(exist_ok=True)
    (folder / "letter.md.j2").write_text(source, encoding="utf-8")
    letter = letterkit.from_data(copy.deepcopy(GOODBYE_DATA))
    return letterkit.render(letter, RenderOptions(format="md", template_dir=str(folder)))


@pytest.mark.parametrize("source", ATTACKS.values(), ids=ATTACKS.keys())
def test_a_template_cannot_build_a_huge_value(tmp_path: Path, source: str) -> None:
    with pytest.raises(TemplateError) as caught:
        _render(tmp_path, source)
    message = str(caught.value)
    assert message.startswith("letter.md.j2: template error: the ")
    assert message.endswith("value would be larger than 16,777,216 characters")


def test_building_text_in_bounds_still_works(tmp_path: Path) -> None:
    source = (
        "{{ 'Dear NAME'|replace('NAME', 'Sam') }}|{{ 'a' ~ 1 ~ 'b' }}|{{ ['x', 'y']|join(', ') }}|"
        "{{ '%s and %s'|format('x', 'y') }}|{{ 'a\\nb'|indent(2) }}|{{ '-'.join(['p', 'q']) }}|"
        "{{ ('ab' * 3).replace('b', 'c') }}|{{ '{0}!'.format('hi') }}"
    )
    assert _render(tmp_path, source) == "Dear Sam|a1b|x, y|x and y|a\n  b|p-q|acacac|hi!\n"
