"""Staying well after the ending (issue 20): the goodbye letter's plan for when the pattern comes
back, from the schema to every output (fictional people only)."""

from __future__ import annotations

import io
import json
import re
from typing import Any

import pytest
import yaml
from conftest import SAMPLES

import letterkit.api as api
from letterkit.model import loading
from letterkit.model.settings import load_settings
from letterkit.web import forms
from letterkit.workspace import Workspace
from letterkit.workspace.letters import scaffold

PLAN = {
    "early_signs": ["Staying in every evening again.", "Cancelling on friends at the last minute."],
    "what_helps": ["Reading this letter again."],
    "who_to_contact": ["Your neighbour Wren, who knows about this letter."],
}
HEADING = "## Keeping well after our sessions end"


def _render(data: dict[str, Any], format: str = "md", style: str = "standard") -> Any:
    letter = loading.load_data(data)
    options = api.RenderOptions(format=format, style=style)
    return Workspace().render(letter, options, settings=load_settings(SAMPLES / "letterkit.toml")).content


def test_the_plan_is_printed_after_the_last_section_and_before_the_help_box(
    goodbye_data: dict[str, Any],
) -> None:
    text = _render({**goodbye_data, "keeping_well": PLAN})
    order = [
        "## How the pattern showed up between us",
        HEADING,
        "### Signs that the old pattern is coming back",
        "- Staying in every evening again.",
        "- Cancelling on friends at the last minute.",
        "### What helps",
        "- Reading this letter again.",
        "### Who you can turn to",
        "- Your neighbour Wren, who knows about this letter.",
        "Thank you for your courage",
        "With warm wishes,",
        "## Where to find help",
    ]
    at = [text.index(part) for part in order]
    assert at == sorted(at), text


def test_no_plan_no_section(goodbye_data: dict[str, Any]) -> None:
    assert HEADING not in _render(goodbye_data)
    assert HEADING not in _render({**goodbye_data, "keeping_well": {"early_signs": []}})
    only_helps = _render({**goodbye_data, "keeping_well": {"what_helps": ["Walking the dog."]}})
    assert HEADING in only_helps and "### What helps" in only_helps
    assert "### Signs that" not in only_helps and "### Who you can" not in only_helps


def test_the_plan_is_escaped_like_every_field(goodbye_data: dict[str, Any]) -> None:
    html = _render({**goodbye_data, "keeping_well": {"what_helps": ["<b>Walking</b> the dog."]}}, "html")
    assert "&lt;b&gt;Walking&lt;/b&gt; the dog." in html


def test_word_and_fhir_carry_the_plan(goodbye_data: dict[str, Any]) -> None:
    import docx

    data = {**goodbye_data, "keeping_well": PLAN}
    document = docx.Document(io.BytesIO(_render(data, "docx")))
    paragraphs = [(p.style.name, p.text) for p in document.paragraphs]
    assert ("Heading 2", "Keeping well after our sessions end") in paragraphs
    assert ("Heading 3", "What helps") in paragraphs
    assert ("List Bullet", "Reading this letter again.") in paragraphs

    bundle = json.loads(_render(data, "fhir"))
    (composition,) = [
        e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Composition"
    ]
    titles = [section.get("title") for section in composition["section"]]
    assert titles.index("Keeping well after our sessions end") < titles.index("Where to find help")
    (plan,) = [s for s in composition["section"] if s.get("title") == "Keeping well after our sessions end"]
    assert "Your neighbour Wren, who knows about this letter." in plan["text"]["div"]


def test_the_scaffold_asks_for_the_plan() -> None:
    """Optional, so commented out like the scaffold's other optional sections: uncommented, it
    is a plan with all three parts."""
    text = scaffold("goodbye-letter")
    block = re.search(r"^# keeping_well:\n(?:#   .*\n)+", text, flags=re.M)
    assert block is not None
    plan = yaml.safe_load(re.sub(r"^# ?", "", block.group(), flags=re.M))["keeping_well"]
    assert set(plan) == {"early_signs", "what_helps", "who_to_contact"}
    assert "keeping_well" not in scaffold("formulation")


def test_the_schema_describes_each_part() -> None:
    schema = json.loads(api.schema("goodbye-letter"))
    plan = schema["$defs"]["KeepingWell"]["properties"]
    assert plan["early_signs"]["description"].startswith("Which early signs tell the patient")
    assert plan["who_to_contact"]["items"]["type"] == "string"
    assert "keeping_well" in schema["properties"]


def test_the_web_form_has_the_plan(goodbye_data: dict[str, Any]) -> None:
    form = forms.build("goodbye-letter", {**goodbye_data, "keeping_well": PLAN}, {})
    (plan,) = [f for f in form if f.path == "keeping_well"]
    assert plan.label == "Keeping well after our sessions end"
    parts = {child.path: child for child in plan.children}
    assert [item.value for item in parts["keeping_well.early_signs"].items] == PLAN["early_signs"]


@pytest.mark.parametrize("name", ["peter-goodbye", "aliya-goodbye"])
def test_the_sample_goodbye_letters_have_a_plan(name: str) -> None:
    letter = api.load(SAMPLES / f"{name}.yaml")
    assert letter.keeping_well is not None
    assert (
        letter.keeping_well.early_signs
        and letter.keeping_well.what_helps
        and letter.keeping_well.who_to_contact
    )
