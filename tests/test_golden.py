"""Golden files: each sample letter's Markdown, compared exactly.

A change in wording, layout or escaping shows up here as a readable diff. After a deliberate
change, regenerate with ``LETTERKIT_UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py`` and
read the diff before committing it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import SAMPLE_NAMES, SAMPLES

import letterkit.api as api

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("LETTERKIT_UPDATE_GOLDEN") == "1"


def render_sample(name: str) -> str:
    path = SAMPLES / f"{name}.yaml"
    text = api.render(api.load(path), "md", settings=api.settings_for(path))
    assert isinstance(text, str)
    return text


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_sample_markdown_matches_golden(name):
    golden = GOLDEN / f"{name}.md"
    actual = render_sample(name)
    if UPDATE:
        golden.write_text(actual, encoding="utf-8")
    assert golden.is_file(), f"{golden} is missing: run with LETTERKIT_UPDATE_GOLDEN=1 to create it"
    expected = golden.read_text(encoding="utf-8")
    assert actual == expected, (
        f"{name}: the Markdown differs from {golden.relative_to(GOLDEN.parent.parent)}; if the change "
        "is intended, rerun with LETTERKIT_UPDATE_GOLDEN=1 and review the diff"
    )


def test_every_sample_has_a_golden_file_and_no_strays():
    samples = {p.stem for p in SAMPLES.glob("*.yaml")}
    assert samples == set(SAMPLE_NAMES)
    assert {p.stem for p in GOLDEN.glob("*.md")} == samples
